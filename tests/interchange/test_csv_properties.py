"""Property tests: no input crashes a CSV parser, and any contact survives export → import."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.interchange import (
    contacts_csv,
    detect,
    generic_csv,
    google_csv,
    linkedin_csv,
    outlook_csv,
)
from coffeechat.interchange.records import ContactRecord, FormatError
from coffeechat.interchange.textio import Limits, Upload
from coffeechat.network.models import Source

LIMITS = Limits(max_bytes=64 * 1024, max_rows=50, max_line=400)

HEADERS = [
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    'Notes:\r\n"About emails, and more."\r\n\r\nFirst Name,Last Name,Connected On',
    "First Name,Middle Name,Last Name,File As,Labels,E-mail 1 - Label,E-mail 1 - Value",
    "Name,Given Name,Family Name,Group Membership,Phone 1 - Type,Phone 1 - Value",
    '"First Name"\t"Last Name"\t"E-mail Address"\t"Job Title"\t"Business Phone"',
    "Name;Email;Company;Tags",
    ",".join(contacts_csv.HEADER),
]
CELL = st.text(alphabet=st.sampled_from("ab é李🎓,;\t\"\r\n=+-@'*:"), max_size=12)


def run_everything(data: bytes) -> int:
    """Open, detect and parse with every CSV parser; only FormatError may escape.

    Returns how many attempts ended in a FormatError, each checked to carry a message.
    """
    try:
        upload = Upload(io.BytesIO(data), name="x.csv", limits=LIMITS)
    except FormatError as error:
        assert str(error).strip()
        return 1

    def generic() -> object:
        mapping = generic_csv.guess_mapping(generic_csv.columns(upload))
        return list(generic_csv.parse(upload, mapping=mapping))

    refused = 0
    for attempt in (
        lambda: detect.detect(upload),
        lambda: list(linkedin_csv.parse(upload)),
        lambda: list(linkedin_csv.parse(upload, as_alumni=True)),
        lambda: list(google_csv.parse(upload)),
        lambda: list(outlook_csv.parse(upload)),
        generic,
    ):
        try:
            attempt()
        except FormatError as error:
            assert str(error).strip()
            refused += 1
    return refused


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_nothing_but_format_error(data: bytes) -> None:
    assert 0 <= run_everything(data) <= 6


@settings(max_examples=200, deadline=None)
@given(
    header=st.sampled_from(HEADERS),
    rows=st.lists(st.lists(CELL, max_size=9), max_size=8),
    separator=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_csv_shaped_text_raises_nothing_but_format_error(
    header: str, rows: list[list[str]], separator: str, line_end: str, encoding: str
) -> None:
    body = line_end.join(separator.join(row) for row in rows)
    text = header + line_end + body
    run_everything(text.encode(encoding, errors="replace"))


TEXT = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]))


def list_item(forbidden: str) -> st.SearchStrategy[str]:
    return TEXT.map(str.strip).filter(lambda s: bool(s) and not any(c in s for c in forbidden))


@st.composite
def contacts(draw: st.DrawFn) -> ContactRecord:
    return ContactRecord(
        line=0,
        name=draw(TEXT.filter(lambda s: bool(s.strip()))),
        email=draw(TEXT),
        other_emails=draw(st.lists(list_item(",;\n"), max_size=3)),
        phone=draw(TEXT),
        other_phones=draw(st.lists(list_item(";\n"), max_size=3)),
        linkedin_url=draw(TEXT),
        organization=draw(TEXT),
        title=draw(TEXT),
        field=draw(TEXT),
        time_zone=draw(TEXT),
        notes=draw(TEXT),
        source=draw(st.sampled_from(["", *Source.values])),
        tags=draw(st.lists(list_item(",;"), max_size=3, unique=True)),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(contacts(), min_size=1, max_size=5))
def test_export_then_import_round_trips_any_text(originals: list[ContactRecord]) -> None:
    stream = io.StringIO(newline="")
    contacts_csv.write(originals, stream)
    upload = Upload(
        io.BytesIO(stream.getvalue().encode("utf-8")),
        name="export.csv",
        limits=Limits(max_bytes=1024 * 1024, max_rows=100, max_line=1024 * 1024),
    )
    mapping = generic_csv.guess_mapping(generic_csv.columns(upload))
    back = list(generic_csv.parse(upload, mapping=mapping))
    assert len(back) == len(originals)
    for original, read in zip(originals, back, strict=True):
        assert isinstance(read, ContactRecord)
        for name in ("name", "email", "phone", "linkedin_url", "organization", "title"):
            assert getattr(read, name) == getattr(original, name).strip(), name
        for name in ("field", "time_zone", "notes"):
            assert getattr(read, name) == getattr(original, name).strip(), name
        assert read.other_emails == original.other_emails
        assert read.other_phones == original.other_phones
        assert read.tags == original.tags
        assert read.source == original.source
