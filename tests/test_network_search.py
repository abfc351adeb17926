from __future__ import annotations

import pytest
from django.db import connection

from coffeechat.network import services
from coffeechat.network.models import Contact
from coffeechat.network.search import contacts_matching, ensure_search_index
from tests.factories import make_contact


def names(owner, query):
    return sorted(
        contacts_matching(Contact.objects.filter(owner=owner), query).values_list("name", flat=True)
    )


@pytest.fixture
def people(alice):
    make_contact(alice, "José Núñez", organization_name="Société Générale", title="Analyst")
    make_contact(alice, "Élodie Martin", tags="UX, Chicago", notes="Met at the career fair")
    make_contact(alice, "Zoë Smith", field="Public health")
    make_contact(alice, "李娜", title="Engineer")
    make_contact(alice, "Jordan Chen", email="jordan@straße.de")
    return alice


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jose", ["José Núñez"]),
        ("JOSÉ", ["José Núñez"]),
        ("nunez", ["José Núñez"]),
        ("elodie", ["Élodie Martin"]),
        ("zoe", ["Zoë Smith"]),
        ("societe", ["José Núñez"]),  # organization
        ("analyst", ["José Núñez"]),  # title
        ("chicago", ["Élodie Martin"]),  # tag
        ("career fair", ["Élodie Martin"]),  # notes, two terms
        ("health", ["Zoë Smith"]),  # field
        ("李娜", ["李娜"]),
        ("jos", ["José Núñez"]),
        ("jo", ["José Núñez", "Jordan Chen"]),  # shorter than a trigram
        ("jo chen", ["Jordan Chen"]),  # short and long terms together
        ("strasse", ["Jordan Chen"]),
        ("nobody", []),
        ('"', []),
        ("%", []),
        ("_", []),
        ("  ", ["Jordan Chen", "José Núñez", "Zoë Smith", "Élodie Martin", "李娜"]),
    ],
)
def test_search_is_case_and_accent_insensitive(people, query, expected):
    assert names(people, query) == sorted(expected)


def test_search_never_returns_another_users_contacts(people, bob):
    make_contact(bob, "José Bob")
    assert names(people, "jose") == ["José Núñez"]


def test_search_follows_edits_and_deletes(alice):
    contact = make_contact(alice, "Dana Reyes")
    services.contact_update(contact=contact, name="Dana Smith")
    assert names(alice, "reyes") == []
    assert names(alice, "smith") == ["Dana Smith"]
    services.contact_delete(contact=contact)
    assert names(alice, "smith") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 index")
def test_sqlite_search_uses_the_fts_index(people):
    queryset = contacts_matching(Contact.objects.filter(owner=people), "nunez")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 triggers")
def test_lost_triggers_are_repaired_and_the_index_rebuilt(people):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER network_contact_fts_insert")
    make_contact(people, "Written while the trigger was missing")
    assert names(people, "trigger was missing") == []
    ensure_search_index(connection)
    assert names(people, "trigger was missing") == ["Written while the trigger was missing"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigram index")
def test_postgresql_has_a_trigram_index_on_search_text(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'network_contact_search_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigram index")
def test_postgresql_search_can_use_the_trigram_index(people):
    # A five-row table is read faster without an index, so forbid sequential scans to see
    # whether the planner *can* answer the search condition Django writes from the index.
    # (Left out: the owner filter, which tiny tables answer from the owner index instead.)
    queryset = contacts_matching(Contact.objects.all(), "nunez")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "network_contact_search_trgm" in plan
