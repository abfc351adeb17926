"""Files made to hurt end in a clear error within 2 seconds, through the doors students use.

Each file goes through the service the pages, the API and the CLI call (calendar upload,
contacts import preview, backup restore) and once more through the API: the answer is a
ValidationError (a 422) that says what is wrong, nothing is stored, and it comes quickly —
no runaway recurrence expansion, no 10 MB line held whole, no recursion through 20,000
nested BEGINs or brackets.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from coffeechat.accounts.services import api_token_create
from coffeechat.interchange import services as interchange
from coffeechat.interchange.models import ImportRun
from coffeechat.network.models import Contact
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import BusyInterval, Calendar

SECONDS = 2.0
BIG = "a" * (10 * 1024 * 1024)  # one 10 MB line
NESTED = 20_000


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _ics(*lines: str) -> bytes:
    wrapped = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", *lines, "END:VCALENDAR"]
    return "".join(f"{line}\r\n" for line in wrapped).encode()


def _repeating(rule: str, uid: str = "flood") -> list[str]:
    start = timezone.now().replace(microsecond=0)
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20250101T000000Z",
        f"DTSTART:{_stamp(start)}",
        "DURATION:PT1S",
        f"RRULE:{rule}",
        "END:VEVENT",
    ]


CALENDARS = {
    "every second, a hundred million times": (
        _ics(*_repeating("FREQ=SECONDLY;COUNT=100000000")),
        "more than 20,000 events",
    ),
    "every minute, a hundred million times": (
        _ics(*_repeating("FREQ=MINUTELY;COUNT=100000000")),
        "more than 20,000 events",
    ),
    "every minute, forever": (_ics(*_repeating("FREQ=MINUTELY")), "more than 20,000 events"),
    "every second until 9999": (
        _ics(*_repeating("FREQ=SECONDLY;UNTIL=99991231T235959Z")),
        "more than 20,000 events",
    ),
    # Each alone is under the cap; together they flood the window.
    "twenty hourly events": (
        _ics(*[line for n in range(20) for line in _repeating("FREQ=HOURLY", uid=f"h{n}")]),
        "more than 20,000 events",
    ),
    "a 10 MB line": (_ics(f"X-JUNK:{BIG}"), "longer than 1,048,576 characters"),
    # Short lines that icalendar would join into one 10 MB property before parsing it.
    "a 10 MB folded property": (
        _ics("BEGIN:VEVENT", "UID:x", "DESCRIPTION:" + "\r\n ".join([BIG[:70]] * 150_000)),
        "longer than 1,048,576 characters (its folded lines joined)",
    ),
    "20,000 nested calendars": (
        ("BEGIN:VCALENDAR\r\n" * NESTED + "END:VCALENDAR\r\n" * NESTED).encode(),
        "nested more than 10 deep",
    ),
    "20,000 nested events": (
        _ics("BEGIN:VEVENT\r\n" * NESTED + "END:VEVENT\r\n" * NESTED),
        "nested more than 10 deep",
    ),
    "20,000 BEGINs that never end": (
        ("BEGIN:VCALENDAR\r\n" + "BEGIN:VEVENT\r\n" * NESTED).encode(),
        "nested more than 10 deep",
    ),
}


@contextmanager
def assert_quick(seconds: float = SECONDS) -> Iterator[None]:
    began = time.monotonic()
    yield
    took = time.monotonic() - began
    assert took < seconds, f"took {took:.2f} s"


def assert_refused(call: Callable[[], Any], message: str, field: str = "file") -> None:
    """The call raises a ValidationError about `field` naming `message`, within 2 s."""
    with assert_quick(), pytest.raises(ValidationError) as caught:
        call()
    messages = caught.value.message_dict[field]
    assert messages and all(text.strip() for text in messages)
    assert message in " ".join(messages)


def _file(data: bytes, name: str) -> io.BytesIO:
    binary = io.BytesIO(data)
    binary.name = name  # type: ignore[attr-defined]
    return binary


# Calendars -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_a_calendar_made_to_hurt_is_refused_quickly(alice: Any, name: str) -> None:
    data, message = CALENDARS[name]

    assert_refused(
        lambda: outreach.calendar_import(owner=alice, upload=_file(data, "c.ics")), message
    )

    assert not Calendar.objects.exists()
    assert not BusyInterval.objects.exists()


def test_a_flood_refused_does_not_refuse_an_ordinary_calendar(alice: Any) -> None:
    # The event count is exact for plain rules: a weekly class with a daily one is fine.
    data = _ics(
        *_repeating("FREQ=WEEKLY", uid="w"),
        *_repeating("FREQ=DAILY;COUNT=30", uid="d"),
        *_repeating("FREQ=HOURLY;COUNT=500", uid="h"),
    )

    calendar = outreach.calendar_import(owner=alice, upload=_file(data, "c.ics"))

    assert calendar.intervals.count() >= 30 + 500


@pytest.mark.parametrize(
    "name", ["every second, a hundred million times", "a 10 MB line", "20,000 nested events"]
)
def test_the_api_answers_a_calendar_made_to_hurt_with_a_422(alice: Any, name: str) -> None:
    data, message = CALENDARS[name]
    _, key = api_token_create(user=alice)

    with assert_quick():
        response = Client().post(
            "/api/v1/calendars",
            {"file": SimpleUploadedFile("c.ics", data, "text/calendar")},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert response.status_code == 422
    assert message in json.dumps(response.json())
    assert not Calendar.objects.exists()


# Contacts imports ----------------------------------------------------------------------

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
CONTACT_FILES = {
    "a 10 MB LinkedIn row": (
        "Connections.csv",
        f"{LINKEDIN_HEADER}Dana,{BIG},,,,,\r\n",
        "longer than 1,048,576 characters",
    ),
    "a 10 MB Google row": (
        "contacts.csv",
        f"Name,Given Name,Family Name,E-mail 1 - Value\r\nDana,{BIG},R,d@example.com\r\n",
        "longer than 1,048,576 characters",
    ),
    "a 10 MB header": (  # not even recognised as CSV from its first 64 KB
        "people.csv",
        f"First Name,Last Name,Notes{BIG}\r\nDana,Reyes,x\r\n",
        "cannot tell what this file is",
    ),
    "a 10 MB quoted cell": (
        "Connections.csv",
        f'{LINKEDIN_HEADER}Dana,"{BIG}",,,,,\r\n',
        "1,048,576",
    ),
    "a 10 MB vCard line": (
        "c.vcf",
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{BIG}\r\nEND:VCARD\r\n",
        "longer than 1,048,576 characters",
    ),
    "20,000 nested vCards": (
        "c.vcf",
        "BEGIN:VCARD\r\n" * NESTED + "VERSION:3.0\r\nFN:Dana\r\n" + "END:VCARD\r\n" * NESTED,
        "have no END:VCARD",
    ),
    "20,000 vCards that never end": (
        "c.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana\r\n" * NESTED,
        "have no END:VCARD",
    ),
}


@pytest.mark.parametrize("name", sorted(CONTACT_FILES))
def test_a_contacts_file_made_to_hurt_is_refused_quickly(alice: Any, name: str) -> None:
    file_name, text, message = CONTACT_FILES[name]

    assert_refused(
        lambda: interchange.import_start(
            owner=alice, file=io.BytesIO(text.encode()), file_name=file_name
        ),
        message,
    )

    assert not ImportRun.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "linkedin", "google", "outlook"])
def test_a_10_mb_header_is_refused_whatever_the_format_chosen(alice: Any, fmt: str) -> None:
    text = f"First Name,Last Name,Notes{BIG}\r\nDana,Reyes,x\r\n"

    assert_refused(
        lambda: interchange.import_start(
            owner=alice, file=io.BytesIO(text.encode()), file_name="p.csv", fmt=fmt
        ),
        "longer than 1,048,576 characters",
    )
    assert not ImportRun.objects.exists()


def test_a_10_mb_row_of_any_csv_is_refused_at_preview(alice: Any) -> None:
    # Any other CSV asks for its columns first, reading the header only; the row is met
    # when the chosen columns are previewed.
    text = f"Full name,Remarks\r\nDana,{BIG}\r\n"
    run = interchange.import_start(owner=alice, file=io.BytesIO(text.encode()), file_name="p.csv")
    assert run.status == ImportRun.Status.MAPPING

    assert_refused(
        lambda: interchange.import_preview(run=run, mapping={"name": "Full name"}),
        "longer than 1,048,576 characters",
    )
    assert ImportRun.objects.get().status == ImportRun.Status.MAPPING
    assert not Contact.objects.exists()


def test_the_api_answers_a_contacts_file_made_to_hurt_with_a_422(alice: Any) -> None:
    file_name, text, message = CONTACT_FILES["20,000 nested vCards"]
    _, key = api_token_create(user=alice)

    with assert_quick():
        response = Client().post(
            "/api/v1/imports",
            {"file": SimpleUploadedFile(file_name, text.encode(), "text/vcard")},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert response.status_code == 422
    assert message in json.dumps(response.json())
    assert not ImportRun.objects.exists()


# Backups --------------------------------------------------------------------------------


def _backup(inner: str) -> str:
    return f'{{"format": "coffeechat-backup", "version": 1, "contacts": {inner}}}'


@pytest.mark.parametrize(
    "depth", [40, 500, sys.getrecursionlimit() - 60, sys.getrecursionlimit(), 100_000]
)
@pytest.mark.parametrize("bracket", ["[]", '{"a": }'])
def test_a_deeply_nested_backup_is_refused_quickly(alice: Any, depth: int, bracket: str) -> None:
    # Depths just under the recursion limit pass json.loads but not a recursive walk.
    opening, closing = (bracket[0], bracket[1]) if bracket == "[]" else ('{"a": ', "}")
    text = _backup(opening * depth + "1" + closing * depth)

    assert_refused(
        lambda: interchange.backup_restore(owner=alice, stream=io.StringIO(text)),
        "nested more than 32 levels deep",
    )
    assert not Contact.objects.exists()


def test_no_depth_near_the_recursion_limit_escapes_as_a_crash(alice: Any) -> None:
    # Where json.loads gives up depends on the stack already in use: walk the whole band.
    limit = sys.getrecursionlimit()
    for depth in range(limit - 150, limit + 10):
        text = _backup("[" * depth + "]" * depth)
        with pytest.raises(ValidationError, match="nested more than 32 levels deep"):
            interchange.backup_restore(owner=alice, stream=io.StringIO(text))


def test_the_api_answers_a_deep_backup_with_a_422(alice: Any) -> None:
    _, key = api_token_create(user=alice)
    text = _backup("[" * 100_000 + "]" * 100_000)

    with assert_quick():
        response = Client().post(
            "/api/v1/exports/restore",
            {"file": SimpleUploadedFile("backup.json", text.encode(), "application/json")},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert response.status_code == 422
    assert "nested more than 32 levels deep" in json.dumps(response.json())
