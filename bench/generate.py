"""Benchmark data: many students, one of them with a very large network.

Run `python bench/generate.py` (defaults: 1,000 students; a power user with 50,000 people,
5,000 meetings and 50,000 notes; a "mid" user with the same mix at 1,000 people; a "wide"
user with the power user's 50,000 people and the mid user's activity; the other students with
20 people each). It writes in batches with `bulk_create`, filling the derived
columns (`sort_name`, `search_text` …) with the model's own `refresh_derived`, so search and
sorting behave as for data entered through the app, then prints how long each step took.

SQLite by default, in a temporary folder (`--data-dir` to choose it). With `--database-url
postgres://postgres@127.0.0.1:5432/postgres` it creates a fresh database
`coffeechat_bench_<pid>` on that server and drops it at the end. `--keep` keeps the database
and `--manifest FILE` writes what `bench/load.py` needs (where the data is, the accounts'
passwords and API tokens, ids of a contact, a draft …) as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import FIRST, LAST, django_for_bench, postgres_database_create, postgres_database_drop

BATCH = 5000
PASSWORD = "bench-Pa55word-not-secret"
TITLES = ["Analyst", "Engineer", "Designer", "Nurse", "Teacher", "Product manager", "Curator"]
FIELDS = ["Health", "Software", "Museums", "Finance", "Education", "Design", "Policy"]
NOTE_TEXTS = [
    "Read “The 2-Hour Job Search” before the next round.",
    "Ask the hiring manager about the rotation programme.",
    "They started in consulting and moved to product after three years.",
    "Talk to Priya on the data team — she runs the internship.",
    "Portfolio: show the process, not only the final screens.",
    "Night shifts are hard the first year; mentorship makes the difference.",
    "Look at the museum's education department, not only curation.",
    "Certification matters less than a project you can talk about.",
]
SEARCH_TERM = "nunez"  # "Núñez" is one of the harness's last names: about 1 in 9 people


@dataclass(frozen=True)
class Shape:
    """How much one student has: people, the requests sent, meetings, notes, open drafts."""

    contacts: int
    meetings: int
    notes: int
    asked: int | None = None  # requests sent, when not the usual share of the people

    @property
    def requests(self) -> int:
        # Every meeting came from a request; as many again are waiting or were declined.
        if self.asked is not None:
            return min(self.contacts, self.asked)
        return min(self.contacts, self.meetings * 2 + self.contacts // 20)

    @property
    def drafts(self) -> int:
        return min(self.contacts - self.requests, max(5, self.contacts // 200))


class Timings:
    """Seconds per step, printed as they happen and kept for the manifest."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        began = time.perf_counter()
        yield
        self.steps[label] = round(time.perf_counter() - began, 2)
        print(f"# {label}: {self.steps[label]:.1f} s", file=sys.stderr, flush=True)


def in_batches(model: Any, rows: list[Any]) -> list[Any]:
    """bulk_create in batches; the returned objects have their primary keys on both databases."""
    made: list[Any] = []
    for start in range(0, len(rows), BATCH):
        made.extend(model.objects.bulk_create(rows[start : start + BATCH]))
    return made


def person_name(rng: random.Random, i: int) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"


