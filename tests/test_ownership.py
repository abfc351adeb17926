"""Bob can neither see nor change anything of Alice's, whatever id he sends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coffeechat.accounts.models import ApiToken, AvailabilityWindow
from coffeechat.accounts.services import api_token_create
from coffeechat.conversations import services as conversations
from coffeechat.conversations.models import (
    Conversation,
    Note,
    OrganizationResearch,
    PlannedQuestion,
    PracticeAnswer,
    Question,
    Referral,
    Research,
    ResearchLink,
)
from coffeechat.followups import services as followups
from coffeechat.followups.models import DigestSent, FollowupSettings, ReminderChoice
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
from tests.followups.conftest import met

# URL parts that name a kind of thing, not an object: each user only ever gets their own.
# A reminder's `rule` is one of these; its `key` (a meeting's, note's… id) is the id.
NOT_IDS = {"fmt", "export_format", "kind", "rule"}
# Pages whose secret address is the credential (no sign-in: calendar apps send no cookies):
# anyone holding alice's feed token gets her feed, by design, so bob using it proves
# nothing. They are walked below with wrong and revoked tokens instead, which must be 404.
CAPABILITY_PAGES = {"feed": "token"}
# Django's password reset link: a signed, one-time token for whoever reads the email, shown
# to nobody signed in. tests/test_password_reset.py checks that forged links do nothing.
SIGNED_LINKS = {"password_reset_confirm"}


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
        *(
            list(model.objects.order_by("pk").values())
            for model in (Question, Research, OrganizationResearch, ResearchLink, PlannedQuestion)
        ),
        *(
            list(model.objects.order_by("pk").values())
            for model in (Note, Referral, Conversation, PracticeAnswer)
        ),
        *(
            list(model.objects.order_by("pk").values())
            for model in (FollowupSettings, ReminderChoice, DigestSent)
        ),
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
    # Prepare and talk: her own question (deletable), a plan, a note, a link, a referral.
    question = conversations.question_create(owner=alice, text="Why?", tags="ux")
    item = conversations.plan_add(meeting=meeting, question=question)
    conversations.research_update(contact=contact, notes="Hers", organization_notes="Hers too")
    link = conversations.research_link_add(owner=alice, contact=contact, url="https://a.example")
    conversations.conversation_start(meeting=meeting)
    note, _ = conversations.note_add(meeting=meeting, text="Her note", kind="advice")
    conversations.referral_add(meeting=meeting, name="Her Referral")
    conversations.practice_answer_save(owner=alice, prompt="About you?", answer="Hers")
    # Follow through: a conversation done an hour ago with her advice note, so a thank-you
    # is due (a reminder is named by its rule and her meeting's id); her own numbers and a
    # calendar feed; the prepare reminder of the coming meeting dismissed.
    done = met(alice, contact, end=timezone.now() - dt.timedelta(hours=1))
    followups.settings_update(user=alice, keep_in_touch_months=2, digest=True)
    followups.feed_token_new(user=alice)
    followups.reminder_dismiss(owner=alice, rule="prepare", key=str(meeting.uuid))
    DigestSent.objects.create(owner=alice, day=timezone.localdate(), sent_at=timezone.now())
    return {
        "message_id": message.uuid,
        "meeting_id": meeting.uuid,
        "contact_id": contact.uuid,
        "organization_id": org.uuid,
        "token_id": token.uuid,
        "run_id": run.uuid,
        "import_id": applied.uuid,
        "calendar_id": calendar.uuid,
        "question_id": question.uuid,
        "item_id": item.uuid,
        "note_id": note.uuid,
        "link_id": link.uuid,
        "rule": "thank_you",
        "key": done.uuid,
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


PAGES = {name: params for name, params in _page_patterns() if name not in SIGNED_LINKS}
WALKED = sorted(set(PAGES) - set(CAPABILITY_PAGES))
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
    "meeting_status",
    "research_link_add",
    "research_link_delete",
    "question_hide",
    "question_delete",
    "plan_move",
    "plan_remove",
    "live_start",
    "follow_up_add",
    "plan_item",
    "note_add",
    "note_edit",
    "note_delete",
    "referral_add",
    "live_finish",
    "reminder_draft",
    "reminder_snooze",
    "reminder_dismiss",
    "reminder_restore",
}
# Pages that only show: a POST is refused before any id is looked at.
GET_ONLY = {"live", "summary"}


def test_every_page_that_takes_an_id_is_checked_here(alices_things):
    # A new page with an id must get an owner check below: this fails until it does.
    assert PAGES, "no page with an id found: the URL walk is broken"
    for name, params in PAGES.items():
        assert name, f"a page with {params} has no name"
        if name in CAPABILITY_PAGES:
            assert params == [CAPABILITY_PAGES[name]], f"{name} takes more than its token"
            continue
        missing = set(params) - set(alices_things)
        assert not missing, f"{name} takes {missing}; add one of alice's objects for it"
    assert set(CAPABILITY_PAGES) <= set(PAGES), "a capability page is gone: update the list"


def _posted(things):
    """A form each page accepts, so that only the owner check can refuse it."""
    return {
        "name": "Hacked",
        "other": str(things["contact_id"]),
        "confirm": "yes",
        "organization_name": "Hacked",
        "lamp_motivation": 1,
        "lamp_posting": 1,
        "text": "Hacked",
        "kind": "advice",
        "state": "asked",
        "note": "Hacked",
        "notes": "Hacked",
        "url": "https://hacked.example",
        "status": "done",
        "by": "1",
        "medium": "video",
        "acted_on": "1",
        "questions": [str(things["question_id"])],
        "start": "2030-01-07T10:00",
        "minutes": 20,
        "days": 3,
    }


@pytest.mark.parametrize("name", WALKED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_bob_gets_404_and_changes_nothing(name, method, alices_things, bob_client):
    url = reverse(name, kwargs={k: alices_things[k] for k in PAGES[name]})
    before = _snapshot()
    response = getattr(bob_client, method)(
        url, _posted(alices_things) if method == "post" else None
    )
    wrong_method = name in (POST_ONLY if method == "get" else GET_ONLY)
    expected = 405 if wrong_method else 404
    assert response.status_code == expected
    assert _snapshot() == before


def _feed_tokens(alice):
    """Tokens that are not a live feed address: made up, blank-ish, and alice's old one."""
    old = FollowupSettings.objects.get(user=alice).feed_token
    followups.feed_token_new(user=alice)  # the old address stops working
    return ["x" * 43, "-", old, old.upper()]


