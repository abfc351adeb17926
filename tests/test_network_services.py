from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.conversations import services as conversations
from coffeechat.conversations.models import Referral, Research, ResearchLink
from coffeechat.network import services
from coffeechat.network.models import Contact, Organization, Source, Tag
from coffeechat.outreach.models import Meeting
from coffeechat.outreach.services import meeting_schedule
from tests.factories import make_contact, make_organization


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": "Dana", "email": "not-an-email"}, "email"),
        ({"name": "Dana", "linkedin_url": "javascript:alert(1)"}, "linkedin_url"),
        ({"name": "Dana", "linkedin_url": "linkedin.com/in/dana"}, "linkedin_url"),
        ({"name": "Dana", "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"name": "Dana", "source": "psychic"}, "source"),
        ({"name": "Dana", "notes": "n" * 20_001}, "notes"),
        ({"name": "Dana", "title": "t" * 10_000}, "title"),
    ],
)
def test_bad_contact_input_is_refused_and_saves_nothing(alice, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(owner=alice, **fields)
    assert field in caught.value.message_dict
    assert Contact.objects.count() == 0


def test_bad_tag_is_refused_and_saves_nothing(alice):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(owner=alice, name="Dana", tags="ok, " + "t" * 51)
    assert "tags" in caught.value.message_dict
    assert Contact.objects.count() == 0
    assert Tag.objects.count() == 0


def test_create_tidies_text_and_keeps_it_exact(alice):
    contact = make_contact(
        alice, "  李娜   Zoë  ", email=" zoe@example.com ", notes="Loves 🎻 — “quotes”"
    )
    contact.refresh_from_db()
    assert contact.name == "李娜 Zoë"
    assert contact.email == "zoe@example.com"
    assert contact.notes == "Loves 🎻 — “quotes”"
    assert contact.sort_name == "李娜 zoe"


def test_organization_is_found_by_name_ignoring_case(alice):
    first = make_contact(alice, "A", organization_name="Acme Health")
    second = make_contact(alice, "B", organization_name="  acme   health ")
    assert first.organization == second.organization
    assert Organization.objects.filter(owner=alice).count() == 1


def test_tags_are_shared_and_deduplicated_ignoring_case(alice):
    a = make_contact(alice, "A", tags="UX, chicago, ux")
    b = make_contact(alice, "B", tags=["Chicago"])
    assert sorted(t.name for t in a.tags.all()) == ["UX", "chicago"]
    assert [t.name for t in b.tags.all()] == ["chicago"]
    assert Tag.objects.filter(owner=alice).count() == 2


def test_update_changes_only_given_fields(alice):
    contact = make_contact(alice, "Dana", email="dana@example.com", tags="ux")
    services.contact_update(contact=contact, title="Designer")
    contact.refresh_from_db()
    assert (contact.title, contact.email) == ("Designer", "dana@example.com")
    assert [t.name for t in contact.tags.all()] == ["ux"]


def test_failed_update_saves_nothing(alice):
    contact = make_contact(alice, "Dana", tags="ux")
    with pytest.raises(ValidationError):
        services.contact_update(contact=contact, name="", tags="new")
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.name == "Dana"
    assert [t.name for t in contact.tags.all()] == ["ux"]


def test_cannot_link_to_another_users_contact_or_organization(alice, bob):
    bobs_friend = make_contact(bob, "Bob's friend")
    bobs_org = make_organization(bob, "Bob Corp")
    with pytest.raises(ValidationError) as caught:
        services.contact_create(owner=alice, name="X", referred_by=bobs_friend)
    assert "referred_by" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.contact_create(owner=alice, name="X", organization=bobs_org)
    assert "organization" in caught.value.message_dict
    assert not Contact.objects.filter(owner=alice).exists()


def test_contact_cannot_refer_themselves(alice):
    contact = make_contact(alice, "Dana")
    with pytest.raises(ValidationError) as caught:
        services.contact_update(contact=contact, referred_by=contact)
    assert "referred_by" in caught.value.message_dict


def test_deleting_a_referrer_keeps_the_people_they_referred(alice):
    referrer = make_contact(alice, "Referrer")
    referred = make_contact(alice, "Referred", referred_by=referrer)
    services.contact_delete(contact=referrer)
    referred.refresh_from_db()
    assert referred.referred_by is None


def test_deleting_an_organization_keeps_its_people_and_their_search(alice):
    org = make_organization(alice, "Globex")
    person = make_contact(alice, "Dana", organization=org)
    assert "globex" in person.search_text
    services.organization_delete(organization=org)
    person.refresh_from_db()
    assert person.organization is None
    assert "globex" not in person.search_text


def test_renaming_an_organization_updates_its_peoples_search_text(alice):
    org = make_organization(alice, "Globex")
    person = make_contact(alice, "Dana", organization=org)
    services.organization_update(organization=org, name="Initech")
    person.refresh_from_db()
    assert "initech" in person.search_text
    assert "globex" not in person.search_text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "website": "ftp://example.com"}, "website"),
        ({"name": "A", "lamp_motivation": 4}, "lamp_motivation"),
        ({"name": "A", "lamp_posting": 0}, "lamp_posting"),
    ],
)
def test_bad_organization_input_is_refused(alice, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.organization_create(owner=alice, **fields)
    assert field in caught.value.message_dict
    assert not Organization.objects.exists()


def test_organization_names_are_unique_per_owner_only(alice, bob):
    make_organization(alice, "Acme")
    with pytest.raises(ValidationError) as caught:
        services.organization_create(owner=alice, name="ACME")
    assert "name" in caught.value.message_dict
    assert make_organization(bob, "Acme").owner == bob


# Bulk actions -----------------------------------------------------------------


def test_bulk_tag_and_untag_only_touch_the_owners_contacts(alice, bob):
    a1, a2 = make_contact(alice, "A1"), make_contact(alice, "A2")
    b1 = make_contact(bob, "B1")
    count = services.contacts_tag(owner=alice, ids=[a1.uuid, a2.uuid, b1.uuid], tag="Spring")
    assert count == 2
    assert set(Contact.objects.filter(tags__name="Spring").values_list("name", flat=True)) == {
        "A1",
        "A2",
    }
    a1.refresh_from_db()
    assert "spring" in a1.search_text
    services.contacts_tag(owner=alice, ids=[a1.uuid], tag="spring", remove=True)
    a1.refresh_from_db()
    assert not a1.tags.exists()
    assert "spring" not in a1.search_text
    assert not b1.tags.exists()


def test_bulk_delete_ignores_other_users_ids(alice, bob):
    a1 = make_contact(alice, "A1")
    b1 = make_contact(bob, "B1")
    assert services.contacts_delete(owner=alice, ids=[a1.uuid, b1.uuid]) == 1
    assert list(Contact.objects.values_list("name", flat=True)) == ["B1"]


# Merge ------------------------------------------------------------------------


def test_merge_keeps_every_non_empty_field_and_all_links(alice):
    referrer = make_contact(alice, "Referrer")
    keep = make_contact(
        alice, "Dana Reyes", email="dana@work.com", tags="ux", notes="Met at the fair."
    )
    other = make_contact(
        alice,
        "Dana R.",
        email="dana@home.com",
        phone="555-0100",
        title="Designer",
        source=Source.RECRUITER,
        referred_by=referrer,
        practice=True,
        tags="chicago, UX",
        notes="Likes climbing.",
    )
    referred_by_other = make_contact(alice, "Friend of Dana", referred_by=other)

    merged = services.contact_merge(keep=keep, other=other)

    assert not Contact.objects.filter(pk=other.pk).exists()
    merged.refresh_from_db()
    assert merged.email == "dana@work.com"  # keep wins a conflict by default
    assert merged.phone == "555-0100"  # empty fields are filled
    assert merged.title == "Designer"
    assert merged.source == Source.RECRUITER
    assert merged.referred_by == referrer
    assert merged.practice is True
    assert sorted(t.name for t in merged.tags.all()) == ["chicago", "ux"]
    assert "Met at the fair." in merged.notes and "Likes climbing." in merged.notes
    assert "dana@home.com" in merged.notes  # the value not kept is not lost
    assert "Dana R." in merged.notes
    referred_by_other.refresh_from_db()
    assert referred_by_other.referred_by == merged
    assert "designer" in merged.search_text and "chicago" in merged.search_text


def test_merge_can_take_the_duplicates_value(alice):
    keep = make_contact(alice, "Dana", email="old@example.com")
    other = make_contact(alice, "Dana", email="new@example.com")
    conflicts = services.merge_conflicts(keep, other)
    assert list(conflicts) == ["email"]
    merged = services.contact_merge(keep=keep, other=other, take=["email"])
    assert merged.email == "new@example.com"
    assert "old@example.com" in merged.notes


def test_merge_of_a_referrer_and_the_person_they_referred_leaves_no_self_reference(alice):
    keep = make_contact(alice, "Dana")
    other = make_contact(alice, "Dana (dup)")
    services.contact_update(contact=keep, referred_by=other)
    merged = services.contact_merge(keep=keep, other=other)
    merged.refresh_from_db()
    assert merged.referred_by is None


def test_merge_refuses_another_users_contact_and_changes_nothing(alice, bob):
    keep = make_contact(alice, "Dana")
    other = make_contact(bob, "Dana")
    with pytest.raises(ValidationError):
        services.contact_merge(keep=keep, other=other)
    assert Contact.objects.count() == 2


@pytest.mark.parametrize("field", ["name", "notes", "title", "email"])
def test_null_characters_are_refused(alice, field):
    fields = {"name": "Dana", field: "bad\x00value"}
    with pytest.raises(ValidationError) as caught:
        services.contact_create(owner=alice, **fields)
    assert caught.value.message_dict[field] == ["Null characters are not allowed."]
    assert Contact.objects.count() == 0


def test_null_characters_in_tags_and_organizations_are_refused(alice):
    with pytest.raises(ValidationError):
        services.contact_create(owner=alice, name="Dana", tags=["a\x00"])
    with pytest.raises(ValidationError):
        services.organization_create(owner=alice, name="Ac\x00me")
    assert not Contact.objects.exists() and not Organization.objects.exists()


def test_merge_of_two_people_with_research_meetings_and_referrals_keeps_everything(alice):
    # Later apps hang rows off a contact; a merge moves them all (and joins the research).
    start = timezone.now() - dt.timedelta(days=3)
    pat = make_contact(alice, "Pat Kim")
    keep = make_contact(alice, "Dana Reyes", organization_name="Acme Health")
    other = make_contact(alice, "Dana R.")
    conversations.research_update(contact=keep, notes="Runs the portal team.", searched=True)
    conversations.research_update(contact=other, notes="Ex-nurse.", linkedin_read=True)
    conversations.research_link_add(owner=alice, contact=keep, url="https://acme.example/dana")
    conversations.research_link_add(owner=alice, contact=other, url="https://news.example/dana")
    with_keep = meeting_schedule(owner=alice, contact=keep, start=start)
    with_other = meeting_schedule(owner=alice, contact=other, start=start + dt.timedelta(days=1))
    with_pat = meeting_schedule(owner=alice, contact=pat, start=start + dt.timedelta(days=2))
    lee, _ = conversations.referral_add(meeting=with_keep, name="Lee Park")
    sam, _ = conversations.referral_add(meeting=with_other, name="Sam Okafor")
    # Both were suggested in Pat's conversation, as two people: now known to be one.
    conversations.referral_add(meeting=with_pat, name="Dana Reyes")
    conversations.referral_add(meeting=with_pat, name="Dana R.")
    keep.refresh_from_db()
    other.refresh_from_db()

    merged = services.contact_merge(keep=keep, other=other)

    (research,) = Research.objects.filter(owner=alice)
    assert research.contact == merged
    assert "Runs the portal team." in research.notes and "Ex-nurse." in research.notes
    assert research.searched_at is not None and research.linkedin_read_at is not None
    assert sorted(link.url for link in ResearchLink.objects.filter(contact=merged)) == [
        "https://acme.example/dana",
        "https://news.example/dana",
    ]
    with_other.refresh_from_db()
    assert with_other.contact == merged and with_keep.contact == merged
    # Referrals made in either conversation stay with it; people referred by the duplicate
    # are now referred by the one kept.
    assert Referral.objects.get(pk=sam.pk).meeting == with_other
    assert Referral.objects.get(pk=sam.pk).contact.referred_by == merged
    assert Referral.objects.get(pk=lee.pk).contact.referred_by == merged
    suggested = Referral.objects.filter(meeting=with_pat)
    assert [r.contact for r in suggested] == [merged, merged]
    assert merged.referred_by == pat
    assert Referral.objects.filter(owner=alice).count() == 4
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_merge_moves_rows_whose_id_happens_to_equal_the_kept_contacts(alice):
    # Ids of different tables overlap: a row of another table numbered like the contact
    # kept is the duplicate's all the same, and must move with the rest.
    keep = make_contact(alice, "Dana Reyes")
    other = make_contact(alice, "Dana R.")
    link = conversations.research_link_add(owner=alice, contact=other, url="https://a.example")
    meeting = meeting_schedule(owner=alice, contact=other, start=timezone.now())
    for model, row in ((ResearchLink, link), (Meeting, meeting)):
        model.objects.filter(pk=row.pk).update(id=keep.pk)
    meeting = Meeting.objects.get(pk=keep.pk)
    referral, _ = conversations.referral_add(meeting=meeting, name="Lee Park")

    merged = services.contact_merge(keep=keep, other=other)

    assert ResearchLink.objects.get(pk=keep.pk).contact == merged
    assert Meeting.objects.get(pk=keep.pk).contact == merged
    assert Referral.objects.get(pk=referral.pk).meeting_id == keep.pk


def test_merge_moves_the_reply_that_referred_you_to_the_duplicate(alice):
    from coffeechat.outreach.models import Reply
    from coffeechat.outreach.services import reply_record

    referrer = make_contact(alice, "Dana Reyes")
    result = reply_record(
        owner=alice, contact=referrer, outcome="referred", referred_name="Sam Okafor"
    )
    keep = make_contact(alice, "Samuel Okafor")
    services.contact_merge(keep=keep, other=result.referred)
    assert Reply.objects.get(pk=result.reply.pk).referred_contact == keep
