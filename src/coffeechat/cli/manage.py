"""`coffeechat manage …`: Django's management commands, with Coffeechat's settings."""

from __future__ import annotations

from typing import Annotated

import typer

from coffeechat.cli.runtime import django_setup, say

# Everything after `manage` belongs to Django, options included (`check --deploy`).
MANAGE_CONTEXT = {"allow_interspersed_args": False, "ignore_unknown_options": True}


def manage_command(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="COMMAND [ARGS]", help="A Django management command and its options."
        ),
    ] = None,
) -> None:
    """Run a Django management command (migrate, createsuperuser, check, …).

    Exits with the command's own status. `coffeechat manage help` lists the commands;
    `coffeechat manage COMMAND --help` explains one.

    Examples:

    ```
    coffeechat manage migrate
    coffeechat manage createsuperuser
    coffeechat manage check --deploy --fail-level WARNING
    ```
    """
    django_setup()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["coffeechat manage", *(args or [])])
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            raise typer.Exit(exc.code or 0) from None
        say(str(exc.code), err=True)
        raise typer.Exit(1) from None
