"""The private calendar feed: what Google, Apple and Outlook read back from /feed/<token>.ics."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine
import vobject
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coffeechat.followups import services
from coffeechat.followups.feed import feed_ics
from coffeechat.network.models import Contact
from coffeechat.outreach.models import Kind, Meeting
from coffeechat.outreach.services import meeting_cancel, meeting_reschedule, meeting_schedule
from tests.factories import make_contact, make_organization
from tests.followups.conftest import NOW, met, request_sent, sent
from tests.test_settings import SETUP, run_python

UTC = dt.UTC
CHICAGO = ZoneInfo("America/Chicago")
BASE = "https://coffeechat.example.edu"


@pytest.fixture(autouse=True)
def base_url(settings: Any) -> None:
    settings.COFFEECHAT_BASE_URL = BASE


@pytest.fixture
def coffee(alice: Any) -> Any:
    """Alice calls them coffee chats (the default wording is "informational interview")."""
    alice.profile.wording = "coffee chat"
    alice.profile.save()
    return alice


def read(data: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(data)
    assert isinstance(calendar, icalendar.Calendar)
    return calendar


def events(data: bytes) -> dict[str, icalendar.Event]:
    found = read(data).events
    uids = [str(event["UID"]) for event in found]
    assert len(uids) == len(set(uids)), "one event per UID: updates must replace, not add"
    return {str(event["UID"]): event for event in found}


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def schedule(owner: Any, contact: Contact, start: dt.datetime, **fields: Any) -> Meeting:
    return meeting_schedule(
        owner=owner, contact=contact, start=start, minutes=30, medium="video", **fields
    )


def subscribe(user: Any) -> str:
    return reverse("feed", args=[services.feed_token_new(user=user).feed_token])


def fetch(url: str, at: dt.datetime = NOW) -> Any:
    with time_machine.travel(at, tick=False):
        return Client().get(url)


def thank_you_uid(meeting: Meeting) -> str:
    return f"thank_you-{meeting.uuid}@coffeechat"


# What a calendar app reads -------------------------------------------------------------


def test_feed_is_a_published_calendar_of_meetings_and_follow_ups(coffee: Any, dana: Any) -> None:
    done = met(coffee, dana, end=NOW - dt.timedelta(hours=2))
    upcoming = schedule(
        coffee, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC), location="Acme café"
    )

    response = fetch(subscribe(coffee))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("private, max-age=")
    calendar = read(response.content)
    assert calendar["PRODID"] == "-//Coffeechat//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Coffeechat"
    assert calendar["X-PUBLISHED-TTL"] == "PT1H"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in unfolded(response.content)
    found = events(response.content)
    prepare = f"prepare-{upcoming.uuid}@coffeechat"
    assert set(found) == {done.ical_uid, upcoming.ical_uid, thank_you_uid(done), prepare}
    for event in found.values():
        assert event.DTSTAMP == NOW

    meeting = found[upcoming.ical_uid]
    assert meeting["SUMMARY"] == "Coffee chat: Dana Reyes (Acme Health)"
    assert meeting["LOCATION"] == "Acme café"
    assert meeting["SEQUENCE"] == 0
    assert meeting["STATUS"] == "CONFIRMED"
    assert meeting.start == dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert meeting.end == dt.datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    prep = f"{BASE}/meetings/{upcoming.uuid}/prep/"
    assert f"Prep sheet: {prep}" in meeting["DESCRIPTION"]
    assert meeting["URL"] == f"{BASE}/meetings/{upcoming.uuid}/"
    assert "ORGANIZER" not in meeting and "ATTENDEE" not in meeting

    thanks = found[thank_you_uid(done)]
    assert thanks["SUMMARY"] == "Thank Dana Reyes"
    assert thanks.start == dt.date(2026, 11, 18)  # all day, on the day it is due
    assert thanks.end == dt.date(2026, 11, 19)
    assert "DTSTART;VALUE=DATE:20261118" in unfolded(response.content)
    assert thanks["TRANSP"] == "TRANSPARENT"
    assert "mention something specific" in thanks["DESCRIPTION"]
    assert f"Today: {BASE}/today/" in thanks["DESCRIPTION"]
    # Making the draft is a form button on Today: a calendar app can only open a link.
    on_today = f"{BASE}/today/#reminder-thank_you-{done.uuid}"
    assert thanks["URL"] == on_today
    assert f"Write thank-you: {on_today}" in thanks["DESCRIPTION"]


def test_feed_reads_back_in_recurring_ical_events_and_vobject(alice: Any, dana: Any) -> None:
    met(alice, dana, end=NOW - dt.timedelta(hours=2))
    schedule(alice, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    data = feed_ics(alice, now=NOW)

    window = recurring_ical_events.of(read(data)).between(
        dt.datetime(2026, 11, 1, tzinfo=UTC), dt.datetime(2026, 12, 1, tzinfo=UTC)
    )
    starts = sorted(str(event.start) for event in window)
    assert starts == [
        "2026-11-18",  # the thank-you
        "2026-11-18 09:40:00-06:00",  # the conversation this morning
        "2026-11-19",  # prepare for the next one
        "2026-11-20 09:00:00-06:00",
    ]

    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    assert len(parsed.vevent_list) == 4
    assert all(hasattr(event, "uid") and hasattr(event, "dtstamp") for event in parsed.vevent_list)
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF line ends
    assert max(len(line.encode()) for line in data.decode().split("\r\n")) <= 75


def test_a_moved_meeting_keeps_its_uid_and_goes_up_in_sequence(alice: Any, dana: Any) -> None:
    meeting = schedule(alice, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    before = events(feed_ics(alice, now=NOW))[meeting.ical_uid]

    meeting_reschedule(meeting=meeting, start=dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    after = events(feed_ics(alice, now=NOW))

    # Replaced in place, not a second event (events() checks every UID is there once).
    assert [uid for uid in after if not uid.startswith("prepare-")] == [meeting.ical_uid]
    moved = after[meeting.ical_uid]
    assert moved["SEQUENCE"] == before["SEQUENCE"] + 1 == 1
    assert moved.start == dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert "Status: Rescheduled." in moved["DESCRIPTION"]


def test_the_feed_event_matches_the_invite_the_contact_got(alice: Any, dana: Any) -> None:
    from coffeechat.outreach.services import meeting_invite

    meeting = schedule(alice, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    meeting_reschedule(meeting=meeting, start=dt.datetime(2026, 11, 21, 15, 0, tzinfo=UTC))
    [invite] = read(meeting_invite(meeting=meeting)).events
    feed = events(feed_ics(alice, now=NOW))[meeting.ical_uid]

    for name in ("UID", "SEQUENCE", "DTSTART", "DTEND"):
        assert feed[name].to_ical() == invite[name].to_ical(), name
    assert feed["DTSTART"].params == invite["DTSTART"].params


def test_a_cancelled_meeting_stays_as_cancelled_so_calendars_remove_it(
    alice: Any, dana: Any
) -> None:
    meeting = schedule(alice, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    meeting_cancel(meeting=meeting)

    event = events(feed_ics(alice, now=NOW))[meeting.ical_uid]

    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_meetings_from_90_days_back_onward(alice: Any, dana: Any) -> None:
    old = met(alice, dana, end=NOW - dt.timedelta(days=91))
    recent = met(alice, dana, end=NOW - dt.timedelta(days=89))
    far = schedule(alice, dana, NOW + dt.timedelta(days=300))

    found = events(feed_ics(alice, now=NOW))

    assert old.ical_uid not in found
    assert recent.ical_uid in found
    assert far.ical_uid in found


# Follow-ups ------------------------------------------------------------------------------


def test_the_thank_you_goes_away_when_it_is_sent(alice: Any, dana: Any) -> None:
    meeting = met(alice, dana, end=NOW - dt.timedelta(hours=2))
    assert thank_you_uid(meeting) in events(feed_ics(alice, now=NOW))

    sent(alice, dana, Kind.THANK_YOU, NOW - dt.timedelta(hours=1))
    later = events(feed_ics(alice, now=NOW))

    assert thank_you_uid(meeting) not in later
    assert f"linkedin-{dana.uuid}@coffeechat" in later  # the next step appears instead


def test_an_overdue_follow_up_moves_to_today_with_the_same_uid(alice: Any, dana: Any) -> None:
    meeting = met(alice, dana, end=NOW - dt.timedelta(days=3))

    event = events(feed_ics(alice, now=NOW))[thank_you_uid(meeting)]

    assert event.start == dt.date(2026, 11, 18)
    assert "Overdue: it was due 15 Nov 2026." in event["DESCRIPTION"]


def test_a_snoozed_follow_up_moves_in_place(alice: Any, dana: Any) -> None:
    meeting = met(alice, dana, end=NOW - dt.timedelta(hours=2))
    services.reminder_snooze(owner=alice, rule="thank_you", key=str(meeting.uuid), days=2, now=NOW)

    event = events(feed_ics(alice, now=NOW))[thank_you_uid(meeting)]

    assert event.start == dt.date(2026, 11, 20)


def test_a_draft_already_started_is_linked_directly(alice: Any, dana: Any) -> None:
    meeting = met(alice, dana, end=NOW - dt.timedelta(hours=2))
    draft = services.reminder_draft(owner=alice, rule="thank_you", key=str(meeting.uuid), now=NOW)

    event = events(feed_ics(alice, now=NOW))[thank_you_uid(meeting)]

    assert event["URL"] == f"{BASE}/messages/{draft.uuid}/"
    assert f"Open draft: {BASE}/messages/{draft.uuid}/" in event["DESCRIPTION"]


def test_try_next_links_to_the_organization(alice: Any, dana: Any) -> None:
    request = request_sent(alice, dana, NOW - dt.timedelta(days=6))

    event = events(feed_ics(alice, now=NOW))[f"try_next-{request.uuid}@coffeechat"]

    organization = dana.organization
    assert organization is not None
    assert event["URL"] == f"{BASE}/organizations/{organization.uuid}/"
    assert event["SUMMARY"] == "Contact the next person at Acme Health"


def test_a_dismissed_follow_up_is_not_in_the_feed(alice: Any, dana: Any) -> None:
    meeting = met(alice, dana, end=NOW - dt.timedelta(hours=2))
    services.reminder_dismiss(owner=alice, rule="thank_you", key=str(meeting.uuid), now=NOW)

    assert thank_you_uid(meeting) not in events(feed_ics(alice, now=NOW))


def test_the_prep_reminder_links_to_the_prep_sheet(alice: Any, dana: Any) -> None:
    meeting = schedule(alice, dana, dt.datetime(2026, 11, 21, 15, 0, tzinfo=UTC))

    event = events(feed_ics(alice, now=NOW))[f"prepare-{meeting.uuid}@coffeechat"]

    assert event.start == dt.date(2026, 11, 20)
    assert event["URL"] == f"{BASE}/meetings/{meeting.uuid}/prep/"


def test_follow_ups_due_more_than_120_days_ahead_are_left_out(alice: Any, dana: Any) -> None:
    met(alice, dana, end=NOW - dt.timedelta(days=1))
    sent(alice, dana, Kind.THANK_YOU, NOW - dt.timedelta(hours=20))
    sent(alice, dana, Kind.LINKEDIN_CONNECT, NOW - dt.timedelta(hours=10))
    keep_in_touch = f"keep_in_touch-{dana.uuid}@coffeechat"

    event = events(feed_ics(alice, now=NOW))[keep_in_touch]
    assert event.start == dt.date(2027, 2, 18)
    # Not on Today yet: the link is to it on the list of every reminder.
    assert event["URL"] == f"{BASE}/reminders/#reminder-keep_in_touch-{dana.uuid}"
    services.settings_update(user=alice, keep_in_touch_months=5)
    assert keep_in_touch not in events(feed_ics(alice, now=NOW))


# Time zones -------------------------------------------------------------------------------


def test_times_are_in_the_students_zone_with_its_vtimezone(alice: Any, dana: Any) -> None:
    schedule(alice, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    data = feed_ics(alice, now=NOW)

    assert "DTSTART;TZID=America/Chicago:20261120T090000" in unfolded(data)
    [zone] = read(data).walk("VTIMEZONE")
    assert zone["TZID"] == "America/Chicago"


def test_times_are_right_either_side_of_the_dst_change(alice: Any, dana: Any) -> None:
    # US clocks went back on 1 November 2026: 9:00 in Chicago is 14:00 UTC before, 15:00 after.
    before = schedule(alice, dana, dt.datetime(2026, 10, 30, 9, 0, tzinfo=CHICAGO))
    after = schedule(alice, dana, dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHICAGO))
    data = feed_ics(alice, now=dt.datetime(2026, 10, 20, tzinfo=UTC))

    found = events(data)
    assert found[before.ical_uid].start.astimezone(UTC) == dt.datetime(
        2026, 10, 30, 14, 0, tzinfo=UTC
    )
    assert found[after.ical_uid].start.astimezone(UTC) == dt.datetime(
        2026, 11, 2, 15, 0, tzinfo=UTC
    )
    lines = unfolded(data)
    assert "DTSTART;TZID=America/Chicago:20261030T090000" in lines
    assert "DTSTART;TZID=America/Chicago:20261102T090000" in lines
    # Read independently of icalendar: vobject applies the VTIMEZONE itself.
    parsed = vobject.readOne(data.decode("utf-8"))
    starts = sorted(
        event.dtstart.value.astimezone(UTC)
        for event in parsed.vevent_list
        if isinstance(event.dtstart.value, dt.datetime)
    )
    assert starts == [
        dt.datetime(2026, 10, 30, 14, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC),
    ]


def test_a_follow_up_falls_on_the_students_date_not_utcs(alice: Any, dana: Any) -> None:
    # Finished at 21:00 in Chicago on the 18th, already the 19th in UTC.
    end = dt.datetime(2026, 11, 19, 3, 0, tzinfo=UTC)
    meeting = met(alice, dana, end=end)

    event = events(feed_ics(alice, now=end + dt.timedelta(hours=1)))[thank_you_uid(meeting)]

    assert event.start == dt.date(2026, 11, 18)


def test_a_student_in_utc_gets_utc_times(bob: Any) -> None:
    contact = make_contact(bob, "Lee Park")
    meeting = schedule(bob, contact, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))

    event = events(feed_ics(bob, now=NOW))[meeting.ical_uid]

    assert event.start == dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert event.start.utcoffset() == dt.timedelta(0)


# Text -------------------------------------------------------------------------------------


def test_commas_semicolons_line_breaks_and_emoji_survive(coffee: Any) -> None:
    contact = make_contact(
        coffee,
        "Reyes, Dana; “DJ” ☕",
        title="Lead; UX, research",
        organization=make_organization(coffee, "Acme, Health; Inc. 🎉"),
    )
    location = "Café Nord, 2nd floor; ask for “Dana” 🙂\\ back"
    meeting = schedule(coffee, contact, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    Meeting.objects.filter(pk=meeting.pk).update(location=location + "\nRing twice")
    done = met(coffee, contact, end=NOW - dt.timedelta(hours=1))
    data = feed_ics(coffee, now=NOW)

    found = events(data)
    event = found[meeting.ical_uid]
    assert event["SUMMARY"] == "Coffee chat: Reyes, Dana; “DJ” ☕ (Acme, Health; Inc. 🎉)"
    assert event["LOCATION"] == location + "\nRing twice"
    assert "with Reyes, Dana; “DJ” ☕ (Lead; UX, research)." in event["DESCRIPTION"]
    assert found[thank_you_uid(done)]["SUMMARY"] == "Thank Reyes, Dana; “DJ” ☕"
    lines = unfolded(data)
    assert "SUMMARY:Coffee chat: Reyes\\, Dana\\; “DJ” ☕ (Acme\\, Health\\; Inc. 🎉)" in lines
    assert "LOCATION:Café Nord\\, 2nd floor\\; ask for “Dana” 🙂\\\\ back\\nRing twice" in lines
    data.decode("utf-8")  # folding never splits a character


def test_control_characters_are_dropped(alice: Any) -> None:
    contact = make_contact(alice, "Dana Reyes")
    Contact.objects.filter(pk=contact.pk).update(name="Dana\x07 Reyes\x1b")
    contact.refresh_from_db()
    meeting = met(alice, contact, end=NOW - dt.timedelta(hours=1))

    found = events(feed_ics(alice, now=NOW))

    assert found[thank_you_uid(meeting)]["SUMMARY"] == "Thank Dana Reyes"
    assert found[meeting.ical_uid]["SUMMARY"] == "Informational interview: Dana Reyes"


# The address ------------------------------------------------------------------------------


def test_an_unknown_or_blank_token_is_a_plain_404(alice: Any) -> None:
    services.feed_token_new(user=alice)

    unknown = fetch(reverse("feed", args=["x" * 43]))
    assert unknown.status_code == 404
    assert fetch("/feed/.ics").status_code == 404
    assert b"BEGIN:VCALENDAR" not in unknown.content


def test_a_revoked_or_replaced_address_stops_working(alice: Any) -> None:
    first = subscribe(alice)
    assert fetch(first).status_code == 200

    second = subscribe(alice)
    assert fetch(first).status_code == 404
    assert fetch(second).status_code == 200

    services.feed_token_revoke(user=alice)
    revoked = fetch(second)
    assert revoked.status_code == 404
    # The same answer as an address that never existed: no hint it once worked.
    assert revoked.content == fetch(reverse("feed", args=["never-was"])).content


def test_an_inactive_users_feed_is_gone(alice: Any) -> None:
    url = subscribe(alice)
    alice.is_active = False
    alice.save()

    assert fetch(url).status_code == 404


def test_each_token_shows_only_its_owners_data(alice: Any, bob: Any, dana: Any) -> None:
    alice_meeting = schedule(alice, dana, dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    alice_done = met(alice, dana, end=NOW - dt.timedelta(hours=1))
    lee = make_contact(bob, "Lee Park")
    bob_meeting = schedule(bob, lee, dt.datetime(2026, 11, 21, 15, 0, tzinfo=UTC))

    response = fetch(subscribe(bob))

    found = events(response.content)
    assert bob_meeting.ical_uid in found
    assert f"prepare-{bob_meeting.uuid}@coffeechat" in found
    assert set(found) == {bob_meeting.ical_uid, f"prepare-{bob_meeting.uuid}@coffeechat"}
    assert alice_meeting.ical_uid not in found and thank_you_uid(alice_done) not in found
    assert b"Dana" not in response.content


def test_head_works_and_other_methods_do_not(alice: Any) -> None:
    url = subscribe(alice)

    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code == 405


def test_the_number_of_queries_does_not_grow_with_meetings(
    alice: Any, dana: Any, django_assert_max_num_queries: Any
) -> None:
    url = subscribe(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
            assert Client().get(url).status_code == 200
        return len(queries)

    schedule(alice, dana, NOW + dt.timedelta(days=2))
    met(alice, dana, end=NOW - dt.timedelta(hours=1))
    few = count()
    for day in range(3, 13):
        other = make_contact(alice, f"Person {day}", organization_name=f"Org {day}")
        schedule(alice, other, NOW + dt.timedelta(days=day))
        met(alice, other, end=NOW - dt.timedelta(days=day))
    many = count()

    assert many == few
    with django_assert_max_num_queries(16), time_machine.travel(NOW, tick=False):
        Client().get(url)


# The setting ------------------------------------------------------------------------------


def test_base_url_comes_from_the_environment_without_a_trailing_slash(tmp_path: Any) -> None:
    code = SETUP + "from django.conf import settings; print(settings.COFFEECHAT_BASE_URL)"
    common = {"COFFEECHAT_DEBUG": "1", "COFFEECHAT_DATA_DIR": str(tmp_path)}

    default = run_python(code, **common)
    custom = run_python(code, COFFEECHAT_BASE_URL="https://cc.example.edu/", **common)
    bad = run_python(code, COFFEECHAT_BASE_URL="cc.example.edu", **common)

    assert default.stdout.strip() == "http://127.0.0.1:8000"
    assert custom.stdout.strip() == "https://cc.example.edu"
    assert bad.returncode != 0
    assert "COFFEECHAT_BASE_URL must be the address" in bad.stderr
