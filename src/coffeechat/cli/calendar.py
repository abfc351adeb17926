"""`coffeechat calendar …`: busy time from the student's calendars."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from coffeechat.cli.runtime import (
    database_prepare,
    django_setup,
    fail,
    say,
    stdout,
    user_get,
    validation_messages,
)

if TYPE_CHECKING:
    from coffeechat.outreach.models import Calendar

calendar_app = typer.Typer(
    help="Import calendars to tell Coffeechat when you are busy.", no_args_is_help=True
)

UserOption = Annotated[str, typer.Option("--user", help="Whose calendars.")]
NameOption = Annotated[
    str, typer.Option("--name", help="How the calendar is listed (default: from the file or URL).")
]


@calendar_app.command("import")
def calendar_import_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            exists=True,
            dir_okay=False,
            readable=True,
            help="An .ics export from Google Calendar, Outlook or Apple Calendar.",
        ),
    ],
    user: UserOption,
    name: NameOption = "",
) -> None:
    """Import busy times from an .ics file, for the next 60 days.

    Examples:

    ```
    coffeechat calendar import ~/Downloads/classes.ics --user sam
    coffeechat calendar import outlook-export.ics --user sam --name "Work"
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.outreach.services import calendar_import

    owner = user_get(user)
    try:
        with file.open("rb") as binary:
            calendar = calendar_import(owner=owner, upload=binary, name=name)
    except ValidationError as exc:
        fail(f"Could not import {file.name}:\n" + "\n".join(validation_messages(exc)))
    except OSError as exc:
        fail(f"Could not read {file}: {exc.strerror or exc}")
    _say_added(calendar)


@calendar_app.command("subscribe")
def calendar_subscribe_command(
    url: Annotated[
        str,
        typer.Argument(metavar="URL", help="The calendar's https:// or webcal:// address."),
    ],
    user: UserOption,
    name: NameOption = "",
) -> None:
    """Add a calendar by its address; `calendar refresh` reads it again later.

    Examples:

    ```
    coffeechat calendar subscribe "webcal://p12-caldav.icloud.com/published/2/MTIz…" --user sam
    coffeechat calendar subscribe "https://calendar.google.com/…/basic.ics" --user sam --name Work
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.outreach.services import calendar_subscribe

    owner = user_get(user)
    try:
        calendar = calendar_subscribe(owner=owner, url=url, name=name)
    except ValidationError as exc:
        fail("Could not add the calendar:\n" + "\n".join(validation_messages(exc)))
    _say_added(calendar)


@calendar_app.command("refresh")
def calendar_refresh_command(
    user: Annotated[str, typer.Option("--user", help="Whose calendars.")] = "",
    everyone: Annotated[
        bool,
        typer.Option("--all", help="Every user's calendars (for a scheduler, e.g. hourly)."),
    ] = False,
) -> None:
    """Read every calendar someone added by address again.

    A calendar that cannot be read keeps its busy times from before; the reason is
    printed on stderr and the exit code is 1.

    Examples:

    ```
    coffeechat calendar refresh --user sam
    coffeechat calendar refresh --all      # from cron or a systemd timer
    ```
    """
    if bool(user) == everyone:
        fail("Give --user NAME or --all.")
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.outreach.models import Calendar
    from coffeechat.outreach.services import calendar_refresh

    if everyone:
        calendars = list(
            Calendar.objects.exclude(source_url="").select_related("owner").order_by("pk")
        )
    else:
        calendars = list(
            Calendar.objects.filter(owner=user_get(user)).exclude(source_url="").order_by("pk")
        )
    if not calendars:
        say("No calendars added by address; nothing to refresh.")
        return
    failed = 0
    for calendar in calendars:
        label = f"{calendar.owner.username}: {calendar.name}" if everyone else calendar.name
        calendar = calendar_refresh(calendar=calendar)
        if calendar.last_error:
            failed += 1
            say(f"{label}: {calendar.last_error} (kept the busy times from before)", err=True)
        else:
            say(f"{label}: {calendar.event_count} events read.")
    if failed:
        raise typer.Exit(1)


@calendar_app.command("list")
def calendar_list_command(user: UserOption) -> None:
    """List someone's calendars: where each comes from, when it was read, what it holds.

    Examples:

    ```
    coffeechat calendar list --user sam
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.outreach.selectors import calendar_list

    owner = user_get(user)
    calendars = list(calendar_list(owner))
    if not calendars:
        say(f"{user} has no calendars yet. Add one with `coffeechat calendar import FILE`.")
        return
    zone = _zone(owner)
    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for heading in ("Name", "Source", "Last read", "Events", "Busy times", "Last error"):
        table.add_column(heading, overflow="fold")
    for calendar in calendars:
        read = calendar.refreshed_at
        table.add_row(
            Text(calendar.name, style="bold"),
            Text(calendar.source_url or "uploaded file"),
            Text(read.astimezone(zone).strftime("%Y-%m-%d %H:%M") if read else "never"),
            Text(str(calendar.event_count)),
            Text(str(getattr(calendar, "busy_count", 0))),
            Text(calendar.last_error, style="red"),
        )
    stdout.print(table)


def _zone(owner: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(owner.profile.time_zone)
    except (AttributeError, zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _say_added(calendar: Calendar) -> None:
    from coffeechat.outreach.services import BUSY_DAYS

    busy = calendar.intervals.count()
    say(
        f"Added “{calendar.name}”: {calendar.event_count} events, "
        f"{busy} busy times in the next {BUSY_DAYS} days."
    )
