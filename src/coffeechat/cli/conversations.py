"""`coffeechat meetings | prep | questions`: Prepare and talk from the terminal.

Each command calls the same selectors and services as the pages and the API; JSON output
has the API's shapes (`/api/v1/meetings`, `/api/v1/questions`), so a script can use either.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from coffeechat.cli.outreach import contact_find
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
    from coffeechat.outreach.models import Meeting

UserOption = Annotated[str, typer.Option("--user", help="Whose meetings.")]
BankUserOption = Annotated[str, typer.Option("--user", help="Whose question bank.")]
TIARA_HELP = "trends, insights, advice, resources or assignments (TIARA)"

questions_app = typer.Typer(
    help="List and add to the question bank: the guide's, TIARA's and your own.",
    no_args_is_help=True,
)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _check_tiara(tiara: str) -> str:
    from coffeechat.conversations.models import Tiara

    tiara = tiara.strip().lower()
    if tiara and tiara not in Tiara.values:
        fail(f"--tiara “{tiara}”: choose one of {', '.join(Tiara.values)}.")
    return tiara


# meetings --------------------------------------------------------------------------------


def meetings_command(
    user: UserOption,
    past: Annotated[
        bool, typer.Option("--past", help="Meetings that are over or called off, latest first.")
    ] = False,
    every: Annotated[bool, typer.Option("--all", help="Every meeting, latest first.")] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print JSON (as GET /api/v1/meetings: id, contact, start, end, minutes, "
            "medium, location, status, status_label, sequence, rescheduled_from, when, "
            "research {done, to_do}, warning) instead of a table.",
        ),
    ] = False,
) -> None:
    """List meetings: when (their time and yours), with whom, and the research still to do.

    Upcoming meetings by default, soonest first. A meeting within a day whose research is
    not done gets a warning, as on the meetings page.

    Examples:

    ```
    coffeechat meetings --user sam
    coffeechat meetings --user sam --past
    coffeechat meetings --user sam --all --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.conversations.selectors import When, meeting_summaries, meetings_list

    owner = user_get(user)
    if past and every:
        fail("Give --past or --all, not both.")
    when = When.ALL if every else When.PAST if past else When.UPCOMING
    rows = meeting_summaries(owner, meetings_list(owner, when=when))
    if as_json:
        _print_json(rows)
        return
    if not rows:
        which = {When.UPCOMING: "upcoming ", When.PAST: "past ", When.ALL: ""}[when]
        say(f"{user} has no {which}meetings. A “yes” to a request schedules one.")
        return
    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for heading in ("When", "With", "Status", "Research to do"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        contact = row["contact"]
        who = contact["name"] + (f" — {contact['organization']}" if contact["organization"] else "")
        to_do = "; ".join(item["label"] for item in row["research"]["to_do"]) or "done"
        table.add_row(
            Text(row["when"], style="bold"),
            Text(who + (" (practice)" if contact["practice"] else "")),
            Text(row["status_label"]),
            Text(to_do, style="yellow" if row["warning"] else ""),
        )
    stdout.print(table)
    for row in rows:
        if row["warning"]:
            say(f"! {row['warning']}")


# prep ------------------------------------------------------------------------------------


def _meeting_find(owner: Any, value: str) -> Meeting:
    """The meeting with this id, or the next upcoming one with the contact of this id or
    name; "No such …" (exit 1) for anyone else's or nothing."""
    from django.http import Http404

    from coffeechat.conversations.selectors import meetings_list
    from coffeechat.network.selectors import contact_get_for_user
    from coffeechat.outreach.selectors import meeting_get_for_user

    value = value.strip()
    try:
        uuid.UUID(value)
    except ValueError:
        contact = contact_find(owner, value)
    else:
        try:
            return meeting_get_for_user(owner, value)
        except Http404:
            pass
        try:
            contact = contact_get_for_user(owner, value)
        except Http404:
            fail(f"No such meeting or contact “{value}”.")
    meeting = meetings_list(owner, contact=contact).first()
    if meeting is None:
        fail(
            f"No upcoming meeting with {contact.name}: give a meeting's id "
            "(`coffeechat meetings --all --json` lists them)."
        )
    return meeting


def prep_command(
    meeting: Annotated[
        str,
        typer.Argument(
            metavar="MEETING_ID_OR_CONTACT",
            help="A meeting's id, or a contact's id or name for your next meeting with them "
            "(“Name — Organization” when two share a name).",
        ),
    ],
    user: UserOption,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write the sheet to this file instead of printing it.",
        ),
    ] = None,
) -> None:
    """Print a meeting's prep sheet as Markdown, ready to read or print.

    The sheet the app prints: when (both zones) and how, what to bring, your research on
    them and their organization, your pitch, the questions in order and room for notes.

    Examples:

    ```
    coffeechat prep "Grace Liu" --user sam
    coffeechat prep "Grace Liu — Northwind" --user sam --output grace.md
    coffeechat prep 2f1c9a0e-8d0b-4b8e-9a51-3c2d7e6f0a11 --user sam
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.conversations.prep import prep_markdown
    from coffeechat.conversations.selectors import meeting_prep

    owner = user_get(user)
    found = _meeting_find(owner, meeting)
    markdown = prep_markdown(meeting_prep(owner, found))
    if output is None:
        typer.echo(markdown, nl=False)
        return
    try:
        output.write_text(markdown, encoding="utf-8")
    except OSError as exc:
        fail(f"Could not write {output}: {exc.strerror or exc}.")
    say(f"Wrote the prep sheet for {found.contact.name} to {output}.")


