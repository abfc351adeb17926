"""Follow through, end to end: finish a conversation in live mode → Today shows the
thank-you → write it (the draft quotes the advice) and mark it sent → the LinkedIn note is
due tomorrow; months later, keeping in touch is overdue. And Today fits a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db.models import F
from playwright.sync_api import Locator, Page, expect

from coffeechat.conversations.models import Conversation, Note
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message
from tests.browser import PHONE, PageFactory, has_horizontal_scroll, sign_in
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact
from tests.followups.conftest import met

pytestmark = pytest.mark.browser

ADVICE = "Learn dbt before applying"


def section(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def go_to_today(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.wait_for_url(re.compile(r"/today/$"))


def move_back(owner: Any, by: dt.timedelta) -> None:
    """Time travel: everything alice logged happened `by` earlier."""
    Meeting.objects.filter(owner=owner).update(
        start=F("start") - by, end=F("end") - by, created_at=F("created_at") - by
    )
    Conversation.objects.filter(owner=owner).update(
        started_at=F("started_at") - by, finished_at=F("finished_at") - by
    )
    Note.objects.filter(owner=owner).update(created_at=F("created_at") - by)
    Message.objects.filter(owner=owner).update(
        created_at=F("created_at") - by, sent_at=F("sent_at") - by
    )


def test_finish_thank_and_keep_in_touch(new_page: PageFactory, alice: Any) -> None:
    dana = make_contact(
        alice,
        "Dana Reyes",
        organization_name="Acme Health",
        title="Data analyst",
        email="dana@acme.example",
        time_zone="America/New_York",
    )
    # A 20-minute conversation that started 25 minutes ago.
    meeting = make_meeting(alice, dana, hours=-25 / 60)
    page = new_page()
    sign_in(page, "alice")

    # Live mode: one piece of advice, then finish.
    page.goto(f"/meetings/{meeting.uuid}/live/")
    capture = page.get_by_role("region", name="Capture")
    capture.get_by_role("radio", name="Advice", exact=True).check()
    capture.get_by_role("textbox", name="Note text").fill(ADVICE)
    capture.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("list", name="Captured notes").get_by_role("listitem")).to_have_count(1)
    page.get_by_role("button", name="Finish the conversation").click()
    page.wait_for_url(f"**/meetings/{meeting.uuid}/summary/")

    # Today: the thank-you is due today, by this time tomorrow.
    go_to_today(page)
    due_today = section(page, "Due today")
    thank_you = due_today.get_by_role("listitem").filter(has_text="Thank Dana Reyes")
    expect(thank_you).to_have_count(1)
    expect(thank_you).to_contain_text(re.compile(r"by \w{3} \d{1,2}:\d\d [AP]M"))
    expect(page.get_by_text("Nothing overdue.")).to_be_visible()

    # One click: the composer opens with the advice quoted.
    thank_you.get_by_role("button", name="Write thank-you").click()
    page.wait_for_url(re.compile(r"/messages/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank-you")
    expect(page.get_by_role("textbox", name="Message")).to_have_value(re.compile(ADVICE))
    draft = Message.objects.get(owner=alice, kind=Kind.THANK_YOU)
    assert ADVICE in draft.body and not draft.is_sent

    # Sent by copying it into the mail app.
    page.get_by_role("button", name="I sent it", exact=True).click()
    page.wait_for_url(f"**/contacts/{dana.uuid}/outreach/")
    draft.refresh_from_db()
    assert draft.is_sent

    # Today: no thank-you; the LinkedIn note is due tomorrow.
    go_to_today(page)
    expect(page.get_by_role("heading", name="Thank Dana Reyes")).to_have_count(0)
    linkedin = (
        section(page, "This week")
        .get_by_role("listitem")
        .filter(has_text="Connect with Dana Reyes on LinkedIn")
    )
    expect(linkedin).to_contain_text("Due tomorrow")
    expect(linkedin.get_by_role("button", name="Write LinkedIn note")).to_be_visible()
    expect(page.get_by_role("heading", name="Keep in touch")).to_have_count(0)  # months away

    # Ten days later: the LinkedIn note is overdue; keeping in touch is still months away.
    move_back(alice, dt.timedelta(days=10))
    page.reload()
    overdue = section(page, "Overdue")
    expect(
        overdue.get_by_role("heading", name="Connect with Dana Reyes on LinkedIn")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Keep in touch with Dana Reyes")).to_have_count(0)

    # A hundred days after the conversation: keeping in touch is overdue. The LinkedIn note,
    # by then more than 30 days past its day, has left the list.
    move_back(alice, dt.timedelta(days=90))
    page.reload()
    overdue = section(page, "Overdue")
    expect(overdue.get_by_role("heading", name="Keep in touch with Dana Reyes")).to_be_visible()
    expect(page.get_by_role("heading", name="Connect with Dana Reyes on LinkedIn")).to_have_count(0)
    expect(section(page, "This week").get_by_role("listitem")).to_have_count(0)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DONE


def test_snooze_and_dismiss_swap_the_item_in_place(new_page: PageFactory, alice: Any) -> None:
    met(alice, make_contact(alice, "Dana Reyes"), end=dt.datetime.now(dt.UTC))
    met(alice, make_contact(alice, "Eve Park"), end=dt.datetime.now(dt.UTC))
    page = new_page()
    sign_in(page, "alice")
    due_today = section(page, "Due today")
    expect(due_today.get_by_role("listitem")).to_have_count(2)

    dana = due_today.get_by_role("listitem").filter(has_text="Thank Dana Reyes")
    dana.locator("summary").click()
    dana.get_by_role("button", name="Snooze Thank Dana Reyes for 3 days").click()
    expect(due_today.get_by_role("status")).to_contain_text("Snoozed until")
    expect(due_today.get_by_role("heading", name="Thank Dana Reyes")).to_have_count(0)

    eve = due_today.get_by_role("listitem").filter(has_text="Thank Eve Park")
    eve.get_by_role("button", name="Dismiss Thank Eve Park").click()
    expect(due_today.get_by_text("Dismissed.")).to_be_visible()
    assert page.url.endswith("/today/")  # swapped in place, no reload

    # Undo brings Eve back (a plain form: the page reloads).
    due_today.get_by_role("listitem").filter(has_text="Dismissed.").get_by_role(
        "button", name="Undo"
    ).click()
    expect(section(page, "Due today").get_by_role("heading", name="Thank Eve Park")).to_be_visible()
    expect(page.get_by_role("link", name="1 snoozed")).to_be_visible()


def test_today_fits_a_phone(new_page: PageFactory, alice: Any) -> None:
    # Long, unbroken values are what push a narrow layout sideways.
    long_name = "Maximiliana Konstantinopolska-Wertheimer"
    coach = make_contact(
        alice,
        long_name,
        organization_name="International Federation of Red Cross and Red Crescent Societies",
        title="Senior Director of Humanitarian Logistics and Supply Chain Operations",
        time_zone="Asia/Kathmandu",
    )
    met(
        alice,
        coach,
        end=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
        notes=(("advice", "https://example.org/humanitarian-logistics-certification-2026"),),
    )
    make_meeting(alice, make_contact(alice, "Bartholomew Fitzgerald-Oyelaran"), hours=0.2)
    page = new_page(**PHONE)
    sign_in(page, "alice")
    expect(
        section(page, "Overdue").get_by_role("heading", name=f"Thank {long_name}")
    ).to_be_visible()
    meetings = section(page, "Upcoming meetings")
    expect(meetings.get_by_role("button", name="Live mode")).to_be_visible()
    section(page, "Overdue").locator("summary").first.click()
    assert not has_horizontal_scroll(page), "Today scrolls sideways on a phone"

    page.goto("/reminders/")
    assert not has_horizontal_scroll(page), "the reminders list scrolls sideways on a phone"
    page.goto("/follow-up-settings/")
    page.get_by_role("button", name="Create my private calendar address").click()
    expect(page.get_by_role("textbox", name="Your private calendar address")).to_have_value(
        re.compile(r"^http://.+/feed/[\w-]+\.ics$")
    )
    assert not has_horizontal_scroll(page), "the settings scroll sideways on a phone"
