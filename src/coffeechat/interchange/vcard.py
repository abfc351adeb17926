"""vCard (.vcf) in and out: Apple Contacts, Google Contacts and Outlook; vCard 2.1, 3.0 and 4.0.

vobject parses every card. This module only cuts the file into cards at BEGIN:VCARD and
END:VCARD lines, because `vobject.readComponents` reads the whole stream into memory before
it yields anything, and drops PHOTO, LOGO, SOUND and KEY on the way: their base64 can be
megabytes a card, and nothing here uses it.
"""

from __future__ import annotations

import io
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, TextIO

import vobject
from vobject.base import ContentLine, getLogicalLines, registerBehavior
from vobject.vcard import Name, VCard3_0, VCardTextBehavior

from coffeechat.interchange.records import ContactRecord, FormatError, RowError
from coffeechat.interchange.textio import Upload
from coffeechat.network.models import Source

BINARY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
PROPERTY_NAME = re.compile(r"(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)[;:]")
# vCard 2.1 lets base64 continue on lines that are not indented, up to a blank line.
BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]*\s*")
PARAMETERS = re.compile(r'(?:[^:"]|"[^"]*")*')
QUOTED = re.compile(r'"[^"]*"')
# A property (not a folded or quoted-printable continuation) whose parameters say QP.
QUOTED_PRINTABLE = re.compile(r"^[^\s:][^:\r\n]*QUOTED-PRINTABLE", re.IGNORECASE | re.MULTILINE)
# vobject's line pattern backtracks exponentially on failure in the number of "=" and ","
# among a line's parameters (28 of them take minutes); real cards have a handful.
MAX_SEPARATORS = 12
GOOGLE_URL = re.compile(r"https?\\:", re.IGNORECASE)
# vobject joins quoted-printable lines in time that grows with lines × length; a real
# vCard 2.1 card is a few KB in lines of 76 characters once its photo is gone.
MAX_QUOTED_PRINTABLE = 64 * 1024
MAX_QUOTED_PRINTABLE_LINES = 2_000
APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
APPLE_LABELS = {"HomeFAX": "home fax", "WorkFAX": "work fax", "OtherFAX": "other fax"}
PLACES = ("home", "work", "other")
PHONE_KINDS = {"cell": "mobile", "mobile": "mobile", "iphone": "iPhone"}
IGNORED_TYPES = frozenset({"voice", "pref", "internet", "x400", "msg", "text", "uri"})
# What the writer turns back into TYPE values; any other label travels as an X-ABLabel.
LABEL_TYPES = {
    "mobile": ["CELL"],
    "home": ["HOME"],
    "work": ["WORK"],
    "other": ["OTHER"],
    "fax": ["FAX"],
    "home fax": ["HOME", "FAX"],
    "work fax": ["WORK", "FAX"],
    "pager": ["PAGER"],
    "main": ["MAIN"],
    "iPhone": ["IPHONE"],
}
ORG_KINDS = ("org", "organization")  # vCard 4.0's KIND for a company's own card
GOOGLE_GROUPS = frozenset({"myContacts"})  # every Google contact is in it
# A cut-off card now and then is reported on its line; this many BEGIN:VCARD lines in a
# row without an END:VCARD is cards nested in cards, and the file is refused.
MAX_UNCLOSED = 100
PRODID = "-//Coffeechat//Coffeechat contacts export//EN"


class VCard21Text(VCardTextBehavior):
    """vCard 2.1 text: only `\\;` is escaped; commas and backslashes are literal.

    ENCODING=8BIT (Android) is plain text here, where vobject would read it as base64.
    """

    @classmethod
    def decode(cls, line: Any) -> None:
        encoding = str(getattr(line, "encoding_param", "")).upper()
        binary = encoding in ("B", "BASE64") or "BASE64" in line.singletonparams
        if line.encoded and not binary:
            line.value = line.value.replace("\\;", ";")
            line.encoded = False
        else:
            super().decode(line)


class VCard21(VCard3_0):
    """vobject reads every version as 3.0, which cuts 2.1 text at its first comma."""

    description = "vCard 2.1 (versit), read with its own escaping rules"
    versionString = "2.1"
    defaultBehavior = VCard21Text
    knownChildren = {
        "N": (0, 1, None),
        "ORG": (0, None, None),
        "ADR": (0, None, None),
        "CATEGORIES": (0, None, None),
        "VERSION": (1, 1, None),
    }


# Registered under id "2.1" only: vobject's default for VCARD stays its 3.0 behaviour.
registerBehavior(VCard21)


def parse(upload: Upload) -> Iterator[ContactRecord | RowError]:
    max_rows = upload.limits.max_rows
    for count, card in enumerate(cards(upload), start=1):
        if count > max_rows:
            raise FormatError(
                f"The file has more than {max_rows:,} contacts; Coffeechat imports up to "
                f"{max_rows:,} at a time. Split it into smaller files."
            )
        if isinstance(card, RowError):
            yield card
        else:
            yield read_card(*card)


def cards(upload: Upload) -> Iterator[tuple[int, str] | RowError]:
    """(line of BEGIN:VCARD, the card's text without binary properties), one at a time."""
    start = 0  # 0 while between cards
    kept: list[str] = []
    skipping = False
    seen = False
    unclosed = 0  # BEGIN:VCARD lines in a row with no END:VCARD
    for number, line in enumerate(upload.lines(), start=1):
        marker = line.lstrip("\ufeff").rstrip().upper()
        if marker == "BEGIN:VCARD":
            if start:
                unclosed += 1
                if unclosed >= MAX_UNCLOSED:
                    raise FormatError(
                        f"{MAX_UNCLOSED} cards in a row have no END:VCARD (cards nested in "
                        "cards?); this does not look like a contacts file.",
                        line=number,
                    )
                yield RowError(start, "This card has no END:VCARD before the next card begins.")
            start, kept, skipping, seen = number, [line], False, True
            continue
        if not start:
            continue
        if marker == "END:VCARD":
            kept.append(line)
            yield start, "".join(kept)
            start, kept, unclosed = 0, [], 0
            continue
        if skipping and (line[:1] in (" ", "\t") or BASE64_LINE.fullmatch(line)):
            continue
        match = PROPERTY_NAME.match(line)
        skipping = match is not None and match.group(1).upper() in BINARY
        if not skipping:
            kept.append(line)
    if start:
        raise FormatError(
            f"The card starting on line {start} has no END:VCARD — the file looks cut off. "
            "Export it again.",
            line=start,
        )
    if not seen:
        raise FormatError(
            "This is not a vCard file: it has no BEGIN:VCARD line. "
            "Export your contacts as vCard (.vcf) again."
        )


def read_card(line: int, text: str) -> ContactRecord | RowError:
    # vobject's quoted-printable reader treats a folded line of blanks as the end of a
    # property, so it is only used for the cards that need it.
    quoted_printable = QUOTED_PRINTABLE.search(text) is not None
    if quoted_printable and (
        len(text) > MAX_QUOTED_PRINTABLE or text.count("\n") > MAX_QUOTED_PRINTABLE_LINES
    ):
        return RowError(line, "This card is too long: over 64 KB of quoted-printable text.")
    try:
        for logical, _ in getLogicalLines(io.StringIO(text), quoted_printable):
            if separators(logical) > MAX_SEPARATORS:
                return RowError(line, "This card has a line with too many parameters.")
        card = vobject.readOne(text, allowQP=quoted_printable)
    except Exception as error:  # vobject also lets ValueError, LookupError, binascii.Error… out
        return RowError(line, f"This card could not be read ({reason(error)}).")
    return record(line, [child for child in card.getChildren() if isinstance(child, ContentLine)])


def separators(logical: str) -> int:
    """How many "=" and "," the line's parameters have outside quotes."""
    match = PARAMETERS.match(logical)
    head = QUOTED.sub("", match.group()) if match else ""
    return head.count("=") + head.count(",")


def reason(error: Exception) -> str:
    message = str(getattr(error, "msg", "") or error or type(error).__name__)
    message = " ".join(message.split())
    return message if len(message) <= 80 else message[:79] + "…"


def record(line: int, props: list[Any]) -> ContactRecord | RowError:
    by_name: dict[str, list[Any]] = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)

    def values(name: str) -> list[str]:
        return [value for prop in by_name.get(name, []) if (value := text(prop.value))]

    def first(*names: str) -> str:
        return next((value for name in names for value in values(name)), "")

    labels = {
        prop.group.lower(): label_text(text(prop.value))
        for prop in by_name.get("X-ABLABEL", [])
        if prop.group
    }
    org: list[Any] = next((p.value for p in by_name.get("ORG", []) if p.value), [])
    units = [text(unit, ",") for unit in (org if isinstance(org, list) else [org])]
    organization = units[0] if units else ""
    company = first("X-ABSHOWAS").upper() == "COMPANY" or first("KIND").lower() in ORG_KINDS
    name = first("FN") or next((full_name(p.value) for p in by_name.get("N", [])), "")
    if not name and company:
        name = organization

    emails = [text(p.value) for p in preferred(by_name.get("EMAIL", []))]
    emails = [email for email in emails if email]
    if not (name or emails or organization):
        return RowError(line, "This card has no name, email address or organization.")
    phones = [phone(p, labels) for p in preferred(by_name.get("TEL", []))]
    phones = [(label, number) for label, number in phones if number]
    time_zone = next((zone for zone in values("TZ") if zone in time_zones()), "")
    source = first("X-COFFEECHAT-SOURCE")
    return ContactRecord(
        line=line,
        name=name,
        email=emails[0] if emails else "",
        other_emails=emails[1:],
        phone=phones[0][1] if phones else "",
        other_phones=[f"{label}: {number}" if label else number for label, number in phones[1:]],
        linkedin_url=linkedin(by_name, labels),
        organization=organization,
        title=first("TITLE", "ROLE"),
        field="; ".join(unit for unit in units[1:] if unit),
        time_zone=time_zone,
        notes="\n".join(values("NOTE")),
        source=source if source in Source.values else "",
        tags=tags(by_name.get("CATEGORIES", [])),
    )


def text(value: Any, separator: str = ",") -> str:
    """A property value as trimmed text; vobject gives lists where commas split a value."""
    if isinstance(value, str):
        # Quoted-printable notes carry Outlook's =0D=0A; a vCard newline is \n.
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, list):
        return separator.join(
            item if isinstance(item, str) else text(item) for item in value
        ).strip()
    return ""  # bytes from an ENCODING=b value nobody here needs


def full_name(name: Any) -> str:
    if not isinstance(name, Name):
        return text(name)
    parts = (name.prefix, name.given, name.additional, name.family, name.suffix)
    return " ".join(part for part in (text(part, " ") for part in parts) if part)


def types(prop: Any) -> list[str]:
    found: list[str] = []
    for value in [*prop.params.get("TYPE", []), *prop.singletonparams]:
        found.extend(item.strip().lower() for item in str(value).split(",") if item.strip())
    return found


def preferred(props: list[Any]) -> list[Any]:
    """PREF first (4.0's PREF=1 before PREF=2), otherwise in file order."""

    def rank(prop: Any) -> int:
        for value in prop.params.get("PREF", []):
            value = str(value).strip()
            if value.isascii() and value.isdigit():
                return int(value)
        return 1 if "pref" in types(prop) else 1_000

    return sorted(props, key=rank)


def label_text(label: str) -> str:
    if match := APPLE_LABEL.fullmatch(label):
        inner = match.group(1)
        return APPLE_LABELS.get(inner, inner if inner == "iPhone" else inner.lower())
    return label


def phone(prop: Any, labels: dict[str, str]) -> tuple[str, str]:
    """(label, number); the label from the group's X-ABLabel, else from the TYPE values."""
    number = text(prop.value)
    is_uri = any(str(value).lower() == "uri" for value in prop.params.get("VALUE", []))
    if is_uri and number[:4].lower() == "tel:":  # vCard 4.0: TEL;VALUE=uri:tel:+1-555-…
        number = number[4:].strip()
    label = labels.get((prop.group or "").lower(), "")
    if not label:
        found = types(prop)
        kinds = [PHONE_KINDS.get(kind, kind) for kind in found if kind not in PLACES]
        words = [place for place in PLACES if place in found] + [
            kind for kind in kinds if kind not in IGNORED_TYPES
        ]
        label = " ".join(dict.fromkeys(words))
    return label, number


