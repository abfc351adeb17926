"""Bob can neither see nor change anything of Alice's, whatever id he sends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coffeechat.accounts.models import ApiToken, AvailabilityWindow
from coffeechat.accounts.services import api_token_create
from coffeechat.interchange.models import ImportedContact, ImportRun
from coffeechat.network.models import Contact, Organization, Tag
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import (
    BusyInterval,
    Calendar,
    DraftTemplate,
    Meeting,
    Message,
    Reply,
)
from tests.factories import make_contact, make_organization

# URL parts that name a kind of thing, not an object: each user only ever gets their own.
NOT_IDS = {"fmt", "export_format", "kind"}


def _snapshot():
    return (
        list(Contact.objects.order_by("pk").values()),
        list(Organization.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
        list(Contact.tags.through.objects.order_by("pk").values()),
        list(ApiToken.objects.order_by("pk").values("pk", "user_id")),
        list(ImportRun.objects.order_by("pk").values("pk", "status", "options", "report")),
        list(ImportedContact.objects.order_by("pk").values()),
        list(Calendar.objects.order_by("pk").values()),
        list(BusyInterval.objects.order_by("pk").values()),
        list(Message.objects.order_by("pk").values()),
        list(Reply.objects.order_by("pk").values()),
        list(Meeting.objects.order_by("pk").values()),
        list(DraftTemplate.objects.order_by("pk").values()),
        list(AvailabilityWindow.objects.order_by("pk").values()),
    )


@pytest.fixture
def alices_things(alice):
    org = make_organization(alice, "Acme")
    referrer = make_contact(alice, "Ref")
    contact = make_contact(alice, "Dana", organization=org, referred_by=referrer, tags="ux")
    token, _ = api_token_create(user=alice)
    run = ImportRun.objects.create(
        owner=alice,
        file_name="c.csv",
        content=b"First Name,Last Name\r\nDana,Reyes\r\n",
        format="csv",
        status=ImportRun.Status.PREVIEWED,
        options={"mapping": {"first_name": "First Name", "last_name": "Last Name"}},
    )
    applied = ImportRun.objects.create(
        owner=alice,
        file_name="d.csv",
        format="linkedin",
        status=ImportRun.Status.APPLIED,
        applied_at=timezone.now(),
    )
    ImportedContact.objects.create(run=applied, contact=contact)
    calendar = Calendar.objects.create(owner=alice, name="Classes")
    message = outreach.message_draft(owner=alice, contact=contact)
    meeting = outreach.meeting_schedule(
        owner=alice, contact=contact, start=timezone.now() + dt.timedelta(days=3)
    )
    return {
        "message_id": message.uuid,
        "meeting_id": meeting.uuid,
        "contact_id": contact.uuid,
        "organization_id": org.uuid,
        "token_id": token.pk,
        "run_id": run.uuid,
        "import_id": applied.uuid,
        "calendar_id": calendar.uuid,
    }


def _page_patterns(resolver=None, prefix=""):
    """(name, route) of every page URL that takes an argument; the API has its own test."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/"):
                continue
            yield from _page_patterns(entry, route)
        elif isinstance(entry, URLPattern) and set(entry.pattern.converters) - NOT_IDS:
            yield entry.name, sorted(entry.pattern.converters)


PAGES = dict(_page_patterns())
POST_ONLY = {
    "token_revoke",
    "import_mapping",
    "import_options",
    "import_apply",
    "import_discard",
    "calendar_refresh",
    "draft_create",
    "message_sent",
    "message_send",
    "message_times",
    "message_delete",
    "meeting_cancel",
    "meeting_confirm_draft",
}


