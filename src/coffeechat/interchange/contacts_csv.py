"""Coffeechat's own CSV export of contacts, safe to open in Excel, Numbers or Sheets.

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" as a formula, which is how a
contact named `=HYPERLINK("http://evil", "click")` becomes an attack on whoever opens the
export (OWASP "CSV Injection"). `lib.spreadsheet.neutralise` puts a single quote in front of
such cells; the spreadsheet shows the text and hides the quote. The generic CSV import takes exactly
that quote back off when it reads a file with this header, so export → import round-trips.
The file is UTF-8 with a BOM and CRLF line ends: without the BOM, Excel reads UTF-8 as
Windows-1252 and mangles every accent.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from coffeechat.interchange.records import ContactRecord
from coffeechat.lib.spreadsheet import neutralise
from coffeechat.network.models import Source

HEADER: list[str] = [
    "Name",
    "Email",
    "Other emails",
    "Phone",
    "Other phones",
    "LinkedIn URL",
    "Organization",
    "Title",
    "Field",
    "Time zone",
    "How you know them",
    "Tags",
    "Notes",
]
# The ContactRecord field each column holds, in HEADER order.
FIELDS: dict[str, str] = dict(
    zip(
        HEADER,
        [
            "name",
            "email",
            "other_emails",
            "phone",
            "other_phones",
            "linkedin_url",
            "organization",
            "title",
            "field",
            "time_zone",
            "source",
            "tags",
            "notes",
        ],
        strict=True,
    )
)
# Phone numbers may hold a comma ("+1 555 0100, ext. 12"); addresses and tags may not.
SEPARATORS: dict[str, str] = {"other_emails": ", ", "other_phones": "; ", "tags": ", "}


def source_label(value: str) -> str:
    return str(Source(value).label) if value in Source.values else value


def source_value(text: str) -> str:
    """The Source value for a label ("LinkedIn connection") or a value ("linkedin")."""
    wanted = text.strip().casefold()
    for value, label in Source.choices:
        if wanted in (str(value).casefold(), str(label).casefold()):
            return str(value)
    return ""


def _cells(record: ContactRecord) -> list[str]:
    cells = []
    for field in FIELDS.values():
        value = getattr(record, field)
        if field in SEPARATORS:
            value = SEPARATORS[field].join(value)
        elif field == "source":
            value = source_label(value)
        cells.append(neutralise(value))
    return cells


def write(records: Iterable[ContactRecord], stream: TextIO) -> int:
    """Write the BOM, the header and one row per record; return the number of rows.

    Open `stream` with newline="" so the CRLF written here reaches the file unchanged.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for record in records:
        writer.writerow(_cells(record))
        count += 1
    return count
