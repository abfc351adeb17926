"""Outlook's "Export to a file → Comma Separated Values" (and the tab-separated variant).

Seen in the wild as UTF-16 LE with a BOM (often tab-separated), UTF-8 with or without a BOM,
and Windows-1252; `Upload` works out the encoding and `Table` the delimiter (European Excel
saves with ";"). Outlook's "Title" is the honorific (Mr., Dr.); the job is "Job Title".
Older versions add "E-mail Type" and "E-mail Display Name" columns: for an Exchange contact
the address column holds an internal X.500 path and the real address only appears in the
display name, as "Jane Doe (jane@example.com)".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coffeechat.interchange.csvrows import Row, Table, split
from coffeechat.interchange.records import ContactRecord, RowError
from coffeechat.interchange.textio import Upload

EMAIL_COLUMNS = [
    ("E-mail Address", "E-mail Type", "E-mail Display Name"),
    ("E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name"),
    ("E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name"),
]
# Which number is "the" phone when there are several: the ones a person answers first.
PHONE_COLUMNS = [
    ("Primary Phone", "primary"),
    ("Mobile Phone", "mobile"),
    ("Business Phone", "work"),
    ("Business Phone 2", "work"),
    ("Home Phone", "home"),
    ("Home Phone 2", "home"),
    ("Company Main Phone", "company"),
    ("Other Phone", "other"),
    ("Car Phone", "car"),
    ("Assistant's Phone", "assistant"),
    ("Callback", "callback"),
]
OUTLOOK_COLUMNS = {
    "Middle Name",
    "Job Title",
    "Business Phone",
    "Mobile Phone",
    "Home Phone",
    "E-mail 2 Address",
    "Web Page",
    "Categories",
}
_ADDRESS_IN_NAME = re.compile(r"\(([^()\s]+@[^()\s]+)\)\s*$")


def is_header(cells: list[str]) -> bool:
    names = set(cells)
    return "E-mail Address" in names and "First Name" in names and len(names & OUTLOOK_COLUMNS) >= 2


def email_address(address: str, kind: str, display: str) -> str:
    if "@" in address and kind.upper() != "EX":
        return address
    match = _ADDRESS_IN_NAME.search(display)
    return match.group(1) if match else ""


def parse(upload: Upload) -> Iterator[ContactRecord | RowError]:
    table = Table(
        upload,
        is_header=is_header,
        not_found="This does not look like an Outlook export: its header has no “First Name” "
        "and “E-mail Address” columns. Choose “Any other CSV” to pick the columns yourself.",
    )
    for item in table:
        if isinstance(item, RowError):
            yield item
        else:
            yield _record(item)


def _record(row: Row) -> ContactRecord | RowError:
    cells = {column: value.strip() for column, value in row.cells.items()}
    emails: list[str] = []
    for columns in EMAIL_COLUMNS:
        address = email_address(*(cells.get(column, "") for column in columns))
        if address and address not in emails:
            emails.append(address)
    phones: list[tuple[str, str]] = []
    for column, label in PHONE_COLUMNS:
        number = cells.get(column, "")
        if number and number not in (known for _, known in phones):
            phones.append((label, number))
    parts = ("First Name", "Middle Name", "Last Name", "Suffix")
    person = " ".join(cells[part] for part in parts if cells.get(part))
    company = cells.get("Company", "")
    name = person or company or next(iter(emails), "")
    if not name:
        return RowError(row.line, "This row has no name, company or email address.")
    web_page = cells.get("Web Page", "")
    return ContactRecord(
        line=row.line,
        name=name,
        email=emails[0] if emails else "",
        other_emails=emails[1:],
        phone=phones[0][1] if phones else "",
        other_phones=[f"{label}: {number}" for label, number in phones[1:]],
        linkedin_url=web_page if "linkedin.com/in/" in web_page.lower() else "",
        organization=company,
        title=cells.get("Job Title", ""),
        field=cells.get("Department", ""),
        notes=cells.get("Notes", ""),
        tags=list(dict.fromkeys(split(cells.get("Categories", ""), ";", ","))),
    )
