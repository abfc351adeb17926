"""No mass assignment: a request sets only the fields its form or schema lists.

Forms and API schemas name their fields; an API body with any other field (`owner`, `id`,
`created_at`…) is a 422 that names it, and a form ignores it. A body or form that points at
another user's row (an organization, a referrer, a contact, a question) is refused and
changes nothing. The meta-tests walk every ModelForm and every API body, so a new one that
takes all fields, or that lets unknown fields through, fails here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import uuid
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pydantic import BaseModel

import coffeechat
from coffeechat.accounts.forms import ProfileForm
from coffeechat.accounts.services import api_token_create
from coffeechat.conversations import services as conversations
from coffeechat.followups.forms import NUMBER_FIELDS
from coffeechat.followups.models import FollowupSettings
from coffeechat.network.models import Contact, Organization
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import Message
from tests import test_ownership
from tests.factories import make_contact, make_organization
from tests.test_account_delete import rows_of, snapshot
from tests.test_ownership import API_BODIES, _snapshot

# Fields a client must never set: who owns a row, its ids, and when things happened.
FORBIDDEN = {
    "owner": None,
    "owner_id": None,
    "user": None,
    "user_id": None,
    "id": None,
    "uuid": None,
    "pk": None,
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
    "sent_at": "2000-01-01T00:00:00Z",
}
FOREIGN_UUID = "9f0b7d1e-0000-4000-8000-00000000beef"
ANCIENT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Alice's rows of every kind that has a page or route, made by the ownership walk.
alices_things = test_ownership.alices_things


# Forms ----------------------------------------------------------------------------------


def _form_modules() -> Iterator[Any]:
    for module in pkgutil.walk_packages(coffeechat.__path__, "coffeechat."):
        if module.name.rsplit(".", 1)[-1] == "forms":
            yield importlib.import_module(module.name)


def _model_forms() -> list[type[forms.ModelForm[Any]]]:
    found = {
        cls
        for module in _form_modules()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.ModelForm) and cls.__module__ == module.__name__
    }
    return sorted(found, key=lambda cls: cls.__qualname__)


def test_every_model_form_lists_its_fields() -> None:
    model_forms = _model_forms()
    assert len(model_forms) >= 3, "the form walk found too few ModelForms: it is broken"
    for form in model_forms:
        meta = form._meta  # type: ignore[attr-defined]
        assert isinstance(meta.fields, list | tuple), f"{form.__name__} does not list its fields"
        assert not meta.exclude, f"{form.__name__} excludes fields instead of listing them"
        taken = set(form.base_fields) & set(FORBIDDEN)
        assert not taken, f"{form.__name__} takes {taken} from the request"


# The API's bodies -----------------------------------------------------------------------


def _body_routes() -> Iterator[tuple[str, str, type[BaseModel]]]:
    """(METHOD, path template, body schema) of every operation that reads a JSON body."""
    from coffeechat.api.main import api

    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for params in operation.signature.models:
                    if getattr(params, "__ninja_param_source__", "") != "body":
                        continue
                    for field in params.model_fields.values():
                        for method in operation.methods:
                            yield method, f"/api/v1{prefix}{path}", field.annotation


BODY_ROUTES = sorted(set(_body_routes()), key=lambda r: (r[1], r[0]))


def _schemas(schema: Any, seen: set[Any] | None = None) -> Iterator[type[BaseModel]]:
    """A schema and every schema nested in it (lists of windows, and so on)."""
    seen = seen if seen is not None else set()
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        if schema in seen:
            return
        seen.add(schema)
        yield schema
        for field in schema.model_fields.values():
            yield from _schemas(field.annotation, seen)
    for arg in get_args(schema):
        yield from _schemas(arg, seen)


def test_every_api_body_refuses_fields_it_does_not_name() -> None:
    assert len(BODY_ROUTES) >= 15, "the API walk found too few bodies: it is broken"
    for method, path, body in BODY_ROUTES:
        for schema in _schemas(body):
            name = f"{method} {path}: {schema.__name__}"
            assert schema.model_config.get("extra") == "forbid", f"{name} lets extra fields in"
            taken = set(schema.model_fields) & set(FORBIDDEN)
            assert not taken, f"{name} takes {taken} from the client"


def _body(method: str, template: str, things: dict[str, Any]) -> dict[str, Any]:
    """A body the route accepts from alice (as the ownership walk sends it)."""
    bodies = {
        "/api/v1/contacts": {"name": "Lee"},
        "/api/v1/organizations": {"name": "Initech"},
        "/api/v1/meetings": {
            "contact": str(things["contact_id"]),
            "start": "2030-01-07T10:00:00+00:00",
        },
        "/api/v1/questions": {"text": "What would you do next?"},
        "/api/v1/availability": {"windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]},
        "/api/v1/follow-up-settings": {"digest": False},
    }
    if template in bodies:
        return bodies[template]
    text = API_BODIES.get((method, template), API_BODIES.get(template, '{"name": "Hacked"}'))
    return json.loads(text)


def _api(user: Any) -> Client:
    _, key = api_token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method.lower())(
        path, data=json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize(("method", "template", "schema"), BODY_ROUTES)
def test_an_api_body_with_an_owner_or_an_id_is_a_422_and_changes_nothing(
    method: str, template: str, schema: Any, alice: Any, bob: Any, alices_things: dict[str, Any]
) -> None:
    client = _api(alice)
    path = template.format(**alices_things)
    body = _body(method, template, alices_things)
    before = _snapshot()
    for name, value in FORBIDDEN.items():
        sent = {**body, name: value if value is not None else bob.pk}
        if name in ("id", "uuid"):
            sent[name] = FOREIGN_UUID

        response = _send(client, method, path, sent)

        assert response.status_code == 422, (name, response.content)
        problems = response.json()["detail"]
        assert any(p["loc"][-1] == name and p["type"] == "extra_forbidden" for p in problems), (
            name,
            problems,
        )
    for name in ("owner", "user"):  # nested too: in a window of the availability
        if template == "/api/v1/availability":
            windows = [{**body["windows"][0], name: bob.pk}]
            assert _send(client, method, path, {"windows": windows}).status_code == 422
    assert _snapshot() == before


# Another user's rows, named in a body ------------------------------------------------


@pytest.fixture
def bobs(bob: Any) -> dict[str, Any]:
    org = make_organization(bob, "Bob's Org")
    contact = make_contact(bob, "Bob's Mentor", organization=org)
    question = conversations.question_create(owner=bob, text="Bob's question?")
    return {"organization": org, "contact": contact, "question": question}


def test_api_bodies_naming_bobs_rows_are_refused(
    alice: Any, bob: Any, alices_things: dict[str, Any], bobs: dict[str, Any]
) -> None:
    client = _api(alice)
    contact, meeting = alices_things["contact_id"], alices_things["meeting_id"]
    org, referrer = str(bobs["organization"].uuid), str(bobs["contact"].uuid)
    his_question = str(bobs["question"].uuid)
    requests = [
        ("POST", "/api/v1/contacts", {"name": "Lee", "organization": org}),
        ("POST", "/api/v1/contacts", {"name": "Lee", "referred_by": referrer}),
        ("PATCH", f"/api/v1/contacts/{contact}", {"organization": org}),
        ("PATCH", f"/api/v1/contacts/{contact}", {"referred_by": referrer}),
        ("POST", "/api/v1/meetings", {"contact": referrer, "start": "2030-01-07T10:00:00Z"}),
        ("PUT", f"/api/v1/meetings/{meeting}/plan", {"questions": [his_question]}),
        ("POST", f"/api/v1/meetings/{meeting}/plan", {"question": his_question}),
    ]
    before = _snapshot()
    bobs_rows = snapshot(rows_of(bob))
    for method, path, body in requests:
        response = _send(client, method, path, body)
        assert response.status_code in (404, 422), (method, path, body, response.status_code)
        assert response.json()["detail"], (method, path)
    assert _snapshot() == before
    assert snapshot(rows_of(bob)) == bobs_rows


# Forms ------------------------------------------------------------------------------


def _numbers(user: Any) -> dict[str, Any]:
    """The follow-up settings form as the page fills it in, with one value changed."""
    current = FollowupSettings.objects.get(user=user)
    return {
        **{name: getattr(current, name) for name in NUMBER_FIELDS},
        "keep_in_touch_months": 3,
    }


def _profile(user: Any) -> dict[str, Any]:
    """The profile form as the page fills it in, with a new display name."""
    initial = ProfileForm(instance=user.profile).initial
    return {
        **{name: value for name, value in initial.items() if value is not None},
        "display_name": "Alice S.",
    }


def _pages(alice: Any, things: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(url name, its ids, a form it accepts) for the main forms that create or change."""
    contact, meeting = things["contact_id"], things["meeting_id"]
    return [
        ("contact_create", {}, {"name": "Lee"}),
        ("contact_edit", {"contact_id": contact}, {"name": "Dana R."}),
        ("organization_create", {}, {"name": "Initech", "lamp_motivation": 1, "lamp_posting": 1}),
        (
            "organization_edit",
            {"organization_id": things["organization_id"]},
            {"name": "Acme", "lamp_motivation": 1, "lamp_posting": 1},
        ),
        ("question_list", {}, {"text": "What would you do next?"}),
        ("message_detail", {"message_id": things["message_id"]}, {"subject": "Hi", "body": "Hi"}),
        ("reply_record", {"contact_id": contact}, {"outcome": "no", "note": "Later"}),
        ("meeting_create", {"contact_id": contact}, {"start": "2030-01-07T10:00", "minutes": 30}),
        ("note_add", {"meeting_id": meeting}, {"kind": "advice", "text": "Ask Lee"}),
        ("referral_add", {"meeting_id": meeting}, {"name": "Sam Lee"}),
        ("research_edit", {"contact_id": contact}, {"notes": "Portal team"}),
        (
            "research_link_add",
            {"contact_id": contact},
            {"url": "https://a.example/x", "about": "person"},
        ),
        ("followup_settings", {}, _numbers(alice)),
        ("profile", {}, _profile(alice)),
    ]


