"""What every benchmark does first: a throw-away SQLite database, production settings."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FIRST = ["José", "Élodie", "Zoë", "Sam", "Priya", "Chen", "Amara", "Lukas", "Noor", "Mateo"]
LAST = ["Núñez", "Martin", "Smith", "Okafor", "Kowalski", "Tanaka", "García", "Nguyen", "Brown"]


def django_for_bench(database_url: str = "", data_dir: str | None = None) -> None:
    """Set Django up on a throw-away SQLite database (or the given PostgreSQL database)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ["COFFEECHAT_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="coffeechat-bench-")
    os.environ["COFFEECHAT_DEBUG"] = "0"
    os.environ["COFFEECHAT_HTTPS"] = "0"
    os.environ.setdefault("COFFEECHAT_SECRET_KEY", "bench-" + "x" * 50)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "coffeechat.settings"

    import django

    django.setup()


def median_ms(action: Callable[[], object], runs: int) -> float:
    """The median of `runs` timings of `action`, in milliseconds."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_database_create(server_url: str = POSTGRES_SERVER) -> str:
    """A fresh, empty database `coffeechat_bench_<pid>` on the server; returns its URL.

    Each run gets its own database so a benchmark never touches the test or dev data, and
    a leftover from an interrupted run is replaced rather than reused.
    """
    import psycopg

    name = f"coffeechat_bench_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def postgres_database_drop(database_url: str, server_url: str = POSTGRES_SERVER) -> None:
    """Drop a database made by postgres_database_create (only those: the name is checked)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    if not name.startswith("coffeechat_bench_") or not name.replace("_", "").isalnum():
        raise ValueError(f"Refusing to drop {name!r}: not a benchmark database.")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
