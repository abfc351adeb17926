"""Benchmark: preparing for and holding conversations, for a student with a long history.

Run with `make bench` (or `python bench/conversations.py`). In a throw-away SQLite database it
builds a student with 1,000 people, 300 meetings (200 finished, each with a plan, a dozen
notes and two referrals; 100 upcoming with a plan of five questions and research), then
times whole requests through Django (median of 30 runs) with their SQL query counts: the
meetings page, a meeting, its plan and prep sheet, live mode and its autosaves, the summary,
and the API's meeting list.

Prints a Markdown table to paste into the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import uuid
from collections.abc import Callable

from harness import FIRST, LAST, django_for_bench, median_ms

django_for_bench()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from coffeechat.accounts.services import user_create  # noqa: E402
from coffeechat.conversations import services  # noqa: E402
from coffeechat.conversations.models import NoteKind, PlannedQuestion  # noqa: E402
from coffeechat.conversations.selectors import question_bank  # noqa: E402
from coffeechat.network.services import contact_create  # noqa: E402
from coffeechat.outreach.services import meeting_schedule  # noqa: E402

RUNS = 30


def build(people: int, past: int, upcoming: int) -> tuple[object, list[object]]:
    random.seed(7)
    user = user_create(username="student", email="student@example.edu", password=None)
    profile = user.profile
    profile.time_zone = "America/Chicago"
    profile.display_name = "Sam Student"
    profile.elevator_pitch = "I study statistics and want to learn how analysts work."
    profile.save()
    services.questions_builtin_ensure(owner=user)
    questions = question_bank(user)
    contacts = [
        contact_create(
            owner=user,
            name=f"{random.choice(FIRST)} {random.choice(LAST)} {n}",
            organization_name=f"Org {n % 40}",
            time_zone="America/New_York",
        )
        for n in range(people)
    ]
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    meetings = []
    for n in range(past + upcoming):
        contact = contacts[n]
        offset = dt.timedelta(days=n - past + (1 if n >= past else 0), hours=2)
        meeting = meeting_schedule(
            owner=user, contact=contact, start=now + offset, minutes=20, medium="video"
        )
        services.research_update(
            contact=contact, notes="Leads a team of analysts.", searched=True, linkedin_read=True
        )
        services.plan_set(meeting=meeting, questions=random.sample(questions, 5))
        if n < past:
            for item in PlannedQuestion.objects.filter(meeting=meeting)[:3]:
                services.plan_mark(item=item, state="asked", note="Good answer.")
            for k in range(12):
                services.note_add(
                    meeting=meeting, kind=list(NoteKind)[k % 5], text=f"Note {k} from the chat"
                )
            for k in range(2):
                services.referral_add(meeting=meeting, name=f"Suggested {n}-{k}")
            services.conversation_finish(meeting=meeting, now=meeting.end)
        meetings.append(meeting)
    return user, meetings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--past", type=int, default=200)
    parser.add_argument("--upcoming", type=int, default=100)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    user, meetings = build(args.people, args.past, args.upcoming)
    client = Client()
    client.force_login(user)
    done, soon = meetings[0], meetings[args.past]
    item = PlannedQuestion.objects.filter(meeting=soon).first()
    assert item is not None
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages: list[tuple[str, Callable[[], object]]] = [
        ("meetings page (100 upcoming, latest 100 past)", lambda: client.get("/meetings/")),
        ("meetings page, past only (latest 100)", lambda: client.get("/meetings/?when=past")),
        ("a meeting", lambda: client.get(f"/meetings/{soon.uuid}/")),
        ("plan page (bank of 17)", lambda: client.get(f"/meetings/{soon.uuid}/plan/")),
        ("prep sheet", lambda: client.get(f"/meetings/{soon.uuid}/prep/")),
        ("prep sheet as Markdown", lambda: client.get(f"/meetings/{soon.uuid}/prep.md")),
        ("live mode page", lambda: client.get(f"/meetings/{soon.uuid}/live/")),
        (
            "live: mark a question (htmx)",
            lambda: client.post(f"/plan/{item.uuid}/", {"state": "asked"}, **htmx),
        ),
        (
            "live: autosave a question's note (htmx)",
            lambda: client.post(f"/plan/{item.uuid}/", {"note": "Uses SQL daily"}, **htmx),
        ),
        (
            "live: capture a note (htmx)",
            lambda: client.post(
                f"/meetings/{soon.uuid}/notes/",
                {"kind": "advice", "text": "Learn dbt", "client_key": uuid.uuid4().hex},
                **htmx,
            ),
        ),
        ("summary (12 notes, 2 referrals)", lambda: client.get(f"/meetings/{done.uuid}/summary/")),
        ("GET /api/v1/meetings?when=all", lambda: client.get("/api/v1/meetings?when=all")),
    ]
    rows = []
    for label, request in pages:
        response = request()  # warm caches and template loading, and open the connection
        status = getattr(response, "status_code", 0)
        assert status in (200, 201, 302), (label, status)
        ms = median_ms(request, RUNS)
        with CaptureQueriesContext(connection) as queries:
            request()
        rows.append((label, ms, len(queries.captured_queries)))
    print(
        f"{args.people:,} people, {args.past} finished and {args.upcoming} upcoming meetings, "
        f"median of {RUNS}:\n"
    )
    print("| what | median ms | SQL queries |")
    print("|---|---:|---:|")
    for label, ms, count in rows:
        print(f"| {label} | {ms:.1f} | {count} |")


if __name__ == "__main__":
    main()
