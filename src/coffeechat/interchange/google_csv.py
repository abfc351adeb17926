"""Google Contacts' CSV export, in both header generations.

The older "Google CSV" starts `Name,Given Name,Additional Name,Family Name,Yomi Name,…` and
numbers its repeated groups `E-mail 1 - Type`, `Organization 1 - Name`; the current export
starts `First Name,Middle Name,Last Name,Phonetic First Name,…` with `Organization Name`,
`Labels` and `E-mail 1 - Label`. In both, one cell may hold several values joined with
" ::: ", and a label starting with "* " marks the primary value or a system group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coffeechat.interchange.csvrows import Row, Table, split
from coffeechat.interchange.records import ContactRecord, RowError
from coffeechat.interchange.textio import Upload

MULTI = ":::"
# Current export, then legacy: a file has one set or the other.
NAME_PARTS = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Given Name",
    "Additional Name",
    "Family Name",
)

# Groups Google keeps for itself; the ones a person makes (or the starred "* Friends"
# style groups older accounts came with) become tags.
SYSTEM_GROUPS = {
    "mycontacts",
    "my contacts",
    "starred",
    "other contacts",
    "chat buddies",
    "blocked",
    "frequently contacted",
    "most contacted",
}
_IMPORTED = re.compile(r"^imported on \d", re.IGNORECASE)  # added by Google on every import
_NUMBERED = re.compile(
    r"^(?P<kind>E-?mail|Phone|Website|Organization) (?P<n>\d+) - (?P<part>\w+(?: \w+)?)$",
    re.IGNORECASE,
)


def is_header(cells: list[str]) -> bool:
    names = set(cells)
    older = {"Given Name", "Family Name"} <= names or "Group Membership" in names
    current = {"File As", "Labels"} <= names or "Phonetic First Name" in names
    numbered = any(re.match(r"^E-?mail \d+ - (Value|Label|Type)$", cell) for cell in cells)
    return older or current or numbered


class _Columns:
    """Where each numbered group lives in this file's header: kind -> [{part: column}]."""

    def __init__(self, header: list[str]) -> None:
        groups: dict[str, dict[int, dict[str, str]]] = {}
        for column in header:
            match = _NUMBERED.match(column)
            if match:
                kind = match["kind"].lower().replace("-", "")
                number = int(match["n"])
                groups.setdefault(kind, {}).setdefault(number, {})[match["part"].lower()] = column
        self.groups = {kind: [found[n] for n in sorted(found)] for kind, found in groups.items()}

    def labelled(self, kind: str, cells: dict[str, str]) -> list[tuple[str, str]]:
        """(label, value) pairs in file order, the primary ("* ") one first."""
        pairs: list[tuple[bool, str, str]] = []
        for parts in self.groups.get(kind, []):
            raw_label = cells.get(parts.get("label") or parts.get("type") or "", "")
            primary = raw_label.startswith("*")
            label = raw_label.lstrip("* ").strip()
            for value in split(cells.get(parts.get("value", ""), ""), MULTI):
                pairs.append((primary, label, value))
        pairs.sort(key=lambda pair: not pair[0])  # stable: keeps file order otherwise
        return [(label, value) for _, label, value in pairs]

    def first(self, kind: str, part: str, cells: dict[str, str]) -> str:
        for parts in self.groups.get(kind, []):
            values = split(cells.get(parts.get(part, ""), ""), MULTI)
            if values:
                return values[0]
        return ""


def tags(value: str) -> list[str]:
    found: list[str] = []
    for group in split(value, MULTI):
        name = group.lstrip("* ").strip()
        if name.casefold() in SYSTEM_GROUPS or _IMPORTED.match(name) or name in found:
            continue
        found.append(name)
    return found


def person_name(cells: dict[str, str]) -> str:
    if cells.get("Name"):
        return cells["Name"]
    name = " ".join(cells[part] for part in NAME_PARTS if cells.get(part))
    suffix = cells.get("Name Suffix", "")
    if name and suffix:
        name = f"{name} {suffix}"
    return name or cells.get("Nickname", "")


def parse(upload: Upload) -> Iterator[ContactRecord | RowError]:
    table = Table(
        upload,
        is_header=is_header,
        not_found="This does not look like a Google Contacts export: its header has none of "
        "Google's columns. Choose “Any other CSV” to pick the columns yourself.",
    )
    columns = _Columns(table.header)
    for item in table:
        if isinstance(item, RowError):
            yield item
        else:
            yield _record(item, columns)


def _record(row: Row, columns: _Columns) -> ContactRecord | RowError:
    cells = {column: value.strip() for column, value in row.cells.items()}
    emails: list[str] = []
    for _, address in columns.labelled("email", cells):
        if address not in emails:
            emails.append(address)
    numbers = columns.labelled("phone", cells)
    organization = cells.get("Organization Name") or columns.first("organization", "name", cells)
    name = person_name(cells) or organization or cells.get("File As", "") or next(iter(emails), "")
    if not name:
        return RowError(row.line, "This row has no name, organization or email address.")
    linkedin = next(
        (url for _, url in columns.labelled("website", cells) if "linkedin.com/in/" in url.lower()),
        "",
    )
    return ContactRecord(
        line=row.line,
        name=name,
        email=emails[0] if emails else "",
        other_emails=emails[1:],
        phone=numbers[0][1] if numbers else "",
        other_phones=[
            f"{label.lower()}: {number}" if label else number for label, number in numbers[1:]
        ],
        linkedin_url=linkedin,
        organization=organization,
        title=cells.get("Organization Title") or columns.first("organization", "title", cells),
        field=cells.get("Organization Department")
        or columns.first("organization", "department", cells),
        notes=cells.get("Notes", ""),
        tags=tags(cells.get("Labels") or cells.get("Group Membership", "")),
    )
