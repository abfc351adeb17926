"""`coffeechat demo`: a user with a believable network, to look around before starting."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from coffeechat.cli.accounts import read_password_line
from coffeechat.cli.runtime import (
    database_prepare,
    django_setup,
    fail,
    say,
    stderr,
    validation_messages,
)


def demo_command(
    username: Annotated[str, typer.Option("--username", help="Name of the demo user.")] = "demo",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from the first line of stdin instead of using the "
            "documented demo password.",
        ),
    ] = False,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Delete the demo user and everything they have, then create them again."
        ),
    ] = False,
) -> None:
    """Create a demo user with a sample network of 30+ people.

    The people cover every way of knowing someone from the career-centre guide, with
    organizations scored on LAMP, referral chains, practice contacts, tags and notes. Some
    are already reached out to: drafts, requests waiting at each step of 3B7, a no, a
    referral and a yes with a meeting, all dated relative to today. That meeting has research
    and a question plan, a practice run comes the day before, and a conversation last week
    left notes of every kind and two new people to talk to. Earlier conversations, their
    thank-yous and advice acted on give the Today list something overdue, due today and this
    week, and the dashboard a referral tree five levels deep. Running it again changes
    nothing; --reset starts the demo over. Only a user made by this command
    (email USERNAME@example.com) can be reset. The password, unless given on stdin, is
    coffeechat-demo: fine on your own machine, not on a shared server.

    Examples:

    ```
    coffeechat demo
    coffeechat demo --reset
    echo "$PASSWORD" | coffeechat demo --username demo2 --password-stdin
    ```
    """
    django_setup()
    database_prepare(migrate=True)
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone

    from coffeechat.conversations.demo import conversations_demo
    from coffeechat.followups.demo import followups_demo
    from coffeechat.network import demo
    from coffeechat.outreach.demo import outreach_demo

    password = read_password_line() if password_stdin else demo.DEMO_PASSWORD
    with transaction.atomic():
        existing = get_user_model().objects.filter(username__iexact=username).first()
        if existing is not None:
            if not demo.is_demo_user(existing):
                fail(
                    f"A user named “{existing.get_username()}” already exists and was not made "
                    "by `coffeechat demo`; choose another --username."
                )
            if not reset:
                say(
                    f"demo user already exists; use --reset to start it over "
                    f"(sign in as “{existing.get_username()}”).",
                    err=True,
                )
                return
            existing.delete()
        try:
            user = demo.demo_user_create(username=username, password=password)
        except ValidationError as exc:
            fail("Could not create the demo user:\n" + "\n".join(validation_messages(exc)))
        with Progress(
            TextColumn("Adding people"),
            BarColumn(),
            MofNCompleteColumn(),
            console=stderr,
            transient=sys.stderr.isatty(),
        ) as progress:
            task = progress.add_task("people", total=demo.DEMO_CONTACT_COUNT)
            created = demo.demo_network_create(
                owner=user, on_contact=lambda _contact: progress.advance(task)
            )
        now = timezone.now()
        created += outreach_demo(user, now=now)
        created += conversations_demo(user, now=now)
        followups_demo(user, now=now)
    say(
        f"Created the demo user “{username}” with {created} people, some of them reached out "
        "to: drafts, requests waiting for a reply, a referral and a meeting with its question "
        "plan; and a finished conversation with notes and referrals. Past conversations, "
        "thank-yous and advice acted on fill the Today list and the dashboard."
    )
    say("Start the app with `coffeechat serve`, then sign in with")
    say(f"  username: {username}")
    say("  password: " + ("the one you gave" if password_stdin else password))