@pytest.mark.parametrize("name", sorted(CAPABILITY_PAGES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_or_revoked_token_is_404_for_anyone(name, method, alice, alices_things, bob_client):
    wrong = _feed_tokens(alice)
    before = _snapshot()
    for client in (bob_client, Client()):
        for token in wrong:
            response = getattr(client, method)(reverse(name, args=[token]))
            assert response.status_code == (404 if method == "get" else 405), token
    assert _snapshot() == before


def test_the_feed_token_alone_opens_the_feed(alice, alices_things, bob_client):
    # The capability works as designed: no sign-in, and revoking it closes it for everyone.
    url = reverse("feed", args=[FollowupSettings.objects.get(user=alice).feed_token])
    assert Client().get(url).status_code == 200
    assert bob_client.get(url).status_code == 200
    followups.feed_token_revoke(user=alice)
    assert Client().get(url).status_code == 404
    assert bob_client.get(url).status_code == 404


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
    "/api/v1/meetings/{meeting_id}": '{"status": "cancelled"}',
    ("PUT", "/api/v1/meetings/{meeting_id}/plan"): '{"questions": []}',
    ("POST", "/api/v1/meetings/{meeting_id}/plan"): '{"text": "Hacked", "follow_up": true}',
    "/api/v1/meetings/{meeting_id}/notes": '{"kind": "advice", "text": "Hacked"}',
    "/api/v1/plan/{item_id}": '{"state": "asked", "note": "Hacked"}',
    "/api/v1/notes/{note_id}": '{"text": "Hacked"}',
    "/api/v1/questions/{question_id}": '{"text": "Hacked", "hidden": true}',
    "/api/v1/contacts/{contact_id}/research": '{"notes": "Hacked", "searched": true}',
    "/api/v1/contacts/{contact_id}/research/links": '{"url": "https://hacked.example"}',
    "/api/v1/reminders/{rule}/{key}/snooze": '{"days": 3}',
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
    body = API_BODIES.get((method, template), API_BODIES.get(template, '{"name": "Hacked"}'))
    response = getattr(Client(), method.lower())(
        path,
        data=body if method != "GET" else None,
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


# The same requests from Alice are not refused as missing: Bob's 404s come from the owner
# check, not from the input or the route.


@pytest.mark.parametrize("name", WALKED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_alice_gets_her_pages_with_the_same_requests(name, method, alices_things, alice_client):
    url = reverse(name, kwargs={k: alices_things[k] for k in PAGES[name]})
    response = getattr(alice_client, method)(
        url, _posted(alices_things) if method == "post" else None
    )
    wrong_method = name in (POST_ONLY if method == "get" else GET_ONLY)
    if wrong_method:
        assert response.status_code == 405
    else:  # her own state may refuse the change (an import already applied), never a 404
        assert response.status_code not in (404, 405) and response.status_code < 500


@pytest.mark.parametrize(("method", "template"), API_ROUTES)
def test_alice_gets_her_api_routes_with_the_same_requests(method, template, alices_things, alice):
    _, key = api_token_create(user=alice)
    body = API_BODIES.get((method, template), API_BODIES.get(template, '{"name": "Hacked"}'))
    response = getattr(Client(), method.lower())(
        template.format(**alices_things),
        data=body if method != "GET" else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code not in (404, 405) and response.status_code < 500


def test_bob_cannot_put_alices_questions_on_his_plan(alices_things, bob, bob_client):
    # Ids in a form or a body, not the address: refused as bad input, and nothing changes.
    his_contact = make_contact(bob, "Bob's mentor")
    his = outreach.meeting_schedule(
        owner=bob, contact=his_contact, start=timezone.now() + dt.timedelta(days=2)
    )
    hers = str(alices_things["question_id"])
    _, key = api_token_create(user=bob)
    conversations.questions_builtin_ensure(owner=bob)  # as opening the plan page does
    before = _snapshot()
    page = bob_client.post(reverse("meeting_plan", args=[his.uuid]), {"questions": [hers]})
    assert page.status_code == 200  # the form again: her question is not among his choices
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    put = api.put(
        f"/api/v1/meetings/{his.uuid}/plan",
        data=f'{{"questions": ["{hers}"]}}',
        content_type="application/json",
    )
    post = api.post(
        f"/api/v1/meetings/{his.uuid}/plan",
        data=f'{{"question": "{hers}"}}',
        content_type="application/json",
    )
    assert (put.status_code, post.status_code) == (422, 422)
    assert hers in put.json()["detail"][0]["msg"]
    assert _snapshot() == before
    assert not PlannedQuestion.objects.filter(meeting=his).exists()
