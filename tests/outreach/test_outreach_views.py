"""The Reach out pages: composer with live checks, replies, meetings, availability,
templates. Bad input gets a message and changes nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.accounts.models import AvailabilityWindow
from coffeechat.outreach import services
from coffeechat.outreach.models import DraftTemplate, Kind, Meeting, Message, Reply
from coffeechat.outreach.slots import slot_from_json, slot_label
from tests.factories import make_contact


@pytest.fixture
def dana(alice):
    return make_contact(
        alice,
        "Dana Reyes",
        email="dana@acme.example",
        organization_name="Acme Health",
        title="UX Researcher",
        source="alumni",
    )


def test_the_contact_page_leads_to_reach_out_and_a_draft(alice_client, dana):
    page = alice_client.get(f"/contacts/{dana.uuid}/")
    assert f'href="/contacts/{dana.uuid}/outreach/"' in page.text
    page = alice_client.get(f"/contacts/{dana.uuid}/outreach/")
    assert "Listed" in page.text
    assert "Request: an alumnus or alumna" in page.text
    response = alice_client.post(f"/contacts/{dana.uuid}/drafts/", {"kind": "request"})
    draft = Message.objects.get()
    assert response["Location"] == f"/messages/{draft.uuid}/"
    assert draft.kind == Kind.REQUEST_ALUMNI
    assert "Drafted" in alice_client.get(f"/contacts/{dana.uuid}/outreach/").text


def test_a_bad_draft_request_is_explained(alice_client, dana):
    response = alice_client.post(
        f"/contacts/{dana.uuid}/drafts/", {"kind": "request", "minutes": "2"}, follow=True
    )
    assert "between 5 and 240 minutes" in response.text
    assert not Message.objects.exists()


def test_live_checks_save_the_draft_and_turn_green_when_fixed(alice, alice_client, dana):
    draft = services.message_draft(owner=alice, contact=dana)
    url = f"/messages/{draft.uuid}/"
    page = alice_client.get(url)
    assert 'hx-post="' + url + '"' in page.text
    assert 'data-code="not_job_ask"' in page.text

    asking = draft.body.replace("Thank you,", "Do you have an internship for me?\n\nThank you,")
    partial = alice_client.post(
        url, {"subject": draft.subject, "body": asking}, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert 'class="check fail" data-code="not_job_ask"' in partial.text
    assert "internship" in partial.text
    draft.refresh_from_db()
    assert draft.body == asking.replace("\r\n", "\n")

    fixed = alice_client.post(
        url,
        {
            "subject": draft.subject,
            "body": asking.replace("Do you have an internship for me?\n\n", ""),
        },
        HTTP_HX_REQUEST="true",
    )
    assert 'class="check ok" data-code="not_job_ask"' in fixed.text


def test_saving_without_javascript_redirects_back_with_the_checks(alice, alice_client, dana):
    draft = services.message_draft(owner=alice, contact=dana)
    response = alice_client.post(
        f"/messages/{draft.uuid}/", {"subject": "", "body": "Hi"}, follow=True
    )
    assert "Draft saved." in response.text
    assert 'class="check fail" data-code="has_subject"' in response.text


def test_a_too_long_body_is_refused_and_the_draft_kept(alice, alice_client, dana):
    draft = services.message_draft(owner=alice, contact=dana)
    body = draft.body
    response = alice_client.post(
        f"/messages/{draft.uuid}/", {"subject": "x", "body": "y" * 10_001}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.body == body


def test_the_composer_query_count_is_fixed(alice, alice_client, dana):
    draft = services.message_draft(owner=alice, contact=dana)
    with CaptureQueriesContext(connection) as queries:
        assert alice_client.get(f"/messages/{draft.uuid}/").status_code == 200
    assert len(queries) <= 8


def _sent(alice, contact):
    draft = services.message_draft(owner=alice, contact=contact)
    return services.message_send(message=draft, channel="copy")


def test_reply_yes_with_a_proposed_time_shows_the_meeting_and_its_invite(alice, alice_client, dana):
    request = _sent(alice, dana)
    form = alice_client.get(f"/contacts/{dana.uuid}/reply/")
    chosen = slot_from_json(request.slots[2])
    assert chosen.start.isoformat() in form.text
    response = alice_client.post(
        f"/contacts/{dana.uuid}/reply/",
        {
            "outcome": "yes",
            "slot": chosen.start.isoformat(),
            "medium": "video",
            "location": "https://zoom.example/j/1",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/meetings/{meeting.uuid}/"
    assert meeting.start == chosen.start and meeting.location == "https://zoom.example/j/1"
    page = alice_client.get(response["Location"])
    assert "Download the invite (.ics)" in page.text
    assert "<dt>How</dt><dd>Zoom / video call</dd>" in page.text
    invite = alice_client.get(f"/meetings/{meeting.uuid}/invite.ics")
    assert invite["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(invite.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == chosen.start
    assert str(event["location"]) == "https://zoom.example/j/1"

    confirm = alice_client.post(f"/meetings/{meeting.uuid}/confirm/")
    draft = Message.objects.get(kind=Kind.CONFIRM)
    assert confirm["Location"] == f"/messages/{draft.uuid}/"
    assert "Thank you for saying yes" in draft.body


def test_reply_yes_with_another_time_uses_the_students_zone(alice, alice_client, dana):
    _sent(alice, dana)
    alice_client.post(
        f"/contacts/{dana.uuid}/reply/",
        {"outcome": "yes", "other_start": "2026-12-03T14:30", "minutes": "30"},
    )
    meeting = Meeting.objects.get()
    # Alice is in Chicago: 14:30 CST is 20:30 UTC.
    assert meeting.start == dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC)
    assert meeting.minutes == 30


def test_reply_no_says_it_is_normal_and_opens_the_who_else_draft(alice, alice_client, dana):
    _sent(alice, dana)
    response = alice_client.post(f"/contacts/{dana.uuid}/reply/", {"outcome": "no"}, follow=True)
    assert "normal and not personal" in response.text
    assert "anyone else" in response.text
    assert Message.objects.filter(kind=Kind.WHO_ELSE, contact=dana).count() == 1


def test_reply_referred_adds_the_person_and_opens_their_draft(alice, alice_client, dana):
    _sent(alice, dana)
    response = alice_client.post(
        f"/contacts/{dana.uuid}/reply/",
        {
            "outcome": "referred",
            "referred_name": "Sam Okafor",
            "referred_organization": "Acme Health",
        },
        follow=True,
    )
    assert "Sam Okafor added, referred by Dana Reyes" in response.text
    assert "Dana Reyes suggested I reach out" in response.text


@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "yes"},
        {"outcome": "referred"},
        {"outcome": "maybe"},
        {"outcome": "yes", "slot": "2026-12-01T10:00:00+00:00"},  # not one of the choices
        {"outcome": "yes", "other_start": "tomorrow-ish"},
        {"outcome": "referred", "referred_name": "Sam", "referred_email": "not an address"},
    ],
)
def test_a_bad_reply_form_is_explained_and_changes_nothing(alice, alice_client, dana, data):
    _sent(alice, dana)
    response = alice_client.post(f"/contacts/{dana.uuid}/reply/", data)
    assert response.status_code == 200
    assert "field-error" in response.text or "form-errors" in response.text
    assert not Reply.objects.exists()
    assert not Meeting.objects.exists()


def test_moving_and_cancelling_a_meeting(alice, alice_client, dana):
    request = _sent(alice, dana)
    meeting = services.reply_record(
        owner=alice, contact=dana, outcome="yes", start=slot_from_json(request.slots[0]).start
    ).meeting
    response = alice_client.post(
        f"/meetings/{meeting.uuid}/", {"start": "2026-12-10T09:00", "minutes": "20"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert meeting.start == dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC)
    bad = alice_client.post(f"/meetings/{meeting.uuid}/", {"start": "nope"})
    assert bad.status_code == 200
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    alice_client.post(f"/meetings/{meeting.uuid}/cancel/")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 2
    page = alice_client.get(f"/meetings/{meeting.uuid}/")
    assert "Move the meeting" not in page.text


def test_availability_page_saves_windows_and_settings(alice, alice_client):
    page = alice_client.get("/availability/")
    assert page.status_code == 200
    assert "What a request would propose now" in page.text
    data = {
        "w-TOTAL_FORMS": "3",
        "w-INITIAL_FORMS": "0",
        "w-0-weekday": "1",
        "w-0-start": "13:00",
        "w-0-end": "15:00",
        "w-1-weekday": "3",
        "w-1-start": "09:00",
        "w-1-end": "11:00",
        "w-2-weekday": "0",
        "buffer_minutes": "10",
        "lead_business_days": "1",
        "horizon_days": "21",
        "country": "US",
    }
    response = alice_client.post("/availability/", data)
    assert response.status_code == 302
    windows = list(AvailabilityWindow.objects.filter(user=alice).values_list("weekday", "start"))
    assert windows == [(1, dt.time(13)), (3, dt.time(9))]
    alice.profile.refresh_from_db()
    assert (alice.profile.buffer_minutes, alice.profile.horizon_days, alice.profile.country) == (
        10,
        21,
        "US",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"w-0-end": "12:00"},  # ends before it starts
        {"w-0-start": ""},  # one time only
        {"horizon_days": "0"},
        {"country": "XX"},
        {"w-0-start": "", "w-0-end": "", "w-1-start": "", "w-1-end": ""},  # no window at all
    ],
)
def test_bad_availability_is_explained_and_changes_nothing(alice, alice_client, changes):
    services.availability_update(user=alice, windows=[(4, dt.time(9), dt.time(10))])
    data = {
        "w-TOTAL_FORMS": "2",
        "w-INITIAL_FORMS": "0",
        "w-0-weekday": "1",
        "w-0-start": "13:00",
        "w-0-end": "15:00",
        "w-1-weekday": "2",
        "w-1-start": "13:00",
        "w-1-end": "15:00",
        "buffer_minutes": "10",
        "lead_business_days": "1",
        "horizon_days": "21",
        "country": "",
        **changes,
    }
    response = alice_client.post("/availability/", data)
    assert response.status_code == 200
    assert "form-errors" in response.text or "field-error" in response.text
    assert list(
        AvailabilityWindow.objects.filter(user=alice).values_list("weekday", flat=True)
    ) == [4]
    alice.profile.refresh_from_db()
    assert alice.profile.horizon_days == 14


def test_templates_can_be_edited_and_reset(alice, alice_client):
    assert "Follow-up nudge" in alice_client.get("/templates/").text
    response = alice_client.post(
        "/templates/nudge/", {"subject": "Re: {subject}", "body": "Hi {first_name}, {nope}"}
    )
    assert response.status_code == 200
    assert "Unknown placeholder {nope}" in response.text
    assert not DraftTemplate.objects.exists()
    alice_client.post("/templates/nudge/", {"subject": "Re: {subject}", "body": "Hi {first_name}?"})
    assert DraftTemplate.objects.get(owner=alice, kind="nudge").body == "Hi {first_name}?"
    alice_client.post("/templates/nudge/", {"reset": "1", "body": ""})
    assert not DraftTemplate.objects.exists()
    assert alice_client.get("/templates/bribe/").status_code == 404


def test_the_outreach_page_query_count_does_not_grow_with_history(alice, alice_client, dana):
    url = f"/contacts/{dana.uuid}/outreach/"
    _sent(alice, dana)
    with CaptureQueriesContext(connection) as small:
        assert alice_client.get(url).status_code == 200
    for _ in range(5):
        services.message_draft(owner=alice, contact=dana, kind=Kind.NUDGE)
    services.reply_record(owner=alice, contact=dana, outcome="no")
    with CaptureQueriesContext(connection) as large:
        assert alice_client.get(url).status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 10


def test_the_profile_links_to_availability(alice_client):
    assert 'href="/availability/"' in alice_client.get("/account/profile/").text


def test_a_draft_with_past_times_says_so_and_gets_new_ones_in_place(alice, alice_client, dana):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    draft = services.message_draft(owner=alice, contact=dana, now=long_ago)
    old = [slot_from_json(v) for v in draft.slots]
    assert old and all(s.start < dt.datetime.now(dt.UTC) for s in old)
    edited = draft.body.replace("Hi Dana,", "Dear Dana,")
    services.message_update(message=draft, subject=draft.subject, body=edited)
    page = alice_client.get(f"/messages/{draft.uuid}/")
    assert "Some of these times have passed" in page.text

    response = alice_client.post(f"/messages/{draft.uuid}/times/", follow=True)
    assert "New times proposed" in response.text
    assert "Some of these times have passed" not in response.text
    draft.refresh_from_db()
    new = [slot_from_json(v) for v in draft.slots]
    assert len(new) == len(old)
    assert all(s.start > dt.datetime.now(dt.UTC) for s in new)
    assert draft.body.startswith("Dear Dana,")  # the student's own words stay
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    body_times = [line[2:] for line in draft.body.splitlines() if line.startswith("- ")]
    assert body_times == [slot_label(s, student_tz=chicago) for s in new]


def test_new_times_for_a_sent_message_are_refused(alice, alice_client, dana):
    draft = services.message_draft(owner=alice, contact=dana)
    services.message_send(message=draft, channel="copy")
    before = draft.body
    response = alice_client.post(f"/messages/{draft.uuid}/times/", follow=True)
    assert "sent already" in response.text
    draft.refresh_from_db()
    assert draft.body == before


def test_a_linkedin_note_links_to_their_profile_and_fits_300_characters(alice, alice_client):
    contact = make_contact(
        alice,
        "Dana Reyes",
        organization_name="Acme Health",
        title="UX Researcher",
        source="alumni",
        linkedin_url="https://www.linkedin.com/in/dana-reyes",
    )
    draft = services.message_draft(owner=alice, contact=contact, kind=Kind.LINKEDIN_NOTE)
    assert len(draft.body) <= 300
    page = alice_client.get(f"/messages/{draft.uuid}/")
    assert 'href="https://www.linkedin.com/in/dana-reyes"' in page.text
    assert "Open in my email app" not in page.text
    assert f"{len(draft.body)} of 300 characters" in page.text
