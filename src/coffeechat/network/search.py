"""Accent- and case-insensitive contact search, indexed on both databases.

Every contact carries `search_text`, its searchable fields folded by `lib.text.fold`
("José Núñez" -> "jose nunez"). Each search term must appear in it as a substring.

* SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step with
  `network_contact` by triggers. Terms of three or more characters are answered by the index.
* PostgreSQL: a GIN trigram index (pg_trgm) on `search_text`, which serves `LIKE '%term%'`.

Terms shorter than three characters cannot use a trigram index on either side; they narrow
the indexed result (or, alone, scan the owner's rows, which is cheap for one person's list).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from coffeechat.lib.text import fold

log = logging.getLogger(__name__)

FTS_TABLE = "network_contact_fts"
SQLITE_STATEMENTS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='network_contact', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER IF NOT EXISTS network_contact_fts_insert AFTER INSERT ON network_contact
    BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS network_contact_fts_delete AFTER DELETE ON network_contact
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS network_contact_fts_update
    AFTER UPDATE OF search_text ON network_contact
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_TRIGGERS = {
    "network_contact_fts_insert",
    "network_contact_fts_delete",
    "network_contact_fts_update",
}
PG_INDEX = "network_contact_search_trgm"


def ensure_search_index(conn: BaseDatabaseWrapper = connection) -> None:
    """Create the search index if it is missing; safe to run any number of times.

    SQLite migrations that alter a table rebuild it, which silently drops its triggers,
    so this runs after every migrate and rebuilds the FTS content when it had to repair.
    """
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'network_contact'"
            )
            present = {row[0] for row in cursor.fetchall()}
            for statement in SQLITE_STATEMENTS:
                cursor.execute(statement)
            if not present >= SQLITE_TRIGGERS:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif conn.vendor == "postgresql":
            try:
                with transaction.atomic(using=conn.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(
                        f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON network_contact "
                        "USING gin (search_text gin_trgm_ops)"
                    )
            except DatabaseError as exc:  # no right to create the extension: search still works
                log.warning("Contact search runs without a trigram index: %s", exc)


def ensure_search_index_after_migrate(using: str = "default", **kwargs: Any) -> None:
    ensure_search_index(connections[using])


def search_terms(query: str) -> list[str]:
    return fold(query).split()[:10]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def contacts_matching(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Narrow `queryset` (of Contacts) to those matching every term of `query`."""
    terms = search_terms(query)
    if not terms:
        return queryset
    vendor = connections[queryset.db].vendor
    long_terms = [t for t in terms if len(t) >= 3]
    if vendor == "sqlite" and long_terms:
        match = " ".join(_fts_phrase(t) for t in long_terms)
        queryset = queryset.filter(
            id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        )
        terms = [t for t in terms if len(t) < 3]
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset
