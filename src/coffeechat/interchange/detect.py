"""Which format a file is in, from its first 64 KB rather than its name.

Names lie: LinkedIn's download is often renamed, a phone saves contacts as "export.txt",
and a photo can be called contacts.csv. The content decides: vCard and iCalendar start
with BEGIN lines, LinkedIn's header may follow a "Notes:" preamble, Google and Outlook
have header columns nobody else uses, and anything else must at least look like a
spreadsheet with a header row.
"""

from __future__ import annotations

from coffeechat.interchange import generic_csv, google_csv, linkedin_csv, outlook_csv
from coffeechat.interchange.csvrows import (
    DELIMITERS,
    PREAMBLE_ROWS,
    head_rows,
    sniff_delimiter,
    unique_header,
)
from coffeechat.interchange.records import FormatError
from coffeechat.interchange.textio import HEAD_BYTES, Upload

FORMATS: dict[str, str] = {
    "linkedin": "LinkedIn connections (CSV)",
    "google": "Google Contacts (CSV)",
    "outlook": "Outlook (CSV)",
    "vcard": "vCard (.vcf)",
    "csv": "Any other CSV",
    "ics": "iCalendar (.ics)",
}
CONTACT_FORMATS = ("linkedin", "google", "outlook", "vcard", "csv")

NOT_RECOGNISED = (
    "Coffeechat cannot tell what this file is. It imports LinkedIn connections "
    "(Connections.csv), Google Contacts and Outlook CSV exports, vCard (.vcf) files, any "
    "other CSV with a header row, and iCalendar (.ics) calendars."
)
SAMPLE_ROWS = 20
MAX_HEADER_CELL = 64  # characters; a longer "header" is a sentence or data
MAX_HEADER_WORDS = 6


def detect(upload: Upload) -> str:
    """One of the FORMATS keys, or FormatError when the file is none of them."""
    text = upload.head.lstrip("\ufeff \t\r\n")
    start = text[:32].upper()
    if start.startswith("BEGIN:VCARD"):
        return "vcard"
    if start.startswith("BEGIN:VCALENDAR"):
        return "ics"
    if text[:1] in ("<", "{", "["):  # HTML, XML or JSON
        raise FormatError(NOT_RECOGNISED)
    head = upload.head
    if upload.size > HEAD_BYTES:
        head = head[: max(head.rfind("\n"), 0)]  # drop the line the 64 KB cut through
    for kind, is_header in (
        ("linkedin", linkedin_csv.is_header),
        ("google", google_csv.is_header),
        ("outlook", outlook_csv.is_header),
    ):
        if any(
            is_header(row)
            for delimiter in DELIMITERS
            for row in head_rows(head, delimiter, PREAMBLE_ROWS)
        ):
            return kind
    rows = head_rows(head, sniff_delimiter(head), SAMPLE_ROWS)
    if rows and _looks_like_header(rows[0], rows[1:]):
        return "csv"
    raise FormatError(NOT_RECOGNISED)


def _looks_like_header(header: list[str], data: list[list[str]]) -> bool:
    named = [cell for cell in header if cell]
    if not named:
        return False
    for cell in named:
        words = cell.split()
        if len(cell) > MAX_HEADER_CELL or len(words) > MAX_HEADER_WORDS:
            return False
        if len(words) > 2 and cell[-1] in ".!?":
            return False  # a sentence, not a column name
    if data:
        # A spreadsheet saves every row with the header's number of cells; prose does not.
        same = sum(len(row) == len(header) for row in data)
        if same < 0.8 * len(data):
            return False
    known = bool(generic_csv.guess_mapping(unique_header(header)))
    return known or (len(header) >= 2 and bool(data))