def test_forms_ignore_owner_ids_and_dates_they_do_not_list(
    alice: Any, bob: Any, alice_client: Client, alices_things: dict[str, Any]
) -> None:
    bobs_rows = snapshot(rows_of(bob))
    feed = FollowupSettings.objects.get(user=alice).feed_token
    extras = {
        "owner": bob.pk,
        "owner_id": bob.pk,
        "user": bob.pk,
        "user_id": bob.pk,
        "id": FOREIGN_UUID,
        "uuid": FOREIGN_UUID,
        "created_at": "2000-01-01T00:00:00Z",
        "sent_at": "2000-01-01T00:00:00Z",
        "feed_token": "x" * 43,
        "username": "bob",
        "is_staff": "on",
        "is_superuser": "on",
    }
    for name, ids, data in _pages(alice, alices_things):
        response = alice_client.post(reverse(name, kwargs=ids), {**data, **extras})
        # Saved (a redirect): the extras were ignored, not the whole form refused.
        assert response.status_code == 302, (name, response.status_code, response.content[-3000:])

    assert snapshot(rows_of(bob)) == bobs_rows
    mine = snapshot(rows_of(alice))
    for label, rows in mine.items():
        for row in rows:
            assert row.get("uuid") != uuid.UUID(FOREIGN_UUID), label
            assert row.get("created_at") != ANCIENT, label
            for key in ("owner_id", "user_id"):
                assert row.get(key, alice.pk) == alice.pk, (label, row)
    alice.refresh_from_db()
    assert (alice.username, alice.is_staff, alice.is_superuser) == ("alice", False, False)
    assert FollowupSettings.objects.get(user=alice).feed_token == feed
    assert not Message.objects.filter(owner=alice, sent_at=ANCIENT).exists()
    # The forms did their work: the extras were ignored, not the whole request.
    assert Contact.objects.filter(owner=alice, name="Lee").exists()
    assert Organization.objects.filter(owner=alice, name="Initech").exists()
    assert alice.profile.display_name == "Alice S."


def test_a_form_naming_bobs_referrer_changes_nothing(
    alice: Any, alice_client: Client, alices_things: dict[str, Any], bobs: dict[str, Any]
) -> None:
    contact = Contact.objects.get(uuid=alices_things["contact_id"])
    before = _snapshot()

    response = alice_client.post(
        reverse("contact_edit", args=[contact.uuid]),
        {"name": contact.name, "referred_by_id": str(bobs["contact"].uuid)},
    )

    assert response.status_code == 200  # the form again, with its error
    assert _snapshot() == before


def test_a_meeting_from_the_service_belongs_to_its_contacts_owner_only(
    alice: Any, bob: Any, bobs: dict[str, Any]
) -> None:
    # The services check too, for the CLI and anything else that calls them.
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(Exception, match="not yours"):
        outreach.meeting_schedule(owner=alice, contact=bobs["contact"], start=start)
    with pytest.raises(Exception, match="not yours"):
        outreach.reply_record(owner=alice, contact=bobs["contact"], outcome="no")
    assert not bobs["contact"].meetings.exists()
