"""A record from a file made fit for the Contact model, or the reason it cannot be.

What the model cannot hold is not dropped: an address that is not an email, a second email,
a time zone Coffeechat does not know, LinkedIn's connection date all go to the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.text import capfirst

from coffeechat.interchange.records import ContactRecord, RowError
from coffeechat.lib.text import fold, squeeze
from coffeechat.lib.timezones import is_time_zone
from coffeechat.lib.validators import http_url_validator
from coffeechat.network.models import Contact, Source, field_label
from coffeechat.network.services import TAG_MAX_LENGTH

LIMITS = {"name": 200, "organization": 200, "title": 200, "field": 120, "notes": 20_000}
# The fields as the contact form names them ("LinkedIn URL", "Title or role", …).
LABELS = {
    name: capfirst(field_label(Contact, name))
    for name in (
        "name",
        "email",
        "phone",
        "linkedin_url",
        "organization",
        "title",
        "field",
        "time_zone",
        "source",
        "notes",
        "tags",
    )
}
_email_validator = EmailValidator()
SOURCES = frozenset(Source.values)


@dataclass(slots=True)
class Incoming:
    """A record made fit for the Contact model, or the reason it cannot be."""

    line: int
    values: dict[str, str]  # MERGE_FIELDS + name, source, notes
    emails: list[str]  # every address in the row, lower-cased, for matching
    tags: list[str]
    warnings: list[str]


def incoming_from_record(record: ContactRecord) -> Incoming | RowError:
    """Check a record against the model's rules; what does not fit goes to the notes."""
    values = {name: squeeze(str(getattr(record, name) or "")) for name in LABELS if name != "tags"}
    values["notes"] = (record.notes or "").strip()
    texts = [*values.values(), *record.other_emails, *record.other_phones, *record.tags]
    if any("\x00" in text for text in texts):
        return RowError(record.line, "This row contains a null character and cannot be read.")
    warnings: list[str] = []
    extra: list[str] = []
    if not values["name"]:
        values["name"] = values["organization"] or values["email"]
    if not values["name"]:
        return RowError(record.line, "This row has no name, email address or organization.")
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            return RowError(
                record.line, f"The {LABELS[name].lower()} is longer than {limit:,} characters."
            )
    emails: list[str] = []
    for address in [values["email"], *record.other_emails]:
        address = address.strip()
        if address and _valid_email(address):
            emails.append(address)
        elif address:
            warnings.append(f"“{address[:60]}” is not an email address; it is kept in the notes.")
            extra.append(f"Email as written in the file: {address}")
    values["email"] = emails[0] if emails else ""
    if emails[1:]:
        extra.append("Other emails: " + ", ".join(emails[1:]))
    if len(values["phone"]) > 40:
        extra.append(f"Phone: {values['phone']}")
        values["phone"] = ""
    if record.other_phones:
        extra.append("Other phones: " + "; ".join(p.strip() for p in record.other_phones))
    url = values["linkedin_url"]
    if url and not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    if url and not _valid_url(url):
        warnings.append("The LinkedIn address is not a web address; it is kept in the notes.")
        extra.append(f"LinkedIn as written in the file: {values['linkedin_url']}")
        url = ""
    values["linkedin_url"] = url
    if values["time_zone"] and not is_time_zone(values["time_zone"]):
        extra.append(f"Time zone as written in the file: {values['time_zone']}")
        values["time_zone"] = ""
    if values["source"] not in SOURCES:
        values["source"] = ""
    if record.connected_on is not None:
        extra.append(f"Connected on LinkedIn: {record.connected_on.isoformat()}")
    if extra:
        values["notes"] = "\n".join([values["notes"], *extra]).strip()
    if len(values["notes"]) > LIMITS["notes"]:
        return RowError(record.line, "The notes are longer than 20,000 characters.")
    tags: list[str] = []
    for tag in record.tags:
        tag = squeeze(tag)[:TAG_MAX_LENGTH]
        if tag and fold(tag) not in {fold(t) for t in tags}:
            tags.append(tag)
    return Incoming(
        line=record.line,
        values=values,
        emails=[e.lower() for e in emails],
        tags=tags[:50],
        warnings=warnings,
    )


def _valid_email(address: str) -> bool:
    try:
        _email_validator(address)
    except ValidationError:
        return False
    return len(address) <= 254


# LinkedIn's own profile addresses, which Django's (slow, thorough) URL check always passes.
_PROFILE_URL = re.compile(r"https://(?:www\.)?linkedin\.com/in/[\w%-]+/?")


def _valid_url(url: str) -> bool:
    if _PROFILE_URL.fullmatch(url):
        return True
    try:
        http_url_validator(url)
    except ValidationError:
        return False
    return len(url) <= 500


# One batch ------------------------------------------------------------------------
