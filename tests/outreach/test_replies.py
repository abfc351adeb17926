"""Replies: yes makes a meeting with an invite, no offers "who else", a referral adds the
person with a request that names the referrer; any reply ends the wait."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.core.exceptions import ValidationError

from coffeechat.network.models import Contact, Source
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message, Reply
from coffeechat.outreach.selectors import Stage
from coffeechat.outreach.slots import slot_from_json
from tests.factories import make_contact

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=CHICAGO)


@pytest.fixture
def sent(alice):
    """A request sent to Dana, with three proposed times."""
    alice.email = "alice@school.example"
    alice.save()
    contact = make_contact(
        alice, "Dana Reyes", email="dana@acme.example", organization_name="Acme Health"
    )
    request = services.message_draft(owner=alice, contact=contact, now=NOW)
    services.message_send(message=request, channel="copy", now=NOW)
    return contact, request


def test_yes_with_a_proposed_time_makes_a_meeting_that_counts_as_busy(alice, sent):
    contact, request = sent
    chosen = slot_from_json(request.slots[1])
    result = services.reply_record(
        owner=alice, contact=contact, outcome="yes", start=chosen.start, medium="video"
    )
    meeting = result.meeting
    assert meeting is not None
    assert (meeting.start, meeting.end) == (chosen.start, chosen.end)
    assert meeting.medium == "video"
    assert result.reply.message == request
    assert selectors.contact_outreach(alice, contact, now=NOW).stage == Stage.SCHEDULED
    # The meeting's time is never proposed again.
    later = services.message_draft(
        owner=alice, contact=make_contact(alice, "Lee Park"), now=NOW, count=10
    )
    for value in later.slots:
        slot = slot_from_json(value)
        assert slot.end <= meeting.start or slot.start >= meeting.end


def test_the_invite_has_the_right_time_zone_people_and_sequence(alice, sent):
    contact, request = sent
    chosen = slot_from_json(request.slots[0])
    meeting = services.reply_record(
        owner=alice, contact=contact, outcome="yes", start=chosen.start
    ).meeting
    event = _event(services.meeting_invite(meeting=meeting))
    assert event.decoded("dtstart") == chosen.start
    assert event["dtstart"].params["TZID"] == "America/Chicago"
    assert int(event["sequence"]) == 0
    assert str(event["organizer"]) == "mailto:alice@school.example"
    assert str(event["attendee"]) == "mailto:dana@acme.example"
    assert str(event["uid"]) == meeting.ical_uid

    moved = chosen.start + dt.timedelta(days=1)
    services.meeting_reschedule(meeting=meeting, start=moved)
    event = _event(services.meeting_invite(meeting=meeting))
    assert event.decoded("dtstart") == moved
    assert int(event["sequence"]) == 1
    services.meeting_cancel(meeting=meeting)
    calendar = icalendar.Calendar.from_ical(services.meeting_invite(meeting=meeting))
    assert str(calendar["method"]) == "CANCEL"
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == 2
    with pytest.raises(ValidationError):
        services.meeting_reschedule(meeting=meeting, start=moved)


def _event(data: bytes):
    return icalendar.Calendar.from_ical(data).walk("VEVENT")[0]


def test_yes_without_a_time_is_refused_and_writes_nothing(alice, sent):
    contact, _ = sent
    with pytest.raises(ValidationError) as caught:
        services.reply_record(owner=alice, contact=contact, outcome="yes")
    assert "start" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.reply_record(
            owner=alice, contact=contact, outcome="yes", start=dt.datetime(2026, 12, 1, 10)
        )
    assert not Reply.objects.exists()
    assert not Meeting.objects.exists()


def test_no_marks_declined_and_offers_the_who_else_draft(alice, sent):
    contact, request = sent
    result = services.reply_record(owner=alice, contact=contact, outcome="no")
    assert result.meeting is None
    assert result.draft is not None and result.draft.kind == Kind.WHO_ELSE
    assert "anyone else" in result.draft.body
    assert result.draft.subject == f"Re: {request.subject}"
    outreach = selectors.contact_outreach(alice, contact, now=NOW + dt.timedelta(days=20))
    assert outreach.stage == Stage.DECLINED
    # Logging a reply ends the 3B7 wait: no nudge is due, however long ago the request was.
    assert outreach.waiting is None


def test_referred_adds_the_person_referred_by_this_contact_with_a_request(alice, sent):
    contact, _ = sent
    result = services.reply_record(
        owner=alice,
        contact=contact,
        outcome="referred",
        referred_name="Sam Okafor",
        referred_email="sam@acme.example",
        referred_organization="Acme Health",
    )
    person = result.referred
    assert person is not None
    assert person.referred_by == contact
    assert person.source == Source.REFERRAL
    assert person.organization == contact.organization
    assert result.reply.referred_contact == person
    assert result.draft is not None and result.draft.contact == person
    assert result.draft.kind == Kind.REQUEST_REFERRAL
    assert "Dana Reyes suggested I reach out" in result.draft.body


def test_referred_without_a_name_is_refused_and_adds_nobody(alice, sent):
    contact, _ = sent
    count = Contact.objects.count()
    with pytest.raises(ValidationError):
        services.reply_record(owner=alice, contact=contact, outcome="referred")
    assert Contact.objects.count() == count
    assert not Reply.objects.exists()


def test_a_reply_from_the_future_or_an_unknown_outcome_is_refused(alice, sent):
    contact, _ = sent
    with pytest.raises(ValidationError):
        services.reply_record(
            owner=alice,
            contact=contact,
            outcome="no",
            received_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
        )
    with pytest.raises(ValidationError):
        services.reply_record(owner=alice, contact=contact, outcome="maybe")
    assert not Reply.objects.exists()
    assert not Message.objects.filter(kind=Kind.WHO_ELSE).exists()


def test_a_meeting_cannot_be_made_for_someone_elses_contact(alice, bob, sent):
    contact, request = sent
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            owner=bob, contact=contact, start=slot_from_json(request.slots[0]).start
        )
    assert not Meeting.objects.filter(status=MeetingStatus.SCHEDULED).exists()


def test_an_invite_without_the_students_email_is_a_plain_calendar_entry(alice, sent):
    contact, request = sent
    alice.email = ""
    alice.save()
    meeting = services.reply_record(
        owner=alice, contact=contact, outcome="yes", start=slot_from_json(request.slots[0]).start
    ).meeting
    calendar = icalendar.Calendar.from_ical(services.meeting_invite(meeting=meeting))
    assert str(calendar["method"]) == "PUBLISH"


def test_the_meetings_export_has_each_meeting_with_its_invites_uid(alice, alice_client, sent):
    contact, request = sent
    first = services.reply_record(
        owner=alice, contact=contact, outcome="yes", start=slot_from_json(request.slots[0]).start
    ).meeting
    moved_to = first.start + dt.timedelta(hours=2)
    services.meeting_reschedule(meeting=first, start=moved_to)
    other = make_contact(alice, "Lee Park", email="lee@example.org")
    second = services.meeting_schedule(
        owner=alice, contact=other, start=first.start + dt.timedelta(days=2), minutes=30
    )
    services.meeting_cancel(meeting=second)
    response = alice_client.get("/export/ics/")
    calendar = icalendar.Calendar.from_ical(b"".join(response.streaming_content))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {first.ical_uid, second.ical_uid}
    moved = events[first.ical_uid]
    invite = _event(services.meeting_invite(meeting=first))
    assert str(moved["uid"]) == str(invite["uid"])
    assert moved.decoded("dtstart") == moved_to
    assert int(moved["sequence"]) == 1
    assert "Dana Reyes (Acme Health)" in str(moved["summary"])
    cancelled = events[second.ical_uid]
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("dtend") - cancelled.decoded("dtstart") == dt.timedelta(minutes=30)
