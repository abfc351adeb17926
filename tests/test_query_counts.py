"""Pages cost a fixed number of SQL queries, however many contacts, tags or referrals."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_contact, make_organization


def _grow(owner, n):
    org = make_organization(owner, f"Org {n}")
    referrer = make_contact(owner, f"Referrer {n}")
    for i in range(n):
        make_contact(
            owner,
            f"Person {n}-{i}",
            organization=org,
            referred_by=referrer,
            tags=f"tag{i % 3}, common{n}",
        )
    return referrer


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_contact_list_query_count_does_not_grow(alice_client, alice):
    _grow(alice, 3)
    small = _count(alice_client, reverse("contact_list"))
    small_search = _count(alice_client, reverse("contact_list"), q="person")
    _grow(alice, 40)
    assert _count(alice_client, reverse("contact_list")) == small
    assert _count(alice_client, reverse("contact_list"), q="person") == small_search
    assert small <= 8


def test_contact_page_query_count_does_not_grow(alice_client, alice):
    few = _grow(alice, 2)
    many = _grow(alice, 30)
    small = _count(alice_client, reverse("contact_detail", args=[few.uuid]))
    large = _count(alice_client, reverse("contact_detail", args=[many.uuid]))
    assert small == large
    # The "Meetings and research" section costs up to four: meetings, research on the person
    # and on their organization, and the links.
    assert large <= 10


def test_organization_pages_query_count_does_not_grow(alice_client, alice):
    _grow(alice, 2)
    small = _count(alice_client, reverse("organization_list"))
    _grow(alice, 20)
    assert _count(alice_client, reverse("organization_list")) == small


def _import(client, rows: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coffeechat.interchange.models import ImportRun

    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"P{i},L{i},,p{i}@example.com,Org {i % 4},Analyst,1 Jan 2024" for i in range(rows)]
    data = ("\r\n".join(lines) + "\r\n").encode()
    client.post(reverse("import_start"), {"file": SimpleUploadedFile("c.csv", data)})
    return ImportRun.objects.order_by("-id").first()


def test_import_pages_query_count_does_not_grow(alice_client, alice):
    small = _import(alice_client, 3)
    large = _import(alice_client, 300)
    assert large.report["created"] == 300
    few = _count(alice_client, reverse("import_detail", args=[small.uuid]))
    many = _count(alice_client, reverse("import_detail", args=[large.uuid]))
    assert few == many <= 6
    start = _count(alice_client, reverse("import_start"))
    assert start <= 6


def test_calendar_page_query_count_does_not_grow(alice_client, alice):
    import datetime as dt

    from django.utils import timezone

    from coffeechat.outreach.models import BusyInterval, Calendar

    def add_calendar(n: int) -> None:
        calendar = Calendar.objects.create(owner=alice, name=f"Calendar {n}")
        start = timezone.now() + dt.timedelta(hours=1)
        BusyInterval.objects.bulk_create(
            BusyInterval(
                owner=alice,
                calendar=calendar,
                start=start + dt.timedelta(hours=3 * i),
                end=start + dt.timedelta(hours=3 * i + 1),
                summary=f"Class {i}",
            )
            for i in range(20 * n)
        )

    add_calendar(1)
    small = _count(alice_client, reverse("calendar_list"))
    for n in range(2, 6):
        add_calendar(n)
    assert _count(alice_client, reverse("calendar_list")) == small <= 8
