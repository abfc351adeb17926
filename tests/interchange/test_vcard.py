"""vCard import and export, on files written byte for byte as Apple, Google and Outlook do."""

from __future__ import annotations

import dataclasses
import io
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.interchange import vcard
from coffeechat.interchange.records import ContactRecord, FormatError, RowError
from coffeechat.interchange.textio import Limits, Upload
from coffeechat.network.models import Source

FILES = Path(__file__).parent / "files"
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=1_000)


def upload(data: bytes, limits: Limits = LIMITS) -> Upload:
    return Upload(io.BytesIO(data), name="contacts.vcf", limits=limits)


def read(data: bytes, limits: Limits = LIMITS) -> list[ContactRecord | RowError]:
    return list(vcard.parse(upload(data, limits)))


def read_file(name: str) -> list[ContactRecord | RowError]:
    return read((FILES / name).read_bytes())


def card(*lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in ["BEGIN:VCARD", *lines, "END:VCARD"]).encode()


def without_lines(items: list[ContactRecord | RowError]) -> list[ContactRecord | RowError]:
    return [dataclasses.replace(item, line=0) for item in items]


def exported(records: list[ContactRecord]) -> bytes:
    stream = io.StringIO(newline="")
    vcard.write(records, stream)
    return stream.getvalue().encode("utf-8")


def test_apple_contacts_export_reads_people_and_company_cards() -> None:
    amelie, taro, company = read_file("vcard_apple_contacts.vcf")

    assert amelie == ContactRecord(
        line=1,
        name="Amélie Lefèvre",
        email="amelie.lefevre@example.fr",  # type=pref comes first
        other_emails=["a.lefevre@socgen.example.com"],
        phone="+33 6 12 34 56 78",
        other_phones=["work: +33 1 42 14 20 00", "Desk line: +33 1 40 00 00 00"],
        linkedin_url="https://www.linkedin.com/in/amelie-lefevre",
        organization="Société Générale, Paris",
        title="Senior Analyst",
        field="Risk; Compliance",
        notes=(
            'Met at the alumni café, 3 March. Said: "write in April"; likes 🍵.\n'
            "Ask about the graduate programme and whether the team takes summer analysts "
            "from outside Paris."
        ),
    )
    assert taro == ContactRecord(
        line=135,  # after the 6 KB photo, folded over more than a hundred lines
        name="山田 太郎",
        email="taro.yamada@example.jp",
        phone="+81 90-1234-5678",
        other_phones=["home fax: +81 3-1234-5678", "main: +81 3-9876-5432"],
        organization="株式会社サンプル",
        title="エンジニア",
        field="研究開発部",
        notes=(
            "東京のカンファレンスで会った 👩🏽\u200d💻 — 日本の大学院について聞きたい。"
            "長い文章を折り返すためにもう少し書きます。"
        ),
    )
    assert company == ContactRecord(
        line=154,
        name="Blue Bottle Coffee",
        phone="+1 (510) 653-3394",
        organization="Blue Bottle Coffee",
    )


def test_photo_is_dropped_without_being_decoded() -> None:
    # Not base64 at all: vobject would fail on it if it ever decoded the photo.
    records = read(
        card(
            "VERSION:3.0",
            "FN:Ana Ruiz",
            "PHOTO;ENCODING=b;TYPE=JPEG:!!not*base64~~",
            " ~~still not base64~~",
            "\tand a tab-folded line",
            "item1.LOGO;ENCODING=b:@@@",
            "KEY;ENCODING=b:%%%",
            "SOUND;ENCODING=b:&&&",
            "EMAIL:ana@example.com",
        )
    )

    assert records == [ContactRecord(line=1, name="Ana Ruiz", email="ana@example.com")]


def test_google_contacts_export_unescapes_urls_and_skips_my_contacts() -> None:
    priya, email_only, phone_only = read_file("vcard_google_contacts.vcf")

    assert priya == ContactRecord(
        line=1,
        name="Priya Natarajan",
        email="priya.natarajan@examplehealth.org",
        other_emails=["priya.n@example.com"],
        phone="+1 415-555-0134",
        other_phones=["work: +1 415-555-0199"],
        linkedin_url="https://www.linkedin.com/in/priyanatarajan",
        organization="Example Health",
        title="Product Manager",
        notes="Introduced by Prof. Kim, BIO 201. Happy to talk about PM roles in health tech.",
        tags=["Alumni", "Healthcare"],
    )
    assert email_only == ContactRecord(line=20, email="recruiting@example.org")
    assert phone_only == RowError(27, "This card has no name, email address or organization.")


