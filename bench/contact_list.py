"""Benchmark: the contact list, deep pages and search at 1,000 and 50,000 contacts.

Run with `make bench` (or `python bench/contact_list.py [--sizes 1000 50000]`). It builds a
throw-away SQLite database in a temporary folder, signs one user in, and times full
requests through Django (middleware, view, template) in this process. Prints a Markdown
table to paste into the README.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from harness import FIRST, LAST, django_for_bench

django_for_bench()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from coffeechat.accounts.services import user_create  # noqa: E402
from coffeechat.network import selectors  # noqa: E402
from coffeechat.network.models import Contact, Organization, Source, Tag  # noqa: E402


def populate(owner, n: int) -> None:
    rng = random.Random(n)
    orgs = Organization.objects.bulk_create(
        [Organization(owner=owner, name=f"Organization {i}") for i in range(max(1, n // 50))]
    )
    tags = Tag.objects.bulk_create([Tag(owner=owner, name=f"tag {i}") for i in range(20)])
    sources = [value for value, _ in Source.choices]
    batch: list[Contact] = []
    for i in range(n):
        contact = Contact(
            owner=owner,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            organization=rng.choice(orgs),
            title=rng.choice(["Analyst", "Engineer", "Designer", "Nurse", "Teacher"]),
            source=rng.choice(sources),
            practice=rng.random() < 0.05,
            notes="Met at the career fair." if rng.random() < 0.2 else "",
        )
        contact.refresh_derived(tag_names=[])
        batch.append(contact)
        if len(batch) == 5000:
            Contact.objects.bulk_create(batch)
            batch = []
    Contact.objects.bulk_create(batch)
    through = Contact.tags.through
    ids = list(Contact.objects.filter(owner=owner).values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(contact_id=pk, tag_id=rng.choice(tags).pk) for pk in ids if rng.random() < 0.5],
        batch_size=5000,
    )


def timed(client: Client, url: str, rounds: int) -> tuple[float, int]:
    client.get(url)  # warm caches and template loading
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(samples), len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50_000])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    rows = []
    for size in args.sizes:
        user = user_create(username=f"bench{size}", email="b@example.com", password=None)
        user.profile.completed_at = user.date_joined
        user.profile.save()
        start = time.perf_counter()
        populate(user, size)
        build = time.perf_counter() - start
        client = Client()
        client.force_login(user)
        deep = (
            Contact.objects.filter(owner=user)
            .order_by("sort_name", "uuid")[size - 60 : size - 59]
            .get()
        )
        cases = {
            "list, first page": "/contacts/",
            "list, last page (keyset)": f"/contacts/?after={selectors.encode_cursor(deep)}",
            "search “nunez” (accent-free)": "/contacts/?q=nunez",
            "search “career fair”": "/contacts/?q=career+fair",
            "search “xyz” (no match)": "/contacts/?q=xyz",
            "contact page": f"/contacts/{deep.uuid}/",
            "add-a-person form": "/contacts/new/",
            "“referred by” suggestions for “jos”": "/contacts/suggestions/?q=jos",
        }
        for label, url in cases.items():
            median, queries = timed(client, url, args.rounds)
            rows.append((label, size, median, queries))
        reset_queries()
        print(f"# built {size:,} contacts in {build:.1f} s", file=sys.stderr)
    print("| request | contacts | median ms | SQL queries |")
    print("|---|---:|---:|---:|")
    for label, size, median, queries in rows:
        print(f"| {label} | {size:,} | {median:.1f} | {queries} |")


if __name__ == "__main__":
    main()
