"""iCalendar busy times in and meetings out, on files written byte for byte as Google Calendar,
Outlook and Apple Calendar export them (CRLF, folded lines, their own time zone blocks)."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.interchange import ics
from coffeechat.interchange.records import EventRecord, FormatError
from coffeechat.interchange.textio import Limits, Upload

FILES = Path(__file__).parent / "files"
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=1_000)
UTC = dt.UTC
CHICAGO = ZoneInfo("America/Chicago")
TOKYO = ZoneInfo("Asia/Tokyo")
AUTUMN = (dt.datetime(2025, 10, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC))

Span = tuple[str, str, str]


def z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def busy(
    data: bytes,
    window: tuple[dt.datetime, dt.datetime] = AUTUMN,
    tz: ZoneInfo = CHICAGO,
) -> list[Span]:
    """The busy spans as ("2025-10-14 17:00", "18:20" or a full end, summary), in order."""
    upload = Upload(io.BytesIO(data), name="calendar.ics", limits=LIMITS)
    records = sorted(ics.parse_busy(upload, start=window[0], end=window[1], tz=tz), key=_key)
    spans = []
    for record in records:
        assert record.start.utcoffset() == dt.timedelta(0)
        same_day = record.start.date() == record.end.date()
        end = f"{record.end:%H:%M}" if same_day else f"{record.end:%Y-%m-%d %H:%M}"
        spans.append((f"{record.start:%Y-%m-%d %H:%M}", end, record.summary))
    return spans


def _key(record: ics.BusyRecord) -> tuple[dt.datetime, dt.datetime]:
    return record.start, record.end


def busy_file(name: str, **kwargs: object) -> list[Span]:
    return busy((FILES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


def calendar(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", *lines, "END:VCALENDAR"]
    return "".join(f"{line}\r\n" for line in body).encode()


def event(*lines: str, uid: str = "e1@test") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20251001T000000Z", *lines, "END:VEVENT"]


# Google Calendar ----------------------------------------------------------------------


def test_google_export_expands_the_weekly_lecture_across_the_dst_change() -> None:
    spans = busy_file("ics_google.ics")

    lectures = [s for s in spans if s[2].startswith("Data Structures")]
    assert lectures == [
        ("2025-10-14 17:00", "18:20", "Data Structures lecture"),  # 10:00 PDT
        ("2025-10-21 17:00", "18:20", "Data Structures lecture"),
        # 28 October is an EXDATE; clocks go back on Sunday 2 November: 10:00 PST is 18:00Z.
        ("2025-11-04 18:00", "19:20", "Data Structures lecture"),
        # The 11 November instance was moved (RECURRENCE-ID) to Wednesday 14:00.
        ("2025-11-12 22:00", "23:20", "Data Structures lecture (make-up)"),
        # 18 November is a cancelled instance; UNTIL ends the series after 2 December.
        ("2025-11-25 18:00", "19:20", "Data Structures lecture"),
        ("2025-12-02 18:00", "19:20", "Data Structures lecture"),
    ]


def test_google_export_all_day_busy_utc_and_transparent_events() -> None:
    spans = busy_file("ics_google.ics")

    others = [s for s in spans if not s[2].startswith("Data Structures")]
    assert others == [
        ("2025-10-16 19:00", "19:30", "Coffee chat: Dana Reyes (Acme Health) ☕"),
        # All day on 20 and 21 October in the student's zone (Chicago, UTC-5 then).
        ("2025-10-20 05:00", "2025-10-22 05:00", "Career fair 🎓 — Oak Lounge"),
    ]  # the gym and the yearly birthday are TRANSP:TRANSPARENT


def test_all_day_events_follow_the_students_zone() -> None:
    spans = busy_file("ics_google.ics", tz=TOKYO)

    assert ("2025-10-19 15:00", "2025-10-21 15:00", "Career fair 🎓 — Oak Lounge") in spans


def test_google_floating_times_are_read_in_x_wr_timezone() -> None:
    data = calendar(
        "X-WR-TIMEZONE:America/Los_Angeles",
        *event("DTSTART:20251105T090000", "DTEND:20251105T100000", "SUMMARY:Floating"),
    )

    assert busy(data, tz=TOKYO) == [("2025-11-05 17:00", "18:00", "Floating")]


def test_an_unknown_x_wr_timezone_falls_back_to_the_students_zone() -> None:
    data = calendar(
        "X-WR-TIMEZONE:Mars/Olympus_Mons",
        *event("DTSTART:20251105T090000", "DTEND:20251105T100000", "SUMMARY:Floating"),
    )

    assert busy(data) == [("2025-11-05 15:00", "16:00", "Floating")]


def test_the_window_keeps_only_events_that_overlap_it() -> None:
    window = (z("2025-10-14 18:00"), z("2025-11-04 18:00"))

    spans = busy_file("ics_google.ics", window=window)

    assert [s[0] for s in spans] == [
        "2025-10-14 17:00",  # still going at 18:00: it overlaps
        "2025-10-16 19:00",
        "2025-10-20 05:00",
        "2025-10-21 17:00",
    ]  # 4 November at 18:00 starts exactly at the (exclusive) end


# Outlook ------------------------------------------------------------------------------


def test_outlook_export_with_windows_zone_names_and_busy_status() -> None:
    assert busy_file("ics_outlook.ics") == [
        ("2025-10-27 14:00", "14:15", "Research group stand-up"),  # 09:00 CDT
        # 29 October is an EXDATE; the 28th lunch and the 30th focus time are FREE.
        ("2025-10-31 13:30", "14:30", "Dentist"),  # OOF
        ("2025-11-03 15:00", "15:15", "Research group stand-up"),  # 09:00 CST, after DST
        ("2025-11-04 22:00", "22:45", "Mock interview (tentative)"),  # TENTATIVE is busy
        ("2025-11-05 16:30", "16:45", "Research group stand-up"),  # moved to 10:30
        ("2025-11-06 16:00", "16:30", "Gespräch mit Jürgen Weiß"),  # W. Europe, 17:00 CET
        ("2025-11-10 06:00", "2025-11-11 06:00", "Veterans Day – office closed"),
        ("2025-11-10 15:00", "15:15", "Research group stand-up"),
        ("2025-11-12 15:00", "15:15", "Research group stand-up"),
    ]  # the cancelled reading group (STATUS:CANCELLED, though BUSY) is not busy


def test_windows_zone_names_without_a_vtimezone_map_to_iana_zones() -> None:
    data = calendar(
        *event(
            'DTSTART;TZID="Pacific Standard Time":20251105T090000',
            'DTEND;TZID="Pacific Standard Time":20251105T100000',
            "SUMMARY:Exchange meeting",
        )
    )

    assert busy(data) == [("2025-11-05 17:00", "18:00", "Exchange meeting")]


def test_a_customized_time_zone_is_read_from_each_file_itself() -> None:
    # Outlook names any zone of its own "Customized Time Zone". icalendar caches zones by
    # name for the whole process, so a second file must not reuse the first one's.
    other = (FILES / "ics_outlook_customized_zone.ics").read_bytes().replace(b"+0530", b"-0300")

    first = busy_file("ics_outlook_customized_zone.ics")
    second = busy(other)
    again = busy_file("ics_outlook_customized_zone.ics")

    assert first == again == [("2025-11-08 15:00", "15:30", "Coffee chat – Alice / Priya")]
    assert second == [("2025-11-08 23:30", "2025-11-09 00:00", "Coffee chat – Alice / Priya")]


# Apple Calendar -----------------------------------------------------------------------


def test_apple_export_floating_utc_and_zoned_times() -> None:
    assert busy_file("ics_apple.ics") == [
        ("2025-10-25 21:00", "22:00", "Piano lesson 🎹"),  # floating 16:00, Chicago CDT
        ("2025-11-01 21:00", "22:00", "Piano lesson 🎹"),
        ("2025-11-03 23:00", "2025-11-04 00:00", "Study group 📚 (NYU friends)"),  # 18:00 EST
        ("2025-11-05 21:00", "22:00", "Office hours – Prof. Núñez"),  # floating 15:00 CST
        ("2025-11-07 14:30", "18:00", "Flight to SFO ✈️ UA 1549"),  # UTC
        ("2025-11-08 22:00", "23:00", "Piano lesson 🎹"),  # 16:00 CST, after the change
    ]  # "Read chapter 5" is TRANSP:TRANSPARENT


def test_floating_times_are_read_in_the_students_zone() -> None:
    spans = busy_file("ics_apple.ics", tz=TOKYO)

    assert ("2025-11-05 06:00", "07:00", "Office hours – Prof. Núñez") in spans
    assert ("2025-11-07 14:30", "18:00", "Flight to SFO ✈️ UA 1549") in spans  # UTC stays


# Ends, durations and broken events ----------------------------------------------------


def test_events_without_dtend_use_duration_or_the_rfc_default() -> None:
    data = calendar(
        *event("DTSTART:20251105T150000Z", "DURATION:PT45M", "SUMMARY:Duration", uid="a"),
        *event("DTSTART;VALUE=DATE:20251106", "SUMMARY:One day", uid="b"),
        *event("DTSTART:20251107T150000Z", "SUMMARY:A moment", uid="c"),
    )

    assert busy(data) == [
        ("2025-11-05 15:00", "15:45", "Duration"),
        ("2025-11-06 06:00", "2025-11-07 06:00", "One day"),
    ]  # a timed event with no end lasts no time at all (RFC 5545), so it is not busy


def test_a_broken_event_is_skipped_and_the_rest_read() -> None:
    data = calendar(
        *event("SUMMARY:No start", uid="a"),
        *event("DTSTART:tomorrow", "DTEND:20251105T100000Z", "SUMMARY:Bad start", uid="b"),
        *event("DTSTART:20251105T100000Z", "DTEND:20251105T090000Z", "SUMMARY:Ends first", uid="c"),
        *event("DTSTART:20251105T090000Z", "RRULE:FREQ=SOMETIMES", "SUMMARY:Bad rule", uid="d"),
        *event("DTSTART:20251105T160000Z", "DTEND:20251105T170000Z", "SUMMARY:Fine", uid="e"),
    )

    assert busy(data) == [
        # recurring-ical-events swaps an end before the start; busy is the safe reading.
        ("2025-11-05 09:00", "10:00", "Ends first"),
        ("2025-11-05 16:00", "17:00", "Fine"),
    ]


def test_event_count_counts_each_repeating_event_once() -> None:
    upload = Upload(io.BytesIO((FILES / "ics_google.ics").read_bytes()), limits=LIMITS)

    result = ics.parse_busy(upload, start=AUTUMN[0], end=AUTUMN[1], tz=CHICAGO)

    assert result.event_count == 5  # the lecture's moved and cancelled instances included


def test_rules_that_would_take_too_long_to_expand_are_skipped_quickly() -> None:
    data = calendar(
        # Every second for years, ending before the window: costly to walk, none to keep.
        # (Every second into the window is a flood, refused: see test_bounds.py.)
        *event(
            "DTSTART:20201101T000000Z",
            "DURATION:PT1S",
            "RRULE:FREQ=SECONDLY;UNTIL=20250101T000000Z",
            uid="a",
        ),
        *event("DTSTART:00010101T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY", uid="b"),
        *event("DTSTART:20251105T160000Z", "DTEND:20251105T170000Z", "SUMMARY:Fine", uid="c"),
    )

    began = time.monotonic()
    spans = busy(data)

    assert spans == [("2025-11-05 16:00", "17:00", "Fine")]
    assert time.monotonic() - began < 5


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
        "FREQ=DAILY;COUNT=5",
        "FREQ=MONTHLY;BYDAY=-1FR",  # the last Friday
        "FREQ=MONTHLY;BYDAY=5MO",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",  # Outlook: the last weekday
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=31",
        "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",  # Google: the fourth Thursday of November
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        "FREQ=HOURLY;INTERVAL=8;BYMINUTE=0",
    ],
)
def test_the_rules_calendar_apps_write_expand_as_dateutil_says(rule: str) -> None:
    first = dt.datetime(2025, 11, 3, 9, tzinfo=UTC)
    window = (z("2025-10-01 00:00"), z("2029-01-01 00:00"))
    data = calendar(*event(f"DTSTART:{first:%Y%m%dT%H%M%SZ}", "DURATION:PT1H", f"RRULE:{rule}"))

    # RFC 5545: DTSTART is the first instance, whether or not the rule matches it.
    expected = sorted({first, *rrulestr(rule, dtstart=first).between(*window, inc=True)})

    assert [s[0] for s in busy(data, window=window)] == [f"{e:%Y-%m-%d %H:%M}" for e in expected]
    assert expected


def test_rules_that_can_never_match_are_skipped_quickly() -> None:
    # dateutil would search each of these up to the year 9999.
    never = [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=DAILY;BYYEARDAY=0",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
        "FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1",
        "FREQ=HOURLY;BYWEEKNO=54",
        "FREQ=DAILY;INTERVAL=0",
    ]
    data = calendar(
        *[
            line
            for n, rule in enumerate(never)
            for line in event(
                "DTSTART:20251101T090000Z", "DURATION:PT1H", f"RRULE:{rule}", uid=f"{n}"
            )
        ],
        *event("DTSTART:20251105T160000Z", "DTEND:20251105T170000Z", "SUMMARY:Fine", uid="ok"),
    )

    began = time.monotonic()
    spans = busy(data)

    assert spans == [("2025-11-05 16:00", "17:00", "Fine")]
    assert time.monotonic() - began < 3


@pytest.mark.parametrize("transparency", ["OPAQUE", "TRANSPARENT"])
def test_too_many_events_refuse_the_file(
    monkeypatch: pytest.MonkeyPatch, transparency: str
) -> None:
    # Free time counts too: every expanded event costs as much to look at.
    monkeypatch.setattr(ics, "MAX_INTERVALS", 5)
    data = calendar(
        *event(
            "DTSTART:20251101T090000Z",
            "DURATION:PT1H",
            "RRULE:FREQ=DAILY",
            f"TRANSP:{transparency}",
        )
    )
    window = (z("2025-11-01 00:00"), z("2025-11-04 00:00"))
    # Five events around these three days: under the cap.
    assert len(busy(data, window=window)) == (3 if transparency == "OPAQUE" else 0)

    with pytest.raises(FormatError, match="more than 5 events"):
        busy(data)


def test_too_much_repetition_in_one_file_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ics, "MAX_FILE_STEPS", 100)
    data = calendar(
        *event("DTSTART:20250101T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY", uid="a"),
        *event("DTSTART:20250101T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY", uid="b"),
    )

    with pytest.raises(FormatError, match="too many repeating events"):
        busy(data)


def test_a_time_zone_that_changes_every_second_is_refused() -> None:
    data = calendar(
        "BEGIN:VTIMEZONE",
        "TZID:Tick",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        "RRULE:FREQ=SECONDLY",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:STANDARD",
        "END:VTIMEZONE",
        *event("DTSTART;TZID=Tick:20251105T090000", "DURATION:PT1H"),
    )

    with pytest.raises(FormatError, match="not a real time zone"):
        busy(data)


# Files that are not calendars ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Subject,Start Date\r\nLecture,11/05/2025\r\n", "not an iCalendar"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana\r\nEND:VCARD\r\n", "contacts file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (b"", "empty"),
        (b"BEGIN:VCALENDAR", "no calendar"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nEND:VCALENDAR\r\n", "could not be read"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n: no name\r\nEND:VCALENDAR\r\n", "could not be read"),
        (b"BEGIN:VCALENDAR\r\nCALSCALE:HEBREW\r\nEND:VCALENDAR\r\n", "could not be read"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\n"
            b"RRULE:FREQ=;;\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n",
            "could not be read",
        ),
    ],
)
def test_files_that_are_not_readable_calendars_raise_format_error(
    data: bytes, message: str
) -> None:
    with pytest.raises(FormatError, match=message):
        busy(data)


def test_a_file_name_is_never_opened_as_a_calendar(tmp_path: Path) -> None:
    # icalendar reads a one-line string as a path: the parser must never hand it one.
    secret = tmp_path / "secret.ics"
    secret.write_bytes(calendar(*event("DTSTART:20251105T090000Z", "DURATION:PT1H")))

    with pytest.raises(FormatError):
        busy(f"BEGIN:VCALENDAR{secret}".encode())
    with pytest.raises(FormatError):
        busy(str(secret).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_anything_but_format_error(data: bytes) -> None:
    try:
        spans = busy(data)
    except FormatError as error:
        assert str(error).strip()  # a message to show, never an empty one
    else:
        assert isinstance(spans, list)


VALUES = st.one_of(
    st.sampled_from(
        [
            "20251105T090000Z",
            "20251105T090000",
            "20251105",
            "19000101T000000",
            "99991231T235959Z",
            "00010101",
            "FREQ=WEEKLY;COUNT=3",
            "FREQ=DAILY;UNTIL=20251110",
            "FREQ=MONTHLY;BYDAY=-1FR;INTERVAL=0",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "PT1H",
            "-P1D",
            "P1W",
            "CANCELLED",
            "TRANSPARENT",
            "FREE",
            "",
        ]
    ),
    st.text(max_size=30),
)
NAMES = st.sampled_from(
    [
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "UID",
        "STATUS",
        "TRANSP",
        "SUMMARY",
        "X-MICROSOFT-CDO-BUSYSTATUS",
        "TZID",
        "TZOFFSETFROM",
        "TZOFFSETTO",
        "X-WR-TIMEZONE",
        "CALSCALE",
    ]
)
PARAMS = st.sampled_from(
    ["", ";VALUE=DATE", ";TZID=America/Chicago", ';TZID="Central Standard Time"', ";TZID=Nope"]
)
PROPERTY = st.builds(lambda n, p, v: f"{n}{p}:{v}", NAMES, PARAMS, VALUES)
BLOCK = st.sampled_from(
    ["BEGIN:VEVENT", "END:VEVENT", "BEGIN:VTIMEZONE", "END:VTIMEZONE", "BEGIN:STANDARD"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(PROPERTY, PROPERTY, BLOCK), max_size=30), st.sampled_from(["\r\n", "\n"]))
def test_calendar_shaped_text_never_raises_anything_but_format_error(
    lines: list[str], newline: str
) -> None:
    text = newline.join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])
    try:
        spans = busy(text.encode("utf-8"))
    except FormatError:
        return
    for start, end, _summary in spans:
        assert start < end or len(end) == 5  # ends after it starts (same-day ends are times)


# Events far from the window ------------------------------------------------------------

WEEKS = (z("2025-11-03 00:00"), z("2025-11-17 00:00"))


def test_events_far_from_the_window_are_dropped_before_parsing_and_still_counted() -> None:
    data = calendar(
        *event("DTSTART:20190107T150000Z", "DTEND:20190107T160000Z", "SUMMARY:Past", uid="a"),
        *event("DTSTART;VALUE=DATE:20270101", "SUMMARY:Far ahead", uid="b"),
        *event("DTSTART:20251105T150000Z", "DTEND:20251105T160000Z", "SUMMARY:In", uid="c"),
        # Starts long ago, but repeats into the window: kept.
        *event(
            "DTSTART:20190107T170000Z",
            "DTEND:20190107T180000Z",
            "RRULE:FREQ=WEEKLY",
            "SUMMARY:Weekly",
            uid="d",
        ),
        # A long event from the past still going on: kept.
        *event("DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20260101", "SUMMARY:Year", uid="e"),
        # Moved from the window into the past: kept, so the weekly instance it moved is not busy.
        *event(
            "RECURRENCE-ID:20251110T170000Z",
            "DTSTART:20190101T170000Z",
            "DTEND:20190101T180000Z",
            "SUMMARY:Weekly",
            uid="d",
        ),
        *["BEGIN:VEVENT", "DTSTAMP:20251001T000000Z", "DTSTART:20190107T150000Z", "END:VEVENT"],
        # Far, but with the UID of an event that is kept: read with it, as before.
        *event("DTSTART:20190108T150000Z", "DTEND:20190108T160000Z", "SUMMARY:Twin", uid="c"),
    )
    upload = Upload(io.BytesIO(data), name="calendar.ics", limits=LIMITS)
    far = ics._Far(*WEEKS)

    text = ics._read(upload, far)

    assert "SUMMARY:Past" not in text and "Far ahead" not in text
    assert "DTSTART:20190107T150000Z\r\nEND:VEVENT" not in text  # the one with no UID
    assert "SUMMARY:Twin" in text and text.count("BEGIN:VEVENT") == 5
    assert far.uids == {"a", "b"} and far.without_uid == 1
    result = ics.parse_busy(
        Upload(io.BytesIO(data), limits=LIMITS), start=WEEKS[0], end=WEEKS[1], tz=CHICAGO
    )
    assert result.event_count == 6  # a, b, c, d (moved instance included), e, and no UID
    assert [(r.start, r.summary) for r in sorted(result, key=_key) if r.summary != "Year"] == [
        (z("2025-11-03 17:00"), "Weekly"),
        (z("2025-11-05 15:00"), "In"),
    ]


def test_events_at_the_ends_of_the_calendar_are_set_aside_without_an_error() -> None:
    data = calendar(
        *event("DTSTART;VALUE=DATE:99991231", "SUMMARY:Last day", uid="a"),
        *event("DTSTART:00010101T000000Z", "SUMMARY:First moment", uid="b"),
        *event("DTSTART:99991231T235959Z", "DTEND:00010101T000000Z", "SUMMARY:Backwards", uid="c"),
    )

    assert busy_and_count(data) == ([], 3)


OFFSETS = st.sampled_from([-900, -40, -3, -2, -1, 0, 1, 7, 13, 14, 15, 16, 17, 40, 900])
STARTS = st.sampled_from(
    [
        "DTSTART:{d}T{t}Z",
        "DTSTART:{d}T{t}",
        "DTSTART;TZID=Pacific/Kiritimati:{d}T{t}",
        "DTSTART;TZID=Pacific/Pago_Pago:{d}T{t}",
        "DTSTART;VALUE=DATE:{d}",
    ]
)
ENDS = st.sampled_from(
    ["", "DTEND:{d}T{t}Z", "DTEND;VALUE=DATE:{d}", "DURATION:P3D", "DTEND:{d}T{t}Z|DTEND:{d}"]
)
EXTRAS = st.lists(
    st.sampled_from(
        [
            "RRULE:FREQ=DAILY;COUNT=3",
            "RRULE:FREQ=YEARLY",
            "RDATE:20251106T120000Z",
            "RECURRENCE-ID:20251104T120000Z",
            "STATUS:CANCELLED",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM|ACTION:DISPLAY|TRIGGER:-PT15M|END:VALARM",
            "BEGIN:VTODO|END:VTODO",
            "X-LONG:" + "folded " * 20,
            "broken line",
        ]
    ),
    max_size=2,
)


@st.composite
def far_and_near_events(draw: st.DrawFn) -> list[str]:
    first = WEEKS[0].date()
    lines = []
    for number in range(draw(st.integers(1, 6))):
        start = first + dt.timedelta(days=draw(OFFSETS))
        end = start + dt.timedelta(days=draw(st.sampled_from([0, 1, 2, 30])))
        hours = draw(st.sampled_from(["000000", "093000", "235959"]))
        body = [draw(STARTS).format(d=f"{start:%Y%m%d}", t=hours)]
        body += draw(ENDS).format(d=f"{end:%Y%m%d}", t="235959").split("|")
        for extra in draw(EXTRAS):
            body += extra.split("|")
        uid = draw(st.sampled_from(["", "u1", "u2", f"n{number}"]))
        body.insert(0, f"UID:{uid}" if uid else "DTSTAMP:20251001T000000Z")
        lines += ["BEGIN:VEVENT", *(line for line in body if line), "END:VEVENT"]
    return lines


def busy_and_count(data: bytes) -> tuple[list[tuple[dt.datetime, dt.datetime, str]], int]:
    upload = Upload(io.BytesIO(data), name="calendar.ics", limits=LIMITS)
    result = ics.parse_busy(upload, start=WEEKS[0], end=WEEKS[1], tz=CHICAGO)
    return sorted((r.start, r.end, r.summary) for r in result), result.event_count


@settings(max_examples=300, deadline=None)
@given(far_and_near_events())
def test_dropping_far_events_changes_no_busy_time_and_no_count(lines: list[str]) -> None:
    data = calendar(*lines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ics._Far, "_outside", lambda self, found: False)
        try:
            expected = busy_and_count(data)
        except FormatError:
            expected = None
    try:
        found = busy_and_count(data)
    except FormatError:
        assert expected is None  # refused only where every event was read too
    else:
        # A broken line in an event that is dropped no longer refuses the file.
        assert expected is None or found == expected


# Writing ------------------------------------------------------------------------------


def meeting(**fields: object) -> EventRecord:
    values: dict[str, object] = {
        "uid": "meeting-42@coffeechat",
        "start": dt.datetime(2025, 11, 3, 15, 0, tzinfo=UTC),
        "end": dt.datetime(2025, 11, 3, 15, 20, tzinfo=UTC),
        "summary": "Coffee chat: José Núñez ☕",
        "description": "Questions:\n1. How did you start?\n2. Who else, with; commas\\?",
        "location": "Café Ñandú, 2nd floor",
        "url": "https://meet.example/abc-defg",
        "sequence": 2,
        "time_zone": "America/Chicago",
        "organizer_name": 'Alice "Al" Student',
        "organizer_email": "alice@example.edu",
        "attendee_name": "José Núñez: Acme",
        "attendee_email": "jose@acme.example",
        "status": "CONFIRMED",
    }
    values.update(fields)
    return EventRecord(**values)  # type: ignore[arg-type]


def written(records: list[EventRecord]) -> bytes:
    stream = io.StringIO(newline="")
    assert ics.write(records, stream) == len(records)
    return stream.getvalue().encode("utf-8")


def test_write_emits_a_published_calendar_with_crlf_and_folded_lines() -> None:
    data = written([meeting(description="Long " * 60)])

    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # folded
    for expected in (b"PRODID:-//Coffeechat//EN", b"VERSION:2.0", b"METHOD:PUBLISH"):
        assert expected in lines
    assert b"DTSTART;TZID=America/Chicago:20251103T090000" in lines
    assert b"TZID:America/Chicago" in lines  # its VTIMEZONE


def test_write_round_trips_through_icalendar() -> None:
    record = meeting()
    parsed = icalendar.Calendar.from_ical(written([record]))

    [event] = parsed.events
    assert str(event["UID"]) == record.uid
    assert event.start == record.start and event.end == record.end
    assert event.start.tzinfo is not None and str(event.start.tzinfo) == "America/Chicago"
    assert str(event["SUMMARY"]) == record.summary
    assert str(event["DESCRIPTION"]) == record.description
    assert str(event["LOCATION"]) == record.location
    assert str(event["URL"]) == record.url
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["ORGANIZER"] == "mailto:alice@example.edu"
    assert event["ORGANIZER"].params["CN"] == 'Alice "Al" Student'
    assert event["ATTENDEE"] == "mailto:jose@acme.example"
    assert event["ATTENDEE"].params["CN"] == "José Núñez: Acme"
    assert "DTSTAMP" in event


def test_written_meetings_read_back_as_busy_times() -> None:
    data = written(
        [meeting(), meeting(uid="m2", start=z("2025-11-04 16:00"), end=z("2025-11-04 17:00"))]
    )

    assert busy(data) == [
        ("2025-11-03 15:00", "15:20", "Coffee chat: José Núñez ☕"),
        ("2025-11-04 16:00", "17:00", "Coffee chat: José Núñez ☕"),
    ]


def test_write_in_utc_and_without_optional_fields() -> None:
    record = EventRecord(
        uid="u1", start=z("2025-11-03 15:00"), end=z("2025-11-03 15:30"), summary="Chat"
    )
    data = written([record])

    assert b"DTSTART:20251103T150000Z" in data
    assert b"VTIMEZONE" not in data
    for absent in (b"ORGANIZER", b"ATTENDEE", b"LOCATION", b"DESCRIPTION", b"URL"):
        assert absent not in data


def test_write_keeps_one_kind_of_line_break_and_drops_control_characters() -> None:
    data = written([meeting(description="One\r\nTwo\rThree\x07\x00")])

    [event] = icalendar.Calendar.from_ical(data).events
    assert str(event["DESCRIPTION"]) == "One\nTwo\nThree"


def test_write_puts_a_time_in_the_repeated_dst_hour_in_utc() -> None:
    # 07:30Z on 2 November 2025 is the second 01:30 in Chicago; "TZID=…:20251102T013000"
    # would be read as the first one, an hour early.
    record = meeting(start=z("2025-11-02 07:30"), end=z("2025-11-02 08:30"))
    data = written([record])

    assert b"DTSTART:20251102T073000Z" in data
    assert b"DTEND;TZID=America/Chicago:20251102T023000" in data
    [event] = icalendar.Calendar.from_ical(data).events
    assert (event.start, event.end) == (record.start, record.end)


def test_write_quotes_names_so_backslashes_survive() -> None:
    record = meeting(attendee_name="\\", organizer_name="a\\b;c\\:\\")

    [event] = icalendar.Calendar.from_ical(written([record])).events

    assert event["ATTENDEE"].params["CN"] == "\\"
    assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    assert event["ORGANIZER"].params["CN"] == "a\\b;c\\:\\"


def test_write_of_nothing_is_an_empty_calendar() -> None:
    assert icalendar.Calendar.from_ical(written([])).events == []


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029"),
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(
    summary=TEXT,
    description=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), whitelist_characters="\n"),
        max_size=200,
    ).map(lambda s: "".join(ch for ch in s if ch == "\n" or ch.isprintable())),
    location=TEXT,
    name=TEXT,
    minutes=st.integers(min_value=1, max_value=600),
    zone=st.sampled_from(["UTC", "America/Chicago", "Asia/Kolkata", "Pacific/Chatham"]),
)
def test_write_round_trips_any_text(
    summary: str, description: str, location: str, name: str, minutes: int, zone: str
) -> None:
    start = dt.datetime(2025, 11, 2, 7, 30, tzinfo=UTC)  # around the US DST change
    record = meeting(
        summary=summary,
        description=description,
        location=location,
        attendee_name=name,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        time_zone=zone,
    )

    [event] = icalendar.Calendar.from_ical(written([record])).events

    assert event.start == record.start and event.end == record.end
    assert str(event.get("SUMMARY", "")) == summary
    assert str(event.get("DESCRIPTION", "")) == description
    assert str(event.get("LOCATION", "")) == location
    assert event["ATTENDEE"].params.get("CN", "") == name
