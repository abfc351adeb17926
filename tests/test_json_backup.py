from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import api_token_create, profile_update
from coffeechat.interchange import json_backup, json_restore
from coffeechat.lib.text import squeeze
from coffeechat.network.demo import DEMO_CONTACT_COUNT, ORGANIZATIONS, demo_network_create
from coffeechat.network.models import Contact, Organization, Tag
from coffeechat.network.search import contacts_matching
from coffeechat.network.selectors import ContactFilters, contact_list
from coffeechat.network.services import contact_create, contact_update, tags_resolve
from coffeechat.outreach.models import BusyInterval, Calendar
from tests.factories import make_contact, make_organization, make_user


def backup(owner: Any) -> str:
    stream = io.StringIO()
    json_backup.write(owner, stream)
    return stream.getvalue()


def restore(owner: Any, text: str) -> dict[str, int]:
    return json_restore.restore(owner, io.StringIO(text))


def rows(owner: Any) -> tuple[int, ...]:
    return tuple(
        model.objects.filter(owner=owner).count()
        for model in (Contact, Organization, Tag, Calendar, BusyInterval)
    )


@pytest.fixture
def rich(alice: Any) -> Any:
    """The demo network plus the awkward cases: forward referrals, ties, unused rows."""
    demo_network_create(owner=alice)
    profile_update(
        profile=alice.profile,
        school="Midwest State University",
        graduation_year=2027,
        fields_of_interest="UX research, civic tech",
        elevator_pitch="I'm Alice — I study information sciences. 你好 👋",
        default_minutes=30,
        preferred_media=["video", "phone"],
        wording="coffee chat",
    )
    make_organization(alice, "Nobody Works Here Yet", lamp_motivation=2)
    tags_resolve(owner=alice, names=["unused tag"])
    people = Contact.objects.filter(owner=alice).order_by("created_at")
    # A referrer added after the person they referred, and a referral loop.
    first, last = people.first(), people.last()
    contact_update(contact=first, referred_by=last)
    contact_update(contact=last, referred_by=first)
    # Same name, same moment: the original order must survive.
    twins = [make_contact(alice, "Sam Lee", notes=note) for note in ("first", "second")]
    moment = dt.datetime(2024, 9, 1, 14, 30, tzinfo=dt.UTC)
    Contact.objects.filter(pk__in=[t.pk for t in twins]).update(created_at=moment)
    api_token_create(user=alice, name="laptop script")
    classes = Calendar.objects.create(owner=alice, name="Classes", event_count=2)
    feed = Calendar.objects.create(
        owner=alice,
        name="Work shifts",
        source_url="https://calendar.example.edu/shifts.ics",
        refreshed_at=moment,
        last_error="The server did not answer in time.",
        event_count=1,
    )
    for calendar, hour, summary in [
        (classes, 15, "INFO 303 — lecture"),
        (classes, 9, "Statistik-Übung"),
        (feed, 9, ""),
    ]:
        start = moment + dt.timedelta(days=1, hours=hour)
        BusyInterval.objects.create(
            owner=alice,
            calendar=calendar,
            start=start,
            end=start + dt.timedelta(hours=1),
            summary=summary,
        )
    return alice


def test_export_restore_export_gives_the_same_bytes(rich, bob):
    text = backup(rich)
    counts = restore(bob, text)
    assert counts == {
        "organizations": len(ORGANIZATIONS) + 1,
        "tags": Tag.objects.filter(owner=rich).count(),
        "contacts": DEMO_CONTACT_COUNT + 2,
        "calendars": 2,
        "busy_intervals": 3,
    }
    assert rows(bob) == rows(rich)
    assert backup(bob) == text
    # Alice's own data is untouched by the restore into Bob's account.
    assert backup(rich) == text


