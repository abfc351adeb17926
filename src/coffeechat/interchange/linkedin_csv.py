"""LinkedIn's Connections.csv, from Settings → Data privacy → Get a copy of your data.

Current exports open with a "Notes:" preamble (a quoted paragraph about missing emails and a
blank line) before the header; older ones start with the header, and some of those have no
URL column. Most Email Address cells are blank: members choose whether to share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from coffeechat.interchange.csvrows import Table
from coffeechat.interchange.records import ContactRecord, RowError
from coffeechat.interchange.textio import Upload
from coffeechat.network.models import Source

HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]

# "15 Mar 2024" is what LinkedIn writes; the others are what a spreadsheet leaves after
# someone opened and saved the file.
DATE_FORMATS = ("%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%d %B %Y", "%b %d, %Y")

NOT_LINKEDIN = (
    "This does not look like LinkedIn's Connections.csv: there is no “First Name, Last Name, "
    "…, Connected On” header near the top. Choose “Any other CSV” to pick the columns yourself."
)


def is_header(cells: list[str]) -> bool:
    return {"First Name", "Last Name", "Connected On"} <= set(cells)


def connected_on(value: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def parse(upload: Upload, *, as_alumni: bool = False) -> Iterator[ContactRecord | RowError]:
    table = Table(upload, is_header=is_header, not_found=NOT_LINKEDIN)
    source = Source.ALUMNI.value if as_alumni else Source.LINKEDIN.value
    for item in table:
        if isinstance(item, RowError):
            yield item
            continue
        cells = {column: value.strip() for column, value in item.cells.items()}
        first, last = cells.get("First Name", ""), cells.get("Last Name", "")
        company = cells.get("Company", "")
        if not (first or last or company):
            yield RowError(item.line, "This row has no name: no first name, last name or company.")
            continue
        yield ContactRecord(
            line=item.line,
            name=f"{first} {last}".strip() or company,
            email=cells.get("Email Address", ""),
            linkedin_url=cells.get("URL", ""),
            organization=company,
            title=cells.get("Position", ""),
            source=source,
            connected_on=connected_on(cells.get("Connected On", "")),
        )