def contacts_build(owner: Any, count: int, rng: random.Random) -> list[Any]:
    """The owner's organizations, tags and people, tagged, with derived columns filled."""
    from coffeechat.network.models import Contact, Organization, Source, Tag

    organizations = in_batches(
        Organization,
        [
            Organization(owner=owner, name=f"Organization {i}", industry=rng.choice(FIELDS))
            for i in range(max(1, count // 50))
        ],
    )
    tags = Tag.objects.bulk_create([Tag(owner=owner, name=f"tag {i}") for i in range(20)])
    sources = [value for value, _ in Source.choices]
    contacts, chosen_tags = [], []
    for i in range(count):
        organization = rng.choice(organizations)
        contact = Contact(
            owner=owner,
            name=person_name(rng, i),
            email=f"person{i}@example.com" if rng.random() < 0.6 else "",
            organization=organization,
            title=rng.choice(TITLES),
            field=rng.choice(FIELDS),
            source=rng.choice(sources),
            practice=rng.random() < 0.05,
            notes="Met at the career fair." if rng.random() < 0.2 else "",
        )
        tag = rng.choice(tags) if rng.random() < 0.5 else None
        contact.refresh_derived(tag_names=[tag.name] if tag else [])
        contacts.append(contact)
        chosen_tags.append(tag)
    contacts = in_batches(Contact, contacts)
    through = Contact.tags.through
    in_batches(
        through,
        [
            through(contact_id=c.pk, tag_id=t.pk)
            for c, t in zip(contacts, chosen_tags, strict=True)
            if t is not None
        ],
    )
    return contacts


def outreach_build(
    owner: Any, contacts: list[Any], shape: Shape, rng: random.Random, now: dt.datetime
) -> dict[str, Any]:
    """Sent requests, replies, meetings (past and coming), notes and open drafts.

    Spread over the last year so that Today has something in every section: nudges for
    unanswered requests, thank-yous after recent meetings, meetings to prepare.
    """
    from django.db.models import F

    from coffeechat.conversations.models import Note, NoteKind
    from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message, Outcome, Reply

    people = rng.sample(contacts, shape.requests + shape.drafts)
    asked, drafted = people[: shape.requests], people[shape.requests :]
    requests = [
        Message(
            owner=owner,
            contact=contact,
            kind=Kind.REQUEST_COLD,
            subject="Would you have 20 minutes for a student?",
            body="Hello, I am a student interested in your work. Could we talk for 20 minutes?",
            channel="copy",
            sent_at=now - dt.timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1439)),
            message_id=f"<{uuid.uuid4()}@bench.coffeechat>",
        )
        for contact in asked
    ]
    requests = in_batches(Message, requests)
    drafts = in_batches(
        Message,
        [
            Message(owner=owner, contact=contact, kind=Kind.REQUEST_COLD, subject="Hello", body="…")
            for contact in drafted
        ],
    )
    met = requests[: shape.meetings]
    replies = in_batches(
        Reply,
        [
            Reply(
                owner=owner,
                contact=message.contact,
                message=message,
                outcome=Outcome.YES if i < len(met) else Outcome.NO,
                received_at=message.sent_at + dt.timedelta(days=2),
            )
            for i, message in enumerate(requests[: shape.meetings + len(requests) // 4])
        ],
    )
    meetings = []
    for message, reply in zip(met, replies, strict=False):
        start = message.sent_at + dt.timedelta(days=rng.randint(3, 20))
        start = start.replace(minute=0, second=0, microsecond=0)
        meetings.append(
            Meeting(
                owner=owner,
                contact=message.contact,
                reply=reply,
                start=start,
                end=start + dt.timedelta(minutes=20),
                medium="video",
                status=MeetingStatus.DONE if start < now else MeetingStatus.SCHEDULED,
            )
        )
    meetings = in_batches(Meeting, meetings)
    kinds = [value for value, _ in NoteKind.choices]
    notes = [
        Note(
            owner=owner,
            meeting=meetings[i % len(meetings)],
            kind=rng.choice(kinds),
            text=rng.choice(NOTE_TEXTS),
        )
        for i in range(shape.notes if meetings else 0)
    ]
    in_batches(Note, notes)
    # created_at is auto_now_add: move it back to when the message was sent.
    Message.objects.filter(owner=owner, sent_at__isnull=False).update(created_at=F("sent_at"))
    with_notes = next((m for m in meetings if m.status == MeetingStatus.DONE), None)
    return {
        "contact": str((with_notes.contact if with_notes else contacts[len(contacts) // 2]).uuid),
        "draft": str(drafts[0].uuid) if drafts else None,
        "draft_contacts": [str(c.uuid) for c in drafted[:50]],
    }


def student_create(username: str, shape: Shape, rng: random.Random) -> dict[str, Any]:
    """A student who signs in with a password (so the load run can use the login form)."""
    from coffeechat.accounts.services import api_token_create, user_create
    from coffeechat.outreach import services as outreach_services

    user = user_create(username=username, email=f"{username}@example.edu", password=PASSWORD)
    profile = user.profile
    profile.display_name = f"Sam {username.title()}"
    profile.time_zone = "America/Chicago"
    profile.country = "US"
    profile.completed_at = user.date_joined
    profile.save()
    outreach_services.availability_update(
        user=user,
        windows=[(d, dt.time(9), dt.time(12)) for d in range(5)]
        + [(d, dt.time(13), dt.time(17)) for d in range(5)],
    )
    now = user.date_joined
    contacts = contacts_build(user, shape.contacts, rng)
    ids = outreach_build(user, contacts, shape, rng, now)
    _, token = api_token_create(user=user, name="bench")
    return {
        "username": username,
        "password": PASSWORD,
        "token": token,
        "contacts": shape.contacts,
        "meetings": shape.meetings,
        "notes": shape.notes,
        "search": SEARCH_TERM,
        **ids,
    }


def small_students_create(count: int, contacts_each: int, rng: random.Random) -> None:
    """Many students with small accounts, all in a few bulk inserts (no password: no sign-in)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from coffeechat.accounts.models import Profile
    from coffeechat.network.models import Contact, Organization
    from coffeechat.outreach.models import Kind, Message

    User = get_user_model()
    users = []
    for i in range(count):
        user = User(username=f"student{i:05d}", email=f"student{i:05d}@example.edu")
        user.set_unusable_password()
        users.append(user)
    users = in_batches(User, users)
    now = timezone.now()
    in_batches(Profile, [Profile(user=u, completed_at=now) for u in users])
    organizations = in_batches(
        Organization, [Organization(owner=u, name=f"Company {k}") for u in users for k in range(2)]
    )
    contacts = []
    for i, user in enumerate(users):
        for k in range(contacts_each):
            contact = Contact(
                owner=user,
                name=person_name(rng, k),
                organization=organizations[2 * i + k % 2],
                title=rng.choice(TITLES),
            )
            contact.refresh_derived(tag_names=[])
            contacts.append(contact)
    contacts = in_batches(Contact, contacts)
    in_batches(
        Message,
        [
            Message(
                owner_id=c.owner_id,
                contact=c,
                kind=Kind.REQUEST_COLD,
                subject="Hello",
                sent_at=now - dt.timedelta(days=rng.randint(1, 60)),
            )
            for c in contacts[::5]
        ],
    )


def database_analyze() -> None:
    """Fresh statistics for the query planner, as a database in service would have."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate(args: argparse.Namespace, timings: Timings) -> dict[str, Any]:
    from django.core.management import call_command

    rng = random.Random(7)
    with timings.step("migrate"):
        call_command("migrate", verbosity=0)
    power = Shape(args.contacts, args.meetings, args.notes)
    scale = args.mid_contacts / args.contacts
    mid = Shape(args.mid_contacts, round(args.meetings * scale), round(args.notes * scale))
    accounts = {}
    with timings.step(f"power user: {power.contacts:,} contacts"):
        accounts["power"] = student_create("power", power, rng)
    with timings.step(f"mid user: {mid.contacts:,} contacts"):
        accounts["mid"] = student_create("mid", mid, rng)
    # The power user's people with the mid user's activity: what the number of people costs
    # on its own, apart from the number of conversations and requests.
    wide = Shape(power.contacts, mid.meetings, mid.notes, asked=mid.requests)
    with timings.step(f"wide user: {wide.contacts:,} contacts, the mid user's activity"):
        accounts["wide"] = student_create("wide", wide, rng)
    others = max(0, args.users - 3)
    with timings.step(f"{others:,} other students, {args.small_contacts} contacts each"):
        small_students_create(others, args.small_contacts, rng)
    with timings.step("analyze"):
        database_analyze()
    return {"accounts": accounts, "users": others + 3}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="students in all (default 1000)")
    parser.add_argument("--contacts", type=int, default=50_000, help="the power user's people")
    parser.add_argument("--meetings", type=int, default=5000, help="the power user's meetings")
    parser.add_argument("--notes", type=int, default=50_000, help="the power user's notes")
    parser.add_argument("--mid-contacts", type=int, default=1000, help="the mid user's people")
    parser.add_argument("--small-contacts", type=int, default=20, help="each other student's")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (default SQLite)")
    parser.add_argument("--data-dir", help="the SQLite folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--manifest", type=Path, help="write accounts and ids here (JSON)")
    args = parser.parse_args(argv)
    if not 0 < args.mid_contacts <= args.contacts or args.meetings > args.contacts:
        parser.error("Need 0 < --mid-contacts <= --contacts and --meetings <= --contacts.")
    return args


def main() -> None:
    args = parse_args()
    timings = Timings()
    database_url = postgres_database_create(args.database_url) if args.database_url else ""
    made_dir = not args.data_dir and not database_url
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="coffeechat-bench-")
    kept = False
    try:
        django_for_bench(database_url, data_dir)
        began = time.perf_counter()
        manifest = generate(args, timings)
        print(f"# built in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        manifest.update(database_url=database_url, data_dir=data_dir, timings=timings.steps)
        if args.manifest:
            args.manifest.write_text(json.dumps(manifest, indent=2))
        kept = args.keep
    finally:
        from django.db import connections

        connections.close_all()
        if not kept:
            if database_url:
                postgres_database_drop(database_url, args.database_url)
            elif made_dir:
                shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