def test_restore_keeps_every_field_and_link(rich, bob):
    restore(bob, backup(rich))

    def people(owner: Any) -> list[tuple[Any, ...]]:
        contacts = Contact.objects.filter(owner=owner).select_related("organization", "referred_by")
        return sorted(
            (
                c.name,
                c.email,
                c.linkedin_url,
                c.organization.name if c.organization else None,
                c.title,
                c.time_zone,
                c.source,
                c.referred_by.name if c.referred_by else None,
                c.practice,
                c.notes,
                tuple(sorted(t.name for t in c.tags.all())),
                c.created_at,
                c.updated_at,
                sorted(c.search_text.split()),  # tags may come in another order
                c.email_key,
            )
            for c in contacts
        )

    assert people(bob) == people(rich)
    fields = ["name", "website", "notes", "lamp_advocate", "lamp_motivation", "lamp_posting"]
    organizations = Organization.objects.order_by("name")
    assert list(organizations.filter(owner=bob).values_list(*fields, "created_at")) == list(
        organizations.filter(owner=rich).values_list(*fields, "created_at")
    )
    calendar_fields = ["name", "source_url", "created_at", "refreshed_at", "last_error"]
    calendars = Calendar.objects.order_by("name")
    assert list(calendars.filter(owner=bob).values_list(*calendar_fields, "event_count")) == list(
        calendars.filter(owner=rich).values_list(*calendar_fields, "event_count")
    )
    busy = BusyInterval.objects.order_by("start", "summary")
    assert list(
        busy.filter(owner=bob).values_list("calendar__name", "start", "end", "summary")
    ) == (list(busy.filter(owner=rich).values_list("calendar__name", "start", "end", "summary")))
    restored = Profile.objects.get(user=bob)
    assert restored.elevator_pitch == "I'm Alice — I study information sciences. 你好 👋"
    assert restored.preferred_media == ["video", "phone"]
    assert restored.time_zone == "America/Chicago"
    assert restored.completed_at == rich.profile.completed_at


def test_the_document_is_versioned_and_holds_no_ids_tokens_or_password(rich):
    text = backup(rich)
    data = json.loads(text)
    sections = ["format", "version", "profile", "organizations", "tags", "contacts", "calendars"]
    assert list(data) == sections
    assert (data["format"], data["version"]) == ("coffeechat-backup", 1)
    assert "user" not in data["profile"] and "id" not in data["profile"]
    lina = next(c for c in data["contacts"] if c["name"] == "李娜")
    assert lina["organization"].startswith("org-")
    assert sorted(lina["tags"]) == lina["tags"] == ["civic tech", "data"]
    assert '"李娜"' in text  # written as UTF-8, not \\u escapes
    for contact in Contact.objects.filter(owner=rich)[:5]:
        assert str(contact.uuid) not in text
    assert rich.password not in text
    assert "laptop script" not in text and "cc_" not in text
    assert [o["key"] for o in data["organizations"]][:2] == ["org-1", "org-2"]
    twins = [c["notes"] for c in data["contacts"] if c["name"] == "Sam Lee"]
    assert twins == ["first", "second"]


def test_restored_people_are_found_by_search(rich, bob):
    restore(bob, backup(rich))
    found = contact_list(bob, filters=ContactFilters(q="nunez")).items
    assert [c.name for c in found] == ["José Núñez"]
    assert [c.owner_id for c in found] == [bob.pk]
    by_tag = contacts_matching(Contact.objects.filter(owner=bob), "civic tech lina")
    assert [c.name for c in by_tag] == []
    by_org = contacts_matching(Contact.objects.filter(owner=bob), "atlas data engineer")
    assert [c.name for c in by_org] == ["李娜"]


def test_thousands_of_people_restore_in_few_queries(bob, django_assert_max_num_queries):
    people = [
        {"key": f"contact-{n}", "name": f"Person {n:04}", "tags": ["bulk"], "organization": "org-1"}
        for n in range(1, 2001)
    ]
    people[0]["referred_by"] = "contact-2000"
    text = document(
        organizations=[{"key": "org-1", "name": "Acme"}],
        tags=[{"name": "bulk"}],
        contacts=people,
    )
    # Batches, not a query per person: SQLite takes about 50 rows per INSERT, PostgreSQL 500.
    with django_assert_max_num_queries(120):
        counts = restore(bob, text)
    assert counts["contacts"] == 2000
    assert Contact.objects.filter(owner=bob, tags__name="bulk").count() == 2000
    assert Contact.objects.get(owner=bob, name="Person 0001").referred_by.name == "Person 2000"
    found = contacts_matching(Contact.objects.filter(owner=bob), "person 1234 acme")
    assert [c.name for c in found] == ["Person 1234"]


# Documents that are refused, with nothing written ------------------------------------


def document(**sections: Any) -> str:
    data: dict[str, Any] = {
        "format": "coffeechat-backup",
        "version": 1,
        "profile": {"display_name": "Sam"},
        "organizations": [{"key": "org-1", "name": "Acme Health"}],
        "tags": [{"name": "ux"}],
        "contacts": [
            {"key": "contact-1", "name": "Dana Reyes", "organization": "org-1", "tags": ["ux"]},
            {"key": "contact-2", "name": "Lee Park", "referred_by": "contact-1"},
        ],
        "calendars": [],
    }
    data.update(sections)
    return json.dumps(data, ensure_ascii=False)


def changed(change: Callable[[dict[str, Any]], Any]) -> str:
    data = json.loads(document())
    change(data)
    return json.dumps(data, ensure_ascii=False)


