"""Drafts: the variant that fits the contact, the student's details, real free times, and
built-in wording that passes the coach's checks."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from coffeechat.network.models import Source
from coffeechat.outreach import drafting, selectors, services
from coffeechat.outreach.models import Kind, Message
from coffeechat.outreach.slots import slot_from_json
from tests.factories import make_contact

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# Wednesday 25 November 2026, 10:00 in Chicago.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO)


@pytest.fixture
def student(alice):
    profile = alice.profile
    profile.display_name = "Alice Student"
    profile.school = "Midwest State University"
    profile.graduation_year = 2027
    profile.fields_of_interest = "UX research, health informatics"
    profile.preferred_media = ["phone", "video"]
    profile.save()
    return alice


def _contact(owner, **fields):
    fields.setdefault("organization_name", "Acme Health")
    fields.setdefault("title", "UX Researcher")
    fields.setdefault("email", "dana@acme.example")
    return make_contact(owner, fields.pop("name", "Dana Reyes"), **fields)


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"source": Source.ALUMNI}, Kind.REQUEST_ALUMNI),
        ({"source": Source.FACULTY}, Kind.REQUEST_KNOWN),
        ({"source": Source.LINKEDIN}, Kind.REQUEST_COLD),
        ({"source": ""}, Kind.REQUEST_COLD),
        ({"source": Source.REFERRAL}, Kind.REQUEST_REFERRAL),
        ({"source": Source.FACULTY, "practice": True}, Kind.REQUEST_PRACTICE),
    ],
)
def test_the_request_variant_fits_how_the_student_knows_them(student, fields, kind):
    contact = _contact(student, **fields)
    draft = services.message_draft(owner=student, contact=contact, now=NOW)
    assert draft.kind == kind
    assert not draft.is_sent


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"source": Source.FACULTY}, Kind.REQUEST_KNOWN),
        ({"source": Source.ALUMNI}, Kind.REQUEST_ALUMNI),
        ({"source": Source.LINKEDIN}, Kind.REQUEST_COLD),
        ({"source": Source.GUEST_SPEAKER}, Kind.REQUEST_COLD),
        ({"source": ""}, Kind.REQUEST_COLD),
        ({"source": Source.FRIEND_FAMILY, "practice": True}, Kind.REQUEST_PRACTICE),
        ({"source": Source.REFERRAL, "referrer": True}, Kind.REQUEST_REFERRAL),
    ],
)
def test_every_built_in_request_passes_every_required_check(student, fields, kind):
    if fields.pop("referrer", False):
        fields["referred_by"] = _contact(student, name="Jordan Lee", organization_name="Other")
    contact = _contact(student, **fields)
    draft = services.message_draft(owner=student, contact=contact, now=NOW)
    assert draft.kind == kind
    failing = [
        (c.code, c.fix)
        for c in selectors.message_checks(draft)
        if not c.ok and c.level == "required"
    ]
    assert failing == [], draft.body
    assert len(draft.slots) == 3


@pytest.mark.parametrize("kind", [Kind.NUDGE, Kind.WHO_ELSE, Kind.LINKEDIN_NOTE])
def test_other_built_in_messages_pass_their_checks(student, kind):
    contact = _contact(student, source=Source.ALUMNI)
    request = services.message_draft(owner=student, contact=contact, now=NOW)
    services.message_send(message=request, channel="copy", now=NOW)
    draft = services.message_draft(owner=student, contact=contact, kind=kind, now=NOW)
    failing = [
        c.code for c in selectors.message_checks(draft) if not c.ok and c.level == "required"
    ]
    assert failing == []


def test_a_request_names_the_student_the_referrer_the_ask_and_real_times(student):
    referrer = _contact(student, name="Jordan Lee", organization_name="Other Org")
    contact = _contact(student, referred_by=referrer)
    draft = services.message_draft(owner=student, contact=contact, minutes=25, now=NOW)
    assert draft.kind == Kind.REQUEST_REFERRAL
    assert draft.body.startswith("Hi Dana,")
    # The connection comes first.
    assert draft.body.splitlines()[2].startswith("Jordan Lee suggested I reach out")
    assert "a student at Midwest State University (class of 2027)" in draft.body
    assert "25 minutes" in draft.body
    assert "phone or Zoom" in draft.body
    assert "an informational interview" in draft.body
    assert draft.subject == "Jordan Lee suggested I contact you"
    # Every proposed time is in the body, as the label the contact reads.
    times = [line for line in draft.body.splitlines() if line.startswith("- ")]
    assert len(times) == len(draft.slots) == 3
    for value in draft.slots:
        slot = slot_from_json(value)
        assert slot.start > NOW
        assert slot.end - slot.start == dt.timedelta(minutes=25)


def test_the_wording_the_student_chose_is_used(student):
    student.profile.wording = "coffee chat"
    student.profile.save()
    draft = services.message_draft(owner=student, contact=_contact(student), now=NOW)
    assert "a coffee chat" in draft.body
    assert "informational interview" not in draft.body


def test_the_times_are_written_in_the_contacts_zone_with_the_students(student):
    contact = _contact(student, time_zone="America/New_York")
    draft = services.message_draft(owner=student, contact=contact, now=NOW)
    times = [line for line in draft.body.splitlines() if line.startswith("- ")]
    assert times and all("EST (" in line and "CST)" in line for line in times)


def test_an_edited_template_is_used_and_unknown_placeholders_are_refused(student):
    with pytest.raises(ValidationError, match="favourite_colour"):
        services.template_save(
            owner=student, kind=Kind.REQUEST_COLD, subject="Hi", body="{favourite_colour}"
        )
    services.template_save(
        owner=student,
        kind=Kind.REQUEST_COLD,
        subject="About {organization}",
        body="Dear {name}, {minutes} minutes? {unknown_but_braced",
    )
    draft = services.message_draft(owner=student, contact=_contact(student), now=NOW)
    assert draft.subject == "About Acme Health"
    assert draft.body == "Dear Dana Reyes, 20 minutes? {unknown_but_braced"
    services.template_reset(owner=student, kind=Kind.REQUEST_COLD)
    again = services.message_draft(
        owner=student, contact=_contact(student, name="Lee Park"), now=NOW
    )
    assert again.body.startswith("Hi Lee,")


def test_fill_never_reaches_into_objects():
    assert drafting.fill("{first_name.__class__} {first_name}", {"first_name": "Dana"}) == (
        "{first_name.__class__} Dana"
    )


def test_a_nudge_answers_the_request_in_the_same_thread(student):
    contact = _contact(student)
    request = services.message_draft(owner=student, contact=contact, now=NOW)
    request.message_id = "<abc@coffeechat.local>"
    request.save()
    services.message_send(message=request, channel="copy", now=NOW)
    nudge = services.message_draft(owner=student, contact=contact, kind=Kind.NUDGE, now=NOW)
    assert nudge.subject == f"Re: {request.subject}"
    assert nudge.in_reply_to == "<abc@coffeechat.local>"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "bribe"}, "kind"),
        ({"minutes": 3}, "minutes"),
        ({"minutes": 500}, "minutes"),
        ({"medium": "carrier pigeon"}, "medium"),
        ({"count": 50}, "count"),
    ],
)
def test_bad_draft_requests_are_refused_and_write_nothing(student, changes, field):
    contact = _contact(student)
    with pytest.raises(ValidationError) as caught:
        services.message_draft(owner=student, contact=contact, now=NOW, **changes)
    assert field in caught.value.message_dict
    assert not Message.objects.exists()


def test_nobody_drafts_to_someone_elses_contact(student, bob):
    with pytest.raises(ValidationError):
        services.message_draft(owner=bob, contact=_contact(student), now=NOW)


def test_a_sent_message_is_a_record(student):
    draft = services.message_draft(owner=student, contact=_contact(student), now=NOW)
    services.message_send(message=draft, channel="mailto", now=NOW)
    with pytest.raises(ValidationError):
        services.message_update(message=draft, subject="changed", body="changed")
    with pytest.raises(ValidationError):
        services.message_delete(message=draft)
    with pytest.raises(ValidationError):
        services.message_send(message=draft, channel="copy")
    draft.refresh_from_db()
    assert draft.channel == "mailto"
    assert draft.sent_at == NOW


def test_no_time_is_proposed_on_the_students_public_holidays(student):
    student.profile.lead_business_days = 0
    student.profile.save()
    monday = dt.datetime(2026, 11, 23, 8, 0, tzinfo=CHICAGO)

    def days() -> set[dt.date]:
        draft = services.message_draft(
            owner=student, contact=_contact(student), count=5, now=monday
        )
        return {slot_from_json(v).start.astimezone(CHICAGO).date() for v in draft.slots}

    thanksgiving = dt.date(2026, 11, 26)
    assert thanksgiving in days()  # no country: only weekends are skipped
    student.profile.country = "US"
    student.profile.save()
    proposed = days()
    assert thanksgiving not in proposed
    assert len(proposed) == 5
