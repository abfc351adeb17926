"""The meetings list, one meeting's page, a meeting entered directly, and marking it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat

from coffeechat.conversations import selectors, services
from coffeechat.outreach.models import Meeting, MeetingStatus
from coffeechat.outreach.services import meeting_cancel, meeting_reschedule
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact, make_organization

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _list(client: Any, **params: str) -> str:
    response = client.get(reverse("meeting_list"), params)
    assert response.status_code == 200
    return response.text


# The list ---------------------------------------------------------------------------------


def test_list_shows_upcoming_soonest_first_and_past_latest_first(alice: Any, alice_client: Any):
    later = make_meeting(alice, make_contact(alice, "Later Lee"), hours=72)
    sooner = make_meeting(alice, make_contact(alice, "Sooner Sam"), hours=30)
    long_ago = make_meeting(alice, make_contact(alice, "Long Ago Lou"), hours=-200)
    recent = make_meeting(alice, make_contact(alice, "Recent Ray"), hours=-30)
    services.conversation_finish(meeting=recent)
    text = _list(alice_client)
    upcoming, past = text.split('id="past-heading"')
    assert upcoming.index("Sooner Sam") < upcoming.index("Later Lee")
    assert past.index("Recent Ray") < past.index("Long Ago Lou")
    assert "Long Ago Lou" not in upcoming and "Sooner Sam" not in past
    # Past rows say what happened; a done meeting links to its summary.
    assert ">Done</span>" in past and ">Scheduled</span>" in past
    assert reverse("summary", args=[recent.uuid]) in past
    assert reverse("summary", args=[long_ago.uuid]) not in past
    # Upcoming rows link to their prep sheet and live mode, with both time zones.
    assert reverse("prep_sheet", args=[sooner.uuid]) in upcoming
    assert reverse("live", args=[later.uuid]) in upcoming
    assert selectors.when_label(alice, sooner) in upcoming
    assert reverse("question_list") in text and reverse("practice") in text


def test_list_filters_by_when_and_status(alice: Any, alice_client: Any):
    make_meeting(alice, make_contact(alice, "Coming Cleo"), hours=30)
    gone = make_meeting(alice, make_contact(alice, "Cancelled Cal"), hours=50)
    meeting_cancel(meeting=gone)
    make_meeting(alice, make_contact(alice, "Past Pat"), hours=-30)
    upcoming = _list(alice_client, when="upcoming")
    assert "Coming Cleo" in upcoming and "Past Pat" not in upcoming
    assert "Cancelled Cal" not in upcoming  # a cancelled meeting is not coming up
    past = _list(alice_client, when="past")
    assert "Past Pat" in past and "Cancelled Cal" in past and "Coming Cleo" not in past
    cancelled = _list(alice_client, when="past", status="cancelled")
    assert "Cancelled Cal" in cancelled and "Past Pat" not in cancelled
    # Nonsense filters fall back to everything instead of failing.
    everything = _list(alice_client, when="someday", status="maybe")
    assert all(name in everything for name in ("Coming Cleo", "Cancelled Cal", "Past Pat"))


def test_list_warns_when_research_is_not_done_a_day_before(alice: Any, alice_client: Any):
    tomorrow = make_meeting(alice, make_contact(alice, "Soon Sol"), hours=20)
    next_week = make_meeting(alice, make_contact(alice, "Later Liv"), hours=24 * 7)
    text = _list(alice_client)
    assert "Research still to do before you meet Soon Sol" in text
    assert "Research still to do before you meet Later Liv" not in text
    services.research_update(contact=tomorrow.contact, searched=True, linkedin_read=True)
    assert "Research still to do before you meet Soon Sol" not in _list(alice_client)
    assert next_week.pk  # still listed, simply without a warning


def test_practice_contacts_carry_the_badge(alice: Any, alice_client: Any):
    make_meeting(alice, make_contact(alice, "Roommate Rio", practice=True), hours=30)
    assert '<span class="badge practice">practice</span>' in _list(alice_client)


def test_an_empty_list_says_where_meetings_come_from(alice_client: Any):
    text = _list(alice_client)
    assert "No meetings coming up" in text
    assert reverse("outreach_queue") in text


def _grow(owner: Any, n: int, tag: str) -> None:
    for i in range(n):
        org = make_organization(owner, f"Org {tag}{i}", website="https://org.example")
        contact = make_contact(owner, f"Person {tag}{i}", organization=org)
        services.research_update(contact=contact, notes="Read up", website_read=True)
        make_meeting(owner, contact, hours=10 + i)
        done = make_meeting(owner, contact, hours=-100 - i)
        services.conversation_finish(meeting=done)


def test_list_query_count_is_the_same_for_one_or_twenty_meetings(alice: Any, alice_client: Any):
    _grow(alice, 1, "a")
    with CaptureQueriesContext(connection) as few:
        _list(alice_client)
    _grow(alice, 20, "b")
    with CaptureQueriesContext(connection) as many:
        text = _list(alice_client)
    assert "Person b19" in text
    assert len(many) == len(few) <= 5  # session, user, profile, upcoming, past


# Entering a meeting directly --------------------------------------------------------------


def test_create_form_starts_from_the_profiles_minutes(alice: Any, alice_client: Any):
    alice.profile.default_minutes = 25
    alice.profile.save()
    contact = make_contact(alice, "Dana Reyes")
    page = alice_client.get(reverse("meeting_create", args=[contact.uuid]))
    assert page.status_code == 200
    assert "Add a meeting with Dana Reyes" in page.text
    assert 'name="minutes" value="25"' in page.text
    assert 'type="datetime-local"' in page.text


def test_create_schedules_in_the_students_zone(alice: Any, alice_client: Any):
    contact = make_contact(alice, "Dana Reyes", time_zone="America/New_York")
    response = alice_client.post(
        reverse("meeting_create", args=[contact.uuid]),
        {
            "start": "2026-12-03T14:30",
            "minutes": "30",
            "medium": "phone",
            "location": "+1 312 555 0100",
        },
    )
    meeting = Meeting.objects.get(contact=contact)
    assert response["Location"] == reverse("meeting_detail", args=[meeting.uuid])
    # Alice is in Chicago: 14:30 CST is 20:30 UTC.
    assert meeting.start == dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC)
    assert meeting.minutes == 30 and meeting.medium == "phone"
    assert meeting.location == "+1 312 555 0100"
    page = alice_client.get(response["Location"])
    assert "Meeting with Dana Reyes scheduled" in page.text


@pytest.mark.parametrize(
    "data",
    [
        {"start": "", "minutes": "20"},
        {"start": "next tuesday", "minutes": "20"},
        {"start": "2026-12-03T14:30", "minutes": "1000"},
        {"start": "2026-12-03T14:30", "minutes": "20", "medium": "carrier pigeon"},
        {"start": "2026-12-03T14:30", "minutes": "20", "location": "x" * 501},
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(alice: Any, alice_client: Any, data: Any):
    contact = make_contact(alice, "Dana Reyes")
    response = alice_client.post(reverse("meeting_create", args=[contact.uuid]), data)
    assert response.status_code == 200
    assert "field-error" in response.text
    assert not Meeting.objects.exists()


def test_bob_cannot_add_a_meeting_with_alices_contact(alice: Any, bob_client: Any):
    contact = make_contact(alice, "Dana Reyes")
    url = reverse("meeting_create", args=[contact.uuid])
    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url, {"start": "2026-12-03T14:30", "minutes": "20"}).status_code == 404
    assert not Meeting.objects.exists()


# One meeting ------------------------------------------------------------------------------


def test_meeting_page_shows_times_research_and_the_plan(
    alice: Any, alice_client: Any, meeting: Any
):
    contact = meeting.contact
    services.research_update(contact=contact, notes="Leads the data team.", searched=True)
    services.research_link_add(owner=alice, url="https://news.example/acme", contact=contact)
    services.questions_builtin_ensure(owner=alice)
    services.plan_set(meeting=meeting, questions=selectors.question_bank(alice)[:8])
    page = alice_client.get(reverse("meeting_detail", args=[meeting.uuid]))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Meeting with Dana Reyes</h1>" in text
    assert f"<dt>When</dt><dd>{selectors.when_label(alice, meeting)}</dd>" in text
    assert "(" in selectors.when_label(alice, meeting)  # New York and Chicago both shown
    assert "<dt>How</dt><dd>Zoom / video call</dd>" in text
    assert "Leads the data team." in text
    assert "https://news.example/acme" in text
    assert 'Read their LinkedIn page<span class="visually-hidden">: not done yet' in text
    assert "What is a typical day like in your job?" in text
    # Eight questions in twenty minutes overrun: the plan's warning is shown.
    assert "8 questions need about" in text
    for name in ("meeting_invite", "meeting_plan", "prep_sheet", "live", "meeting_research"):
        if name == "meeting_research":
            assert reverse("research_edit", args=[contact.uuid]) in text
        else:
            assert reverse(name, args=[meeting.uuid]) in text
    assert reverse("meeting_confirm_draft", args=[meeting.uuid]) in text
    assert reverse("meeting_cancel", args=[meeting.uuid]) in text
    assert "Move the meeting" in text
    assert reverse("summary", args=[meeting.uuid]) not in text


def test_meeting_page_warns_a_day_before_when_research_is_missing(alice: Any, alice_client: Any):
    soon = make_meeting(alice, hours=5)
    text = alice_client.get(reverse("meeting_detail", args=[soon.uuid])).text
    assert "Research still to do before you meet Dana Reyes" in text


def test_moving_says_rescheduled_and_was(alice: Any, alice_client: Any, meeting: Any):
    old_start = meeting.start
    response = alice_client.post(
        reverse("meeting_detail", args=[meeting.uuid]),
        {"start": "2026-12-10T09:00", "minutes": "30"},
        follow=True,
    )
    meeting.refresh_from_db()
    assert meeting.start == dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC)
    assert meeting.minutes == 30 and meeting.sequence == 1
    assert meeting.rescheduled_from == old_start
    assert "Meeting moved. Send them the updated invite" in response.text
    was = dateformat.format(old_start.astimezone(CHICAGO), "D, M j, g:i A T")
    assert f"<dt>Status</dt><dd>Rescheduled — was {was}" in response.text


def test_a_bad_move_is_explained_and_changes_nothing(alice: Any, alice_client: Any, meeting: Any):
    before = (meeting.start, meeting.end, meeting.sequence)
    for data in ({"start": "nope"}, {"start": "2026-12-10T09:00", "minutes": "1"}):
        response = alice_client.post(reverse("meeting_detail", args=[meeting.uuid]), data)
        assert response.status_code == 200
        assert "field-error" in response.text
        meeting.refresh_from_db()
        assert (meeting.start, meeting.end, meeting.sequence) == before


def test_a_cancelled_meeting_cannot_be_moved_or_started(
    alice: Any, alice_client: Any, meeting: Any
):
    meeting_cancel(meeting=meeting)
    url = reverse("meeting_detail", args=[meeting.uuid])
    text = alice_client.get(url).text
    assert "Move the meeting" not in text and "Start live mode" not in text
    assert "<dt>Status</dt><dd>Cancelled" in text
    response = alice_client.post(url, {"start": "2026-12-10T09:00"})
    assert "Only a scheduled meeting can be moved." in response.text
    meeting.refresh_from_db()
    assert meeting.rescheduled_from is None


def test_a_finished_meeting_counts_notes_and_people_suggested(
    alice: Any, alice_client: Any, meeting: Any
):
    services.note_add(meeting=meeting, text="Learn SQL", kind="advice")
    services.referral_add(meeting=meeting, name="Sam Okafor")
    services.conversation_finish(meeting=meeting)
    text = alice_client.get(reverse("meeting_detail", args=[meeting.uuid])).text
    assert "1 note · 1 person suggested" in text
    assert "Sam Okafor" in text
    assert reverse("summary", args=[meeting.uuid]) in text
    assert "Marked by mistake: back to scheduled" in text


def test_bob_gets_404_on_alices_meeting_and_moves_nothing(meeting: Any, bob_client: Any):
    url = reverse("meeting_detail", args=[meeting.uuid])
    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url, {"start": "2026-12-10T09:00"}).status_code == 404
    status = reverse("meeting_status", args=[meeting.uuid])
    assert bob_client.post(status, {"status": "done"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.status == MeetingStatus.SCHEDULED


# Marking ----------------------------------------------------------------------------------


def test_marking_done_then_undoing(alice: Any, alice_client: Any):
    past = make_meeting(alice, hours=-2)
    detail = reverse("meeting_detail", args=[past.uuid])
    assert "It happened: mark as done" in alice_client.get(detail).text
    url = reverse("meeting_status", args=[past.uuid])
    response = alice_client.post(url, {"status": "done"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert "Marked as done" in response.text
    past.refresh_from_db()
    assert past.status == MeetingStatus.DONE
    alice_client.post(url, {"status": "scheduled"})
    past.refresh_from_db()
    assert past.status == MeetingStatus.SCHEDULED


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("no_show", "It has not started yet"),
        ("cancelled", "Choose done, no_show or scheduled."),
        ("", "Choose done, no_show or scheduled."),
    ],
)
def test_a_wrong_mark_is_refused_with_a_message(
    alice_client: Any, meeting: Any, status: str, message: str
):
    response = alice_client.post(
        reverse("meeting_status", args=[meeting.uuid]), {"status": status}, follow=True
    )
    assert message in response.text
    assert 'class="message message-error"' in response.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_status_is_post_only(alice_client: Any, meeting: Any):
    assert alice_client.get(reverse("meeting_status", args=[meeting.uuid])).status_code == 405


def test_rescheduled_meeting_shows_the_old_time_in_the_list(alice: Any, alice_client: Any):
    meeting = make_meeting(alice, hours=30)
    meeting_reschedule(meeting=meeting, start=meeting.start + dt.timedelta(days=2))
    assert ">Rescheduled</span>" in _list(alice_client)


# The contact page's section ---------------------------------------------------------------


def test_contact_page_lists_meetings_and_research(alice: Any, alice_client: Any, meeting: Any):
    contact = meeting.contact
    past = make_meeting(alice, contact, hours=-300)
    services.conversation_finish(meeting=past)
    services.research_update(contact=contact, searched=True)
    text = alice_client.get(reverse("contact_detail", args=[contact.uuid])).text
    section = text.split('id="meetings-heading"')[1]
    upcoming, older = section.split("<h3>Past</h3>")
    assert reverse("meeting_detail", args=[meeting.uuid]) in upcoming
    assert selectors.when_label(alice, meeting) in upcoming
    assert reverse("meeting_detail", args=[past.uuid]) in older
    assert ">Done</span>" in older and reverse("summary", args=[past.uuid]) in older
    assert 'Searched for Dana Reyes online<span class="visually-hidden">: done' in section
    assert 'Read their LinkedIn page<span class="visually-hidden">: not done yet' in section
    assert reverse("research_edit", args=[contact.uuid]) in section
    assert reverse("meeting_create", args=[contact.uuid]) in section


def test_contact_page_without_meetings_offers_to_add_one(alice: Any, alice_client: Any):
    contact = make_contact(alice, "Sol Ito")
    text = alice_client.get(reverse("contact_detail", args=[contact.uuid])).text
    assert "Meetings and research" in text and "No meetings yet." in text
    assert "Read their organization’s website (no organization recorded)" in text
    assert reverse("meeting_create", args=[contact.uuid]) in text


def test_contact_page_query_count_does_not_grow_with_meetings(alice: Any, alice_client: Any):
    contact = make_contact(alice, "Dana Reyes", organization=make_organization(alice, "Acme"))
    make_meeting(alice, contact, hours=30)
    url = reverse("contact_detail", args=[contact.uuid])
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url)
    for i in range(10):
        make_meeting(alice, contact, hours=40 + i * 24)
        make_meeting(alice, contact, hours=-40 - i * 24)
    with CaptureQueriesContext(connection) as many:
        alice_client.get(url)
    assert len(many) == len(few)
