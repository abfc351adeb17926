"""Benchmark: following through, for a student with a long history.

Run with `make bench` (or `python bench/followups.py`). In a throw-away SQLite database it
builds a student with 2,000 people: 1,200 sent a request over the last 120 days (a third
answered), 400 of them met (each with three notes, a third with advice acted on; thank-yous
sent for half, LinkedIn notes for a quarter), 40 upcoming meetings, and a referral chain. It
then times the reminder rules alone, the Today list, and whole requests through Django
(median of 20 runs) with their SQL query counts, and the peak memory of working out every
reminder.

Prints a Markdown table to paste into the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tracemalloc
from collections.abc import Callable

from harness import FIRST, LAST, django_for_bench, median_ms

django_for_bench()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from coffeechat.accounts.services import user_create  # noqa: E402
from coffeechat.conversations.models import Conversation, Note  # noqa: E402
from coffeechat.followups import rules, selectors, services  # noqa: E402
from coffeechat.followups.models import ReminderSnapshot  # noqa: E402
from coffeechat.network.models import Contact, Organization  # noqa: E402
from coffeechat.outreach.models import Meeting, MeetingStatus, Message, Reply  # noqa: E402

RUNS = 20


def build(people: int, reached: int, met: int, upcoming: int) -> object:
    random.seed(11)
    user = user_create(username="student", email="student@example.edu", password=None)
    profile = user.profile
    profile.time_zone = "America/Chicago"
    profile.display_name = "Sam Student"
    profile.country = "US"
    profile.save()
    now = timezone.now()
    organizations = Organization.objects.bulk_create(
        Organization(owner=user, name=f"Org {n}") for n in range(80)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            owner=user,
            name=f"{random.choice(FIRST)} {random.choice(LAST)} {n}",
            organization=organizations[n % 80],
            source=random.choice(["alumni", "faculty", "linkedin", "referral", "advisor"]),
        )
        for n in range(people)
    )
    for n in range(1, 60):  # a referral chain and a few branches
        Contact.objects.filter(pk=contacts[n].pk).update(referred_by=contacts[(n - 1) // 2])
    messages, replies, meetings = [], [], []
    for n, contact in enumerate(contacts[:reached]):
        sent = now - dt.timedelta(days=random.randint(1, 120), hours=random.randint(0, 23))
        messages.append(
            Message(owner=user, contact=contact, kind="request_cold", body="Hi", sent_at=sent)
        )
        if n < met or n % 3 == 0:
            replies.append(
                Reply(
                    owner=user,
                    contact=contact,
                    outcome="yes" if n < met else "no",
                    received_at=sent + dt.timedelta(days=2),
                )
            )
        if n < met:
            start = sent + dt.timedelta(days=5)
            start = min(start, now - dt.timedelta(hours=2))
            meetings.append(
                Meeting(
                    owner=user,
                    contact=contact,
                    start=start,
                    end=start + dt.timedelta(minutes=20),
                    status=MeetingStatus.DONE,
                )
            )
            if n % 2 == 0:
                messages.append(
                    Message(
                        owner=user,
                        contact=contact,
                        kind="thank_you",
                        body="Thank you",
                        sent_at=start + dt.timedelta(hours=5),
                    )
                )
            if n % 4 == 0:
                messages.append(
                    Message(
                        owner=user,
                        contact=contact,
                        kind="linkedin_connect",
                        body="Thanks",
                        sent_at=start + dt.timedelta(days=1),
                    )
                )
    for n, contact in enumerate(contacts[reached : reached + upcoming]):
        start = now + dt.timedelta(days=n % 10, hours=3)
        meetings.append(
            Meeting(
                owner=user,
                contact=contact,
                start=start,
                end=start + dt.timedelta(minutes=20),
            )
        )
    Message.objects.bulk_create(messages)
    Reply.objects.bulk_create(replies)
    Meeting.objects.bulk_create(meetings)
    notes = []
    for n, meeting in enumerate(Meeting.objects.filter(owner=user, status=MeetingStatus.DONE)):
        Conversation.objects.create(
            owner=user, meeting=meeting, started_at=meeting.start, finished_at=meeting.end
        )
        for kind in ("advice", "resource", "note"):
            notes.append(
                Note(
                    owner=user,
                    meeting=meeting,
                    kind=kind,
                    text=f"{kind} from conversation {n}",
                    acted_on_at=meeting.end + dt.timedelta(days=3)
                    if kind == "advice" and n % 3 == 0
                    else None,
                )
            )
    Note.objects.bulk_create(notes)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--reached", type=int, default=1200)
    parser.add_argument("--met", type=int, default=400)
    parser.add_argument("--upcoming", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    user = build(args.people, args.reached, args.met, args.upcoming)
    feed = services.feed_token_new(user=user).feed_token
    client = Client()
    client.force_login(user)

    found = selectors.reminders_for(user)
    tracemalloc.start()
    selectors.reminders_for(user)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    facts = selectors.people_facts(user, timezone.now())
    clock = selectors.clock_for(user)
    numbers = selectors.numbers_of(selectors.settings_for(user))

    def worked_out() -> object:
        # What any write does (a trigger raises the version): the next Today works it out.
        ReminderSnapshot.objects.filter(owner=user).update(version=F("version") + 1)
        return page_of_today()

    def page_of_today() -> object:
        return selectors.today_for(user, limit=25)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("the rules alone (pure, in memory)", lambda: rules.reminders(facts, numbers, clock)),
        ("`reminders_for` (reads + rules)", lambda: selectors.reminders_for(user)),
        (
            "`today_for` (every reminder: reads + rules + meetings)",
            lambda: selectors.today_for(user),
        ),
        ("`today_for`, a page, after a change (worked out, stored)", worked_out),
        ("`today_for`, a page, from the snapshot", page_of_today),
        ("Today page", lambda: client.get("/today/")),
        ("reminders page (50 a page of everything coming)", lambda: client.get("/reminders/")),
        ("GET /api/v1/today", lambda: client.get("/api/v1/today")),
        ("calendar feed (.ics)", lambda: client.get(f"/feed/{feed}.ics")),
        ("dashboard", lambda: client.get("/dashboard/")),
        ("interview log page", lambda: client.get("/log/")),
        ("interview log CSV", lambda: client.get("/log.csv")),
    ]
    rows = []
    for label, step in steps:
        response = step()  # warm caches and template loading, and open the connection
        status = getattr(response, "status_code", 200)
        assert status == 200, (label, status)
        ms = median_ms(step, RUNS)
        with CaptureQueriesContext(connection) as queries:
            step()
        rows.append((label, ms, len(queries.captured_queries)))
    print(
        f"{args.people:,} people, {args.reached:,} reached out to, {args.met} met, "
        f"{args.upcoming} upcoming meetings; {len(found.shown):,} reminders; "
        f"median of {RUNS}:\n"
    )
    print("| what | median ms | SQL queries |")
    print("|---|---:|---:|")
    for label, ms, count in rows:
        print(f"| {label} | {ms:.1f} | {count} |")
    print(f"\nPeak memory of `reminders_for`: {peak / 1_000_000:.1f} MB")


if __name__ == "__main__":
    main()
