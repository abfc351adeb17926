"""Whole-database backups: a consistent copy while the app runs, and putting one back.

SQLite: the online backup API copies the live database in one step, which is one read
transaction — one snapshot. In WAL mode readers do not block the writer, so the app keeps
writing while the copy is made, and the copy holds exactly the transactions committed before
it began. The copy is switched out of WAL mode (one self-contained file), checked with
`PRAGMA integrity_check`, and only then renamed into place.

PostgreSQL: `pg_dump --format=custom` in a snapshot exported by a repeatable-read
transaction of our own, so the row counts printed are those of the dump, not of a moment
later.

Restoring never leaves half a database. SQLite: the backup is copied to a temporary file
and checked first, then copied into the live database by the same backup API, which writes
it as one transaction (a crash keeps the old database); what was there is kept beside it.
PostgreSQL: `pg_restore --single-transaction --exit-on-error`, so any error rolls back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Libpq reads these from the environment; Django keeps them in OPTIONS.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    """A problem people can act on; nothing was changed."""


class RestoredButDamaged(BackupError):
    """The restore was written, yet the database fails its check afterwards (a bad disk?)."""


@dataclass(frozen=True)
class Backup:
    """A backup file and what it holds (counts are unknown for a PostgreSQL archive)."""

    path: Path
    size: int
    engine: str
    counts: dict[str, int] = field(default_factory=dict)
    made_at: str = ""
    database: str = ""


@dataclass(frozen=True)
class Restored:
    counts: dict[str, int]
    previous: Path | None
    migrate_needed: bool


def engine() -> str:
    """ "sqlite" or "postgresql": the two databases Coffeechat backs up."""
    from django.conf import settings

    name = settings.DATABASES["default"]["ENGINE"]
    if name.endswith("sqlite3"):
        return "sqlite"
    if name.endswith(("postgresql", "postgis")):
        return "postgresql"
    raise BackupError(f"Backups work on SQLite and PostgreSQL, not {name}.")


def sqlite_path() -> Path:
    from django.conf import settings

    return Path(settings.DATABASES["default"]["NAME"]).resolve()


def counted_tables() -> dict[str, str]:
    """What a backup's summary counts, by table: the things a student would miss."""
    from django.contrib.auth import get_user_model
    from django.db.models import Model

    from coffeechat.conversations.models import Note
    from coffeechat.network.models import Contact, Organization
    from coffeechat.outreach.models import Meeting

    models: dict[str, type[Model]] = {
        "users": get_user_model(),
        "contacts": Contact,
        "organizations": Organization,
        "meetings": Meeting,
        "notes": Note,
    }
    return {label: model._meta.db_table for label, model in models.items()}


# Making a backup ------------------------------------------------------------------------


def database_backup(*, output: Path) -> Backup:
    """Copy the live database to `output` (written as `output.part`, renamed when checked)."""
    kind = engine()
    output = output.expanduser().resolve()
    if output.is_dir():
        raise BackupError(f"{output} is a folder; give a file name, like {output}/coffeechat.db.")
    if not output.parent.is_dir():
        raise BackupError(f"There is no folder {output.parent}.")
    if kind == "sqlite" and output == sqlite_path():
        raise BackupError("That is the database itself; write the backup somewhere else.")
    partial = output.with_name(output.name + ".part")
    try:
        counts = _sqlite_backup(sqlite_path(), partial) if kind == "sqlite" else _pg_backup(partial)
        partial.replace(output)
    except OSError as exc:
        raise BackupError(f"Could not write {output}: {exc.strerror or exc}") from None
    finally:
        for leftover in ("", "-journal", "-wal", "-shm"):
            partial.with_name(partial.name + leftover).unlink(missing_ok=True)
    return Backup(path=output, size=output.stat().st_size, engine=kind, counts=counts)


def _sqlite_open(path: Path, *, create: bool = False) -> sqlite3.Connection:
    # mode=rw: a path with no database is an error, not a new empty file.
    mode = "rwc" if create else "rw"
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=20)
    except sqlite3.OperationalError as exc:
        raise BackupError(f"Could not open {path}: {exc}") from None
    connection.execute("PRAGMA busy_timeout=20000")
    return connection


def _sqlite_backup(source: Path, target: Path) -> dict[str, int]:
    if not source.exists():
        raise BackupError(f"There is no database at {source} yet: nothing to back up.")
    target.unlink(missing_ok=True)
    try:
        with closing(_sqlite_open(source)) as live, closing(sqlite3.connect(target)) as copy:
            # pages=-1 (the default): the whole copy in one step, so one snapshot. Copying in
            # steps would start over each time another connection writes.
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            _sqlite_check(copy, "The copy")
            return _sqlite_counts(copy)
    except sqlite3.Error as exc:
        raise BackupError(f"Could not copy the database at {source}: {exc}") from None


