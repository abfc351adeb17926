"""Live mode and the summary: every change saves as it is made (htmx partials, errors with
status 200), plain posts redirect back, bad input changes nothing, bob sees none of it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coffeechat.conversations import selectors, services
from coffeechat.conversations.models import (
    Conversation,
    Note,
    NoteKind,
    PlannedQuestion,
    PlanState,
    Referral,
)
from coffeechat.conversations.views.live import END_PROMPT, WRAP_UP_PROMPT
from coffeechat.network.models import Contact
from coffeechat.outreach.models import Meeting, MeetingStatus, Message
from coffeechat.outreach.services import meeting_cancel
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact, make_organization

HTMX = {"HTTP_HX_REQUEST": "true"}
LONG = "x" * 10_000


def plan(meeting: Meeting, count: int) -> list[PlannedQuestion]:
    services.questions_builtin_ensure(owner=meeting.owner)
    return services.plan_set(
        meeting=meeting, questions=selectors.question_bank(meeting.owner)[:count]
    )


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def live_url(meeting: Meeting) -> str:
    return url("live", meeting.uuid)


# The page -----------------------------------------------------------------------------------


def test_live_page_shows_the_plan_the_timer_and_the_forms(alice_client: Client, meeting) -> None:
    items = plan(meeting, 3)
    services.note_add(meeting=meeting, text="Learn SQL before applying", kind=NoteKind.ADVICE)
    services.referral_add(meeting=meeting, name="Sam Lee", organization_name="Beta Labs")
    page = alice_client.get(live_url(meeting))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Dana Reyes</h1>" in text
    assert "<strong>20 minutes</strong> asked" in text
    for item in items:
        assert item.text in text
        assert f'hx-post="{url("plan_item", item.uuid)}"' in text
    assert 'aria-pressed="false">Asked</button>' in text
    assert "Answered before I asked" in text
    assert "Learn SQL before applying" in text
    sam = Contact.objects.get(name="Sam Lee")
    assert f'href="{url("contact_detail", sam.uuid)}">Sam Lee</a>' in text
    # Not started: a Start button, and the planned end as text for a page without JS.
    assert "Start the timer" in text
    end = meeting.end.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    assert f"Planned end {end:%-I:%M %p} (20 minutes)" in text
    assert "data-started-at" not in text
    # Capture forms carry a fresh client key each.
    assert text.count('name="client_key" value="') == 2
    assert 'name="client_key" value=""' not in text
    assert "practice</span>" not in text
    # The page loads its own script and styles.
    assert "/static/live.js" in text and "/static/live.css" in text


def test_a_practice_contact_gets_the_practice_badge(alice, alice_client: Client) -> None:
    coach = make_contact(alice, "Pat Coach", practice=True)
    meeting = make_meeting(alice, coach)
    text = alice_client.get(live_url(meeting)).text
    assert '<span class="badge practice">practice</span>' in text


def test_an_empty_plan_offers_the_guides_questions(alice, alice_client: Client, meeting) -> None:
    text = alice_client.get(live_url(meeting)).text
    assert "What is a typical day like in your job?" in text
    assert f'href="{url("meeting_plan", meeting.uuid)}"' in text
    response = alice_client.post(
        url("follow_up_add", meeting.uuid), {"builtin": "guide-typical-day"}
    )
    assert response.status_code == 302
    item = PlannedQuestion.objects.get(meeting=meeting)
    assert item.question is not None and item.question.builtin_key == "guide-typical-day"
    assert not item.follow_up
    # Once planned, the guide stops offering it.
    text = alice_client.get(live_url(meeting)).text
    assert 'value="guide-typical-day"' not in text
    assert 'value="guide-path"' in text


def test_an_unknown_guide_question_is_refused(alice_client: Client, meeting) -> None:
    response = alice_client.post(
        url("follow_up_add", meeting.uuid), {"builtin": "guide-nope"}, **HTMX
    )
    assert response.status_code == 200
    assert "That question is not in the guide." in response.text
    assert response["HX-Retarget"] == "#follow-up-form"
    assert not PlannedQuestion.objects.exists()


# The timer ----------------------------------------------------------------------------------


def test_start_keeps_the_first_start_so_a_reload_keeps_counting(
    alice_client: Client, meeting
) -> None:
    response = alice_client.post(url("live_start", meeting.uuid))
    assert response.status_code == 302
    assert response["Location"] == live_url(meeting)
    first = Conversation.objects.get(meeting=meeting).started_at
    assert first is not None
    response = alice_client.post(url("live_start", meeting.uuid), **HTMX)
    assert response.status_code == 200
    assert f'data-started-at="{first.isoformat()}"' in response.text
    assert "<html" not in response.text
    assert Conversation.objects.get(meeting=meeting).started_at == first
    text = alice_client.get(live_url(meeting)).text
    assert f'data-started-at="{first.isoformat()}"' in text
    assert "Start the timer" not in text
    assert "planned end" in text


@pytest.mark.parametrize(
    ("minutes_in", "prompt", "phase"),
    [(3, "", ""), (16, WRAP_UP_PROMPT, "wrap-up"), (25, END_PROMPT, "over")],
)
def test_the_timer_prompts_next_steps_then_the_time_asked(
    alice_client: Client, meeting, minutes_in: int, prompt: str, phase: str
) -> None:
    services.conversation_start(
        meeting=meeting, now=timezone.now() - dt.timedelta(minutes=minutes_in)
    )
    text = alice_client.get(live_url(meeting)).text
    assert f'data-phase="{phase}"' in text
    for each in (WRAP_UP_PROMPT, END_PROMPT):
        # Both words ride along as data for live.js; only the due one is shown.
        assert text.count(each) == (2 if each == prompt else 1)
    assert "5 minutes left — move to next steps" in WRAP_UP_PROMPT
    assert "Offer to wrap up; continue only if they want to" in END_PROMPT


# The question checklist ---------------------------------------------------------------------


def test_marking_a_question_answers_the_buttons_with_the_state_pressed(
    alice_client: Client, meeting
) -> None:
    item = plan(meeting, 2)[0]
    response = alice_client.post(url("plan_item", item.uuid), {"state": "asked"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'id="states-{item.uuid}"' in response.text
    assert 'data-state="asked"\n                  aria-pressed="true"' in response.text
    item.refresh_from_db()
    assert item.state == PlanState.ASKED
    # Tapping the pressed button again undoes it.
    assert 'name="state" value="planned" data-state="asked"' in response.text
    alice_client.post(url("plan_item", item.uuid), {"state": "planned"}, **HTMX)
    item.refresh_from_db()
    assert item.state == PlanState.PLANNED


def test_a_plain_post_marks_and_redirects_back_to_the_question(
    alice_client: Client, meeting
) -> None:
    item = plan(meeting, 2)[1]
    response = alice_client.post(url("plan_item", item.uuid), {"state": "answered_early"})
    assert response.status_code == 302
    assert response["Location"] == f"{live_url(meeting)}#item-{item.uuid}"
    item.refresh_from_db()
    assert item.state == PlanState.ANSWERED_EARLY


def test_a_question_note_autosaves(alice_client: Client, meeting) -> None:
    item = plan(meeting, 1)[0]
    response = alice_client.post(
        url("plan_item", item.uuid), {"note": "Starts at 7, lots of meetings"}, **HTMX
    )
    assert response.status_code == 200
    assert response.text.strip() == "Saved"
    item.refresh_from_db()
    assert item.note == "Starts at 7, lots of meetings"
    assert "Starts at 7, lots of meetings</textarea>" in alice_client.get(live_url(meeting)).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"state": "shouted"}, "Choose one of: planned, asked"),
        ({"note": LONG}, "Keep it under 5,000 characters."),
        ({"state": "asked", "note": LONG}, "Keep it under 5,000 characters."),
        ({}, "Choose what happened to the question, or write a note."),
    ],
)
def test_bad_plan_input_is_explained_and_changes_nothing(
    alice_client: Client, meeting, data: dict[str, str], message: str
) -> None:
    item = plan(meeting, 1)[0]
    services.plan_mark(item=item, note="kept")
    response = alice_client.post(url("plan_item", item.uuid), data, **HTMX)
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    item.refresh_from_db()
    assert (item.state, item.note) == (PlanState.PLANNED, "kept")
    response = alice_client.post(url("plan_item", item.uuid), data, follow=True)
    assert message in response.text
    item.refresh_from_db()
    assert (item.state, item.note) == (PlanState.PLANNED, "kept")


def test_a_follow_up_question_is_added_once(alice_client: Client, meeting) -> None:
    plan(meeting, 2)
    data = {"text": "How did you learn Python?"}
    response = alice_client.post(url("follow_up_add", meeting.uuid), data, **HTMX)
    assert response.status_code == 200
    assert 'id="plan"' in response.text and "How did you learn Python?" in response.text
    assert "follow-up</span>" in response.text
    # Sent again (a retry after a dropped connection): still one.
    alice_client.post(url("follow_up_add", meeting.uuid), data, **HTMX)
    follow_ups = PlannedQuestion.objects.filter(meeting=meeting, follow_up=True)
    assert [(f.text, f.position) for f in follow_ups] == [("How did you learn Python?", 2)]
    response = alice_client.post(url("follow_up_add", meeting.uuid), {"text": "And Go?"})
    assert response["Location"] == f"{live_url(meeting)}#questions"
    assert follow_ups.all().count() == 2


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "This field is required."), ("q" * 501, "at most 500")]
)
def test_a_bad_follow_up_is_explained_and_adds_nothing(
    alice_client: Client, meeting, text: str, message: str
) -> None:
    response = alice_client.post(url("follow_up_add", meeting.uuid), {"text": text}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#follow-up-form"
    assert message in response.text
    response = alice_client.post(url("follow_up_add", meeting.uuid), {"text": text}, follow=True)
    assert message in response.text
    assert not PlannedQuestion.objects.exists()


# Quick capture ------------------------------------------------------------------------------


def test_a_captured_note_appears_in_the_list(alice_client: Client, meeting) -> None:
    data = {"kind": "resource", "text": "Book: Designing Your Life", "client_key": "k1"}
    response = alice_client.post(url("note_add", meeting.uuid), data, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="notes">')
    assert "Resource</span>" in response.text
    assert "Book: Designing Your Life" in response.text
    note = Note.objects.get()
    assert (note.kind, note.client_key, note.meeting_id) == ("resource", "k1", meeting.pk)
    response = alice_client.post(
        url("note_add", meeting.uuid), {"kind": "advice", "text": "Join the ACM chapter"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{live_url(meeting)}#capture"
    assert Note.objects.count() == 2


def test_a_resent_note_is_kept_once(alice_client: Client, meeting) -> None:
    data = {"kind": "advice", "text": "Talk to the data team", "client_key": "abc-123"}
    for _ in range(3):
        response = alice_client.post(url("note_add", meeting.uuid), data, **HTMX)
        assert response.status_code == 200
    alice_client.post(url("note_add", meeting.uuid), data)
    assert Note.objects.filter(meeting=meeting).count() == 1
    assert response.text.count("Talk to the data team") == 2  # the text and its edit box


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "advice", "text": ""}, "This field is required."),
        ({"kind": "advice", "text": "   "}, "This field is required."),
        ({"kind": "gossip", "text": "hi"}, "Select a valid choice."),
        ({"kind": "advice", "text": LONG}, "at most 5000 characters"),
        ({"kind": "advice", "text": "hi", "client_key": "no spaces!"}, "Use up to 64 letters"),
    ],
)
def test_a_bad_note_is_explained_and_saves_nothing(
    alice_client: Client, meeting, data: dict[str, str], message: str
) -> None:
    response = alice_client.post(url("note_add", meeting.uuid), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#note-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert message in response.text
    # The form comes back with what was typed, to fix it.
    if data["kind"] == "advice" and data["text"].strip():
        assert "checked> Advice" in response.text or 'value="advice" checked' in response.text
    response = alice_client.post(url("note_add", meeting.uuid), data, follow=True)
    assert message in response.text
    assert not Note.objects.exists()


def test_a_note_can_be_edited_and_deleted(alice_client: Client, meeting) -> None:
    note, _ = services.note_add(meeting=meeting, text="Ask Kim", kind=NoteKind.NOTE)
    response = alice_client.post(
        url("note_edit", note.uuid), {"text": "Ask Kim about the bootcamp", "kind": "idea"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="notes"' in response.text and "Idea</span>" in response.text
    note.refresh_from_db()
    assert (note.text, note.kind) == ("Ask Kim about the bootcamp", "idea")
    response = alice_client.post(url("note_edit", note.uuid), {"text": "Ask Kim"})
    assert response["Location"] == f"{live_url(meeting)}#capture"
    response = alice_client.post(url("note_delete", note.uuid), **HTMX)
    assert response.status_code == 200
    assert "Nothing captured yet." in response.text
    assert not Note.objects.exists()


def test_deleting_without_javascript_redirects(alice_client: Client, meeting) -> None:
    note, _ = services.note_add(meeting=meeting, text="Ask Kim")
    response = alice_client.post(url("note_delete", note.uuid), follow=True)
    assert response.redirect_chain == [(f"{live_url(meeting)}#capture", 302)]
    assert "Note deleted." in response.text
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "This can’t be empty."),
        ({"text": LONG}, "Keep it under 5,000 characters."),
        ({"kind": "gossip"}, "Choose one of: advice"),
        ({"text": "fine", "kind": "gossip"}, "Choose one of: advice"),
        ({"acted_on": "maybe"}, "Say whether it was acted on"),
        ({}, "Nothing to change."),
    ],
)
def test_a_bad_note_edit_is_explained_and_changes_nothing(
    alice_client: Client, meeting, data: dict[str, str], message: str
) -> None:
    note, _ = services.note_add(meeting=meeting, text="Ask Kim", kind=NoteKind.ADVICE)
    response = alice_client.post(url("note_edit", note.uuid), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#note-{note.uuid}"
    assert message in response.text
    assert "<details open>" in response.text  # the edit box stays open to fix it
    response = alice_client.post(url("note_edit", note.uuid), data, follow=True)
    assert message in response.text
    note.refresh_from_db()
    assert (note.text, note.kind, note.acted_on_at) == ("Ask Kim", "advice", None)


# Referrals ----------------------------------------------------------------------------------


def test_a_referral_becomes_a_contact_referred_by_this_person(
    alice, alice_client: Client, meeting
) -> None:
    data = {
        "name": "Sam Lee",
        "organization_name": "Beta Labs",
        "title": "Data engineer",
        "email": "sam@beta.example",
        "client_key": "ref-1",
    }
    response = alice_client.post(url("referral_add", meeting.uuid), data, **HTMX)
    assert response.status_code == 200
    sam = Contact.objects.get(owner=alice, name="Sam Lee")
    assert sam.referred_by == meeting.contact
    assert sam.organization is not None and sam.organization.name == "Beta Labs"
    assert (sam.title, sam.email) == ("Data engineer", "sam@beta.example")
    assert Referral.objects.get().contact == sam
    assert response.text.lstrip().startswith('<div id="referrals">')
    assert f'href="{url("contact_detail", sam.uuid)}">Sam Lee</a>' in response.text
    # A resend with the same key adds nobody.
    alice_client.post(url("referral_add", meeting.uuid), data, **HTMX)
    alice_client.post(url("referral_add", meeting.uuid), data)
    assert Referral.objects.count() == 1
    assert Contact.objects.filter(name="Sam Lee").count() == 1
    response = alice_client.post(url("referral_add", meeting.uuid), {"name": "Kim Ode"})
    assert response["Location"] == f"{live_url(meeting)}#referrals"
    assert Contact.objects.get(name="Kim Ode").referred_by == meeting.contact


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Sam", "email": "not-an-email"}, "Enter a valid email address."),
        ({"name": LONG}, "at most 200 characters"),
        ({"name": "Sam", "client_key": "bad key"}, "Use up to 64 letters"),
    ],
)
def test_a_bad_referral_is_explained_and_adds_nobody(
    alice_client: Client, meeting, data: dict[str, str], message: str
) -> None:
    before = Contact.objects.count()
    response = alice_client.post(url("referral_add", meeting.uuid), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#referral-form"
    assert message in response.text
    response = alice_client.post(url("referral_add", meeting.uuid), data, follow=True)
    assert message in response.text
    assert Contact.objects.count() == before
    assert not Referral.objects.exists()


# Finishing and the summary ------------------------------------------------------------------


def test_finishing_marks_the_meeting_done_and_shows_the_summary(
    alice_client: Client, meeting
) -> None:
    response = alice_client.post(url("live_finish", meeting.uuid))
    assert response.status_code == 302
    assert response["Location"] == url("summary", meeting.uuid)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DONE
    assert Conversation.objects.get(meeting=meeting).finished_at is not None
    text = alice_client.get(live_url(meeting)).text
    assert "Finish the conversation" not in text
    assert f'href="{url("summary", meeting.uuid)}"' in text


def test_a_cancelled_meeting_cannot_be_finished(alice, alice_client: Client, meeting) -> None:
    meeting_cancel(meeting=meeting)
    response = alice_client.post(url("live_finish", meeting.uuid), follow=True)
    assert "This meeting was cancelled." in response.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert not Conversation.objects.filter(finished_at__isnull=False).exists()


def test_the_summary_shows_notes_by_kind_questions_and_referrals(
    alice_client: Client, meeting
) -> None:
    first, second, third = plan(meeting, 3)
    services.plan_mark(item=first, state=PlanState.ASKED, note="Mostly SQL")
    services.plan_mark(item=second, state=PlanState.ANSWERED_EARLY)
    services.note_add(meeting=meeting, text="Learn dbt", kind=NoteKind.ADVICE)
    services.note_add(meeting=meeting, text="Locally Optimistic Slack", kind=NoteKind.RESOURCE)
    services.note_add(meeting=meeting, text="Why data?", kind=NoteKind.ASKED_ME)
    referral, _ = services.referral_add(meeting=meeting, name="Sam Lee")
    services.conversation_finish(meeting=meeting)
    text = alice_client.get(url("summary", meeting.uuid)).text
    for heading in ("Advice", "Resource", "They asked me", "Asked (1)", "Not reached (1)"):
        assert f">{heading}" in text
    assert "Answered before I asked (1)" in text
    assert "Mostly SQL" in text and third.text in text
    notes = text[text.index('id="notes-heading"') :]
    assert notes.index(">Advice</h3>") < notes.index("Learn dbt") < notes.index(">Resource</h3>")
    # Advice and resources to act on, each with a "done" toggle; "they asked me" is not one.
    assert text.count(">Done — mark acted on</button>") == 2
    # Each referral can get a first request drafted.
    sam = referral.contact
    assert f'action="{url("draft_create", sam.uuid)}"' in text
    assert 'name="kind" value="request"' in text
    assert "a thank-you within a day" in text


def test_draft_a_request_from_the_summary(alice_client: Client, meeting) -> None:
    referral, _ = services.referral_add(meeting=meeting, name="Sam Lee")
    response = alice_client.post(url("draft_create", referral.contact.uuid), {"kind": "request"})
    draft = Message.objects.get(contact=referral.contact)
    assert response["Location"] == url("message_detail", draft.uuid)


def test_marking_advice_acted_on_from_the_summary(alice_client: Client, meeting) -> None:
    note, _ = services.note_add(meeting=meeting, text="Learn dbt", kind=NoteKind.ADVICE)
    data = {"acted_on": "1", "from": "summary"}
    response = alice_client.post(url("note_edit", note.uuid), data, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="act-{note.uuid}" class="act-item done">')
    assert 'aria-pressed="true"' in response.text
    assert 'name="acted_on" value="0"' in response.text
    note.refresh_from_db()
    assert note.acted_on_at is not None
    response = alice_client.post(url("note_edit", note.uuid), {"acted_on": "0", "from": "summary"})
    assert response["Location"] == url("summary", meeting.uuid) + "#act"
    note.refresh_from_db()
    assert note.acted_on_at is None


# Access -------------------------------------------------------------------------------------


def _alice_ids(meeting: Meeting) -> dict[str, Any]:
    item = plan(meeting, 1)[0]
    note, _ = services.note_add(meeting=meeting, text="Alice's note")
    return {"meeting": meeting.uuid, "item": item.uuid, "note": note.uuid}


POSTS = [
    ("live_start", "meeting", {}),
    ("follow_up_add", "meeting", {"text": "Bob's question"}),
    ("plan_item", "item", {"state": "skipped", "note": "Bob"}),
    ("note_add", "meeting", {"kind": "advice", "text": "Bob"}),
    ("note_edit", "note", {"text": "Bob", "acted_on": "1"}),
    ("note_delete", "note", {}),
    ("referral_add", "meeting", {"name": "Bob's friend"}),
    ("live_finish", "meeting", {}),
]


@pytest.mark.parametrize(("name", "of", "data"), POSTS)
def test_bob_gets_404_on_alices_ids_and_nothing_changes(
    bob_client: Client, meeting, name: str, of: str, data: dict[str, str]
) -> None:
    ids = _alice_ids(meeting)
    for headers in ({}, HTMX):
        response = bob_client.post(url(name, ids[of]), data, **headers)
        assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert not Conversation.objects.exists()
    item = PlannedQuestion.objects.get()
    assert (item.state, item.note) == (PlanState.PLANNED, "")
    note = Note.objects.get()
    assert (note.text, note.acted_on_at) == ("Alice's note", None)
    assert not Referral.objects.exists()
    assert not Contact.objects.filter(name__startswith="Bob").exists()


@pytest.mark.parametrize("name", ["live", "summary"])
def test_bob_cannot_see_alices_pages(bob_client: Client, meeting, name: str) -> None:
    assert bob_client.get(url(name, meeting.uuid)).status_code == 404
    assert bob_client.get(url(name, "not-a-uuid")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(meeting) -> None:
    response = Client().get(live_url(meeting))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = Client().post(url("note_add", meeting.uuid), {"text": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Note.objects.exists()


def test_changes_need_a_post(alice_client: Client, meeting) -> None:
    ids = _alice_ids(meeting)
    for name, of, _ in POSTS:
        assert alice_client.get(url(name, ids[of])).status_code == 405
    assert alice_client.post(live_url(meeting)).status_code == 405


# Query counts -------------------------------------------------------------------------------


def _grow(meeting: Meeting, count: int) -> None:
    plan(meeting, count)
    for n in range(count):
        services.note_add(meeting=meeting, text=f"Note {n}", kind=NoteKind.values[n % 5])
        services.referral_add(meeting=meeting, name=f"Person {n}", organization_name=f"Org {n}")


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["live", "summary"])
def test_the_live_page_and_summary_cost_the_same_queries_for_2_or_10_of_everything(
    alice, alice_client: Client, name: str
) -> None:
    small = make_meeting(alice)
    _grow(small, 2)
    lee = make_contact(alice, "Lee Park", organization=make_organization(alice, "Beta Labs"))
    large = make_meeting(alice, lee, hours=72)
    _grow(large, 10)
    assert _queries(alice_client, url(name, small.uuid)) == _queries(
        alice_client, url(name, large.uuid)
    )


def test_links_in_notes_are_clickable_and_markup_is_escaped(alice_client: Client, meeting) -> None:
    services.note_add(
        meeting=meeting, kind="resource", text="Read https://example.org/guide <b>now</b>"
    )
    for name in ("live", "summary"):
        page = alice_client.get(reverse(name, args=[meeting.uuid])).content.decode()
        assert 'href="https://example.org/guide"' in page
        assert "<b>now</b>" not in page and "&lt;b&gt;now&lt;/b&gt;" in page
