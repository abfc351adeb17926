"""Benchmark: uploading a calendar export of years of events (.ics, up to the 20 MB cap).

Run with `make bench` (or `python bench/calendar_ics.py [--sizes 10000 40000]`). For each
size it writes an export the way Google Calendar writes one (CRLF, folded lines, every
property Google adds), with events every day or so since six years ago, a weekly lecture
with a moved and a cancelled instance, and a few all-day events, then in a throw-away
SQLite database:

1. uploads it for a student through `calendar_import`, the service behind the calendar page,
   the API and the CLI, and times it (the median of three runs);
2. uploads it again under tracemalloc, for the peak memory the upload allocates in Python.

Prints a Markdown table to paste into the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import time
import tracemalloc

from harness import django_for_bench

django_for_bench()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from coffeechat.accounts.services import user_create  # noqa: E402
from coffeechat.outreach import services  # noqa: E402
from coffeechat.outreach.models import BusyInterval, Calendar  # noqa: E402

DESCRIPTION = (
    "Agenda: updates from each team, questions, next steps. Join with Google Meet: "
    "https://meet.google.com/abc-defg-hij or dial +1 555-0100 PIN 123456#"
)


def fold(line: str) -> list[str]:
    """RFC 5545 folding at 75 octets (ASCII here), as Google writes it."""
    parts = [line[:75]]
    rest = line[75:]
    while rest:
        parts.append(" " + rest[:74])
        rest = rest[74:]
    return parts


def export(events: int, today: dt.date) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:student@example.edu",
        "X-WR-TIMEZONE:America/Chicago",
    ]
    first = dt.datetime.combine(today - dt.timedelta(days=6 * 365), dt.time(14), dt.UTC)
    step = dt.timedelta(days=6 * 365 + 60) / events
    for number in range(events):
        start = first + step * number
        stamp = f"{start:%Y%m%dT%H%M%SZ}"
        if number % 97 == 0:  # an all-day event
            next_day = start + dt.timedelta(days=1)
            body = [f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{next_day:%Y%m%d}"]
        else:
            end = start + dt.timedelta(minutes=50)
            body = [f"DTSTART:{stamp}", f"DTEND:{end:%Y%m%dT%H%M%SZ}"]
        lines += ["BEGIN:VEVENT", *body, f"DTSTAMP:{stamp}", f"UID:{number:08x}@google.com"]
        lines += [f"CREATED:{stamp}", *fold(f"DESCRIPTION:{DESCRIPTION}")]
        lines += [f"LAST-MODIFIED:{stamp}", "LOCATION:Room 101", "SEQUENCE:0"]
        lines += ["STATUS:CONFIRMED", f"SUMMARY:Meeting {number}", "TRANSP:OPAQUE", "END:VEVENT"]
    lecture = dt.datetime.combine(today - dt.timedelta(days=120), dt.time(15), dt.UTC)
    moved = lecture + dt.timedelta(weeks=18)
    lines += [
        "BEGIN:VEVENT",
        f"DTSTART;TZID=America/Chicago:{lecture:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=America/Chicago:{lecture + dt.timedelta(minutes=80):%Y%m%dT%H%M%S}",
        "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=60",
        f"EXDATE;TZID=America/Chicago:{lecture + dt.timedelta(weeks=19):%Y%m%dT%H%M%S}",
        "DTSTAMP:20260101T000000Z",
        "UID:lecture@google.com",
        "SUMMARY:Lecture",
        "END:VEVENT",
        "BEGIN:VEVENT",
        f"RECURRENCE-ID;TZID=America/Chicago:{moved:%Y%m%dT%H%M%S}",
        f"DTSTART;TZID=America/Chicago:{moved + dt.timedelta(hours=2):%Y%m%dT%H%M%S}",
        f"DTEND;TZID=America/Chicago:{moved + dt.timedelta(hours=3):%Y%m%dT%H%M%S}",
        "DTSTAMP:20260101T000000Z",
        "UID:lecture@google.com",
        "SUMMARY:Lecture (moved)",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def upload(owner: object, data: bytes) -> Calendar:
    return services.calendar_import(owner=owner, upload=io.BytesIO(data), name="Google")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 40_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    owner = user_create(
        username="bench-calendar", email="bench@example.edu", password="bench-Pa55word-not-secret"
    )
    print("| events | file MB | upload s | events/s | busy times kept | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        data = export(size, timezone.now().date())
        times = []
        for _ in range(args.runs):
            Calendar.objects.filter(owner=owner).delete()
            began = time.perf_counter()
            calendar = upload(owner, data)
            times.append(time.perf_counter() - began)
        kept = BusyInterval.objects.filter(calendar=calendar).count()
        assert calendar.event_count == size + 1, calendar.event_count
        Calendar.objects.filter(owner=owner).delete()
        tracemalloc.start()
        upload(owner, data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        seconds = statistics.median(times)
        print(
            f"| {size:,} | {len(data) / 1e6:.1f} | {seconds:.2f} | {size / seconds:,.0f} "
            f"| {kept} | {peak / 1e6:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
