"""/api/v1/contacts: CRUD, search, pages, access control and every kind of bad input."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coffeechat.network.models import Contact, Organization, Tag
from tests.factories import make_contact, make_organization, make_user

CONTACTS = "/api/v1/contacts"
CONTACT_KEYS = {
    "id",
    "name",
    "email",
    "phone",
    "linkedin_url",
    "organization",
    "title",
    "field",
    "time_zone",
    "source",
    "source_label",
    "referred_by",
    "practice",
    "notes",
    "tags",
    "created_at",
    "updated_at",
}


def url(contact: Contact | str) -> str:
    key = contact.uuid if isinstance(contact, Contact) else contact
    return f"{CONTACTS}/{key}"


def post(client: Client, data: Any) -> Any:
    return client.post(CONTACTS, data, content_type="application/json")


def patch(client: Client, contact: Contact, data: Any) -> Any:
    return client.patch(url(contact), data, content_type="application/json")


def snapshot(contact: Contact) -> dict[str, Any]:
    """Everything about a contact as stored, to show a refused request changed nothing."""
    fresh = Contact.objects.get(pk=contact.pk)
    row = {f.attname: getattr(fresh, f.attname) for f in Contact._meta.concrete_fields}
    row["tags"] = sorted(fresh.tags.values_list("name", flat=True))
    return row


def locations(response: Any) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["detail"]]


# Create, read, update, delete ---------------------------------------------------


def test_create_returns_the_contact_with_public_ids_only(alice_client: Client, alice: Any) -> None:
    referrer = make_contact(alice, "Prof. Ana Ruiz")

    response = post(
        alice_client,
        {
            "name": "  Dana   Reyes ",
            "email": "dana@example.com",
            "phone": "+1 555 0100",
            "linkedin_url": "https://www.linkedin.com/in/dana",
            "organization_name": "Acme Health",
            "title": "UX Researcher",
            "field": "Design",
            "time_zone": "Europe/Paris",
            "source": "faculty",
            "referred_by": str(referrer.uuid),
            "practice": True,
            "notes": "Met at the career fair.",
            "tags": ["ux", "Design", "UX"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == CONTACT_KEYS
    contact = Contact.objects.get(uuid=body["id"])
    assert contact.owner == alice
    assert body["name"] == "Dana Reyes"
    assert body["organization"] == {"id": str(contact.organization.uuid), "name": "Acme Health"}
    assert body["referred_by"] == {"id": str(referrer.uuid), "name": "Prof. Ana Ruiz"}
    assert body["source"] == "faculty"
    assert body["source_label"] == "Faculty"
    assert body["practice"] is True
    assert body["tags"] == ["Design", "ux"]
    assert sorted(contact.tags.values_list("name", flat=True)) == ["Design", "ux"]


def test_create_with_only_a_name(alice_client: Client) -> None:
    response = post(alice_client, {"name": "Dana Reyes"})

    assert response.status_code == 201
    body = response.json()
    assert (body["organization"], body["referred_by"], body["tags"]) == (None, None, [])
    assert body["source"] == ""
    assert body["source_label"] == ""


def test_create_with_an_organization_id(alice_client: Client, alice: Any) -> None:
    organization = make_organization(alice, "Acme Health")

    response = post(alice_client, {"name": "Dana", "organization": str(organization.uuid)})

    assert response.status_code == 201
    assert Contact.objects.get(uuid=response.json()["id"]).organization == organization


def test_organization_name_reuses_an_existing_organization(
    alice_client: Client, alice: Any
) -> None:
    organization = make_organization(alice, "Acme Health")

    response = post(alice_client, {"name": "Dana", "organization_name": "ACME health"})

    assert response.json()["organization"]["id"] == str(organization.uuid)
    assert Organization.objects.filter(owner=alice).count() == 1


def test_read_round_trip(alice_client: Client) -> None:
    created = post(alice_client, {"name": "Dana", "tags": ["ux"], "source": "alumni"}).json()

    response = alice_client.get(url(created["id"]))

    assert response.status_code == 200
    assert response.json() == created


def test_patch_changes_only_the_fields_sent(alice_client: Client, alice: Any) -> None:
    contact = make_contact(
        alice, "Dana Reyes", email="dana@example.com", title="Designer", tags=["ux", "design"]
    )

    response = patch(alice_client, contact, {"title": "Lead Designer"})

    assert response.status_code == 200
    assert response.json()["title"] == "Lead Designer"
    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.title) == (
        "Dana Reyes",
        "dana@example.com",
        "Lead Designer",
    )
    assert sorted(contact.tags.values_list("name", flat=True)) == ["design", "ux"]


def test_patch_tags_replaces_the_list(alice_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana", tags=["ux", "design"])

    response = patch(alice_client, contact, {"tags": ["research"]})

    assert response.json()["tags"] == ["research"]
    assert list(contact.tags.values_list("name", flat=True)) == ["research"]


def test_patch_empty_tags_removes_them_all(alice_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana", tags=["ux"])

    response = patch(alice_client, contact, {"tags": []})

    assert response.json()["tags"] == []
    assert not contact.tags.exists()


def test_patch_null_clears_referrer_and_organization(alice_client: Client, alice: Any) -> None:
    referrer = make_contact(alice, "Ana")
    contact = make_contact(alice, "Dana", referred_by=referrer, organization_name="Acme")

    response = patch(alice_client, contact, {"referred_by": None, "organization": None})

    assert response.status_code == 200
    assert (response.json()["referred_by"], response.json()["organization"]) == (None, None)
    contact.refresh_from_db()
    assert (contact.referred_by, contact.organization) == (None, None)


def test_patch_sets_referrer_and_organization_by_id(alice_client: Client, alice: Any) -> None:
    referrer = make_contact(alice, "Ana")
    organization = make_organization(alice, "Acme")
    contact = make_contact(alice, "Dana")

    response = patch(
        alice_client,
        contact,
        {"referred_by": str(referrer.uuid), "organization": str(organization.uuid)},
    )

    assert response.json()["referred_by"]["id"] == str(referrer.uuid)
    contact.refresh_from_db()
    assert (contact.referred_by, contact.organization) == (referrer, organization)


def test_patch_renaming_updates_search(alice_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana")

    patch(alice_client, contact, {"name": "Zoë Quill"})

    found = alice_client.get(CONTACTS, {"q": "zoe"}).json()["items"]
    assert [c["id"] for c in found] == [str(contact.uuid)]


def test_delete(alice_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana")

    response = alice_client.delete(url(contact))

    assert response.status_code == 204
    assert response.content == b""
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert alice_client.get(url(contact)).status_code == 404


# Listing, search and pages ------------------------------------------------------


def test_search_ignores_accents_and_case(alice_client: Client, alice: Any) -> None:
    jose = make_contact(alice, "José Núñez")
    make_contact(alice, "Dana Reyes")

    for query in ("jose", "JOSÉ", "nunez", "jose nun"):
        items = alice_client.get(CONTACTS, {"q": query}).json()["items"]
        assert [c["id"] for c in items] == [str(jose.uuid)], query


def test_search_finds_by_organization_and_tag(alice_client: Client, alice: Any) -> None:
    dana = make_contact(alice, "Dana", organization_name="Médecins Sans Frontières")
    sam = make_contact(alice, "Sam", tags=["biotech"])

    by_org = alice_client.get(CONTACTS, {"q": "medecins"}).json()["items"]
    by_tag = alice_client.get(CONTACTS, {"q": "biotech"}).json()["items"]

    assert [c["id"] for c in by_org] == [str(dana.uuid)]
    assert [c["id"] for c in by_tag] == [str(sam.uuid)]


def test_filters_by_source_practice_and_tag(alice_client: Client, alice: Any) -> None:
    ana = make_contact(alice, "Ana", source="faculty", practice=True, tags=["mentor"])
    make_contact(alice, "Ben", source="alumni")
    make_contact(alice, "Cy", tags=["other"])

    def names(**params: Any) -> list[str]:
        return [c["name"] for c in alice_client.get(CONTACTS, params).json()["items"]]

    assert names(source="faculty") == [ana.name]
    assert names(practice="true") == [ana.name]
    assert names(practice="false") == ["Ben", "Cy"]
    assert names(tag="MENTOR") == [ana.name]


def test_pages_walk_every_contact_once(alice_client: Client, alice: Any) -> None:
    names = ["Émile", "Ana", "Sam Lee", "Sam Lee", "Bea", "zed", "Chloé", "Dev"]
    created = {str(make_contact(alice, name).uuid) for name in names}
    make_contact(make_user("carol"), "Not Alice's")

    seen: list[dict[str, Any]] = []
    cursor = ""
    for _ in range(10):
        page = alice_client.get(CONTACTS, {"limit": 3, "cursor": cursor}).json()
        assert len(page["items"]) <= 3
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    ids = [c["id"] for c in seen]
    assert len(ids) == len(set(ids)) == len(names)
    assert set(ids) == created
    assert [c["name"] for c in seen] == [
        "Ana",
        "Bea",
        "Chloé",
        "Dev",
        "Émile",
        "Sam Lee",
        "Sam Lee",
        "zed",
    ]


def test_last_page_has_no_next_cursor(alice_client: Client, alice: Any) -> None:
    make_contact(alice, "Ana")

    page = alice_client.get(CONTACTS, {"limit": 1}).json()

    assert len(page["items"]) == 1
    assert page["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjogMX0", "W10", "!!!", "a" * 300])
def test_broken_cursor_is_422(alice_client: Client, alice: Any, cursor: str) -> None:
    make_contact(alice, "Ana")

    response = alice_client.get(CONTACTS, {"cursor": cursor})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["query", "cursor"],
            "msg": "That page link is out of date or broken.",
            "type": "value_error",
        }
    ]


def test_forged_cursor_with_a_nul_is_422(alice_client: Client, alice: Any) -> None:
    make_contact(alice, "Ana")
    raw = json.dumps(["a\x00", str(uuid.uuid4())]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")

    response = alice_client.get(CONTACTS, {"cursor": cursor})

    assert response.status_code == 422
    assert locations(response) == [["query", "cursor"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"practice": "maybe"}, "practice"),
        ({"source": "carrier_pigeon"}, "source"),
        ({"q": "jo\x00se"}, "q"),
        ({"tag": "\x00"}, "tag"),
    ],
)
def test_bad_list_parameters_are_422(
    alice_client: Client, params: dict[str, Any], field: str
) -> None:
    response = alice_client.get(CONTACTS, params)

    assert response.status_code == 422
    assert locations(response) == [["query", field]]


def test_limit_of_200_is_allowed(alice_client: Client, alice: Any) -> None:
    make_contact(alice, "Ana")

    response = alice_client.get(CONTACTS, {"limit": 200})

    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def _add_people(owner: Any, start: int, count: int) -> None:
    referrer = Contact.objects.filter(owner=owner).first() or make_contact(owner, "Referrer")
    for i in range(start, start + count):
        make_contact(
            owner,
            f"Person {i:03}",
            tags=[f"tag{i}", "shared"],
            referred_by=referrer,
            organization_name=f"Org {i % 4}",
        )


def test_list_query_count_does_not_grow_with_the_list(
    alice_client: Client, alice: Any, django_assert_num_queries: Any
) -> None:
    _add_people(alice, 0, 3)
    with CaptureQueriesContext(connection) as few:
        small = alice_client.get(CONTACTS, {"limit": 200})
    assert len(small.json()["items"]) == 4

    _add_people(alice, 3, 27)
    with django_assert_num_queries(len(few)):
        large = alice_client.get(CONTACTS, {"limit": 200})

    items = large.json()["items"]
    assert len(items) == 31
    assert all(c["referred_by"] and c["organization"] and len(c["tags"]) == 2 for c in items[:-1])


# Access control -----------------------------------------------------------------


def test_strangers_contact_is_404_on_every_route(bob_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana", email="dana@example.com", tags=["ux"])
    before = snapshot(contact)

    assert bob_client.get(url(contact)).status_code == 404
    assert patch(bob_client, contact, {"name": "Hacked", "tags": []}).status_code == 404
    assert bob_client.delete(url(contact)).status_code == 404

    assert snapshot(contact) == before


def test_stranger_does_not_see_contacts_in_the_list(bob_client: Client, alice: Any) -> None:
    make_contact(alice, "Dana")

    assert bob_client.get(CONTACTS).json()["items"] == []
    assert bob_client.get(CONTACTS, {"q": "dana"}).json()["items"] == []


def test_unknown_id_is_404(alice_client: Client) -> None:
    response = alice_client.get(url(str(uuid.uuid4())))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_non_uuid_id_is_422(alice_client: Client, method: str) -> None:
    response = getattr(alice_client, method)(
        url("42"), {"name": "x"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert locations(response) == [["path", "contact_id"]]


def test_referencing_strangers_rows_on_create_is_422(
    alice_client: Client, bob: Any, alice: Any
) -> None:
    bobs_contact = make_contact(bob, "Bob's Friend")
    bobs_org = make_organization(bob, "Bob Corp")

    response = post(
        alice_client,
        {
            "name": "Dana",
            "referred_by": str(bobs_contact.uuid),
            "organization": str(bobs_org.uuid),
        },
    )

    assert response.status_code == 422
    assert sorted(locations(response)) == [["body", "organization"], ["body", "referred_by"]]
    assert not Contact.objects.filter(owner=alice).exists()


def test_referencing_strangers_rows_on_patch_is_422(
    alice_client: Client, bob: Any, alice: Any
) -> None:
    contact = make_contact(alice, "Dana")
    before = snapshot(contact)
    bobs_contact = make_contact(bob, "Bob's Friend")
    bobs_org = make_organization(bob, "Bob Corp")

    for body in ({"referred_by": str(bobs_contact.uuid)}, {"organization": str(bobs_org.uuid)}):
        response = patch(alice_client, contact, {**body, "name": "Changed"})
        assert response.status_code == 422
        assert locations(response) == [["body", next(iter(body))]]

    assert snapshot(contact) == before


def test_referencing_missing_rows_is_422(alice_client: Client, alice: Any) -> None:
    response = post(
        alice_client,
        {"name": "Dana", "referred_by": str(uuid.uuid4()), "organization": str(uuid.uuid4())},
    )

    assert response.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages == {
        ("body", "organization"): "You have no organization with this id.",
        ("body", "referred_by"): "You have no contact with this id.",
    }
    assert not Contact.objects.exists()


def test_a_contact_cannot_refer_themselves(alice_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana")

    response = patch(alice_client, contact, {"referred_by": str(contact.uuid)})

    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Someone cannot refer themselves."
    contact.refresh_from_db()
    assert contact.referred_by is None


# Bad input ----------------------------------------------------------------------

BAD_CREATE_BODIES = [
    pytest.param({"name": "x" * 10_000}, "name", id="10k-name"),
    pytest.param({"name": "Dana", "email": "not-an-email"}, "email", id="email"),
    pytest.param({"name": "Dana", "linkedin_url": "javascript:alert(1)"}, "linkedin_url", id="js"),
    pytest.param({"name": "Dana", "time_zone": "Mars/Olympus_Mons"}, "time_zone", id="tz"),
    pytest.param({"name": "Dana", "source": "carrier_pigeon"}, "source", id="source"),
    pytest.param({"name": "Dana", "practice": "maybe"}, "practice", id="practice"),
    pytest.param({"name": "Dana", "owner": 1}, "owner", id="owner"),
    pytest.param({"name": "Dana", "id": str(uuid.uuid4())}, "id", id="id"),
    pytest.param({"name": "Dana", "notes": "n" * 20_001}, "notes", id="long-notes"),
    pytest.param({"name": "Dana", "tags": ["t" * 51]}, "tags", id="long-tag"),
    pytest.param({"name": "Dana", "tags": "ux"}, "tags", id="tags-not-a-list"),
    pytest.param({"name": "Dana", "organization": "acme"}, "organization", id="org-not-uuid"),
    pytest.param({"name": "Dana", "referred_by": 7}, "referred_by", id="int-referrer"),
    pytest.param({"name": "Dana", "organization_name": "o" * 201}, "organization_name", id="org"),
    pytest.param({"email": "dana@example.com"}, "name", id="no-name"),
    pytest.param({"name": "   "}, "name", id="blank-name"),
    pytest.param({"name": 123}, "name", id="name-not-a-string"),
    pytest.param({"name": None}, "name", id="null-name"),
    pytest.param({"name": "Da\x00na"}, "name", id="nul-in-name"),
    pytest.param({"name": "Dana", "tags": ["ux\x00"]}, "tags", id="nul-in-tag"),
    pytest.param({"name": "Dana", "organization_name": "\x00"}, "organization_name", id="nul"),
    pytest.param(
        {"name": "Dana", "organization": str(uuid.uuid4()), "organization_name": "Acme"},
        "organization_name",
        id="both-organization-fields",
    ),
]


@pytest.mark.parametrize(("body", "field"), BAD_CREATE_BODIES)
def test_bad_create_is_422_and_saves_nothing(
    alice_client: Client, alice: Any, body: dict[str, Any], field: str
) -> None:
    response = post(alice_client, body)

    assert response.status_code == 422
    assert ["body", field] in locations(response)
    for error in response.json()["detail"]:
        assert set(error) == {"loc", "msg", "type"}
        assert error["msg"]
    assert not Contact.objects.exists()
    assert not Organization.objects.exists()
    assert not Tag.objects.exists()


def test_bad_email_gets_djangos_message(alice_client: Client) -> None:
    response = post(alice_client, {"name": "Dana", "email": "dana@"})

    assert response.json() == {
        "detail": [
            {"loc": ["body", "email"], "msg": "Enter a valid email address.", "type": "value_error"}
        ]
    }


def test_all_field_errors_come_back_together(alice_client: Client) -> None:
    response = post(
        alice_client,
        {"name": "Dana", "email": "x", "linkedin_url": "data:text/html,hi", "time_zone": "Nowhere"},
    )

    assert response.status_code == 422
    assert sorted(locations(response)) == [
        ["body", "email"],
        ["body", "linkedin_url"],
        ["body", "time_zone"],
    ]


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"name": "Dana",}', b"\xff\xfe", b"[]", b'"Dana"', b"null"],
)
def test_malformed_body_is_422(alice_client: Client, raw: bytes) -> None:
    response = alice_client.post(CONTACTS, raw, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
    assert not Contact.objects.exists()


BAD_PATCH_BODIES = [
    pytest.param({"name": "x" * 10_000}, "name", id="10k-name"),
    pytest.param({"email": "not-an-email"}, "email", id="email"),
    pytest.param({"linkedin_url": "javascript:alert(1)"}, "linkedin_url", id="js"),
    pytest.param({"time_zone": "Mars/Olympus_Mons"}, "time_zone", id="tz"),
    pytest.param({"source": "carrier_pigeon"}, "source", id="source"),
    pytest.param({"practice": "maybe"}, "practice", id="practice"),
    pytest.param({"owner": 2}, "owner", id="owner"),
    pytest.param({"name": ""}, "name", id="blank-name"),
    pytest.param({"name": None}, "name", id="null-name"),
    pytest.param({"tags": None}, "tags", id="null-tags"),
    pytest.param({"practice": None}, "practice", id="null-practice"),
    pytest.param({"tags": ["t" * 51]}, "tags", id="long-tag"),
    pytest.param({"referred_by": "nope"}, "referred_by", id="referrer-not-uuid"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PATCH_BODIES)
def test_bad_patch_is_422_and_changes_nothing(
    alice_client: Client, alice: Any, body: dict[str, Any], field: str
) -> None:
    contact = make_contact(alice, "Dana", email="dana@example.com", practice=True, tags=["ux"])
    before = snapshot(contact)

    response = patch(alice_client, contact, {"title": "Changed", **body})

    assert response.status_code == 422
    assert ["body", field] in locations(response)
    assert snapshot(contact) == before


def test_malformed_patch_body_is_422(alice_client: Client, alice: Any) -> None:
    contact = make_contact(alice, "Dana")
    before = snapshot(contact)

    response = alice_client.patch(url(contact), b"{oops", content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert snapshot(contact) == before
