"""What every format module reads into and writes from: plain records, no models.

A parser is `parse(text: TextIO, ...) -> Iterator[ContactRecord | RowError]`. It streams: it
holds one row (or one card) at a time, so memory stays flat however long the file is. A
problem with one row is a `RowError` in the stream (the import goes on without that row);
a problem with the whole file — not the format it claims, cut off, over a limit — raises
`FormatError` with a sentence a student understands, and the import writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass


class FormatError(Exception):
    """The file cannot be imported at all. `str(error)` is the message for the student."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None or f"line {self.line} " in self.message:
            return self.message
        return f"Line {self.line}: {self.message}"


@dataclass(slots=True)
class RowError:
    """One row (or card) that cannot be read; the rest of the file still imports."""

    line: int
    message: str


@dataclass(slots=True)
class ContactRecord:
    """One person as a file describes them, tidied but not yet matched or validated.

    Strings are "" when absent, never None. Text is kept exactly as written apart from
    trimming surrounding white space: accents, CJK and emoji untouched, and a value such as
    "=HYPERLINK(…)" is plain text here (it is only ever neutralised when written to CSV).
    """

    line: int  # 1-based line in the file where the row or card starts
    name: str = ""
    email: str = ""  # the first address; the others follow in other_emails
    other_emails: list[str] = dataclasses.field(default_factory=list)
    phone: str = ""
    other_phones: list[str] = dataclasses.field(default_factory=list)  # "mobile: +1 555 0100" style
    linkedin_url: str = ""
    organization: str = ""
    title: str = ""
    field: str = ""  # area of work; a vCard/Outlook department goes here
    time_zone: str = ""
    notes: str = ""
    source: str = ""  # a network.models.Source value, or "" to leave it to the importer
    tags: list[str] = dataclasses.field(default_factory=list)
    connected_on: dt.date | None = None  # LinkedIn's "Connected On"


@dataclass(slots=True)
class BusyRecord:
    """A span of time the student is busy, as aware datetimes (UTC or any fixed zone)."""

    start: dt.datetime
    end: dt.datetime
    summary: str = ""  # kept for the student's own view, never shown to contacts


@dataclass(slots=True)
class EventRecord:
    """A meeting to write to an iCalendar file."""

    uid: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0
    time_zone: str = "UTC"  # IANA zone the times are written in (with a VTIMEZONE)
    organizer_name: str = ""
    organizer_email: str = ""
    attendee_name: str = ""
    attendee_email: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    created: dt.datetime | None = None
    last_modified: dt.datetime | None = None
    stamp: dt.datetime | None = None  # DTSTAMP; now when not given
    rsvp: bool = False  # ask the attendee's calendar to answer (an invitation)
