"""What every command shares: starting Django lazily, the database check, and output.

Django starts only inside a command that needs it, so `coffeechat --help` works with no
settings, no secret key and no database.
"""

from __future__ import annotations

import os
from typing import Any, NoReturn

import typer
from rich.console import Console

# Rich resolves sys.stdout / sys.stderr at each write, so these follow any redirection.
stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


def say(message: str, *, err: bool = False) -> None:
    """Print plain text (never read as Rich markup: names may contain brackets)."""
    (stderr if err else stdout).print(message, markup=False, soft_wrap=True)


def fail(message: str, *, code: int = 1) -> NoReturn:
    stderr.print(message, style="red", markup=False, soft_wrap=True)
    raise typer.Exit(code)


def django_setup() -> None:
    """Configure Django once; a configuration error is a message and exit code 2."""
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coffeechat.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        fail(f"Coffeechat is not configured: {exc}", code=2)


def data_location() -> str:
    """Where the data lives, for people: the SQLite file, or which PostgreSQL database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return str(database["NAME"])
    if engine.endswith(("postgresql", "postgis")):
        host = database.get("HOST") or "localhost"
        return f"PostgreSQL (database “{database.get('NAME')}” on {host})"
    return engine.rsplit(".", 1)[-1]


# Any fixed number: every Coffeechat process that migrates a PostgreSQL database takes this
# advisory lock first.
MIGRATE_LOCK = 0x436F6666


def migrate_database() -> None:
    """Apply pending migrations, one process at a time.

    Several app servers started together against one PostgreSQL database would otherwise race
    to create the same tables; on PostgreSQL the second waits for the first, then finds
    nothing left to do. (SQLite serialises writers itself.) Raises DatabaseError.
    """
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False, verbosity=0)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
    try:
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])


def database_prepare(*, migrate: bool) -> None:
    """Make sure the database is reachable and up to date.

    With `migrate`, pending migrations are applied (what `serve` and `demo` want on a fresh
    install); without it, pending migrations are an error that says how to apply them.
    """
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending and migrate:
            migrate_database()
    except DatabaseError as exc:
        fail(f"Could not use the database at {data_location()}: {exc}")
    if pending and not migrate:
        fail(
            f"The database at {data_location()} is not set up yet (or needs updating). "
            "Run `coffeechat manage migrate` (or `coffeechat serve`, which migrates first)."
        )


def user_get(username: str) -> Any:
    """The user with this sign-in name, or a message and exit code 1."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(
            f"No user named “{username}”. "
            f"Create one with `coffeechat user create {username} --email EMAIL`."
        )
    return user


def validation_messages(exc: Any) -> list[str]:
    """ "field: message" lines from a Django ValidationError."""
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)
