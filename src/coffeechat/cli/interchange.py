"""`coffeechat import`, `export` and `restore`: people in and everything out."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from coffeechat.cli.runtime import (
    database_prepare,
    django_setup,
    fail,
    say,
    stderr,
    user_get,
    validation_messages,
)

FORMATS = ["auto", "linkedin", "google", "outlook", "vcard", "csv"]
EXPORT_FORMATS = ["json", "csv", "vcf", "ics"]
# Below this many lines a file imports in a blink; no bar.
PROGRESS_FROM_LINES = 2_000


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            lines += chunk.count(b"\n")
    return lines + 1


def _parse_map(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column:
            fail(f"--map takes FIELD=COLUMN, like --map name='Full name' (got “{item}”).")
        mapping[field.strip()] = column
    return mapping


def import_command(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="The file to import."),
    ],
    user: Annotated[str, typer.Option("--user", help="Whose list the people join.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto (work it out from the content), linkedin, google, outlook, vcard or csv.",
        ),
    ] = "auto",
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="How you know people the file does not say, e.g. alumni (LinkedIn exports "
            "default to linkedin).",
        ),
    ] = "",
    tag: Annotated[str, typer.Option("--tag", help="Tag everyone in the file.")] = "",
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="For --format csv: FIELD=COLUMN (repeat it); fields: name, first_name, "
            "last_name, email, phone, organization, title, field, linkedin_url, notes, tags, "
            "time_zone. Without it the columns are guessed from the header.",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Where the file and your list differ, take the file's value (normally only "
            "empty fields are filled).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print {"created", "merged", "unchanged", "errors": [{"line", "message"}]}.',
        ),
    ] = False,
) -> None:
    """Import people from LinkedIn, Google, Outlook, a vCard file or any CSV.

    People already on the list (same email, same LinkedIn profile, or a similar name at the
    same organization) are matched, not added twice; a match only fills empty fields. The
    whole file is imported in one transaction: a file that cannot be read writes nothing
    and exits with code 1.

    Examples:

    ```
    coffeechat import Connections.csv --user sam
    coffeechat import Connections.csv --user sam --source alumni --tag alumni-2026
    coffeechat import contacts.vcf --user sam --dry-run
    coffeechat import people.csv --user sam --format csv --map name=Who --map email=Mail
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.interchange import services

    owner = user_get(user)
    if fmt not in FORMATS:
        fail(f"--format must be one of: {', '.join(FORMATS)}.")
    mapping = _parse_map(column_map or [])
    total = _count_lines(file)
    with file.open("rb") as handle:
        try:
            upload = services.upload_open(handle, name=file.name)
            found = services.format_resolve(upload, fmt)
            if found == "csv":
                columns = services.csv_columns(upload)
                mapping = services.mapping_clean(
                    mapping or services.csv_mapping_guess(upload), columns
                )
            if found == "linkedin" and not source:
                source = "linkedin"
            with Progress(
                TextColumn("Importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("lines"),
                TimeRemainingColumn(),
                console=stderr,
                transient=True,
                disable=total < PROGRESS_FROM_LINES,
            ) as progress:
                task = progress.add_task("import", total=total)
                report = services.contacts_import_file(
                    owner=owner,
                    upload=upload,
                    fmt=found,
                    source=source,
                    tag=tag,
                    mapping=mapping,
                    dry_run=dry_run,
                    overwrite_all=overwrite,
                    progress=lambda line: progress.update(task, completed=line),
                )
        except ValidationError as exc:
            fail("Nothing was imported. " + " ".join(validation_messages(exc)))
    if as_json:
        summary: dict[str, Any] = {
            "created": report.created,
            "merged": report.merged,
            "unchanged": report.unchanged,
            "errors": [{"line": e.line, "message": e.message} for e in report.errors],
        }
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    verb = "Would add" if dry_run else "Added"
    say(
        f"{verb} {report.created:,}, {'would update' if dry_run else 'updated'} "
        f"{report.merged:,}, {report.unchanged:,} already up to date "
        f"({found} file, {report.total:,} rows)."
    )
    if report.conflict_count and not overwrite:
        say(
            f"{report.conflict_count:,} people have values that differ from the file; "
            "they were kept (use --overwrite to take the file's)."
        )
    if report.error_count:
        say(f"{report.error_count:,} rows could not be read:")
        for error in report.errors[:20]:
            say(f"  line {error.line}: {error.message}")
        if report.error_count > 20:
            say(f"  … and {report.error_count - 20:,} more (see --json).")
    if dry_run:
        say("Nothing was written (dry run).")


def export_command(
    user: Annotated[str, typer.Option("--user", help="Whose data to export.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json (full backup), csv or vcf (contacts), ics (meetings).",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", dir_okay=False, help="The file to write ('-': stdout)."),
    ],
) -> None:
    """Export everything (JSON backup), contacts (CSV, vCard) or meetings (iCalendar).

    Examples:

    ```
    coffeechat export --user sam --format json --output backup.json
    coffeechat export --user sam --format csv --output contacts.csv
    coffeechat export --user sam --format vcf -o contacts.vcf
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.interchange import services

    if fmt not in EXPORT_FORMATS:
        fail(f"--format must be one of: {', '.join(EXPORT_FORMATS)}.")
    owner = user_get(user)
    if str(output) == "-":
        stream = io.TextIOWrapper(typer.get_binary_stream("stdout"), encoding="utf-8", newline="")
        services.export_write(owner=owner, fmt=fmt, stream=stream)
        stream.flush()
        stream.detach()
        return
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            count = services.export_write(owner=owner, fmt=fmt, stream=handle)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"Could not write {output}: {exc.strerror or exc}")
    say(f"Wrote {count:,} items to {output}.", err=True)


def restore_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A JSON backup.")
    ],
    user: Annotated[str, typer.Option("--user", help="The (empty) account to restore into.")],
) -> None:
    """Restore a JSON backup into an empty account: all of it, or nothing.

    Examples:

    ```
    coffeechat export --user sam --format json --output backup.json
    coffeechat user create sam2 --email sam@example.edu
    coffeechat restore backup.json --user sam2
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.interchange import services

    owner = user_get(user)
    try:
        with file.open("r", encoding="utf-8-sig") as handle:
            counts = services.backup_restore(owner=owner, stream=handle)
    except UnicodeDecodeError:
        fail("Nothing was restored: this file is not a Coffeechat backup (it is not text).")
    except ValidationError as exc:
        fail("Nothing was restored. " + " ".join(validation_messages(exc)))
    parts = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    say(f"Restored {parts}.")