# questions -------------------------------------------------------------------------------


@questions_app.command("list")
def questions_list_command(
    user: BankUserOption,
    tiara: Annotated[str, typer.Option("--tiara", help=f"Only {TIARA_HELP} questions.")] = "",
    tag: Annotated[str, typer.Option("--tag", help="Only questions with this tag.")] = "",
    hidden: Annotated[bool, typer.Option("--hidden", help="Include hidden questions.")] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print JSON (as GET /api/v1/questions: id, text, tiara, tags, hidden, "
            "built_in, origin) instead of a table.",
        ),
    ] = False,
) -> None:
    """List the question bank: the guide's nine questions, TIARA questions and your own.

    Examples:

    ```
    coffeechat questions list --user sam
    coffeechat questions list --user sam --tiara advice
    coffeechat questions list --user sam --tag data --hidden --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.conversations.selectors import question_bank, question_summary
    from coffeechat.conversations.services import questions_builtin_ensure

    owner = user_get(user)
    tiara = _check_tiara(tiara)
    questions_builtin_ensure(owner=owner)
    rows = [
        question_summary(q)
        for q in question_bank(owner, tiara=tiara, tag=tag, include_hidden=hidden)
    ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("No questions match. `coffeechat questions list --user NAME` shows them all.")
        return
    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for heading in ("Question", "TIARA", "Tags", "From"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(
            Text(row["text"], style="dim" if row["hidden"] else "bold"),
            Text(row["tiara"]),
            Text(", ".join(row["tags"])),
            Text(row["origin"] + (" (hidden)" if row["hidden"] else "")),
        )
    stdout.print(table)


@questions_app.command("add")
def questions_add_command(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The question, as you would ask it.")],
    user: BankUserOption,
    tiara: Annotated[str, typer.Option("--tiara", help=f"One of {TIARA_HELP}.")] = "",
    tags: Annotated[
        list[str] | None, typer.Option("--tag", help="A tag (repeat for more), e.g. data.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the question as JSON (as the API does).")
    ] = False,
) -> None:
    """Add your own question to the bank, to pick for a meeting's plan.

    Examples:

    ```
    coffeechat questions add "How do you use SQL day to day?" --user sam
    coffeechat questions add "What should I read?" --user sam --tiara advice --tag data
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.conversations.selectors import question_summary
    from coffeechat.conversations.services import question_create

    owner = user_get(user)
    tiara = _check_tiara(tiara)
    try:
        question = question_create(owner=owner, text=text, tiara=tiara, tags=tags or [])
    except ValidationError as exc:
        fail("Question not added: " + " ".join(validation_messages(exc)))
    data = question_summary(question)
    if as_json:
        _print_json(data)
        return
    tagged = f" [{', '.join(data['tags'])}]" if data["tags"] else ""
    say(f"Added “{question.text}”{tagged} (id {data['id']}).")
