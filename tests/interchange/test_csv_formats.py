"""LinkedIn, Google, Outlook and generic CSV files, as the real products write them.

The fixtures in files/ are byte-for-byte what each product emits: LinkedIn's "Notes:"
preamble with CRLF, Google's two header generations (the legacy one in UTF-16), Outlook in
UTF-16 with tabs, UTF-8 with a BOM and Windows-1252, and a European Excel file with ";".
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from coffeechat.interchange import generic_csv, google_csv, linkedin_csv, outlook_csv
from coffeechat.interchange.records import ContactRecord, FormatError, RowError
from coffeechat.interchange.textio import Limits, Upload

FILES = Path(__file__).parent / "files"
LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=1000, max_line=64 * 1024)

Items = list[ContactRecord | RowError]


def open_file(name: str) -> Upload:
    return Upload(io.BytesIO((FILES / name).read_bytes()), name=name, limits=LIMITS)


def open_bytes(data: bytes) -> Upload:
    return Upload(io.BytesIO(data), name="contacts.csv", limits=LIMITS)


def by_name(items: Items) -> dict[str, ContactRecord]:
    return {item.name: item for item in items if isinstance(item, ContactRecord)}


def row_errors(items: Items) -> list[RowError]:
    return [item for item in items if isinstance(item, RowError)]


# --- LinkedIn -------------------------------------------------------------------------


def test_linkedin_export_with_notes_preamble_reads_every_connection() -> None:
    items = list(linkedin_csv.parse(open_file("linkedin_connections.csv")))
    people = by_name(items)
    assert list(people) == ["Priya Sharma", "Jane Doe, PhD", "李 华", "Sam 🚀 Lee", "Ana Núñez"]
    priya = people["Priya Sharma"]
    assert priya.line == 5  # Notes:, the paragraph, the blank line, the header
    assert priya.organization == "Stripe, Inc."
    assert priya.title == "Technical Recruiter"
    assert priya.email == ""
    assert priya.linkedin_url == "https://www.linkedin.com/in/priya-sharma-1a2b3c"
    assert priya.connected_on == dt.date(2024, 3, 12)
    assert priya.source == "linkedin"


def test_linkedin_keeps_credentials_quotes_cjk_and_emoji_as_written() -> None:
    people = by_name(list(linkedin_csv.parse(open_file("linkedin_connections.csv"))))
    jane = people["Jane Doe, PhD"]
    assert jane.email == "jane@example.com"
    assert jane.title == 'Director, "Clinical" Research'
    assert people["李 华"].organization == "字节跳动"
    assert people["Sam 🚀 Lee"].organization == "Françoise & Müller GmbH"


def test_linkedin_keeps_formula_looking_values_as_plain_text() -> None:
    people = by_name(list(linkedin_csv.parse(open_file("linkedin_connections.csv"))))
    assert people["Sam 🚀 Lee"].title == '=HYPERLINK("http://evil.example","click")'
    assert people["Ana Núñez"].organization == "+cmd"
    assert people["Ana Núñez"].title == "@SUM(A1)"


def test_linkedin_unreadable_date_keeps_the_row_without_a_date() -> None:
    people = by_name(list(linkedin_csv.parse(open_file("linkedin_connections.csv"))))
    assert people["Sam 🚀 Lee"].connected_on is None
    assert people["Ana Núñez"].connected_on == dt.date(2021, 1, 7)


def test_linkedin_row_without_name_or_company_is_a_row_error() -> None:
    errors = row_errors(list(linkedin_csv.parse(open_file("linkedin_connections.csv"))))
    assert [(error.line, "no name" in error.message) for error in errors] == [(9, True)]


def test_linkedin_as_alumni_sets_the_alumni_source() -> None:
    items = list(linkedin_csv.parse(open_file("linkedin_connections.csv"), as_alumni=True))
    assert {record.source for record in by_name(items).values()} == {"alumni"}


def test_older_linkedin_export_without_preamble_or_url() -> None:
    items = list(linkedin_csv.parse(open_file("linkedin_connections_old.csv")))
    people = by_name(items)
    assert list(people) == ["Marcus Brown", "Zoë Ødegaard"]
    assert people["Marcus Brown"].line == 2
    assert people["Marcus Brown"].email == "marcus@example.com"
    assert people["Marcus Brown"].linkedin_url == ""
    assert people["Zoë Ødegaard"].connected_on == dt.date(2018, 11, 21)


def test_linkedin_preamble_variant_with_bom_quoted_notes_and_lf() -> None:
    data = (
        b'\xef\xbb\xbf"Notes:"\n"Some emails are missing, see settings."\n\n'
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Grace,Hopper,https://www.linkedin.com/in/grace,,US Navy,Rear Admiral,09 Dec 2023\n"
    )
    [grace] = list(linkedin_csv.parse(open_bytes(data)))
    assert isinstance(grace, ContactRecord)
    assert (grace.line, grace.name, grace.connected_on) == (5, "Grace Hopper", dt.date(2023, 12, 9))


def test_linkedin_parser_refuses_a_file_without_its_header() -> None:
    with pytest.raises(FormatError, match="LinkedIn"):
        list(linkedin_csv.parse(open_file("csv_semicolon.csv")))


# --- Google ---------------------------------------------------------------------------


def test_google_current_export_splits_multi_values_and_puts_primary_first() -> None:
    items = list(google_csv.parse(open_file("google_contacts.csv")))
    dana = by_name(items)["Dana M. Reyes"]
    assert dana.line == 2
    # "* Work" marks the primary address; its cell holds two, joined with " ::: ".
    assert dana.email == "dana@acme.example"
    assert dana.other_emails == ["d.reyes@acme.example", "dana@home.example"]
    assert dana.phone == "+1 555 0100"
    assert dana.other_phones == ["work: +1 555 0101", "work: +1 555 0102"]
    assert dana.organization == "Acme Health"
    assert dana.title == "Data Scientist"
    assert dana.field == "Analytics"
    assert dana.notes == "Met at the career fair.\r\nAsk about internships."
    assert dana.linkedin_url == "https://www.linkedin.com/in/dana-reyes"
    assert dana.tags == ["Mentors", "Alumni"]  # myContacts and starred are Google's own


def test_google_line_numbers_count_the_lines_inside_quoted_cells() -> None:
    items = list(google_csv.parse(open_file("google_contacts.csv")))
    # Dana's row spans four physical lines (notes and address hold line breaks).
    assert [item.line for item in items] == [2, 6, 7, 8, 9]


def test_google_company_only_cjk_and_email_only_rows() -> None:
    items = list(google_csv.parse(open_file("google_contacts.csv")))
    people = by_name(items)
    globex = people["Globex Corporation"]
    assert globex.organization == "Globex Corporation"
    assert globex.phone == "+44 20 7946 0000"
    assert people["小明 王"].tags == ["校友 🎓"]
    assert people["only.email@example.com"].email == "only.email@example.com"
    assert people["only.email@example.com"].tags == []
    [error] = row_errors(items)
    assert error.line == 8


def test_google_legacy_utf16_export() -> None:
    upload = open_file("google_contacts_legacy.csv")
    assert upload.encoding == "utf-16"
    people = by_name(list(google_csv.parse(upload)))
    francoise = people["Françoise Müller"]
    assert francoise.email == "f.muller@example.fr"  # "* Work" is the primary one
    assert francoise.other_emails == ["francoise@example.org"]
    assert francoise.phone == "+33 6 12 34 56 78"
    assert francoise.other_phones == ["work: +33 1 23 45 67 89"]
    assert francoise.organization == "Société Générale"
    assert francoise.title == "Analyste"
    assert francoise.field == "Risques"
    assert francoise.notes == "Alumni, class of 2015"
    assert francoise.tags == ["Alumni", "Mentors"]
    assert francoise.linkedin_url == "https://fr.linkedin.com/in/fmuller"
    ichiro = people["佐藤 一郎"]
    assert ichiro.organization == "株式会社ヒガシシステム"
    assert ichiro.other_phones == ["work fax: 98765432101"]
    assert ichiro.linkedin_url == ""
    assert ichiro.tags == ["SES", "大林"]


# --- Outlook --------------------------------------------------------------------------


def test_outlook_utf16_tab_separated_export() -> None:
    upload = open_file("outlook_utf16_tab.csv")
    assert upload.encoding == "utf-16"
    items = list(outlook_csv.parse(upload))
    people = by_name(items)
    jurgen = people["Jürgen Weiß"]  # "Dr." is Outlook's Title, not part of the name
    assert jurgen.title == "Leiter Entwicklung"
    assert jurgen.organization == "Müller AG"
    assert jurgen.field == "Forschung"
    assert jurgen.email == "j.weiss@mueller.example"
    assert jurgen.phone == "+49 171 2345678"
    assert jurgen.other_phones == ["work: +49 30 1234567"]
    assert jurgen.tags == ["Mentors", "Alumni"]
    assert jurgen.notes == "Zweite Zeile:\r\nWants to hear about the thesis."
    assert people["Kim Park"].line == 4


def test_outlook_exchange_contact_takes_the_address_from_the_display_name() -> None:
    people = by_name(list(outlook_csv.parse(open_file("outlook_utf16_tab.csv"))))
    assert people["Kim Park"].email == "kim.park@contoso.example"
    assert people["Kim Park"].phone == "+1 206 555 0199"


def test_outlook_utf8_with_bom() -> None:
    people = by_name(list(outlook_csv.parse(open_file("outlook_utf8_bom.csv"))))
    chloe = people["Chloé Dubois"]
    assert chloe.email == "chloe@contoso.example"
    assert chloe.other_emails == ["chloe.dubois@gmail.example"]
    assert chloe.linkedin_url == "https://www.linkedin.com/in/chloe-dubois"
    assert chloe.title == "Engineering Manager"
    assert chloe.notes == "=cmd|' /C calc'!A0"
    assert chloe.tags == ["Mentors", "Paris"]
    assert people["Fabrikam"].organization == "Fabrikam"


def test_outlook_windows_1252_accents() -> None:
    upload = open_file("outlook_cp1252.csv")
    assert upload.encoding == "cp1252"
    people = by_name(list(outlook_csv.parse(upload)))
    francoise = people["Françoise Müller"]
    assert francoise.organization == "Café Noir"
    assert francoise.title == "Gérante"
    assert francoise.notes == "Costs about 50 € — “worth it”"
    assert people["José Núñez"].organization == "Señor Niño S.A."


def test_outlook_semicolon_file_from_european_excel() -> None:
    text = (
        '"First Name";"Last Name";"E-mail Address";"Company";"Job Title";"Mobile Phone"\r\n'
        '"Søren";"Kierkegaard";"soren@example.dk";"Novo Nordisk";"Analyst";"+45 12 34 56 78"\r\n'
    )
    [soren] = list(outlook_csv.parse(open_bytes(text.encode("cp1252"))))
    assert isinstance(soren, ContactRecord)
    assert (soren.name, soren.organization, soren.phone) == (
        "Søren Kierkegaard",
        "Novo Nordisk",
        "+45 12 34 56 78",
    )


# --- Any other CSV --------------------------------------------------------------------


def test_generic_semicolon_csv_with_guessed_mapping() -> None:
    upload = open_file("csv_semicolon.csv")
    columns = generic_csv.columns(upload)
    assert columns == ["Full Name", "Email", "Mobile", "Company", "Role", "Notes", "Tags"]
    mapping = generic_csv.guess_mapping(columns)
    assert mapping == {
        "name": "Full Name",
        "email": "Email",
        "phone": "Mobile",
        "organization": "Company",
        "title": "Role",
        "notes": "Notes",
        "tags": "Tags",
    }
    items = list(generic_csv.parse(upload, mapping=mapping))
    people = by_name(items)
    asa = people["Åsa Lindström"]
    assert (asa.email, asa.phone, asa.organization) == (
        "asa@example.se",
        "+46 70 123 45 67",
        "Spotify",
    )
    assert asa.tags == ["mentor", "alumni"]
    assert people["陈静"].notes == "🎉 Met at the hackathon"
    assert people["Bo"].line == 7  # the blank ";;;;;;" row on line 6 is skipped
    [ragged] = row_errors(items)
    assert ragged.line == 5
    assert "8 cells" in ragged.message
    assert "semicolon" in ragged.message


def test_generic_keeps_formula_looking_values_as_text() -> None:
    upload = open_file("csv_semicolon.csv")
    mapping = generic_csv.guess_mapping(generic_csv.columns(upload))
    ngozi = by_name(list(generic_csv.parse(upload, mapping=mapping)))["Ngozi Okafor"]
    assert ngozi.organization == "Acme; Ltd"
    assert ngozi.title == "=1+2"
    assert ngozi.notes == "+cmd"
    assert ngozi.tags == ["@SUM(A1)"]


def test_generic_first_and_last_name_columns_are_joined() -> None:
    data = b"Given Name,Surname,Work Email\r\nAda,Lovelace,ada@example.com\r\n"
    upload = open_bytes(data)
    mapping = generic_csv.guess_mapping(generic_csv.columns(upload))
    assert mapping == {"first_name": "Given Name", "last_name": "Surname", "email": "Work Email"}
    [ada] = list(generic_csv.parse(upload, mapping=mapping))
    assert isinstance(ada, ContactRecord)
    assert (ada.name, ada.email) == ("Ada Lovelace", "ada@example.com")


def test_generic_repeated_and_blank_header_cells_get_distinct_names() -> None:
    upload = open_bytes(b"Name,Email,Email,\r\nAda,a@x.example,b@x.example,\r\n")
    assert generic_csv.columns(upload) == ["Name", "Email", "Email (2)", "Column 4"]
    mapping = {"name": "Name", "email": "Email", "other_emails": "Email (2)"}
    [ada] = list(generic_csv.parse(upload, mapping=mapping))
    assert isinstance(ada, ContactRecord)
    assert (ada.email, ada.other_emails) == ("a@x.example", ["b@x.example"])


def test_generic_row_with_no_name_or_organization_is_a_row_error() -> None:
    upload = open_bytes(b"Name,Company,Email\r\n,,lost@example.com\r\nAda,,\r\n")
    items = list(generic_csv.parse(upload, mapping={"name": "Name", "organization": "Company"}))
    assert [type(item).__name__ for item in items] == ["RowError", "ContactRecord"]
    assert items[0].line == 2


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"name": "Name", "shoe_size": "Email"}, "no field called “shoe_size”"),
        ({"name": "Full name"}, "no column called “Full name”"),
        ({"email": "Email"}, "name"),
    ],
)
def test_generic_refuses_a_mapping_that_does_not_fit(mapping: dict[str, str], message: str) -> None:
    upload = open_bytes(b"Name,Email\r\nAda,ada@example.com\r\n")
    with pytest.raises(FormatError, match=message):
        list(generic_csv.parse(upload, mapping=mapping))
