"""Reaching out, end to end: pick a contact, draft, fix what the coach flags, mark it sent,
record their "yes" with one of the proposed times, and take the meeting's invite home."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coffeechat.outreach import services
from coffeechat.outreach.models import Channel, Meeting, Message, Outcome, Reply
from coffeechat.outreach.slots import slot_from_json, slot_label
from tests.browser import PageFactory, has_horizontal_scroll, sign_in
from tests.factories import make_contact

pytestmark = pytest.mark.browser

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# The coach re-checks 400 ms after the last keystroke (hx-trigger "input changed
# delay:400ms"), then the server answers: well inside this, but longer than the default.
CHECK_TIMEOUT_MS = 4_000
JOB_ASK = "Do you have an internship for me?"
ADVICE_ASK = "Do you have any advice for someone starting out?"
OK = re.compile(r"\bok\b")
FAIL = re.compile(r"\bfail\b")

PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
# Elements inside `root` that reach past the right (or left) edge of the screen.
OVERFLOWING_JS = """(root) => {
  const width = document.documentElement.clientWidth;
  return [...root.querySelectorAll("*")]
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
    })
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
      + `${el.className ? "." + String(el.className).trim().replace(/\\s+/g, ".") : ""}`
      + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def check(page: Page, code: str) -> Any:
    return page.locator(f"#checks li.check[data-code={code}]")


def overflowing(page: Page, selector: str) -> list[str]:
    return list(page.locator(selector).evaluate(OVERFLOWING_JS))


def add_dana(owner: Any) -> Any:
    profile = owner.profile
    profile.school = "Lakeside College"
    profile.fields_of_interest = "UX research"
    profile.save()
    return make_contact(
        owner,
        "Dana Reyes",
        organization_name="Acme Health",
        title="UX Researcher",
        source="alumni",
        email="dana.reyes@acmehealth.example",
    )


