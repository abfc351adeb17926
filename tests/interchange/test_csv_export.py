"""Coffeechat's own CSV export: safe in a spreadsheet, and read back exactly by the import."""

from __future__ import annotations

import dataclasses
import io

import pytest

from coffeechat.interchange import contacts_csv, detect, generic_csv
from coffeechat.interchange.records import ContactRecord
from coffeechat.interchange.textio import Limits, Upload
from coffeechat.lib import spreadsheet

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=1000, max_line=64 * 1024)

DANA = ContactRecord(
    line=0,
    name="Dana Reyes",
    email="dana@acme.example",
    other_emails=["dana@home.example", "d.reyes@acme.example"],
    phone="+1 555 0100",
    other_phones=["work: +1 555 0101, ext. 12", "home: +1 555 0102"],
    linkedin_url="https://www.linkedin.com/in/dana-reyes",
    organization="Acme Health",
    title="Data Scientist",
    field="Analytics",
    time_zone="America/Chicago",
    notes='Met at the career fair.\nAsk about internships, "soon".',
    source="linkedin",
    tags=["Mentors", "Alumni"],
)
MALLORY = ContactRecord(
    line=0,
    name='=HYPERLINK("http://evil.example","click")',
    organization="+cmd|' /C calc'!A0",
    title="-2+3",
    field="@SUM(A1)",
    notes="\tindented",
    tags=["=tag"],
)
FRANCOISE = ContactRecord(line=0, name="Françoise Müller 🎓", organization="字节跳动", title="'=1")


def export(records: list[ContactRecord]) -> bytes:
    stream = io.StringIO(newline="")
    assert contacts_csv.write(records, stream) == len(records)
    return stream.getvalue().encode("utf-8")


def reimport(data: bytes) -> list[ContactRecord]:
    upload = Upload(io.BytesIO(data), name="coffeechat-contacts.csv", limits=LIMITS)
    assert detect.detect(upload) == "csv"
    mapping = generic_csv.guess_mapping(generic_csv.columns(upload))
    items = list(generic_csv.parse(upload, mapping=mapping))
    assert all(isinstance(item, ContactRecord) for item in items)
    return [item for item in items if isinstance(item, ContactRecord)]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=already quoted", "''=already quoted"),
        ("Dana Reyes", "Dana Reyes"),
        ("a=b", "a=b"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_neutralise_quotes_exactly_the_cells_a_spreadsheet_would_run(
    value: str, written: str
) -> None:
    assert spreadsheet.neutralise(value) == written
    assert spreadsheet.unneutralise(written) == value


def test_export_is_utf8_with_bom_crlf_and_the_documented_header() -> None:
    data = export([DANA, FRANCOISE])
    assert data.startswith(b"\xef\xbb\xbfName,Email,Other emails,Phone,Other phones,")
    lines = data.split(b"\r\n")
    assert lines[0].decode("utf-8-sig").split(",") == contacts_csv.HEADER
    assert lines[-1] == b""  # every row, the last included, ends with CRLF
    assert "Françoise Müller 🎓,,,,,,字节跳动,''=1".encode() in data


def test_export_writes_labels_and_joined_lists() -> None:
    text = export([DANA]).decode("utf-8-sig")
    assert "dana@home.example, d.reyes@acme.example" in text
    assert '"work: +1 555 0101, ext. 12; home: +1 555 0102"' in text
    assert ',LinkedIn connection,"Mentors, Alumni",' in text


def test_export_neutralises_formula_cells() -> None:
    text = export([MALLORY]).decode("utf-8-sig")
    row = text.split("\r\n")[1]
    assert row.startswith('"\'=HYPERLINK(""http://evil.example"",""click"")"')
    assert "'+cmd|' /C calc'!A0" in row
    assert ",'-2+3,'@SUM(A1)," in row
    assert "'\tindented" in row
    assert "'=tag" in row


def test_export_then_import_gives_back_the_same_contacts() -> None:
    back = reimport(export([DANA, MALLORY, FRANCOISE]))
    for original, read in zip([DANA, MALLORY, FRANCOISE], back, strict=True):
        read.line = original.line
        assert read == dataclasses.replace(original, notes=original.notes.strip())
    assert back[1].name == '=HYPERLINK("http://evil.example","click")'
    assert back[1].notes == "indented"  # trimmed like every imported value
    assert back[0].source == "linkedin"


def test_quotes_are_only_removed_from_coffeechats_own_export() -> None:
    data = b"Name,Title\r\n'=kept,'-kept too\r\n"
    upload = Upload(io.BytesIO(data), name="other.csv", limits=LIMITS)
    [record] = list(generic_csv.parse(upload, mapping={"name": "Name", "title": "Title"}))
    assert isinstance(record, ContactRecord)
    assert (record.name, record.title) == ("'=kept", "'-kept too")


def test_source_labels_map_back_to_values() -> None:
    assert contacts_csv.source_value("Alumni (LinkedIn or alumni network)") == "alumni"
    assert contacts_csv.source_value("career fair recruiter") == "recruiter"
    assert contacts_csv.source_value("friend_family") == "friend_family"
    assert contacts_csv.source_value("met on a train") == ""
