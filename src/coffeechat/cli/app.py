"""The `coffeechat` command: its sub-commands, assembled."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from coffeechat.cli.accounts import token_app, user_app
from coffeechat.cli.backup import backup_command, restore_backup_command
from coffeechat.cli.calendar import calendar_app
from coffeechat.cli.contacts import contacts_app
from coffeechat.cli.conversations import meetings_command, prep_command, questions_app
from coffeechat.cli.demo import demo_command
from coffeechat.cli.followups import digest_command, today_command
from coffeechat.cli.interchange import export_command, import_command, restore_command
from coffeechat.cli.manage import MANAGE_CONTEXT, manage_command
from coffeechat.cli.outreach import (
    availability_command,
    draft_command,
    outreach_command,
    reply_command,
    slots_command,
)
from coffeechat.cli.serve import serve_command

app = typer.Typer(
    name="coffeechat",
    no_args_is_help=True,
    add_completion=False,
    # User errors are messages; a traceback means a bug, and should look like a plain one.
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"coffeechat {version('coffeechat')}")
        except PackageNotFoundError:  # running from a source tree that was never installed
            typer.echo("coffeechat (development)")
        raise typer.Exit()


@app.callback()
def coffeechat(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Coffeechat: plan, run and follow up informational interviews.

    Settings come from environment variables (COFFEECHAT_DATA_DIR, DATABASE_URL,
    COFFEECHAT_DEBUG, COFFEECHAT_SECRET_KEY, …): see the README.

    Examples:

    ```
    coffeechat demo && coffeechat serve
    coffeechat user create sam --email sam@example.edu
    coffeechat contacts list --user sam --json
    ```
    """


app.command("serve")(serve_command)
app.command("demo")(demo_command)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(contacts_app, name="contacts")
app.add_typer(calendar_app, name="calendar")
app.command("availability")(availability_command)
app.command("slots")(slots_command)
app.command("draft")(draft_command)
app.command("outreach")(outreach_command)
app.command("reply")(reply_command)
app.command("meetings")(meetings_command)
app.command("prep")(prep_command)
app.add_typer(questions_app, name="questions")
app.command("today")(today_command)
app.command("digest")(digest_command)
app.command("import")(import_command)
app.command("export")(export_command)
app.command("restore")(restore_command)
app.command("backup")(backup_command)
app.command("restore-backup")(restore_backup_command)
app.command("manage", context_settings=MANAGE_CONTEXT, rich_help_panel="Django")(manage_command)


def main() -> None:
    app(prog_name="coffeechat")
