"""The import engine on plain records: matching, merging, one transaction, re-imports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.interchange import importing
from coffeechat.interchange.importing import ImportOptions, contacts_import
from coffeechat.interchange.records import ContactRecord, FormatError, RowError
from coffeechat.network.models import Contact, Organization, Tag
from coffeechat.network.selectors import ContactFilters, contact_list
from tests.factories import make_contact, make_organization

pytestmark = pytest.mark.django_db


def run(owner, records, *, dry_run=False, **options):
    return contacts_import(
        owner=owner, records=records, options=ImportOptions(**options), dry_run=dry_run
    )


def rec(line, name, **fields):
    return ContactRecord(line=line, name=name, **fields)


def test_new_people_are_created_with_their_organization_tags_and_source(alice):
    report = run(
        alice,
        [
            rec(2, "Zoë Ångström", organization="Acme Health", title="Nurse", tags=["Mentors"]),
            rec(3, "李小龍", email="li@example.com", organization="acme health"),
        ],
        source="alumni",
        tag="import-1",
    )
    assert (report.created, report.merged, report.unchanged) == (2, 0, 0)
    zoe = Contact.objects.get(owner=alice, name="Zoë Ångström")
    li = Contact.objects.get(owner=alice, name="李小龍")
    assert zoe.organization == li.organization
    assert Organization.objects.filter(owner=alice).count() == 1
    assert zoe.source == "alumni"
    assert sorted(t.name for t in zoe.tags.all()) == ["Mentors", "import-1"]
    # The search columns are filled: unaccented search finds her.
    page = contact_list(alice, filters=ContactFilters(q="zoe angstrom"))
    assert [c.name for c in page.items] == ["Zoë Ångström"]


def test_the_same_records_again_create_nothing(alice):
    records = [
        rec(2, "Dana Reyes", email="dana@example.com", organization="Acme", tags=["x"]),
        rec(3, "Sam Lee", linkedin_url="https://www.linkedin.com/in/samlee", other_emails=[]),
        rec(4, "Kim Park", organization="Globex", connected_on=dt.date(2024, 3, 15)),
        rec(5, "Solo Person"),
    ]
    first = run(alice, records, tag="linkedin")
    assert first.created == 4
    again = run(alice, records, tag="linkedin")
    assert (again.created, again.merged, again.unchanged) == (0, 0, 4)
    assert Contact.objects.filter(owner=alice).count() == 4


def test_matches_by_email_then_linkedin_then_name_at_organization(alice):
    acme = make_organization(alice, "Acme")
    by_email = make_contact(alice, "Dana R.", email="Dana@Example.com")
    by_profile = make_contact(alice, "Sam", linkedin_url="http://linkedin.com/in/SamLee/")
    by_name = make_contact(alice, "Jonathan Smith", organization=acme)
    report = run(
        alice,
        [
            rec(2, "Dana Reyes", email="dana@example.com", title="Analyst"),
            rec(3, "Samuel Lee", linkedin_url="https://www.linkedin.com/in/samlee?trk=x"),
            rec(4, "Jonathan A. Smith", organization="ACME", phone="555-0100"),
        ],
    )
    assert report.created == 0
    reasons = {row.line: (row.contact, row.reason) for row in report.rows["merge"]}
    reasons.update({row.line: (row.contact, row.reason) for row in report.rows["unchanged"]})
    assert reasons[2] == (str(by_email.uuid), "same email address")
    assert reasons[3] == (str(by_profile.uuid), "same LinkedIn profile")
    assert reasons[4][0] == str(by_name.uuid)
    assert "Acme" in reasons[4][1] or "ACME" in reasons[4][1]
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    assert by_email.title == "Analyst"  # an empty field is filled
    assert by_email.name == "Dana R."  # the name is never replaced
    assert by_name.phone == "555-0100"


def test_same_name_at_different_organizations_are_different_people(alice):
    make_contact(alice, "Alex Kim", organization=make_organization(alice, "Initech"))
    report = run(alice, [rec(2, "Alex Kim", organization="Globex")])
    assert report.created == 1
    assert Contact.objects.filter(owner=alice, name="Alex Kim").count() == 2


def test_a_different_value_is_a_conflict_kept_unless_chosen(alice):
    dana = make_contact(alice, "Dana Reyes", email="dana@example.com", title="Analyst")
    records = [rec(7, "Dana Reyes", email="dana@example.com", title="Manager")]
    report = run(alice, records)
    assert report.unchanged == 1 and report.conflict_count == 1
    (row,) = report.rows["review"]
    assert row.conflicts == [
        {
            "field": "title",
            "label": "Title or role",
            "old": "Analyst",
            "new": "Manager",
            "replaced": False,
        }
    ]
    dana.refresh_from_db()
    assert dana.title == "Analyst"
    report = run(alice, records, overwrite_lines=frozenset({7}))
    dana.refresh_from_db()
    assert dana.title == "Manager"
    assert report.merged == 1


def test_overwrite_all_replaces_organization_too(alice):
    dana = make_contact(alice, "Dana Reyes", email="d@example.com", organization=None)
    dana.organization = make_organization(alice, "Old Co")
    dana.save()
    run(
        alice,
        [rec(2, "Dana Reyes", email="d@example.com", organization="New Co")],
        overwrite_all=True,
    )
    dana.refresh_from_db()
    assert dana.organization.name == "New Co"
    assert "new co" in dana.search_text


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        ("Jonathan Smith", "Jon Smith", True),
        ("Jonathan Smith", "Jonathan A. Smith", True),
        ("Jane Doe", "Dr. Jane Doe, PhD", True),
        ("Smith, John", "John Smith", True),
        ("José Núñez", "Jose Nunez", True),
        ("Maria Garcia", "Mario Garcia", False),
        ("John Smith", "Jane Smith", False),
        ("Chris Lee", "Chris Park", False),
    ],
)
def test_name_similarity_at_one_organization(ours, theirs, same):
    score = importing.name_similarity(ours, theirs)
    assert (score >= importing.FUZZY_THRESHOLD) is same


def test_a_fuzzy_match_is_flagged_and_can_be_declared_another_person(alice):
    make_contact(alice, "Jonathan Smith", organization=make_organization(alice, "Acme"))
    preview = run(alice, [rec(4, "Jon Smith", organization="Acme")], dry_run=True)
    assert preview.created == 0
    (row,) = preview.rows["review"]
    assert row.fuzzy and row.line == 4 and row.contact_name == "Jonathan Smith"
    report = run(alice, [rec(4, "Jon Smith", organization="Acme")], separate_lines=frozenset({4}))
    assert report.created == 1
    assert Contact.objects.filter(owner=alice).count() == 2


def test_duplicates_inside_one_file_become_one_person(alice):
    report = run(
        alice,
        [
            rec(2, "Dana Reyes", email="dana@example.com"),
            rec(3, "Dana Reyes", email="DANA@example.com", phone="555"),
        ],
    )
    assert report.created == 1 and report.merged == 1
    assert Contact.objects.get(owner=alice).phone == "555"


def test_duplicates_across_batches_become_one_person(alice, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 3)
    records = [rec(i, f"Person {i}", email=f"p{i}@example.com") for i in range(2, 9)]
    records.append(rec(9, "Person 2 again", email="p2@example.com", title="Chef"))
    report = run(alice, records)
    assert report.created == 7 and report.merged == 1
    assert Contact.objects.get(owner=alice, email="p2@example.com").title == "Chef"


def test_dry_run_writes_nothing_and_predicts_the_import(alice):
    sam = make_contact(alice, "Sam Lee")
    records = [
        rec(2, "Dana Reyes", organization="Acme", tags=["t"]),
        rec(3, "Sam Lee", title="Chef"),
        rec(4, "Dana Reyes", organization="Acme", title="Boss"),
    ]
    preview = run(alice, records, dry_run=True)
    assert (Contact.objects.count(), Organization.objects.count(), Tag.objects.count()) == (1, 0, 0)
    # Only people who exist are named: not Dana, who would be added (and then updated).
    named = {row.line: row.contact for kind in preview.rows.values() for row in kind}
    assert named == {2: "", 3: str(sam.uuid), 4: ""}
    real = run(alice, records)
    assert (preview.created, preview.merged) == (real.created, real.merged)


def test_a_file_error_half_way_writes_nothing(alice, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)

    def records():
        yield rec(2, "A One")
        yield rec(3, "B Two")
        yield rec(4, "C Three")
        raise FormatError("The card starting on line 5 has no END:VCARD.")

    with pytest.raises(FormatError):
        run(alice, records())
    assert Contact.objects.count() == 0


def test_rows_that_cannot_be_read_are_reported_with_their_line(alice):
    report = run(
        alice,
        [
            RowError(2, "This row has more cells than the header."),
            rec(3, ""),
            rec(4, "x" * 201),
            rec(5, "Nul\x00Byte"),
            rec(6, "Fine Person", email="not-an-email"),
        ],
    )
    assert report.created == 1
    assert [(e.line, e.message) for e in report.errors] == [
        (2, "This row has more cells than the header."),
        (3, "This row has no name, email address or organization."),
        (4, "The name is longer than 200 characters."),
        (5, "This row contains a null character and cannot be read."),
    ]
    fine = Contact.objects.get(owner=alice)
    assert fine.email == ""
    assert "not-an-email" in fine.notes  # kept, not lost


def test_text_is_kept_exactly_including_formula_like_values(alice):
    names = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "🙂 Émilie 東京"]
    run(alice, [rec(i, n, title=n) for i, n in enumerate(names, start=2)])
    stored = sorted(Contact.objects.filter(owner=alice).values_list("name", "title"))
    assert stored == sorted((n, n) for n in names)


def test_other_emails_phones_and_connection_date_go_to_the_notes(alice):
    run(
        alice,
        [
            rec(
                2,
                "Dana",
                email="a@example.com",
                other_emails=["b@example.com"],
                phone="1",
                other_phones=["mobile: 2"],
                connected_on=dt.date(2024, 3, 15),
            ),
        ],
    )
    notes = Contact.objects.get(owner=alice).notes
    assert "Other emails: b@example.com" in notes
    assert "Other phones: mobile: 2" in notes
    assert "Connected on LinkedIn: 2024-03-15" in notes


def test_another_users_people_are_never_matched(alice, bob):
    make_contact(bob, "Dana Reyes", email="dana@example.com")
    report = run(alice, [rec(2, "Dana Reyes", email="dana@example.com", title="X")])
    assert report.created == 1
    assert Contact.objects.get(owner=bob).title == ""


def test_queries_per_batch_do_not_grow_with_rows(alice, monkeypatch):
    # 40 rows stay under SQLite's 999 parameters per INSERT, so no insert is split.
    monkeypatch.setattr(importing, "BATCH", 40)

    def count(n):
        records = [
            rec(i, f"Person {i}", organization=f"Org {i % 5}", tags=["t"]) for i in range(2, n + 2)
        ]
        with CaptureQueriesContext(connection) as ctx:
            run(alice, records, dry_run=True)
        return len(ctx.captured_queries)

    one, two, three = count(40), count(80), count(120)
    per_batch = two - one
    assert three - two == per_batch
    assert per_batch <= 10  # a handful per 40 rows, not one or more per row