def test_outlook_21_export_with_bom_quoted_printable_and_literal_commas() -> None:
    chidi, jose = read_file("vcard_outlook_21.vcf")

    assert chidi == ContactRecord(
        line=1,
        name="Chidi Okafor",
        email="chidi.okafor@contoso.example.com",
        other_emails=["chidi@example.net"],
        phone="(425) 555-0100",
        other_phones=["mobile: (425) 555-0199", "work fax: (425) 555-0142"],
        linkedin_url="https://www.linkedin.com/in/chidi-okafor",
        organization="Contoso, Ltd.",  # 2.1 does not escape commas
        title="Director, Brand Strategy",
        field="Marketing",
        notes=(
            "Met at the Spring networking night, table 4.\n"
            "Follow up about the internship, mention Prof. García."
        ),
    )
    assert jose == ContactRecord(
        line=53,
        name="José García",
        email="jgarcia@example.edu.mx",
        organization="Universidad Autónoma",
        title="Profesor titular",
        field="Facultad de Ingeniería",
    )


def test_vcard_40_reads_pref_order_tel_uris_time_zone_and_org_kind() -> None:
    noor, labs = read_file("vcard_v4.vcf")

    assert noor == ContactRecord(
        line=1,
        name="Noor Haddad",
        email="noor.haddad@examplelabs.com",  # PREF=1, though written second
        other_emails=["noor@example.com"],
        phone="+1-555-555-0100",
        other_phones=["work: +1-555-555-0101"],
        linkedin_url="https://www.linkedin.com/in/noor-haddad",
        organization="Example Labs",
        title="Research Engineer",
        field="Research",
        time_zone="Europe/Berlin",
        notes="Prefers video calls, mornings Berlin time.",
        tags=["mentors", "research"],
    )
    assert labs == ContactRecord(
        line=20, name="Example Labs", email="hello@examplelabs.com", organization="Example Labs"
    )


def test_vcard_21_with_8bit_text_and_a_charset_python_does_not_know() -> None:
    records = read(
        card(
            "VERSION:2.1",
            "N;CHARSET=UTF-8;ENCODING=8BIT:Itō;Hana;;;",
            "FN;CHARSET=UTF-8;ENCODING=8BIT:Hana Itō, PhD",
            "TEL;CELL;PREF:+81 80 1111 2222",
            "TEL;HOME:03 1111 2222",
        )
        + card("VERSION:2.1", "FN;CHARSET=KLINGON;ENCODING=QUOTED-PRINTABLE:=41", "EMAIL:x@y.org")
    )

    assert records == [
        ContactRecord(
            line=1,
            name="Hana Itō, PhD",
            phone="+81 80 1111 2222",
            other_phones=["home: 03 1111 2222"],
        ),
        RowError(8, "This card could not be read (unknown encoding: KLINGON)."),
    ]


def test_quoted_printable_card_over_64_kb_is_a_row_error() -> None:
    long_note = "NOTE;ENCODING=QUOTED-PRINTABLE:" + "=41" * 30_000
    records = read(card("VERSION:2.1", "FN:Long", long_note) + card("FN:Short"))

    assert records == [
        RowError(1, "This card is too long: over 64 KB of quoted-printable text."),
        ContactRecord(line=6, name="Short"),
    ]


def test_same_file_reads_alike_with_lf_endings_or_utf16() -> None:
    original = (FILES / "vcard_google_contacts.vcf").read_bytes()
    text = original.decode("utf-8")

    assert read(text.replace("\r\n", "\n").encode()) == read(original)
    assert read(text.encode("utf-16")) == read(original)


def test_cut_off_file_raises_after_the_cards_before_it() -> None:
    records = vcard.parse(upload((FILES / "vcard_apple_cut_off.vcf").read_bytes()))

    assert next(records) == ContactRecord(line=1, name="Ada Okoye", email="ada.okoye@example.com")
    with pytest.raises(FormatError) as raised:
        next(records)
    assert raised.value.line == 8
    assert str(raised.value) == (
        "The card starting on line 8 has no END:VCARD — the file looks cut off. Export it again."
    )


def test_file_without_cards_is_refused() -> None:
    with pytest.raises(FormatError, match="no BEGIN:VCARD"):
        read_file("vcard_no_cards.vcf")


def test_card_vobject_rejects_is_a_row_error_and_the_others_still_import() -> None:
    marta, wei, petra = read_file("vcard_bad_card_in_middle.vcf")

    assert marta == ContactRecord(line=1, name="Marta Silva", email="marta.silva@example.com")
    assert isinstance(wei, RowError)
    assert wei.line == 7
    assert wei.message.startswith("This card could not be read (Failed to parse line: phone 555")
    assert petra == ContactRecord(
        line=14, name="Petra Novak", organization="City Hospital", field="Pediatrics"
    )