def contact(**fields: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda data: data["contacts"][1].update(fields)


# 11:00 in UTC+2 is 09:00 UTC: an hour before 10:00 UTC.
LATE, EARLY = "2024-09-02T10:00:00Z", "2024-09-02T11:00:00+02:00"
BAD_DOCUMENTS: dict[str, tuple[str, str]] = {
    "empty": ("", "The file is empty"),
    "not JSON": ("{'format': 'coffeechat-backup'", "This is not a JSON file"),
    "a CSV file": ("Name,Email\nDana,dana@example.com\n", "This is not a JSON file"),
    "JSON list": ("[1, 2, 3]", "This is not a Coffeechat backup"),
    "JSON string": ('"coffeechat-backup"', "This is not a Coffeechat backup"),
    "wrong format": (changed(lambda d: d.update(format="vcard")), "not a Coffeechat backup"),
    "no format": (changed(lambda d: d.pop("format")), "not a Coffeechat backup"),
    "version 99": (changed(lambda d: d.update(version=99)), "made by a newer version of Coff"),
    "version text": (changed(lambda d: d.update(version="1")), "no valid “version”"),
    "version 0": (changed(lambda d: d.update(version=0)), "no valid “version”"),
    "no contacts": (changed(lambda d: d.pop("contacts")), "“contacts”: missing"),
    "no profile": (changed(lambda d: d.pop("profile")), "“profile”: missing"),
    "no calendars": (changed(lambda d: d.pop("calendars")), "“calendars”: missing"),
    "contacts object": (document(contacts={}), "“contacts”: must be a list"),
    "contact a string": (document(contacts=["Dana"]), "contacts #1: must be an object"),
    "contact no key": (changed(contact(key=None)), "needs a “key”"),
    "contact key twice": (changed(contact(key="contact-1")), "is used twice"),
    "contact no name": (changed(lambda d: d["contacts"][1].pop("name")), "cannot be blank"),
    "blank name": (changed(contact(name="   ")), "cannot be only spaces"),
    "long name": (changed(contact(name="x" * 10_000)), "at most 200 characters"),
    "long org name": (
        changed(lambda d: d["organizations"][0].update(name="y" * 10_000)),
        "at most 200 characters",
    ),
    "NUL in notes": (changed(contact(notes="a\x00b")), "NUL character"),
    "NUL in a tag": (document(tags=[{"name": "u\x00x"}]), "NUL character"),
    "lone surrogate": (changed(contact(notes="a\ud800b")), "broken character"),
    "practice text": (changed(contact(practice="yes")), "“practice” must be true or false"),
    "motivation text": (
        changed(lambda d: d["organizations"][0].update(lamp_motivation="3")),
        "must be a whole number",
    ),
    "motivation 7": (
        changed(lambda d: d["organizations"][0].update(lamp_motivation=7)),
        "less than or equal to 3",
    ),
    "tags not a list": (changed(contact(tags="ux")), "“tags” must be a list"),
    "unknown tag": (changed(contact(tags=["nope"])), "is not in the backup's “tags”"),
    "missing org": (changed(contact(organization="org-99")), "which is not in the backup"),
    "missing referrer": (changed(contact(referred_by="contact-9")), "not in the backup"),
    "refers to self": (changed(contact(referred_by="contact-2")), "the contact itself"),
    "org twice": (
        document(organizations=[{"key": "a", "name": "Acme"}, {"key": "b", "name": "ACME"}]),
        "listed twice",
    ),
    "tag twice": (document(tags=[{"name": "ux"}, {"name": "UX"}]), "listed twice"),
    "bad time zone": (changed(contact(time_zone="Mars/Olympus")), "time_zone"),
    "bad email": (changed(contact(email="not an email")), "valid email"),
    "bad source": (changed(contact(source="carrier pigeon")), "not a valid choice"),
    "script link": (changed(contact(linkedin_url="javascript:alert(1)")), "http://"),
    "naive time": (changed(contact(created_at="2024-01-01T09:00:00")), "with its offset"),
    "not a time": (changed(contact(created_at="yesterday")), "with its offset"),
    "profile minutes": (
        changed(lambda d: d["profile"].update(default_minutes=500)),
        "less than or equal to 120",
    ),
    "profile media": (changed(lambda d: d["profile"].update(preferred_media="video")), "a list"),
    "profile zone": (changed(lambda d: d["profile"].update(time_zone=7)), "must be text"),
    "busy ends first": (
        document(calendars=[{"name": "C", "busy": [{"start": LATE, "end": EARLY}]}]),
        "“end” must come after “start”",
    ),
    "busy no start": (
        document(calendars=[{"name": "C", "busy": [{"end": LATE}]}]),
        "busy #1: “start”: This field cannot be null",
    ),
    "busy not a list": (document(calendars=[{"name": "C", "busy": {}}]), "must be a list"),
    "calendar address": (
        document(calendars=[{"name": "C", "source_url": "file:///etc/passwd"}]),
        "“source_url”: Use the calendar's web address",
    ),
    "huge number": ('{"version": ' + "9" * 5000 + "}", "cannot be read"),
}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_a_bad_document_is_refused_and_writes_nothing(bob, name):
    text, message = BAD_DOCUMENTS[name]
    before = list(Profile.objects.filter(user=bob).values())
    with pytest.raises(ValidationError) as caught:
        restore(bob, text)
    assert message in caught.value.message_dict["file"][0]
    assert rows(bob) == (0, 0, 0, 0, 0)
    assert list(Profile.objects.filter(user=bob).values()) == before


def test_a_problem_in_the_last_record_still_writes_nothing(bob):
    people = [{"key": f"c{n}", "name": f"Person {n}"} for n in range(300)]
    people[-1]["email"] = "broken"
    with pytest.raises(ValidationError, match="contacts #300 “Person 299”: “email”"):
        restore(bob, document(contacts=people))
    assert rows(bob) == (0, 0, 0, 0, 0)
    assert Profile.objects.get(user=bob).display_name == ""


def test_several_problems_are_listed_at_once(bob):
    text = changed(
        lambda d: d["contacts"].extend({"key": f"x{n}", "name": "z" * 300} for n in range(9))
    )
    with pytest.raises(ValidationError) as caught:
        restore(bob, text)
    (message,) = caught.value.message_dict["file"]
    assert message.count("at most 200 characters") == 5
    assert "and 4 more problem(s)" in message


def test_a_file_over_the_size_limit_is_refused(bob, settings):
    settings.COFFEECHAT_IMPORT_MAX_BYTES = 1000
    text = changed(contact(notes="é" * 600))  # 600 characters, 1,200 bytes of UTF-8
    with pytest.raises(ValidationError, match="bigger than"):
        restore(bob, text)
    assert rows(bob) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("existing", ["contact", "organization", "tag", "calendar"])
def test_restore_refuses_an_account_that_is_not_empty(bob, existing):
    if existing == "contact":
        make_contact(bob, "Already Here")
    elif existing == "organization":
        make_organization(bob, "Already Here Inc")
    elif existing == "tag":
        tags_resolve(owner=bob, names=["already"])
    else:
        Calendar.objects.create(owner=bob, name="Classes")
    before = rows(bob)
    with pytest.raises(ValidationError, match="only be restored into an empty account") as caught:
        restore(bob, document())
    assert not hasattr(caught.value, "error_dict")  # about the account, not the file
    assert rows(bob) == before


def test_a_hand_written_document_may_leave_out_optional_keys_and_add_new_ones(bob):
    text = json.dumps(
        {
            "format": "coffeechat-backup",
            "version": 1,
            "profile": {"school": "Lakeside College", "a_key_from_a_later_release": True},
            "organizations": [],
            "tags": [],
            "contacts": [{"key": "p", "name": "Ana Silva", "nickname": "Ana"}],
            "calendars": [],
            "meetings": [{"anything": 1}],
        }
    )
    assert restore(bob, text)["contacts"] == 1
    ana = Contact.objects.get(owner=bob)
    assert (ana.name, ana.notes, ana.organization, ana.practice) == ("Ana Silva", "", None, False)
    assert ana.created_at is not None
    profile = Profile.objects.get(user=bob)
    assert (profile.school, profile.default_minutes) == ("Lakeside College", 20)


# Any text survives the round trip ---------------------------------------------------------

TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
NAMES = st.text(TEXT, min_size=1, max_size=200).filter(lambda s: squeeze(s) != "")
NOTES = st.text(TEXT, max_size=400)


def test_any_unicode_name_and_notes_round_trip(db):
    examples: list[int] = []

    @hypothesis_settings(max_examples=30, deadline=None, database=None)
    @given(people=st.lists(st.tuples(NAMES, NOTES), min_size=1, max_size=3))
    def round_trip(people: list[tuple[str, str]]) -> None:
        # One transaction per example, rolled back, so every example starts from nothing.
        with transaction.atomic():
            owner, target = make_user("owner"), make_user("target")
            for name, notes in people:
                contact_create(owner=owner, name=name, notes=notes, tags=["ünïcode"])
            text = backup(owner)
            restore(target, text)
            assert backup(target) == text
            restored = Contact.objects.filter(owner=target).values_list("name", "notes")
            assert sorted(restored) == sorted((squeeze(n), notes) for n, notes in people)
            transaction.set_rollback(True)
        examples.append(len(people))

    round_trip()
    assert len(examples) >= 30
    assert not Contact.objects.exists()
