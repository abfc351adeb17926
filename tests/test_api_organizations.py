"""/api/v1/organizations: CRUD, LAMP order, pages, access control and bad input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from coffeechat.network.models import Contact, Organization
from tests.factories import make_contact, make_organization

ORGANIZATIONS = "/api/v1/organizations"
ORGANIZATION_KEYS = {
    "id",
    "name",
    "website",
    "industry",
    "notes",
    "lamp_advocate",
    "lamp_motivation",
    "lamp_posting",
    "people",
    "created_at",
    "updated_at",
}


def url(organization: Organization | str) -> str:
    key = organization.uuid if isinstance(organization, Organization) else organization
    return f"{ORGANIZATIONS}/{key}"


def post(client: Client, data: Any) -> Any:
    return client.post(ORGANIZATIONS, data, content_type="application/json")


def patch(client: Client, organization: Organization, data: Any) -> Any:
    return client.patch(url(organization), data, content_type="application/json")


def snapshot(organization: Organization) -> dict[str, Any]:
    fresh = Organization.objects.get(pk=organization.pk)
    return {f.attname: getattr(fresh, f.attname) for f in Organization._meta.concrete_fields}


def locations(response: Any) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["detail"]]


def names(client: Client, **params: Any) -> list[str]:
    return [o["name"] for o in client.get(ORGANIZATIONS, params).json()["items"]]


# Create, read, update, delete ---------------------------------------------------


def test_create_returns_the_organization(alice_client: Client, alice: Any) -> None:
    response = post(
        alice_client,
        {
            "name": "Acme Health",
            "website": "https://acme.example",
            "industry": "Health care",
            "notes": "Hiring in the fall.",
            "lamp_advocate": True,
            "lamp_motivation": 3,
            "lamp_posting": 2,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == ORGANIZATION_KEYS
    organization = Organization.objects.get(uuid=body["id"])
    assert organization.owner == alice
    assert (body["name"], body["lamp_motivation"], body["people"]) == ("Acme Health", 3, 0)
    assert (organization.lamp_advocate, organization.lamp_posting) == (True, 2)


def test_read_counts_the_people(alice_client: Client, alice: Any) -> None:
    organization = make_organization(alice, "Acme")
    make_contact(alice, "Dana", organization=organization)
    make_contact(alice, "Sam", organization_name="acme")

    response = alice_client.get(url(organization))

    assert response.status_code == 200
    assert response.json()["people"] == 2
    assert response.json()["id"] == str(organization.uuid)


def test_patch_changes_only_the_fields_sent(alice_client: Client, alice: Any) -> None:
    organization = make_organization(alice, "Acme", industry="Health", lamp_motivation=2)

    response = patch(alice_client, organization, {"lamp_posting": 3})

    assert response.status_code == 200
    organization.refresh_from_db()
    assert (organization.name, organization.industry) == ("Acme", "Health")
    assert (organization.lamp_motivation, organization.lamp_posting) == (2, 3)


def test_rename_is_searchable_through_its_people(alice_client: Client, alice: Any) -> None:
    organization = make_organization(alice, "Acme")
    dana = make_contact(alice, "Dana", organization=organization)

    patch(alice_client, organization, {"name": "Société Générale"})

    found = alice_client.get("/api/v1/contacts", {"q": "societe"}).json()["items"]
    assert [c["id"] for c in found] == [str(dana.uuid)]


def test_delete_keeps_its_people(alice_client: Client, alice: Any) -> None:
    organization = make_organization(alice, "Acme")
    dana = make_contact(alice, "Dana", organization=organization)

    response = alice_client.delete(url(organization))

    assert response.status_code == 204
    assert not Organization.objects.filter(pk=organization.pk).exists()
    dana.refresh_from_db()
    assert dana.organization is None


# Listing ------------------------------------------------------------------------


def test_list_is_in_lamp_order(alice_client: Client, alice: Any) -> None:
    make_organization(alice, "Meh Inc", lamp_motivation=1)
    make_organization(alice, "Dream Co", lamp_motivation=3, lamp_posting=1)
    make_organization(alice, "Dream Hiring", lamp_motivation=3, lamp_posting=3)
    make_organization(alice, "Dream Friends", lamp_motivation=3, lamp_advocate=True)

    assert names(alice_client) == ["Dream Hiring", "Dream Friends", "Dream Co", "Meh Inc"]


def test_list_searches_by_name(alice_client: Client, alice: Any) -> None:
    make_organization(alice, "Acme Health")
    make_organization(alice, "Globex")

    assert names(alice_client, q="HEALTH") == ["Acme Health"]


def test_pages_walk_every_organization_once(alice_client: Client, alice: Any) -> None:
    created = {
        str(make_organization(alice, f"Org {i}", lamp_motivation=i % 4).uuid) for i in range(7)
    }

    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = alice_client.get(ORGANIZATIONS, {"limit": 3, "cursor": cursor}).json()
        assert len(page["items"]) <= 3
        seen.extend(o["id"] for o in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == created


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "9999999999", "٣"])
def test_broken_cursor_is_422(alice_client: Client, cursor: str) -> None:
    response = alice_client.get(ORGANIZATIONS, {"cursor": cursor})

    assert response.status_code == 422
    assert locations(response) == [["query", "cursor"]]


@pytest.mark.parametrize("limit", [0, 501, "lots"])
def test_bad_limit_is_422(alice_client: Client, limit: Any) -> None:
    response = alice_client.get(ORGANIZATIONS, {"limit": limit})

    assert response.status_code == 422
    assert locations(response) == [["query", "limit"]]


# Access control -----------------------------------------------------------------


def test_strangers_organization_is_404_on_every_route(bob_client: Client, alice: Any) -> None:
    organization = make_organization(alice, "Acme", lamp_motivation=2)
    before = snapshot(organization)

    assert bob_client.get(url(organization)).status_code == 404
    assert patch(bob_client, organization, {"name": "Hacked"}).status_code == 404
    assert bob_client.delete(url(organization)).status_code == 404

    assert snapshot(organization) == before
    assert names(bob_client) == []


def test_unknown_id_is_404(alice_client: Client) -> None:
    assert alice_client.get(url(str(uuid.uuid4()))).status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_non_uuid_id_is_422(alice_client: Client, method: str) -> None:
    response = getattr(alice_client, method)(url("1"), {}, content_type="application/json")

    assert response.status_code == 422
    assert locations(response) == [["path", "organization_id"]]


# Bad input ----------------------------------------------------------------------

BAD_BODIES = [
    pytest.param({"name": "x" * 10_000}, "name", id="10k-name"),
    pytest.param({"name": "Acme", "website": "javascript:alert(1)"}, "website", id="js"),
    pytest.param({"name": "Acme", "website": "acme.example"}, "website", id="no-scheme"),
    pytest.param({"name": "Acme", "lamp_motivation": 4}, "lamp_motivation", id="motivation"),
    pytest.param({"name": "Acme", "lamp_posting": 0}, "lamp_posting", id="posting"),
    pytest.param({"name": "Acme", "lamp_advocate": "maybe"}, "lamp_advocate", id="advocate"),
    pytest.param({"name": "Acme", "owner": 1}, "owner", id="owner"),
    pytest.param({"name": "Acme", "people": 5}, "people", id="people"),
    pytest.param({"name": "Acme", "notes": "n" * 20_001}, "notes", id="long-notes"),
    pytest.param({"name": ""}, "name", id="blank-name"),
    pytest.param({"industry": "Health"}, "name", id="no-name"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_create_is_422_and_saves_nothing(
    alice_client: Client, body: dict[str, Any], field: str
) -> None:
    response = post(alice_client, body)

    assert response.status_code == 422
    assert ["body", field] in locations(response)
    assert not Organization.objects.exists()


def test_duplicate_name_is_422(alice_client: Client, alice: Any) -> None:
    make_organization(alice, "Acme")

    response = post(alice_client, {"name": "ACME"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "name"],
            "msg": "You already have an organization with this name.",
            "type": "value_error",
        }
    ]
    assert Organization.objects.count() == 1


def test_same_name_as_a_strangers_organization_is_fine(alice_client: Client, bob: Any) -> None:
    make_organization(bob, "Acme")

    assert post(alice_client, {"name": "Acme"}).status_code == 201


def test_malformed_body_is_422(alice_client: Client) -> None:
    response = alice_client.post(ORGANIZATIONS, b'{"name": ', content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "loc": ["body"],
        "msg": "The request body is not valid JSON.",
        "type": "json_invalid",
    }
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        *BAD_BODIES[:-1],
        pytest.param({"name": None}, "name", id="null-name"),
        pytest.param({"lamp_motivation": None}, "lamp_motivation", id="null-motivation"),
    ],
)
def test_bad_patch_is_422_and_changes_nothing(
    alice_client: Client, alice: Any, body: dict[str, Any], field: str
) -> None:
    organization = make_organization(alice, "Globex", lamp_motivation=2)
    make_contact(alice, "Dana", organization=organization)
    before = snapshot(organization)

    response = patch(alice_client, organization, {"industry": "Changed", **body})

    assert response.status_code == 422
    assert ["body", field] in locations(response)
    assert snapshot(organization) == before
    assert Contact.objects.get(owner=alice).organization == organization