def test_every_page_that_takes_an_id_is_checked_here(alices_things):
    # A new page with an id must get an owner check below: this fails until it does.
    assert PAGES, "no page with an id found: the URL walk is broken"
    for name, params in PAGES.items():
        assert name, f"a page with {params} has no name"
        missing = set(params) - set(alices_things)
        assert not missing, f"{name} takes {missing}; add one of alice's objects for it"


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_bob_gets_404_and_changes_nothing(name, method, alices_things, bob_client):
    url = reverse(name, kwargs={k: alices_things[k] for k in PAGES[name]})
    before = _snapshot()
    data = {
        "name": "Hacked",
        "other": str(alices_things["contact_id"]),
        "confirm": "yes",
        "organization_name": "Hacked",
        "lamp_motivation": 1,
        "lamp_posting": 1,
    }
    response = getattr(bob_client, method)(url, data if method == "post" else None)
    expected = 405 if method == "get" and name in POST_ONLY else 404
    assert response.status_code == expected
    assert _snapshot() == before


def test_bob_cannot_bulk_change_or_merge_in_alices_contacts(alice, bob, bob_client):
    alices = make_contact(alice, "Dana", tags="ux")
    bobs = make_contact(bob, "Bob's")
    before = _snapshot()
    bob_client.post(
        reverse("contacts_bulk"), {"ids": [alices.uuid], "action": "delete", "confirm": "yes"}
    )
    bob_client.post(reverse("contacts_bulk"), {"ids": [alices.uuid], "action": "tag", "tag": "x"})
    response = bob_client.post(
        reverse("contact_merge", args=[bobs.uuid]), {"other": alices.uuid, "confirm": "yes"}
    )
    assert response.status_code == 200  # alice's id is not among bob's choices
    assert "Select a valid choice" in response.text
    assert _snapshot() == before


def test_bob_cannot_refer_to_alices_contact_from_his_form(alice, bob_client):
    alices = make_contact(alice, "Dana")
    response = bob_client.post(
        reverse("contact_create"), {"name": "Mine", "referred_by_id": str(alices.uuid)}
    )
    assert response.status_code == 200
    assert not Contact.objects.filter(name="Mine").exists()
    response = bob_client.get(reverse("contact_create"), {"referred_by": alices.uuid})
    assert response.status_code == 404


def _api_routes():
    """(METHOD, path template) of every API operation whose path takes an id."""
    from coffeechat.api.main import api

    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            params = {part[1:-1] for part in path.split("/") if part.startswith("{")}
            if not params - NOT_IDS:
                continue
            for operation in view.operations:
                for method in operation.methods:
                    yield method, f"/api/v1{prefix}{path}"


API_ROUTES = sorted(set(_api_routes()))
# A body each route accepts, so that only the owner check can refuse it.
API_BODIES = {
    "/api/v1/imports/{import_id}/preview": '{"tag": "Hacked", "source": "other"}',
    "/api/v1/imports/{import_id}/apply": '{"overwrite_all": true}',
    "/api/v1/contacts/{contact_id}/drafts": '{"kind": "request"}',
    "/api/v1/contacts/{contact_id}/replies": '{"outcome": "no"}',
    "/api/v1/messages/{message_id}": '{"subject": "Hacked", "body": "Hacked"}',
    "/api/v1/messages/{message_id}/sent": '{"channel": "copy"}',
}


def test_every_api_route_with_an_id_is_checked_here(alices_things):
    assert len(API_ROUTES) >= 6, "the API walk found too few routes: it is broken"
    for _, template in API_ROUTES:
        params = {part[1:-1] for part in template.split("/") if part.startswith("{")}
        missing = params - set(alices_things)
        assert not missing, f"{template} takes {missing}; add one of alice's objects for it"


@pytest.mark.parametrize(("method", "template"), API_ROUTES)
def test_bob_gets_404_from_the_api_and_changes_nothing(method, template, alices_things, bob):
    from coffeechat.accounts.services import api_token_create

    _, key = api_token_create(user=bob)
    path = template.format(**alices_things)
    before = _snapshot()
    response = getattr(Client(), method.lower())(
        path,
        data=API_BODIES.get(template, '{"name": "Hacked"}') if method != "GET" else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 404
    assert "detail" in response.json()
    assert _snapshot() == before


def test_bob_cannot_propose_times_for_alices_contact(alices_things, bob):
    _, key = api_token_create(user=bob)
    response = Client().get(
        "/api/v1/slots",
        {"contact": str(alices_things["contact_id"])},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 404
