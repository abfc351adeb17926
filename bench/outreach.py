"""Benchmark: proposing free times, and the outreach pages, for a busy student.

Run with `make bench` (or `python bench/outreach.py`). In a throw-away SQLite database it
builds a student with busy calendars (the intervals of a full semester, several a day) and
hundreds of people at every stage of outreach, then times, median of 30 runs each:

1. the slot finder alone (pure function, 60-day horizon, every busy interval);
2. `slots_propose` (reads availability, busy time and meetings, then finds 3 times);
3. whole requests through Django: a new draft, the composer, the outreach queue, the API's
   /slots, with their SQL query counts.

Prints a Markdown table to paste into the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import zoneinfo

from harness import FIRST, LAST, django_for_bench, median_ms

django_for_bench()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from coffeechat.accounts.services import user_create  # noqa: E402
from coffeechat.network.services import contact_create  # noqa: E402
from coffeechat.outreach import selectors, services  # noqa: E402
from coffeechat.outreach.models import BusyInterval, Calendar  # noqa: E402
from coffeechat.outreach.slots import slots_find  # noqa: E402

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
RUNS = 30


def build(people: int, busy_per_day: int) -> tuple[object, list[object]]:
    random.seed(7)
    user = user_create(username="student", email="student@example.edu", password=None)
    profile = user.profile
    profile.time_zone = "America/Chicago"
    profile.display_name = "Sam Student"
    profile.country = "US"
    profile.save()
    services.availability_update(
        user=user,
        windows=[(d, dt.time(9), dt.time(12)) for d in range(5)]
        + [(d, dt.time(13), dt.time(17)) for d in range(5)],
    )
    calendar = Calendar.objects.create(owner=user, name="Classes")
    today = dt.datetime.now(CHICAGO).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for day in range(-30, 90):
        for _ in range(busy_per_day):
            start = today + dt.timedelta(days=day, hours=random.randint(8, 18))
            rows.append(
                BusyInterval(
                    owner=user,
                    calendar=calendar,
                    start=start,
                    end=start + dt.timedelta(minutes=random.choice((50, 75, 90))),
                    summary="Class",
                )
            )
    BusyInterval.objects.bulk_create(rows)
    contacts = []
    now = dt.datetime.now(dt.UTC)
    for n in range(people):
        name = f"{random.choice(FIRST)} {random.choice(LAST)} {n}"
        contact = contact_create(owner=user, name=name, organization_name=f"Org {n % 40}")
        contacts.append(contact)
        stage = n % 4
        if stage == 0:
            continue
        draft = services.message_draft(owner=user, contact=contact, count=0)
        if stage >= 2:
            services.message_send(
                message=draft, channel="copy", now=now - dt.timedelta(days=random.randint(0, 20))
            )
        if stage == 3 and n % 8 == 3:
            services.reply_record(owner=user, contact=contact, outcome="no")
    return user, contacts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--busy-per-day", type=int, default=4)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    user, contacts = build(args.people, args.busy_per_day)
    busy_count = BusyInterval.objects.count()

    now = dt.datetime.now(dt.UTC)
    busy = selectors.busy_for_slots(user, now, now + dt.timedelta(days=60))
    windows = selectors.availability_for(user)

    def find() -> object:
        return slots_find(
            windows=windows,
            busy=busy,
            tz=CHICAGO,
            earliest=now,
            latest=now + dt.timedelta(days=60),
            count=3,
            buffer=dt.timedelta(minutes=15),
        )

    client = Client()
    client.force_login(user)
    someone = contacts[1]
    draft = services.message_draft(owner=user, contact=someone)
    rows: list[tuple[str, float, int | str]] = [
        ("slot finder alone (the next 60 days)", median_ms(find, RUNS), "–"),
        (
            "`slots_propose` (reads + finder)",
            median_ms(lambda: selectors.slots_propose(user), RUNS),
            0,
        ),
    ]
    with CaptureQueriesContext(connection) as queries:
        selectors.slots_propose(user)
    rows[-1] = (rows[-1][0], rows[-1][1], len(queries))
    pages = [
        ("GET /api/v1/slots", lambda: client.get("/api/v1/slots")),
        (
            "POST a new draft (3 times proposed)",
            lambda: client.post(f"/contacts/{someone.uuid}/drafts/", {"kind": "request"}),
        ),
        ("composer page", lambda: client.get(f"/messages/{draft.uuid}/")),
        (
            "live check (htmx save + checks)",
            lambda: client.post(
                f"/messages/{draft.uuid}/",
                {"subject": draft.subject, "body": draft.body},
                HTTP_HX_REQUEST="true",
            ),
        ),
        ("a contact's outreach page", lambda: client.get(f"/contacts/{someone.uuid}/outreach/")),
        ("outreach queue page", lambda: client.get("/outreach/")),
    ]
    for label, request in pages:
        response = request()  # warm caches and template loading, and open the connection
        assert response.status_code in (200, 302), (label, response.status_code)
        ms = median_ms(request, RUNS)
        with CaptureQueriesContext(connection) as queries:
            request()
        rows.append((label, ms, len(queries.captured_queries)))

    print(
        f"{args.people:,} people ({args.people * 3 // 4:,} with outreach), "
        f"{busy_count:,} busy intervals, median of {RUNS}:\n"
    )
    print("| what | median ms | SQL queries |")
    print("|---|---:|---:|")
    for label, ms, queries in rows:
        print(f"| {label} | {ms:.1f} | {queries} |")


if __name__ == "__main__":
    main()
