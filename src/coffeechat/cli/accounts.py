"""`coffeechat user …` and `coffeechat token …`: accounts and API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from coffeechat.cli.runtime import (
    database_prepare,
    django_setup,
    fail,
    say,
    user_get,
    validation_messages,
)

user_app = typer.Typer(
    help="Create and delete user accounts, and set passwords.", no_args_is_help=True
)
token_app = typer.Typer(help="Create API tokens for scripts.", no_args_is_help=True)


def read_password_line() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail('No password on standard input: pipe one line, e.g. `echo "$PASSWORD" | …`.')
    return password


@user_app.command("create")
def user_create_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The name to sign in with.")],
    email: Annotated[str, typer.Option("--email", help="Their email address.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
    time_zone: Annotated[
        str, typer.Option("--time-zone", help="IANA time zone, e.g. America/Chicago.")
    ] = "UTC",
) -> None:
    """Create a user account.

    Without --password-stdin you are asked for the password twice (hidden). When stdin is not
    a terminal and no password is given, the account gets no usable password: set one later
    with `coffeechat manage changepassword USERNAME`.

    Examples:

    ```
    coffeechat user create sam --email sam@example.edu
    coffeechat user create sam --email sam@example.edu --password-stdin < pw.txt
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.accounts.services import user_create
    from coffeechat.lib.timezones import is_time_zone

    if not is_time_zone(time_zone):
        fail(f"time zone: “{time_zone}” is not an IANA time zone such as America/Chicago.")
    if password_stdin:
        password: str | None = read_password_line()
    elif sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = None
    try:
        user_create(username=username, email=email, password=password, time_zone=time_zone)
    except ValidationError as exc:
        fail("Could not create the user:\n" + "\n".join(validation_messages(exc)))
    say(f"Created user “{username}”.")
    if password is None:
        say(
            "No password was set (stdin is not a terminal), so they cannot sign in yet: "
            f"run `coffeechat manage changepassword {username}`, or create the user again "
            "with --password-stdin.",
            err=True,
        )


@user_app.command("set-password")
def user_set_password_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Whose password to set.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
) -> None:
    """Set a new password for someone who forgot theirs.

    For an installation that does not send email, where "Forgot your password?" cannot send
    a link. Every session they have open ends, and any sign-in cool-off is lifted. Without
    --password-stdin you are asked for it twice (hidden).

    Examples:

    ```
    coffeechat user set-password sam
    coffeechat user set-password sam --password-stdin < pw.txt
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.accounts.services import user_password_set

    user = user_get(username)
    if password_stdin:
        password = read_password_line()
    elif sys.stdin.isatty():
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        fail("No terminal to ask for the password: use --password-stdin.")
    try:
        user_password_set(user=user, password=password)
    except ValidationError as exc:
        fail("Could not set the password:\n" + "\n".join(validation_messages(exc)))
    say(f"Set a new password for “{username}”; they are signed out everywhere.")


@user_app.command("delete")
def user_delete_command(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The account to delete.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask to type the username to confirm.")
    ] = False,
) -> None:
    """Delete a user account and everything in it, at once and for good.

    Their profile, people, organizations, tags, calendars, imports and API tokens all go,
    in one transaction. No password is asked: whoever runs this command owns the install.
    Without --yes you are asked to type the username to confirm. There is no undo: make a
    backup first if they may want their data back.

    Examples:

    ```
    coffeechat export --user sam --format json --output sam-backup.json
    coffeechat user delete sam
    coffeechat user delete sam --yes
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.apps import apps

    from coffeechat.accounts.services import user_erase

    user = user_get(username)
    if not yes:
        typed = typer.prompt(f"This deletes “{username}” and all their data. Type the username")
        if typed.strip() != username:
            fail("That is not the username. Nothing was deleted.")
    deleted = user_erase(user=user)
    parts = [
        f"{count} {apps.get_model(label)._meta.verbose_name_plural}"
        for label, count in sorted(deleted.items())
        if count and label != user._meta.label
    ]
    say(f"Deleted user “{username}”" + (f" with {', '.join(parts)}." if parts else "."))


@token_app.command("create")
def token_create_command(
    user: Annotated[str, typer.Option("--user", help="Whose data the token opens.")],
    name: Annotated[
        str, typer.Option("--name", help="What the token is for, shown on the tokens page.")
    ] = "API token",
) -> None:
    """Create an API token and print it.

    Only the token goes to stdout, so a script can capture it. It is shown this once: only a
    hash is stored. Send it as `Authorization: Bearer TOKEN`.

    Examples:

    ```
    coffeechat token create --user sam --name "laptop script"
    TOKEN=$(coffeechat token create --user sam)
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.accounts.services import api_token_create

    owner = user_get(user)
    token, key = api_token_create(user=owner, name=name)
    typer.echo(key)
    say(
        f"Created token “{token.name}” for {owner.get_username()}. Keep it secret: it is shown "
        "only this once. Send it as `Authorization: Bearer TOKEN`.",
        err=True,
    )