def linkedin(by_name: dict[str, list[Any]], labels: dict[str, str]) -> str:
    for prop in by_name.get("URL", []):
        url = unescape_colons(text(prop.value))
        label = labels.get((prop.group or "").lower(), "").lower()
        if url and (
            "linkedin.com/in/" in url.lower() or "linkedin" in types(prop) or "linkedin" in label
        ):
            return url
    for prop in by_name.get("X-SOCIALPROFILE", []):
        if "linkedin" not in types(prop):
            continue
        url = unescape_colons(text(prop.value))
        if url.lower().startswith(("http://", "https://")):
            return url
        user = text(prop.params.get("X-USER", []))
        if user:
            return f"https://www.linkedin.com/in/{user}"
    return ""


def unescape_colons(url: str) -> str:
    """Google Contacts writes `URL:https\\://…`; vobject keeps escapes it does not know."""
    if GOOGLE_URL.match(url):
        return url.replace("\\:", ":")
    return url


def tags(props: list[Any]) -> list[str]:
    found: list[str] = []
    for prop in props:
        items = prop.value if isinstance(prop.value, list) else [prop.value]
        found.extend(tag for item in items if (tag := text(item)) and tag not in GOOGLE_GROUPS)
    return list(dict.fromkeys(found))


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def write(records: Iterable[ContactRecord], stream: TextIO) -> int:
    """vCard 3.0 in UTF-8 with CRLF line ends, folded at 75 octets; returns cards written."""
    count = 0
    for item in records:
        stream.write(card_for(item).serialize())
        count += 1
    return count


def card_for(item: ContactRecord) -> Any:
    card = vobject.vCard()
    card.add("prodid").value = PRODID
    card.add("fn").value = item.name
    given, _, family = item.name.strip().rpartition(" ")
    card.add("n").value = Name(family=family, given=given.strip()) if given else Name(given=family)
    if item.organization or item.field:
        card.add("org").value = (
            [item.organization, item.field] if item.field else [item.organization]
        )
    add(card, "title", item.title)
    for index, email in enumerate(e for e in [item.email, *item.other_emails] if e):
        kinds = ["INTERNET", "PREF"] if index == 0 else ["INTERNET"]
        add(card, "email", email, type_values=kinds)
    add(card, "tel", item.phone)
    for index, other in enumerate(item.other_phones, start=1):
        label, number = phone_label(other)
        if not label:
            add(card, "tel", other)
        elif label in LABEL_TYPES:
            add(card, "tel", number, type_values=LABEL_TYPES[label])
        else:
            add(card, "tel", number, group=f"item{index}")
            add(card, "x-ablabel", label, group=f"item{index}")
    add(card, "url", item.linkedin_url, type_values=["linkedin"])
    add(card, "note", item.notes)
    if tag_values := [tag for tag in item.tags if tag.strip()]:
        card.add("categories").value = tag_values
    if tz := add(card, "tz", item.time_zone):
        tz.value_param = "text"
    add(card, "x-coffeechat-source", item.source)
    return card


def phone_label(other: str) -> tuple[str, str]:
    """("mobile", "+1 555 0100") from "mobile: +1 555 0100" when parse reads it back alike."""
    label, separator, number = other.partition(": ")
    if not separator or not label or label != label.strip() or not number:
        return "", other
    if number != number.strip() or APPLE_LABEL.fullmatch(label):
        return "", other
    return label, number


def add(
    card: Any,
    name: str,
    value: str,
    *,
    type_values: list[str] | None = None,
    group: str | None = None,
) -> Any:
    if not value:
        return None
    prop = card.add(name, group=group)
    prop.value = value
    if type_values:
        prop.type_paramlist = type_values
    return prop