def test_card_with_no_end_before_the_next_card_is_a_row_error() -> None:
    data = b"BEGIN:VCARD\r\nFN:Lost Card\r\n" + card("FN:Kept Card")

    assert read(data) == [
        RowError(1, "This card has no END:VCARD before the next card begins."),
        ContactRecord(line=3, name="Kept Card"),
    ]


def test_more_cards_than_the_limit_is_refused() -> None:
    data = b"".join(card("VERSION:3.0", f"FN:Person {n}") for n in range(4))

    with pytest.raises(FormatError, match="more than 3 contacts"):
        read(data, Limits(max_bytes=1024 * 1024, max_rows=3))
    assert len(read(data, Limits(max_bytes=1024 * 1024, max_rows=4))) == 4


def test_parameters_that_would_make_vobject_backtrack_are_refused_quickly() -> None:
    started = time.monotonic()
    records = read(card("FN:Slow", "X-EVIL;Y" + "=a" * 40 + '"b:value'))

    assert records == [RowError(1, "This card has a line with too many parameters.")]
    assert time.monotonic() - started < 2


def test_linkedin_from_social_profile_and_only_iana_time_zones() -> None:
    records = read(
        card(
            "VERSION:3.0",
            "FN:Lina Park",
            "URL:https://linapark.example.com",
            "X-SOCIALPROFILE;type=twitter:https://twitter.com/linapark",
            "X-SOCIALPROFILE;type=linkedin;x-user=lina-park:x-apple:lina-park",
            "TZ:-05:00",
        )
        + card("VERSION:3.0", "FN:Omar Ali", "TZ;VALUE=text:Asia/Kolkata")
    )

    assert records == [
        ContactRecord(
            line=1, name="Lina Park", linkedin_url="https://www.linkedin.com/in/lina-park"
        ),
        ContactRecord(line=9, name="Omar Ali", time_zone="Asia/Kolkata"),
    ]


def test_name_from_n_when_fn_is_missing_and_formulas_stay_text() -> None:
    records = read(
        card("VERSION:3.0", "N:Doe;Jane;Q.;Dr.;PhD", "EMAIL:jane@example.com")
        + card(
            "VERSION:3.0",
            "N:Doe;Jane;;;",
            'TITLE:=HYPERLINK("http://evil.example")',
            "NOTE:+cmd|' /C calc'!A0",
            "ORG:@SUM(A1)",
            "X-COFFEECHAT-SOURCE:guest_speaker",
        )
        + card("VERSION:3.0", "FN:Sam Roe", "X-COFFEECHAT-SOURCE:not-a-source")
    )

    assert records == [
        ContactRecord(line=1, name="Dr. Jane Q. Doe PhD", email="jane@example.com"),
        ContactRecord(
            line=6,
            name="Jane Doe",
            title='=HYPERLINK("http://evil.example")',
            notes="+cmd|' /C calc'!A0",
            organization="@SUM(A1)",
            source="guest_speaker",
        ),
        ContactRecord(line=14, name="Sam Roe"),
    ]


FULL = ContactRecord(
    line=1,
    name="Amélie de la Tour-Lefèvre",
    email="amelie@example.fr",
    other_emails=["a.tour@example.com", "amelie,work@example.org"],
    phone="+33 6 12 34 56 78",
    other_phones=["mobile: +33 6 00 00 00 00", "Desk; Lab 2: 0100", "no label at all"],
    linkedin_url="https://www.linkedin.com/in/amelie-tour",
    organization="Société Générale, Paris",
    title="Analyst; Risk",
    field="Risk \\ Compliance",
    time_zone="Europe/Paris",
    notes="Line one, with a comma.\nLine two; 山田 👩🏽‍💻" + " long" * 40,
    source=Source.ALUMNI.value,
    tags=["alumni", "finance, banking", "巴黎"],
)


def test_write_emits_vcard_30_with_crlf_folded_at_75_octets() -> None:
    stream = io.StringIO(newline="")

    assert vcard.write([FULL, ContactRecord(line=2, name="Sam")], stream) == 2
    data = stream.getvalue().encode("utf-8")
    lines = data.split(b"\r\n")
    assert lines[:3] == [b"BEGIN:VCARD", b"VERSION:3.0", b"PRODID:" + vcard.PRODID.encode()]
    assert lines[-1] == b"" and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    for expected in [
        "FN:Amélie de la Tour-Lefèvre",
        "N:Tour-Lefèvre;Amélie de la;;;",
        "ORG:Société Générale\\, Paris;Risk \\\\ Compliance",
        "TITLE:Analyst\\; Risk",
        "EMAIL;TYPE=INTERNET,PREF:amelie@example.fr",
        "TEL;TYPE=CELL:+33 6 00 00 00 00",
        "item2.X-ABLABEL:Desk\\; Lab 2",
        "URL;TYPE=linkedin:https://www.linkedin.com/in/amelie-tour",
        "CATEGORIES:alumni,finance\\, banking,巴黎",
        "TZ;VALUE=text:Europe/Paris",
        "X-COFFEECHAT-SOURCE:alumni",
        "FN:Sam",
        "N:;Sam;;;",
    ]:
        assert expected in unfolded
    assert unfolded.count("END:VCARD") == 2


