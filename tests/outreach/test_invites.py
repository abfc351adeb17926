"""Calendar invitations: what a calendar app reads back from the .ics we send."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from coffeechat.outreach.invites import invite_ics

UTC = dt.UTC
CHICAGO = ZoneInfo("America/Chicago")
PARIS = ZoneInfo("Europe/Paris")
STAMP = dt.datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
DESCRIPTION = (
    "Informational interview with Jane, Acme; 20 minutes.\n"
    "Questions: how did you start? what’s a typical week?\n"
    "Call: +1 312 555 0100, ext. 7 ☕🎉 \\ backslash"
)


def invite(**overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "uid": "6c1f0a52-3b9e-4d7e-9a43-0f2d1c5b7e11",
        "sequence": 0,
        "start": dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHICAGO),
        "end": dt.datetime(2026, 11, 2, 9, 20, tzinfo=CHICAGO),
        "summary": "Coffee chat: Zoë Student, Jane Doe",
        "description": DESCRIPTION,
        "location": "Zoom: https://zoom.example/j/123?pwd=a,b;c",
        "organizer_name": "Zoë Student",
        "organizer_email": "zoe@student.example.edu",
        "attendee_name": "Doe, Jane",
        "attendee_email": "jane.doe@example.org",
        "tz": CHICAGO,
        "stamp": STAMP,
    }
    fields.update(overrides)
    return invite_ics(**fields)


def read(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.events
    return calendar, event


def unfolded_lines(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def test_invite_is_a_request_with_our_product_and_uid():
    calendar, event = read(invite())

    assert calendar["PRODID"] == "-//Coffeechat//EN"  # the same product as the exports
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == "6c1f0a52-3b9e-4d7e-9a43-0f2d1c5b7e11@coffeechat"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.DTSTAMP == STAMP
    assert "DTSTAMP:20261020T120000Z" in unfolded_lines(invite())


def test_a_uid_with_an_at_sign_is_kept():
    _, event = read(invite(uid="meeting-7@career.example.edu"))

    assert event["UID"] == "meeting-7@career.example.edu"


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        # The Monday after US clocks went back (1 November 2026): CST, UTC-6.
        (CHICAGO, dt.datetime(2026, 11, 2, 9, 0)),
        # The Monday after European clocks went back (25 October 2026): CET, UTC+1.
        (PARIS, dt.datetime(2026, 10, 26, 10, 0)),
        # Summer time in Paris: CEST, UTC+2.
        (PARIS, dt.datetime(2026, 7, 1, 16, 30)),
    ],
)
def test_times_are_in_the_students_zone_with_its_vtimezone(zone, start):
    moment = start.replace(tzinfo=zone).astimezone(UTC)  # stored in UTC, as meetings are
    data = invite(start=moment, end=moment + dt.timedelta(minutes=20), tz=zone)

    calendar, event = read(data)

    assert event["DTSTART"].params["TZID"] == zone.key
    assert event["DTEND"].params["TZID"] == zone.key
    assert f"DTSTART;TZID={zone.key}:{start:%Y%m%dT%H%M%S}" in unfolded_lines(data)
    assert event.start == moment
    assert event.end == moment + dt.timedelta(minutes=20)
    # The VTIMEZONE alone (as a calendar app without the IANA zone reads it) places the
    # local time at the same instant.
    [vtimezone] = calendar.timezones
    assert vtimezone.tz_name == zone.key
    from_vtimezone = vtimezone.to_tz(lookup_tzid=False)
    assert start.replace(tzinfo=from_vtimezone).astimezone(UTC) == moment


def test_the_repeated_hour_of_a_dst_change_is_written_in_utc():
    # 01:30 happens twice in Chicago on 1 November 2026; a TZID time would mean the first.
    second = dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=CHICAGO)

    end = second.astimezone(UTC) + dt.timedelta(minutes=20)

    _, event = read(invite(start=second, end=end))

    # (PEP 495: a time in the repeated hour never equals one in another zone, hence UTC.)
    assert event.start.astimezone(UTC) == second.astimezone(UTC)
    assert event.start.astimezone(UTC) == dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert event.end.astimezone(UTC) == end


def test_organizer_and_attendee_are_mailto_with_names():
    _, event = read(invite())

    organizer = event["ORGANIZER"]
    assert organizer == "mailto:zoe@student.example.edu"
    assert organizer.params["CN"] == "Zoë Student"
    [attendee] = event.attendees
    assert attendee == "mailto:jane.doe@example.org"
    assert attendee.params["CN"] == "Doe, Jane"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"


def test_without_an_attendee_email_there_is_no_attendee():
    _, event = read(invite(attendee_email=""))

    assert "ATTENDEE" not in event
    assert event.attendees == []


def test_an_invitation_needs_an_organizer_but_a_plain_calendar_file_does_not():
    with pytest.raises(ValueError, match="organizer's email"):
        invite(organizer_email="")

    calendar, event = read(invite(organizer_email="", method="PUBLISH"))
    assert calendar["METHOD"] == "PUBLISH"
    assert "ORGANIZER" not in event


def test_text_with_commas_semicolons_line_breaks_and_emoji_comes_back():
    _, event = read(invite(summary="Chat, then; coffee ☕", attendee_name='Jean "JJ" Müller\\'))

    assert event["SUMMARY"] == "Chat, then; coffee ☕"
    assert event["DESCRIPTION"] == DESCRIPTION
    assert event["LOCATION"] == "Zoom: https://zoom.example/j/123?pwd=a,b;c"
    assert event.attendees[0].params["CN"] == 'Jean "JJ" Müller\\'


def test_windows_line_breaks_and_control_characters_are_tidied():
    _, event = read(invite(description="one\r\ntwo\rthree\x00\x07"))

    assert event["DESCRIPTION"] == "one\ntwo\nthree"


def test_no_location_means_no_location_line():
    _, event = read(invite(location=""))

    assert "LOCATION" not in event


def test_lines_are_folded_at_75_octets_with_crlf():
    data = invite(description="é☕ " * 200)

    lines = data.split(b"\r\n")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert read(data)[1]["DESCRIPTION"] == "é☕ " * 200


def test_cancellation_is_method_cancel_with_status_cancelled():
    data = invite(method="CANCEL", sequence=2)

    calendar, event = read(data)

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert event["UID"] == "6c1f0a52-3b9e-4d7e-9a43-0f2d1c5b7e11@coffeechat"


def test_a_moved_meeting_changes_only_its_times_sequence_and_stamp():
    first = invite()
    moved_start = dt.datetime(2026, 11, 4, 14, 0, tzinfo=CHICAGO)
    moved = invite(
        sequence=1,
        start=moved_start,
        end=moved_start + dt.timedelta(minutes=20),
        stamp=STAMP + dt.timedelta(days=1),
    )

    changing = ("DTSTART", "DTEND", "SEQUENCE", "DTSTAMP")
    before, after = unfolded_lines(first), unfolded_lines(moved)
    assert [line for line in before if not line.startswith(changing)] == [
        line for line in after if not line.startswith(changing)
    ]
    assert sorted(set(after) - set(before)) == [
        "DTEND;TZID=America/Chicago:20261104T142000",
        "DTSTAMP:20261021T120000Z",
        "DTSTART;TZID=America/Chicago:20261104T140000",
        "SEQUENCE:1",
    ]


def test_the_same_meeting_gives_the_same_bytes():
    assert invite() == invite()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": dt.datetime(2026, 11, 2, 9, 0)}, "aware"),
        ({"end": dt.datetime(2026, 11, 2, 8, 0, tzinfo=CHICAGO)}, "end after it starts"),
        # 01:50 CDT is before 01:30 CST, although its wall clock reads later.
        (
            {
                "start": dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=CHICAGO),
                "end": dt.datetime(2026, 11, 1, 1, 50, tzinfo=CHICAGO),
            },
            "end after it starts",
        ),
        ({"method": "PUBLISH-ISH"}, "method"),
        ({"status": "MAYBE"}, "status"),
        ({"attendee_email": "jane"}, "not an email address"),
        ({"organizer_email": "zoe@example.edu\r\nX-EVIL:1"}, "not an email address"),
    ],
)
def test_bad_input_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        invite(**overrides)