def _sqlite_check(connection: sqlite3.Connection, what: str) -> None:
    """Raise unless this is an intact Coffeechat database."""
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what} is damaged or is not a database ({exc}).") from None
    if problems != ["ok"]:
        raise BackupError(f"{what} is damaged: SQLite's integrity check says “{problems[0]}”.")
    missing = sorted({"django_migrations", *counted_tables().values()} - tables)
    if missing:
        raise BackupError(f"{what} is not a Coffeechat database (it has no {missing[0]} table).")


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {
        # The table names are our models', not input.
        label: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for label, table in counted_tables().items()
    }


def _pg_counts(cursor: Any) -> dict[str, int]:
    from django.db import connection

    counts = {}
    for label, table in counted_tables().items():
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[label] = cursor.fetchone()[0]
    return counts


def _pg_backup(target: Path) -> dict[str, int]:
    from django.db import connection, transaction

    command, env = _pg_command("pg_dump", "--format=custom", f"--file={target}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_counts(cursor)
        # The dump sees exactly what these counts saw: the snapshot lives while we wait.
        _tool_run([*command, f"--snapshot={snapshot}"], env, "pg_dump")
    _tool_run(_pg_command("pg_restore", "--list", str(target))[0], env, "pg_restore --list")
    return counts


# Reading a backup -----------------------------------------------------------------------


def backup_inspect(*, source: Path) -> Backup:
    """What a backup file holds, after checking it suits this database: or BackupError."""
    kind = engine()
    magic = _magic(source)
    if kind == "sqlite":
        if magic.startswith(PG_DUMP_MAGIC):
            raise BackupError(
                "This is a PostgreSQL backup (pg_dump); this Coffeechat uses SQLite. "
                "Set DATABASE_URL to restore it into PostgreSQL."
            )
        if magic != SQLITE_MAGIC:
            raise BackupError("This is not a Coffeechat backup (not an SQLite database).")
        with _sqlite_checked_copy(source) as (copy, counts):
            _sqlite_migrations_check(copy)
        return Backup(path=source, size=source.stat().st_size, engine=kind, counts=counts)
    if magic == SQLITE_MAGIC:
        raise BackupError(
            "This is an SQLite backup; this Coffeechat uses PostgreSQL (DATABASE_URL)."
        )
    if not magic.startswith(PG_DUMP_MAGIC):
        raise BackupError("This is not a Coffeechat backup (not a pg_dump custom archive).")
    return _pg_inspect(source)


def _magic(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"Could not read {source}: {exc.strerror or exc}") from None


@contextmanager
def _sqlite_checked_copy(source: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    """A checked copy of the backup beside the live database (same disk), removed after.

    The backup file itself is only read: a damaged one stays as it was, for a second look.
    """
    live = sqlite_path()
    live.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=live.parent)
    os.close(handle)
    copy = Path(name)
    try:
        try:
            with (
                closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
                closing(sqlite3.connect(copy)) as dst,
            ):
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                _sqlite_check(dst, "This backup")
                counts = _sqlite_counts(dst)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"This backup is damaged or is not a database ({exc}).") from None
        yield copy, counts
    finally:
        for leftover in (copy, copy.with_name(copy.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _sqlite_migrations_check(copy: Path) -> bool:
    """Whether the backup needs migrating; refuse one made by a newer Coffeechat."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    apps = {app for app, _ in known}
    with closing(sqlite3.connect(copy)) as connection:
        applied = set(connection.execute("SELECT app, name FROM django_migrations"))
    newer = sorted((app, name) for app, name in applied if app in apps and (app, name) not in known)
    if newer:
        app, name = newer[0]
        raise BackupError(
            f"This backup was made by a newer Coffeechat (it has migration {app}.{name}); "
            "upgrade Coffeechat, then restore it."
        )
    return bool(known - applied)


def _pg_inspect(source: Path) -> Backup:
    command, env = _pg_command("pg_restore", "--list", str(source))
    listing = _tool_run(command, env, "pg_restore --list")
    header: dict[str, str] = {}
    # The archive's header: "; Archive created at 2026-11-25 23:16:07 UTC", "; dbname: x".
    for line in listing.splitlines():
        text = line.removeprefix(";").strip()
        if not line.startswith(";") or not text:
            continue
        if text.startswith("Archive created at "):
            header["created"] = text.removeprefix("Archive created at ")
        key, sep, value = text.partition(":")
        if sep:
            header.setdefault(key.strip(), value.strip())
    return Backup(
        path=source,
        size=source.stat().st_size,
        engine="postgresql",
        made_at=header.get("created", ""),
        database=header.get("dbname", ""),
    )


# Restoring ------------------------------------------------------------------------------


def database_restore(*, source: Path) -> Restored:
    """Replace the whole live database with the backup's content (checked again first)."""
    backup_inspect(source=source)
    if engine() == "sqlite":
        return _sqlite_restore(source)
    return _pg_restore(source)


def _sqlite_restore(source: Path) -> Restored:
    live = sqlite_path()
    if source.resolve() == live:
        raise BackupError("That is the database itself, not a backup of it.")
    with _sqlite_checked_copy(source) as (copy, counts):
        migrate_needed = _sqlite_migrations_check(copy)
        previous = _sqlite_keep_previous(live)
        try:
            with (
                closing(sqlite3.connect(copy)) as src,
                closing(_sqlite_open(live, create=True)) as dst,
            ):
                _sqlite_page_sizes_check(src, dst)
                # One write transaction on the live database: other connections see the
                # old content or the new, and a crash half-way leaves the old.
                src.backup(dst)
        except (sqlite3.Error, BackupError) as exc:
            if previous is not None:
                previous.unlink()  # the database is as it was: no need for its copy
            if isinstance(exc, BackupError):
                raise
            raise BackupError(
                f"Could not write the database at {live} ({exc}); it is as it was. "
                "Stop Coffeechat and try again."
            ) from None
    with closing(_sqlite_open(live)) as restored:
        restored.execute("PRAGMA journal_mode=WAL")  # a new file starts in rollback mode
        try:
            _sqlite_check(restored, "The restored database")
        except BackupError as exc:
            kept = f" What was there before is in {previous}." if previous else ""
            raise RestoredButDamaged(f"The backup was written, but: {exc}{kept}") from None
    return Restored(counts=counts, previous=previous, migrate_needed=migrate_needed)


def _sqlite_keep_previous(live: Path) -> Path | None:
    """Copy what is there now beside it, so a restore of the wrong file can be undone."""
    if not live.exists() or live.stat().st_size == 0:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    previous = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix}")
    try:
        with closing(_sqlite_open(live)) as current, closing(sqlite3.connect(previous)) as copy:
            current.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        previous.unlink(missing_ok=True)
        raise BackupError(
            f"The database at {live} cannot be read ({exc}), so it was not replaced. "
            "Stop Coffeechat, move that file aside, and restore again."
        ) from None
    return previous


def _sqlite_page_sizes_check(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
    # SQLite cannot back up into a WAL database with a different page size.
    source_size = src.execute("PRAGMA page_size").fetchone()[0]
    live_size = dst.execute("PRAGMA page_size").fetchone()[0]
    mode = dst.execute("PRAGMA journal_mode").fetchone()[0]
    if mode == "wal" and source_size != live_size:
        raise BackupError(
            f"The backup's page size ({source_size}) differs from the database's ({live_size}). "
            "Stop Coffeechat, move the database file aside, and restore again."
        )


def _pg_restore(source: Path) -> Restored:
    from django.db import connection

    command, env = _pg_command(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(source),
    )
    connection.close()
    _tool_run(command, env, "pg_restore")
    with connection.cursor() as cursor:
        counts = _pg_counts(cursor)
    return Restored(counts=counts, previous=None, migrate_needed=_pg_migrate_needed())


def _pg_migrate_needed() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# PostgreSQL's tools ---------------------------------------------------------------------


def _pg_command(tool: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The tool's command line and environment for the configured database."""
    from django.conf import settings

    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not installed. Install PostgreSQL's client tools (Debian and Ubuntu: "
            "apt-get install postgresql-client) of the server's major version or newer."
        )
    database: Any = settings.DATABASES["default"]
    command = [path, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command.append(f"{option}={database[key]}")
    if tool == "pg_dump" or "--list" not in args:
        command.append(f"--dbname={database['NAME']}")
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in PG_OPTION_ENV.items():
        if option in database.get("OPTIONS", {}):
            env[variable] = str(database["OPTIONS"][option])
    return [*command, *args], env


def _tool_run(command: list[str], env: dict[str, str], name: str) -> str:
    try:
        # The command is pg_dump or pg_restore with our settings' arguments, no shell.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise BackupError(f"Could not run {name}: {exc.strerror or exc}") from None
    if result.returncode != 0:
        message = result.stderr.strip() or f"exit code {result.returncode}"
        raise BackupError(f"{name} failed: {message}")
    return result.stdout