def test_written_cards_read_back_to_the_same_records() -> None:
    second = ContactRecord(line=2, organization="Blue Bottle Coffee", email="hi@example.com")

    read_back = read(exported([FULL, second]))

    assert without_lines(read_back) == without_lines([FULL, second])
    assert read_back[0].line == 1 and read_back[1].line > 20


def test_carriage_returns_come_back_as_newlines() -> None:
    # vCard has one newline, \n; a note typed in a browser textarea has CRLF.
    record = ContactRecord(line=1, name="Kai", notes="one\r\ntwo\rthree")

    assert read(exported([record])) == [dataclasses.replace(record, notes="one\ntwo\nthree")]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_only_raise_format_error(data: bytes) -> None:
    try:
        items = read(data)
    except FormatError as error:
        assert str(error).strip()
    else:
        assert all(isinstance(item, ContactRecord | RowError) for item in items)


NAMES = ["BEGIN", "END", "VERSION", "FN", "N", "ORG", "EMAIL", "TEL", "URL", "PHOTO", "NOTE"]
NAMES += ["CATEGORIES", "TZ", "X-ABLabel", "item1.EMAIL", "item1.X-ABLabel", "X-SOCIALPROFILE"]
NAMES += ["KIND", "X-ABShowAs", "ADR", "item2.TEL"]
PARAMETERS = [";TYPE=pref", ";type=INTERNET", ";PREF=1", ";ENCODING=b", ";VALUE=uri", ";CELL"]
PARAMETERS += [";ENCODING=QUOTED-PRINTABLE", ";CHARSET=utf-8", ";CHARSET=nope", ";X=a=b,c", ""]
PARAMETERS += [";ENCODING=8BIT", ';TYPE="work,voice"', ";BASE64"]
lines = st.one_of(
    st.builds(
        "{}{}:{}".format,
        st.sampled_from(NAMES),
        st.sampled_from(PARAMETERS),
        st.one_of(st.sampled_from(["VCARD", "2.1", "3.0", "4.0", "=C3=A9=", "tel:+1"]), st.text()),
    ),
    st.text(max_size=40).map(lambda text: " " + text),
    st.text(max_size=40),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(lines, max_size=8).map(
            lambda body: "BEGIN:VCARD\r\n" + "\r\n".join(body) + "\r\nEND:VCARD\r\n"
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_arbitrary_cards_only_raise_format_error(cards: list[str], cut: bool) -> None:
    text = "".join(cards)
    try:
        results = read((text[: len(text) // 2] if cut else text).encode())
    except FormatError:
        return
    assert all(isinstance(item, ContactRecord | RowError) for item in results)


# vCard cannot tell \r from \n, and an upload refuses NUL; the rest must come back as written.
characters = st.characters(exclude_characters="\r\x00", exclude_categories=("Cs",))
clean = st.text(characters, max_size=30).map(str.strip)
filled = clean.filter(bool)
labelled = st.tuples(st.sampled_from(["mobile", "work fax", "iPhone", "Lab", "voice"]), filled)
notes = st.text(characters, max_size=200).map(str.strip)
other_phones = st.one_of(filled, labelled.map(": ".join), st.tuples(filled, filled).map(": ".join))


@st.composite
def records(draw: st.DrawFn) -> ContactRecord:
    # An empty first email (or phone) with others after it reads back with the first of
    # them promoted, so the strategy only writes others where there is a first.
    email, phone = draw(clean), draw(clean)
    return ContactRecord(
        line=0,
        name=draw(filled),
        email=email,
        other_emails=draw(st.lists(filled, max_size=2)) if email else [],
        phone=phone,
        other_phones=draw(st.lists(other_phones, max_size=3)) if phone else [],
        linkedin_url=draw(st.one_of(clean, st.just("https://www.linkedin.com/in/kim-lee"))),
        organization=draw(clean),
        title=draw(clean),
        field=draw(clean),
        time_zone=draw(st.sampled_from(["", "UTC", "America/Chicago", "Asia/Kolkata"])),
        notes=draw(notes),
        source=draw(st.sampled_from(["", *Source.values])),
        tags=draw(st.lists(filled.filter(lambda t: t != "myContacts"), max_size=3, unique=True)),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(records(), min_size=1, max_size=2))
def test_write_then_parse_returns_the_same_values(written: list[ContactRecord]) -> None:
    read_back = read(exported(written))

    assert without_lines(read_back) == written
