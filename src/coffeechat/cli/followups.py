"""`coffeechat today | digest`: the Today list in the terminal, and the daily email.

Both read the same selectors as the Today page; `today --json` has the shape of
GET /api/v1/today (`followups.shapes.today_json`), so a script can use either.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from coffeechat.cli.runtime import database_prepare, django_setup, fail, say, stdout, user_get

if TYPE_CHECKING:
    from coffeechat.followups.digest import DigestReport
    from coffeechat.followups.rules import Clock, Reminder
    from coffeechat.followups.selectors import Today

TODAY_JSON = (
    "as GET /api/v1/today: date; overdue, today, week and later [{id, rule, key, label, "
    "title, detail, contact {id, name}, due, deadline, snoozed_until, draft, draft_kind, "
    "action_url}]; meetings [{id, contact {id, name}, start, end, when, medium, location, "
    "warning, prep_url}]; snoozed"
)


def today_command(
    user: Annotated[str, typer.Option("--user", help="Whose Today list.")],
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list what is due later than this week.")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help=f"Print JSON ({TODAY_JSON}) instead of tables."),
    ] = False,
) -> None:
    """Print the Today list: overdue, due today, this week, and meetings coming up.

    The same list as the Today page, each item with the page that does it (open the
    draft, the prep sheet). Snoozed reminders are left out until their snooze ends; the
    JSON always holds the later ones too.

    Examples:

    ```
    coffeechat today --user sam
    coffeechat today --user sam --all
    coffeechat today --user sam --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.followups.selectors import today_for
    from coffeechat.followups.shapes import today_json

    owner = user_get(user)
    today = today_for(owner)
    if as_json:
        typer.echo(json.dumps(today_json(today, owner), indent=2, ensure_ascii=False))
        return
    _print_today(owner, user, today, show_all=show_all)


def _print_today(owner: Any, username: str, today: Today, *, show_all: bool) -> None:
    from coffeechat.followups.rules import BUCKET_LABELS, Bucket
    from coffeechat.followups.shapes import organizations_for

    sections = [(BUCKET_LABELS[bucket], found) for bucket, found in today.sections()]
    later = today.later
    if show_all:
        sections.append((BUCKET_LABELS[Bucket.LATER], later))
    organizations = organizations_for(owner, [r for _, found in sections for r in found])
    say(f"Today, {today.date:%A} {today.date.day} {today.date:%B %Y}")
    if not any(found for _, found in sections) and not today.meetings:
        say(f"Nothing due for {username}. Reminders appear as you reach out and meet people.")
    for title, found in sections:
        if found:
            _reminder_table(title, found, today.clock, organizations)
    if today.meetings:
        _meeting_table(today)
    notes = []
    if later and not show_all:
        notes.append(f"{len(later)} due later (--all lists them)")
    if today.snoozed:
        notes.append(f"{today.snoozed} snoozed")
    if notes:
        say("; ".join(notes) + ".")


def _reminder_table(
    title: str, reminders: list[Reminder], clock: Clock, organizations: dict[str, str]
) -> None:
    from coffeechat.followups.shapes import due_label, reminder_link

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for heading in ("Due", "What", "Do it"):
        table.add_column(heading, overflow="fold")
    for reminder in reminders:
        link = reminder_link(reminder, clock, organizations)
        table.add_row(
            Text(due_label(reminder, clock) or "today"),
            Text(reminder.title, style="bold"),
            Text(f"{link.label}: {link.path}"),
        )
    stdout.print(table)


def _meeting_table(today: Today) -> None:
    from coffeechat.followups.shapes import meeting_action

    table = Table(
        title="Upcoming meetings", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold"
    )
    for heading in ("When", "With", "Prepare"):
        table.add_column(heading, overflow="fold")
    for row in today.meetings:
        contact = row.contact
        who = contact.name + (f" — {contact.organization.name}" if contact.organization else "")
        action = meeting_action(row)
        prepare = f"{action.label}: {action.path}"
        if row.warning:
            prepare += f"\n{row.warning}"
        table.add_row(
            Text(row.when, style="bold"),
            Text(who),
            Text(prepare, style="yellow" if row.warning else ""),
        )
    stdout.print(table)


# digest ------------------------------------------------------------------------------------


def digest_command(
    user: Annotated[
        str | None,
        typer.Option("--user", help="Only this student (when they turned the digest on)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print who would get what, and send and record nothing."),
    ] = False,
) -> None:
    """Email today's list to each student who turned on the daily digest.

    Run it from cron or a scheduler once a day, for example at 07:00:
    `0 7 * * * coffeechat digest`. Running it twice sends one email per student per day
    (their own date, in their time zone); a failed send is retried by the next run. Nobody
    gets an email on a day with nothing overdue, nothing due and no meeting. Needs SMTP
    (COFFEECHAT_SMTP_HOST); links use COFFEECHAT_BASE_URL. Exits 1 if any email failed.

    Examples:

    ```
    coffeechat digest
    coffeechat digest --dry-run
    coffeechat digest --user sam
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.followups.digest import digest_send
    from coffeechat.lib.email import EmailError

    users = [user_get(user)] if user is not None else None
    try:
        report = digest_send(users=users, dry_run=dry_run)
    except EmailError as exc:
        fail(str(exc))
    _print_report(report, dry_run=dry_run)
    if report.failed:
        raise typer.Exit(1)


def _names(names: list[str]) -> str:
    return ", ".join(names)


def _print_report(report: DigestReport, *, dry_run: bool) -> None:
    for digest in report.planned:
        say(f"Would send to {digest.user.get_username()} <{digest.user.email}>: {digest.subject}")
        for line in digest.body.splitlines():
            say(f"    {line}".rstrip())
    if not dry_run:
        count = len(report.sent)
        say(
            f"Sent {count} digest{'' if count == 1 else 's'}"
            + (f": {_names(report.sent)}." if report.sent else ".")
        )
    skipped = [
        ("nothing due today", report.skipped_empty),
        ("already sent today", report.skipped_already),
        ("no email address", report.skipped_no_email),
        ("digest not turned on", report.skipped_off),
    ]
    for reason, names in skipped:
        if names:
            say(f"Skipped ({reason}): {_names(names)}.")
    for name, reason in report.failed:
        say(f"Failed for {name}: {reason}", err=True)
