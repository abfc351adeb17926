"""`coffeechat backup` and `restore-backup`: the whole database, every user, in one file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coffeechat.cli.runtime import data_location, django_setup, fail, say


def _size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    scaled = float(size)
    for unit in ("KB", "MB", "GB"):
        scaled /= 1024
        if scaled < 1024 or unit == "GB":
            break
    return f"{scaled:,.1f} {unit}"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{count:,} {label if count != 1 else label.removesuffix('s')}"
        for label, count in counts.items()
    )


def backup_command(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", dir_okay=False, help="The file to write (replaced if it exists)."
        ),
    ],
) -> None:
    """Copy the whole database (every user) to a file; safe while Coffeechat is running.

    On SQLite the copy is one consistent snapshot made with SQLite's online backup API
    while the app keeps working; it is checked with SQLite's integrity check before it
    replaces FILE. On PostgreSQL it runs pg_dump --format=custom (install the PostgreSQL
    client tools of the server's version). Put it back with `coffeechat restore-backup`.

    Examples:

    ```
    coffeechat backup --output coffeechat-backup.sqlite3
    coffeechat backup -o /backups/coffeechat-$(date +%F).sqlite3
    DATABASE_URL=postgres://coffeechat@db/coffeechat coffeechat backup -o coffeechat.dump
    ```
    """
    django_setup()
    from coffeechat.lib import dbbackup

    try:
        made = dbbackup.database_backup(output=output)
    except dbbackup.BackupError as exc:
        fail(f"No backup was made: {exc}")
    say(f"Backed up {data_location()} to {made.path} ({_size(made.size)}).")
    say(f"It holds {_counts(made.counts)}.")
    if made.engine == "sqlite":
        say("Checked: the copy passes SQLite's integrity check.")


def restore_backup_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A file made by coffeechat backup."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing.")] = False,
) -> None:
    """Replace the whole database (every user) with a backup made by `coffeechat backup`.

    Stop Coffeechat first: the running app would otherwise carry on with the restored data
    under it (signed-in people may be signed out). The backup is checked before anything is
    touched; a damaged file, or one from another kind of database or a newer Coffeechat, is
    refused and nothing changes. The database is replaced in one transaction, so a failure
    half-way leaves it as it was. On SQLite what was there is kept beside it, as
    coffeechat.before-restore-DATE.sqlite3. On PostgreSQL it runs pg_restore --clean in a
    single transaction. To put back one student's data only, use `coffeechat restore`.

    Examples:

    ```
    coffeechat restore-backup coffeechat-backup.sqlite3
    coffeechat restore-backup /backups/coffeechat-2026-11-25.sqlite3 --yes
    ```
    """
    django_setup()
    from coffeechat.lib import dbbackup

    try:
        found = dbbackup.backup_inspect(source=file)
    except dbbackup.BackupError as exc:
        fail(f"Nothing was restored: {exc}")
    if found.counts:
        say(f"{file} ({_size(found.size)}) holds {_counts(found.counts)}.")
    else:
        made = f", made {found.made_at}" if found.made_at else ""
        say(f"{file} ({_size(found.size)}) is a dump of “{found.database}”{made}.")
    if not yes:
        try:
            confirmed = typer.confirm(
                f"Replace everything in {data_location()} with this backup?", default=False
            )
        except typer.Abort:  # end of input: no answer is no
            confirmed = False
        if not confirmed:
            fail("Nothing was restored (add --yes to skip the question).")
    try:
        restored = dbbackup.database_restore(source=file)
    except dbbackup.RestoredButDamaged as exc:
        fail(str(exc))
    except dbbackup.BackupError as exc:
        fail(f"Nothing was restored: {exc}")
    say(f"Restored {data_location()}: {_counts(restored.counts)}.")
    if restored.previous is not None:
        say(f"What was there before is kept in {restored.previous}; delete it once all is well.")
    if restored.migrate_needed:
        say(
            "The backup is from an older Coffeechat: run `coffeechat manage migrate` "
            "(or `coffeechat serve`, which migrates first)."
        )