def test_draft_fix_send_and_schedule_a_meeting(new_page: PageFactory, alice: Any) -> None:
    dana = add_dana(alice)

    page = new_page()
    sign_in(page, "alice")

    # Pick the contact, and go to reach out to her.
    page.goto(f"/contacts/{dana.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Reyes")
    page.get_by_role("button", name="Reach out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reach out to Dana Reyes")
    # Nothing sent yet: no reply to record.
    expect(page.get_by_role("button", name="Record their reply")).to_have_count(0)

    # Draft: the first request, 30 minutes, by phone.
    write = page.get_by_role("region", name="Write")
    expect(write.get_by_role("combobox", name="What to write")).to_have_value("request")
    write.get_by_role("spinbutton", name="Minutes to ask for").fill("30")
    write.get_by_role("combobox", name="How to meet").select_option(label="Phone")
    write.get_by_role("button", name="Draft it").click()
    page.wait_for_url(re.compile(r"/messages/[0-9a-f-]+/$"))
    draft = Message.objects.get(owner=alice, contact=dana)
    assert draft.sent_at is None
    assert draft.minutes == 30
    assert draft.medium == "phone"
    assert draft.slots, "the draft proposes no times"
    assert page.url.endswith(f"/messages/{draft.uuid}/")

    subject = page.get_by_role("textbox", name="Subject")
    body = page.get_by_role("textbox", name="Message")
    expect(subject).to_have_value(draft.subject)
    expect(body).to_have_value(draft.body)
    assert "Acme Health" in draft.subject
    assert "30 minutes" in draft.body

    # The proposed times are listed, in the student's zone (the contact's is unknown).
    labels = [
        slot_label(slot_from_json(value), student_tz=CHICAGO, contact_tz=None)
        for value in draft.slots
    ]
    times = page.get_by_role("region", name="Times proposed")
    for label in labels:
        expect(times.get_by_role("listitem").filter(has_text=label)).to_have_count(1)
        assert label in draft.body

    # The built-in wording passes every required check.
    coach = page.get_by_role("region", name="Coach")
    expect(coach.locator("li.check").first).to_be_visible()
    expect(coach.locator("li.check.fail")).to_have_count(0)
    expect(check(page, "not_job_ask")).to_have_class(OK)

    # Asking for an internship fails the "not a job ask" check as the student types...
    original = draft.body
    assert "Would you have 30 minutes" in original
    asking = original.replace("Would you have", f"{JOB_ASK} Would you have", 1)
    body.fill(asking)
    expect(check(page, "not_job_ask")).to_have_class(FAIL, timeout=CHECK_TIMEOUT_MS)
    expect(check(page, "not_job_ask")).to_contain_text("internship")
    draft.refresh_from_db()
    assert draft.body == asking, "the live check did not save the draft"

    # ...and rewording the ask turns it green again.
    fixed = original.replace("Would you have", f"{ADVICE_ASK} Would you have", 1)
    body.fill(fixed)
    expect(check(page, "not_job_ask")).to_have_class(OK, timeout=CHECK_TIMEOUT_MS)
    expect(check(page, "not_job_ask")).not_to_contain_text("internship")
    expect(coach.locator("li.check.fail")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.body == fixed
    assert draft.sent_at is None

    # The edit survives a reload.
    page.reload()
    expect(page.get_by_role("textbox", name="Message")).to_have_value(fixed)

    # Mark it sent (copied into an email app).
    send = page.get_by_role("region", name="Send it")
    send.get_by_role("button", name="I sent it", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/contacts/{dana.uuid}/outreach/$"))
    expect(page.get_by_role("status").first).to_contain_text("Logged as sent to Dana Reyes.")
    draft.refresh_from_db()
    assert draft.sent_at is not None, "the message was not logged as sent"
    assert draft.channel == Channel.COPY
    assert draft.body == fixed
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("listitem").first).to_contain_text("sent")

    # Record their answer: yes, at the first time proposed.
    page.get_by_role("button", name="Record their reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What did Dana Reyes answer?")
    page.get_by_role("radio", name="Yes — let's talk").check()
    when = page.get_by_role("group", name="If yes: when")
    slot_radios = when.get_by_role("radio")
    expect(slot_radios).to_have_count(len(labels))
    first = when.get_by_role("radio", name=labels[0], exact=True)
    expect(first).to_be_visible()
    first.check()
    page.get_by_role("button", name="Save the reply").click()

    # The meeting page, with the chosen time and the invite.
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting with Dana Reyes")
    assert Reply.objects.filter(contact=dana, outcome=Outcome.YES, message=draft).count() == 1
    meeting = Meeting.objects.get(owner=alice, contact=dana)
    chosen = slot_from_json(draft.slots[0])
    assert meeting.start == chosen.start, "the meeting is not at the time they chose"
    assert meeting.minutes == 30
    assert meeting.medium == "phone"
    assert meeting.sequence == 0
    assert page.url.endswith(f"/meetings/{meeting.uuid}/")
    expect(page.locator("dl.facts dt:text-is('When') + dd")).to_have_text(labels[0])
    expect(page.get_by_role("status").first).to_contain_text("Meeting with Dana Reyes scheduled")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the invite (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"meeting-{meeting.uuid}.ics"
    invite = download.path().read_text(encoding="utf-8")
    unfolded = invite.replace("\r\n ", "").replace("\r\n", "\n")
    local_start = meeting.start.astimezone(CHICAGO)
    local_end = meeting.end.astimezone(CHICAGO)
    assert "BEGIN:VEVENT" in unfolded
    assert f"DTSTART;TZID=America/Chicago:{local_start:%Y%m%dT%H%M%S}" in unfolded
    assert f"DTEND;TZID=America/Chicago:{local_end:%Y%m%dT%H%M%S}" in unfolded
    assert "SEQUENCE:0" in unfolded
    assert f"UID:{meeting.ical_uid}" in unfolded
    assert "METHOD:REQUEST" in unfolded
    assert "dana.reyes@acmehealth.example" in unfolded

    # Back on the outreach page, the meeting is listed with a link to it.
    page.get_by_role("link", name="← Dana Reyes: reach out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reach out to Dana Reyes")
    expect(page.get_by_role("link", name="details and invite")).to_have_attribute(
        "href", f"/meetings/{meeting.uuid}/"
    )


def test_composer_fits_a_phone_screen(new_page: PageFactory, alice: Any) -> None:
    dana = add_dana(alice)
    draft = services.message_draft(owner=alice, contact=dana, kind=services.REQUEST)
    page = new_page(**PHONE)
    sign_in(page, "alice")
    page.goto(f"/messages/{draft.uuid}/")
    body = page.get_by_role("textbox", name="Message")
    expect(body).to_be_visible()
    expect(page.get_by_role("region", name="Coach")).to_be_visible()
    assert overflowing(page, "main") == [], "the composer reaches past a phone's screen"

    # A failing check, with its longer fix, still fits once the coach re-renders.
    body.fill(draft.body.replace("Would you have", f"{JOB_ASK} Would you have", 1))
    expect(check(page, "not_job_ask")).to_have_class(FAIL, timeout=CHECK_TIMEOUT_MS)
    assert overflowing(page, "main") == [], "the coach's fix reaches past a phone's screen"

    # The page as a whole, menu included, never scrolls sideways.
    assert not has_horizontal_scroll(page), "the composer page scrolls sideways on a phone"

    for path in ("/outreach/", "/availability/", f"/contacts/{dana.uuid}/outreach/"):
        page.goto(path)
        assert not has_horizontal_scroll(page), f"{path} scrolls sideways on a phone"
