"""Format detection from content, and every way a CSV file can be refused or half-read."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coffeechat.interchange import detect, generic_csv, google_csv, linkedin_csv, outlook_csv
from coffeechat.interchange.records import ContactRecord, FormatError, RowError
from coffeechat.interchange.textio import Limits, Upload

FILES = Path(__file__).parent / "files"
LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=1000, max_line=64 * 1024)

Parser = Callable[[Upload], Iterator[ContactRecord | RowError]]

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value\r\n"
)
OUTLOOK_HEADER = '"First Name","Middle Name","Last Name","Title","E-mail Address","Job Title"\r\n'
GENERIC_HEADER = "Name,Email,Company\r\n"


def generic(upload: Upload) -> Iterator[ContactRecord | RowError]:
    return generic_csv.parse(upload, mapping=generic_csv.guess_mapping(generic_csv.columns(upload)))


PARSERS: dict[str, tuple[Parser, str]] = {
    "linkedin": (linkedin_csv.parse, LINKEDIN_HEADER),
    "google": (google_csv.parse, GOOGLE_HEADER),
    "outlook": (outlook_csv.parse, OUTLOOK_HEADER),
    "csv": (generic, GENERIC_HEADER),
}


def open_bytes(data: bytes, *, name: str = "contacts.csv", limits: Limits = LIMITS) -> Upload:
    return Upload(io.BytesIO(data), name=name, limits=limits)


# --- Detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("linkedin_connections.csv", "linkedin"),
        ("linkedin_connections_old.csv", "linkedin"),
        ("google_contacts.csv", "google"),
        ("google_contacts_legacy.csv", "google"),
        ("outlook_utf16_tab.csv", "outlook"),
        ("outlook_utf8_bom.csv", "outlook"),
        ("outlook_cp1252.csv", "outlook"),
        ("csv_semicolon.csv", "csv"),
    ],
)
def test_detects_each_export_from_its_content(name: str, expected: str) -> None:
    upload = open_bytes((FILES / name).read_bytes(), name="upload.bin")
    assert detect.detect(upload) == expected


def test_detection_ignores_a_lying_file_name() -> None:
    data = (FILES / "linkedin_connections.csv").read_bytes()
    assert detect.detect(open_bytes(data, name="contacts.vcf")) == "linkedin"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n", "vcard"),
        (b"\xef\xbb\xbf\r\nbegin:vcard\nVERSION:2.1\nEND:VCARD\n", "vcard"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "ics"),
        ("Nom;Prénom;Courriel\r\nCurie;Marie;m@x.fr\r\n".encode("cp1252"), "csv"),
        (b"Full name\r\nAda Lovelace\r\n", "csv"),
    ],
)
def test_detects_vcard_calendar_and_other_csv_whatever_the_name(data: bytes, expected: str) -> None:
    assert detect.detect(open_bytes(data, name="contacts.csv")) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"Dear Ms. Reyes,\nThank you for taking the time to talk with me last week.\n"
        b"I learned a lot, and I will follow up soon.\n",
        b"<!DOCTYPE html>\n<html><body><table><tr><td>Name</td></tr></table></body></html>\n",
        b'[{"name": "Ada", "email": "ada@example.com"}]\n',
        b"My name is Bob, and I study biology.\n",
    ],
)
def test_free_text_html_and_json_are_refused_with_the_accepted_formats(data: bytes) -> None:
    with pytest.raises(FormatError) as raised:
        detect.detect(open_bytes(data))
    message = str(raised.value)
    assert "vCard" in message
    assert "LinkedIn" in message
    assert "iCalendar" in message


def test_a_png_named_csv_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    with pytest.raises(FormatError, match="PNG image"):
        detect.detect(open_bytes(png, name="contacts.csv"))


def test_formats_have_labels_for_every_contact_format() -> None:
    assert set(detect.CONTACT_FORMATS) < set(detect.FORMATS)
    assert detect.FORMATS["ics"] == "iCalendar (.ics)"
    assert detect.FORMATS["csv"] == "Any other CSV"


# --- Whole-file refusals --------------------------------------------------------------


@pytest.mark.parametrize("kind", PARSERS)
def test_empty_file_is_refused(kind: str) -> None:
    with pytest.raises(FormatError, match="empty"):
        list(PARSERS[kind][0](open_bytes(b"")))


@pytest.mark.parametrize("kind", PARSERS)
def test_header_without_people_is_refused(kind: str) -> None:
    parser, header = PARSERS[kind]
    with pytest.raises(FormatError, match=r"The file has a header but no people in it\."):
        list(parser(open_bytes(header.encode() + b"\r\n,,,\r\n")))


@pytest.mark.parametrize("kind", PARSERS)
def test_unterminated_quote_names_the_line_it_opens_on(kind: str) -> None:
    parser, header = PARSERS[kind]
    data = header + 'Ada,Lovelace,ada@example.com\r\n"Grace,Hopper\r\nAlan,Turing\r\n'
    with pytest.raises(FormatError) as raised:
        list(parser(open_bytes(data.encode())))
    assert raised.value.line == 3
    assert str(raised.value).startswith("Line 3: a quote")
    assert "never closed" in str(raised.value)


def test_unclosed_quote_that_reaches_a_later_quote_is_still_reported_where_it_opens() -> None:
    data = GENERIC_HEADER + 'Ada,"Analytical\r\nGrace,Navy\r\nAlan,"Bletchley" Park\r\n'
    with pytest.raises(FormatError, match="never closed") as raised:
        list(generic(open_bytes(data.encode())))
    assert raised.value.line == 2


def test_text_after_a_closing_quote_is_refused_on_its_line() -> None:
    data = GENERIC_HEADER + 'Ada,ada@example.com,"Analytical" Engines\r\n'
    with pytest.raises(FormatError, match="after its closing quote") as raised:
        list(generic(open_bytes(data.encode())))
    assert raised.value.line == 2


def test_unclosed_quote_in_a_big_file_stops_at_the_line_limit() -> None:
    limits = Limits(max_bytes=2 * 1024 * 1024, max_rows=100_000, max_line=1000)
    data = GENERIC_HEADER + 'Ada,"unclosed\r\n' + "Grace,g@x.example,Navy\r\n" * 500
    with pytest.raises(FormatError, match="never closed") as raised:
        list(generic(open_bytes(data.encode(), limits=limits)))
    assert raised.value.line == 2


def test_line_longer_than_the_limit_is_refused() -> None:
    limits = Limits(max_bytes=1024 * 1024, max_rows=100, max_line=200)
    data = GENERIC_HEADER + "Ada,ada@example.com,Acme\r\n" + "Grace," + "x" * 300 + ",Navy\r\n"
    with pytest.raises(FormatError, match="longer than 200 characters") as raised:
        list(generic(open_bytes(data.encode(), limits=limits)))
    assert raised.value.line == 3


@pytest.mark.parametrize("kind", PARSERS)
def test_more_rows_than_the_limit_is_refused(kind: str) -> None:
    parser, header = PARSERS[kind]
    limits = Limits(max_bytes=1024 * 1024, max_rows=2, max_line=1000)
    data = header + "Ada,Lovelace\r\nGrace,Hopper\r\nAlan,Turing\r\n"
    with pytest.raises(FormatError, match="The file has more than 2 rows"):
        list(parser(open_bytes(data.encode(), limits=limits)))


def test_row_limit_counts_people_not_blank_lines() -> None:
    limits = Limits(max_bytes=1024 * 1024, max_rows=2, max_line=1000)
    data = GENERIC_HEADER + "Ada,,\r\n\r\n\r\n,,\r\nGrace,,\r\n"
    items = list(generic(open_bytes(data.encode(), limits=limits)))
    assert [item.name for item in items if isinstance(item, ContactRecord)] == ["Ada", "Grace"]


def test_binary_garbage_is_refused() -> None:
    garbage = bytes(range(256)) * 4
    with pytest.raises(FormatError, match="not text"):
        list(generic(open_bytes(garbage)))


def test_a_file_in_another_format_is_refused_by_each_specific_parser() -> None:
    vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n"
    for parser in (linkedin_csv.parse, google_csv.parse, outlook_csv.parse):
        with pytest.raises(FormatError, match="does not look like"):
            list(parser(open_bytes(vcard)))


# --- Row errors and streaming ---------------------------------------------------------


def test_ragged_linkedin_row_is_a_row_error_with_its_line() -> None:
    data = (
        LINKEDIN_HEADER
        + "Ada,Lovelace,,,Analytical Engines,Engineer,01 Jan 2024\r\n"
        + "Grace,Hopper,,,Navy,Admiral,01 Jan 2024,surplus,cells\r\n"
        + "Alan,Turing,,,,,\r\n"
    )
    items = list(linkedin_csv.parse(open_bytes(data.encode())))
    assert [type(item).__name__ for item in items] == ["ContactRecord", "RowError", "ContactRecord"]
    assert items[1].line == 3
    assert "9 cells" in items[1].message


def test_trailing_empty_cells_are_not_ragged() -> None:
    data = GENERIC_HEADER + "Ada,ada@example.com,Acme,,,\r\nGrace\r\n"
    items = list(generic(open_bytes(data.encode())))
    assert [(item.name, item.email) for item in items if isinstance(item, ContactRecord)] == [
        ("Ada", "ada@example.com"),
        ("Grace", ""),
    ]


def test_rows_stream_before_a_later_problem_is_found() -> None:
    data = GENERIC_HEADER + 'Ada,ada@example.com,Acme\r\n"Grace,unclosed\r\n'
    rows = generic(open_bytes(data.encode()))
    first = next(rows)
    assert isinstance(first, ContactRecord)
    assert first.name == "Ada"
    with pytest.raises(FormatError, match="never closed"):
        next(rows)
