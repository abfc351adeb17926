"""`coffeechat contacts …`: the List from the terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from coffeechat.cli.runtime import database_prepare, django_setup, say, stdout, user_get

if TYPE_CHECKING:
    from coffeechat.network.models import Contact
    from coffeechat.network.selectors import ContactFilters, ContactPage

contacts_app = typer.Typer(help="List the people in someone's network.", no_args_is_help=True)

# Rows per query while walking the list; tests lower it to exercise the paging.
PAGE_SIZE = 200


def contact_pages(owner: Any, filters: ContactFilters, limit: int | None) -> Iterator[ContactPage]:
    """The owner's contacts page by page (keyset), stopping after `limit` contacts."""
    from coffeechat.network.selectors import contact_list

    after = ""
    remaining = limit
    while True:
        size = PAGE_SIZE if remaining is None else min(PAGE_SIZE, remaining)
        page = contact_list(owner, filters=filters, after=after, limit=size)
        yield page
        if remaining is not None:
            remaining -= len(page.items)
        if page.next_cursor is None or remaining == 0:
            return
        after = page.next_cursor


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": str(contact.uuid),
        "name": contact.name,
        "email": contact.email,
        "organization": contact.organization.name if contact.organization else None,
        "title": contact.title,
        "source": contact.source,
        "practice": contact.practice,
        "tags": [tag.name for tag in contact.tags.all()],
        "referred_by": str(contact.referred_by.uuid) if contact.referred_by else None,
    }


def how_known(contact: Contact) -> str:
    from coffeechat.network.selectors import source_label

    parts = [source_label(contact.source)]
    if contact.referred_by is not None:
        parts = [f"Referred by {contact.referred_by.name}"]
    if contact.practice:
        parts.append("practice")
    return " · ".join(p for p in parts if p)


@contacts_app.command("list")
def contacts_list_command(
    user: Annotated[str, typer.Option("--user", help="Whose contacts to list.")],
    query: Annotated[
        str,
        typer.Option(
            "--query",
            "-q",
            help="Only people matching these words (name, organization, title, field, email, "
            "tags, notes), ignoring case and accents.",
        ),
    ] = "",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most this many.")
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print a JSON array (id, name, email, organization, title, source, practice, "
            "tags, referred_by: the referrer's id) instead of a table.",
        ),
    ] = False,
) -> None:
    """List someone's contacts in name order, as a table or as JSON.

    Examples:

    ```
    coffeechat contacts list --user demo
    coffeechat contacts list --user demo --query "jose nunez"
    coffeechat contacts list --user demo --json --limit 10 > contacts.json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.network.selectors import ContactFilters

    owner = user_get(user)
    filters = ContactFilters(q=query)
    pages = contact_pages(owner, filters, limit)
    if as_json:
        # Written a page at a time, so a long list never sits in memory whole.
        out = sys.stdout
        out.write("[")
        first = True
        for page in pages:
            for contact in page.items:
                out.write("\n  " if first else ",\n  ")
                out.write(json.dumps(contact_json(contact)))
                first = False
        out.write("\n]\n" if not first else "]\n")
        return

    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    for heading in ("Name", "Organization", "Title", "How you know them", "Tags"):
        table.add_column(heading, overflow="fold")
    shown, more = 0, False
    for page in pages:
        for contact in page.items:
            table.add_row(
                Text(contact.name, style="bold"),
                Text(contact.organization.name if contact.organization else ""),
                Text(contact.title),
                Text(how_known(contact)),
                Text(", ".join(tag.name for tag in contact.tags.all())),
            )
        shown += len(page.items)
        more = page.next_cursor is not None
    if shown == 0:
        say(f"No contacts match “{query}”." if query else f"{user} has no contacts yet.")
        return
    stdout.print(table)
    people = "person" if shown == 1 else "people"
    say(f"{shown} {people}" + (" (more not shown: raise --limit)" if more else "") + ".")
