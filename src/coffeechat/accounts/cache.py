"""The database cache, with an `incr` that several app processes can share.

Django's DatabaseCache increments by reading the value and writing it back with the default
timeout: two processes can both read 3 and both write 4, and every increment moves the
expiry. The throttles (accounts/throttle.py) count on `incr` being atomic and keeping the
key's expiry, which Redis does natively; this class does it on PostgreSQL (a row lock) and
SQLite (IMMEDIATE transactions already let one writer in at a time).
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    _table: str  # set by Django's __init__; the stubs leave it out

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # Only constant names are formatted in; the key and times are parameters.
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            # Django's own storage format for this table: base64 of a pickle it wrote.
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [stored, key],
            )
        return int(value)
