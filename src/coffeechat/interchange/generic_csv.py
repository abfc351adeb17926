"""Any other CSV with a header row: the student says which column holds what.

`columns` reads the header, `guess_mapping` proposes a mapping from common English header
words (the form shows it for the student to correct), and `parse` reads the rows with the
mapping the student confirmed. Coffeechat's own export is recognised exactly, and its
spreadsheet-safety quotes are taken back off (see `contacts_csv`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from coffeechat.interchange import contacts_csv
from coffeechat.interchange.csvrows import Row, Table, split
from coffeechat.interchange.records import ContactRecord, FormatError, RowError
from coffeechat.interchange.textio import Upload
from coffeechat.lib.spreadsheet import unneutralise

MAPPABLE_FIELDS: list[tuple[str, str]] = [
    ("name", "Full name"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("other_emails", "Other emails"),
    ("phone", "Phone"),
    ("other_phones", "Other phones"),
    ("linkedin_url", "LinkedIn URL"),
    ("organization", "Organization"),
    ("title", "Job title"),
    ("field", "Field"),
    ("time_zone", "Time zone"),
    ("source", "How you know them"),
    ("tags", "Tags"),
    ("notes", "Notes"),
]
NAME_FIELDS = ("name", "first_name", "last_name", "organization")

# Header words, normalised (lower case, punctuation as spaces): exact matches first, in
# this order, so "Company Name" is the organization before "name" can claim it.
EXACT: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "first", "firstname", "given name", "given", "forename"),
    "last_name": ("last name", "last", "lastname", "surname", "family name", "family"),
    "name": ("name", "full name", "fullname", "contact name", "display name", "contact"),
    "email": ("email", "e mail", "email address", "e mail address", "mail", "email 1"),
    "other_emails": ("other emails", "other email", "email 2", "secondary email"),
    "phone": ("phone", "mobile", "phone number", "telephone", "tel", "cell", "mobile phone"),
    "other_phones": ("other phones", "other phone", "phone 2", "secondary phone"),
    "linkedin_url": ("linkedin", "linkedin url", "linkedin profile", "profile url"),
    "organization": (
        "company",
        "organization",
        "organisation",
        "employer",
        "company name",
        "organization name",
        "firm",
    ),
    "title": ("title", "position", "role", "job", "job title", "occupation"),
    "field": ("field", "department", "industry", "area of work", "sector"),
    "time_zone": ("time zone", "timezone", "tz"),
    "source": ("how you know them", "source", "how we met", "relationship"),
    "tags": ("tags", "tag", "labels", "groups", "categories"),
    "notes": ("notes", "note", "comments", "comment"),
}
# Then a word or phrase anywhere in the header ("Work Email", "Current Company").
CONTAINS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "given name"),
    "last_name": ("last name", "surname", "family name"),
    "linkedin_url": ("linkedin",),
    "organization": ("company", "organization", "organisation", "employer"),
    "email": ("email", "e mail"),
    "phone": ("phone", "mobile", "cell"),
    "time_zone": ("time zone", "timezone"),
    "title": ("job title", "position", "role"),
    "tags": ("tags",),
    "notes": ("notes",),
    "name": ("name",),
}
# Columns that describe another column rather than hold a value.
_QUALIFIERS = {"type", "label", "display", "yomi", "phonetic", "id", "file"}


def _words(column: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", column.casefold()).split())


def columns(upload: Upload) -> list[str]:
    return Table(upload).header


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """ContactRecord field (or first_name/last_name) -> column, for the columns it knows.

    "Name" and "First Name"/"Last Name" may all be mapped: `parse` prefers the full name.
    """
    if set(contacts_csv.HEADER) <= set(columns):
        return {field: column for column, field in contacts_csv.FIELDS.items()}
    mapping: dict[str, str] = {}
    words = {column: _words(column) for column in columns}
    for field, synonyms in EXACT.items():
        for column in columns:
            if words[column] in synonyms and column not in mapping.values():
                mapping[field] = column
                break
    for field, phrases in CONTAINS.items():
        if field in mapping:
            continue
        for column in columns:
            padded = f" {words[column]} "
            if (
                column not in mapping.values()
                and any(f" {phrase} " in padded for phrase in phrases)
                and not _QUALIFIERS & set(words[column].split())
            ):
                mapping[field] = column
                break
    return mapping


def _check(mapping: dict[str, str], header: list[str]) -> None:
    known = {field for field, _ in MAPPABLE_FIELDS}
    for field, column in mapping.items():
        if field not in known:
            raise FormatError(f"Coffeechat has no field called “{field}”.")
        if column not in header:
            raise FormatError(
                f"The file has no column called “{column}”. Its columns are: "
                + ", ".join(header[:30])
                + ("…" if len(header) > 30 else "")
            )
    if not any(field in mapping for field in NAME_FIELDS):
        raise FormatError(
            "Choose the column that holds each person's name (or their organization)."
        )


def parse(upload: Upload, *, mapping: dict[str, str]) -> Iterator[ContactRecord | RowError]:
    table = Table(upload)
    _check(mapping, table.header)
    own_export = table.header == contacts_csv.HEADER
    for item in table:
        if isinstance(item, RowError):
            yield item
        else:
            yield _record(item, mapping, own_export)


def _record(row: Row, mapping: dict[str, str], own_export: bool) -> ContactRecord | RowError:
    def value(field: str) -> str:
        cell = row.cells[mapping[field]] if field in mapping else ""
        return (unneutralise(cell) if own_export else cell).strip()

    person = f"{value('first_name')} {value('last_name')}".strip()
    name = value("name") or person or value("organization")
    if not name:
        return RowError(row.line, "This row has no name and no organization.")
    return ContactRecord(
        line=row.line,
        name=name,
        email=value("email"),
        other_emails=split(value("other_emails"), ",", ";", "\n"),
        phone=value("phone"),
        other_phones=split(value("other_phones"), ";", "\n"),
        linkedin_url=value("linkedin_url"),
        organization=value("organization"),
        title=value("title"),
        field=value("field"),
        time_zone=value("time_zone"),
        notes=value("notes"),
        source=contacts_csv.source_value(value("source")),
        tags=list(dict.fromkeys(split(value("tags"), ",", ";"))),
    )
