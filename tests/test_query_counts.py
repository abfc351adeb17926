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
    assert large <= 8


def test_organization_pages_query_count_does_not_grow(alice_client, alice):
    _grow(alice, 2)
    small = _count(alice_client, reverse("organization_list"))
    _grow(alice, 20)
    assert _count(alice_client, reverse("organization_list")) == small
