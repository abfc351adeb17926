"""Prepare and talk, end to end: the prep sheet, live mode during the conversation (timer,
checklist, notes, referrals), a reload and a dropped connection that lose nothing, the
summary, and the referrals waiting on the contact list."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from coffeechat.conversations import selectors, services
from coffeechat.conversations.models import Conversation, Note, PlannedQuestion, PlanState
from coffeechat.conversations.views.live import WRAP_UP_PROMPT
from coffeechat.network.models import Contact
from coffeechat.outreach.models import Meeting, MeetingStatus
from tests.browser import PHONE, PageFactory, has_horizontal_scroll, sign_in
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact

pytestmark = pytest.mark.browser

RESEARCH = "Leads the analytics team; spoke at PyData about dashboards."
SAVED = "All changes saved."
NOT_SAVED = "Not saved yet — will retry"


def prepared_meeting(owner: Any) -> tuple[Meeting, list[PlannedQuestion]]:
    """Alice's meeting with Dana: research done, three questions planned."""
    dana = make_contact(owner, "Dana Reyes", organization_name="Acme Health", title="Data analyst")
    services.research_update(
        contact=dana,
        notes=RESEARCH,
        searched=True,
        linkedin_read=True,
        organization_notes="Regional hospital network, 12 sites.",
        website_read=True,
    )
    meeting = make_meeting(owner, dana)
    services.questions_builtin_ensure(owner=owner)
    plan = services.plan_set(meeting=meeting, questions=selectors.question_bank(owner)[:3])
    return meeting, plan


def question(page: Page, item: PlannedQuestion) -> Locator:
    return page.locator(f"#item-{item.uuid}")


def state_button(page: Page, item: PlannedQuestion, label: str) -> Locator:
    return question(page, item).get_by_role("button", name=label, exact=True)


def capture(page: Page, kind: str, text: str) -> None:
    region = page.get_by_role("region", name="Capture")
    region.get_by_role("radio", name=kind, exact=True).check()
    region.get_by_role("textbox", name="Note text").fill(text)
    region.get_by_role("button", name="Save note").click()


def refer(page: Page, name: str, organization: str) -> None:
    region = page.get_by_role("region", name="Who else should I talk to?")
    region.get_by_role("textbox", name="Name").fill(name)
    region.get_by_role("textbox", name="Organization (optional)").fill(organization)
    region.get_by_role("button", name="Add this person").click()


def notes_list(page: Page) -> Locator:
    return page.get_by_role("list", name="Captured notes")


def save_status(page: Page) -> Locator:
    return page.locator("#save-status")


def test_prepare_talk_finish_and_find_the_referrals(new_page: PageFactory, alice: Any) -> None:
    meeting, plan = prepared_meeting(alice)
    first, second, third = plan
    page = new_page()
    sign_in(page, "alice")

    # The meeting, and its prep sheet with the research and the questions.
    page.goto(f"/meetings/{meeting.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dana Reyes")
    # The meeting page's actions are links drawn as buttons (role="button").
    page.get_by_role("button", name="Prep sheet").click()
    page.wait_for_url(f"**/meetings/{meeting.uuid}/prep/")
    expect(page.get_by_text(RESEARCH)).to_be_visible()
    for item in plan:
        expect(page.get_by_text(item.text, exact=True)).to_be_visible()

    # Live mode.
    page.goto(f"/meetings/{meeting.uuid}/")
    page.get_by_role("button", name="Start live mode").click()
    page.wait_for_url(f"**/meetings/{meeting.uuid}/live/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Reyes")
    expect(page.get_by_text("Planned end")).to_be_visible()
    page.get_by_role("button", name="Start the timer").click()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^0:0\d$"))
    expect(page.get_by_role("timer")).not_to_have_text("0:00")  # it ticks
    started = Conversation.objects.get(meeting=meeting).started_at
    assert started is not None

    # Tick two questions.
    state_button(page, first, "Asked").click()
    expect(state_button(page, first, "Asked")).to_have_attribute("aria-pressed", "true")
    state_button(page, second, "Answered before I asked").click()
    expect(state_button(page, second, "Answered before I asked")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(state_button(page, second, "Asked")).to_have_attribute("aria-pressed", "false")

    # Advice and a resource.
    capture(page, "Advice", "Learn dbt before applying")
    expect(notes_list(page).get_by_role("listitem")).to_have_count(1)
    expect(page.get_by_role("textbox", name="Note text")).to_have_value("")
    capture(page, "Resource", "Book: Storytelling with Data")
    expect(notes_list(page).get_by_role("listitem")).to_have_count(2)
    expect(notes_list(page)).to_contain_text("Advice")
    expect(notes_list(page)).to_contain_text("Resource")

    # The first referral.
    refer(page, "Sam Lee", "Beta Labs")
    referrals = page.get_by_role("list", name="People Dana Reyes suggested")
    expect(referrals.get_by_role("link", name="Sam Lee")).to_be_visible()
    expect(page.get_by_role("textbox", name="Name")).to_have_value("")

    # Mid-way, a note typed under the third question, and a reload straight away (inside
    # the autosave's typing delay): nothing is lost.
    question(page, third).get_by_role("textbox", name="Note on question 3").fill(
        "Ask about the analytics bootcamp"
    )
    page.reload()
    expect(save_status(page)).to_have_text(SAVED)
    expect(question(page, third).get_by_role("textbox")).to_have_value(
        "Ask about the analytics bootcamp"
    )
    expect(state_button(page, first, "Asked")).to_have_attribute("aria-pressed", "true")
    expect(state_button(page, second, "Answered before I asked")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(notes_list(page).get_by_role("listitem")).to_have_count(2)
    expect(referrals.get_by_role("link", name="Sam Lee")).to_be_visible()
    # The timer keeps counting from the first start.
    expect(page.locator("#timer")).to_have_attribute("data-started-at", started.isoformat())
    third.refresh_from_db()
    assert third.note == "Ask about the analytics bootcamp"
    states = dict(PlannedQuestion.objects.filter(meeting=meeting).values_list("uuid", "state"))
    assert states == {
        first.uuid: PlanState.ASKED,
        second.uuid: PlanState.ANSWERED_EARLY,
        third.uuid: PlanState.PLANNED,
    }

    # The second referral, then finish.
    refer(page, "Kim Ode", "Gamma Health")
    expect(referrals.get_by_role("link", name="Kim Ode")).to_be_visible()
    page.get_by_role("button", name="Finish the conversation").click()
    page.wait_for_url(f"**/meetings/{meeting.uuid}/summary/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DONE

    # The summary: notes by kind, questions, the people suggested.
    notes = page.get_by_role("region", name="Notes")
    expect(notes.get_by_role("heading", name="Advice")).to_be_visible()
    expect(notes.get_by_role("list", name="Advice")).to_have_text("Learn dbt before applying")
    expect(notes.get_by_role("list", name="Resource")).to_have_text("Book: Storytelling with Data")
    questions = page.get_by_role("region", name="Questions")
    expect(questions.get_by_role("list", name="Asked (1)", exact=True)).to_contain_text(first.text)
    expect(questions.get_by_role("list", name="Not reached (1)")).to_contain_text(
        "Ask about the analytics bootcamp"
    )
    suggested = page.get_by_role("region", name="People Dana Reyes suggested")
    for name in ("Sam Lee", "Kim Ode"):
        expect(suggested.get_by_role("link", name=name)).to_be_visible()
        expect(suggested.get_by_role("button", name=f"Draft a request to {name}")).to_be_visible()
    act = page.get_by_role("region", name="To act on")
    done = act.get_by_role("button", name="Done — mark acted on")
    expect(done).to_have_count(2)
    done.first.click()
    expect(done.first).to_have_attribute("aria-pressed", "true")
    assert Note.objects.filter(meeting=meeting, acted_on_at__isnull=False).count() == 1

    # Both referrals are on the contact list, each referred by Dana.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.wait_for_url(re.compile(r"/contacts/$"))
    for name in ("Sam Lee", "Kim Ode"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    dana = meeting.contact
    assert set(Contact.objects.filter(referred_by=dana).values_list("name", flat=True)) == {
        "Sam Lee",
        "Kim Ode",
    }
    for name in ("Sam Lee", "Kim Ode"):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        referred = page.locator("dt", has_text="Referred by").locator(
            "xpath=following-sibling::dd[1]"
        )
        expect(referred).to_contain_text("Dana Reyes")
        page.go_back()


def test_a_note_captured_offline_is_kept_and_saved_once_back_online(
    new_page: PageFactory, alice: Any
) -> None:
    meeting, _ = prepared_meeting(alice)
    page = new_page()
    sign_in(page, "alice")
    page.goto(f"/meetings/{meeting.uuid}/live/")
    expect(save_status(page)).to_have_text(SAVED)

    page.context.set_offline(True)
    capture(page, "Advice", "Ask for the team's reading list")
    pending = notes_list(page).get_by_role("listitem").filter(has_text="reading list")
    expect(pending).to_contain_text(NOT_SAVED)
    expect(pending).to_contain_text("Advice: Ask for the team's reading list")
    expect(save_status(page)).to_contain_text(NOT_SAVED)
    kept = page.evaluate(f"() => localStorage.getItem('coffeechat:live:{meeting.uuid}')")
    assert "Ask for the team's reading list" in kept
    assert not Note.objects.exists()

    page.context.set_offline(False)
    expect(save_status(page)).to_have_text(SAVED)
    expect(pending).to_have_count(1)
    expect(pending).not_to_contain_text(NOT_SAVED)
    assert list(Note.objects.values_list("kind", "text")) == [
        ("advice", "Ask for the team's reading list")
    ]

    page.reload()
    expect(save_status(page)).to_have_text(SAVED)
    expect(notes_list(page).get_by_role("listitem")).to_have_count(1)
    assert Note.objects.count() == 1
    assert page.evaluate(f"() => localStorage.getItem('coffeechat:live:{meeting.uuid}')") is None


def test_finishing_waits_for_changes_not_saved_yet(new_page: PageFactory, alice: Any) -> None:
    meeting, _ = prepared_meeting(alice)
    page = new_page()
    sign_in(page, "alice")
    page.goto(f"/meetings/{meeting.uuid}/live/")
    expect(save_status(page)).to_have_text(SAVED)

    page.context.set_offline(True)
    refer(page, "Sam Lee", "Beta Labs")
    page.get_by_role("button", name="Finish the conversation").click()
    expect(save_status(page)).to_contain_text("Some changes are not saved yet.")
    assert page.url.endswith(f"/meetings/{meeting.uuid}/live/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    page.context.set_offline(False)
    expect(save_status(page)).to_have_text(SAVED)
    page.get_by_role("button", name="Finish the conversation").click()
    page.wait_for_url(f"**/meetings/{meeting.uuid}/summary/")
    suggested = page.get_by_role("region", name="People Dana Reyes suggested")
    expect(suggested.get_by_role("link", name="Sam Lee")).to_be_visible()
    assert Contact.objects.filter(name="Sam Lee", referred_by=meeting.contact).count() == 1


def test_a_capture_whose_answer_was_lost_is_sent_again_and_kept_once(
    new_page: PageFactory, alice: Any
) -> None:
    """The server saved it but the answer never arrived: the retry must not add a copy."""
    meeting, _ = prepared_meeting(alice)
    page = new_page()
    sign_in(page, "alice")
    page.goto(f"/meetings/{meeting.uuid}/live/")
    expect(save_status(page)).to_have_text(SAVED)

    notes_url = f"**/meetings/{meeting.uuid}/notes/"

    def deliver_then_drop(route: Any) -> None:
        route.fetch()
        route.abort()

    page.route(notes_url, deliver_then_drop)
    capture(page, "Idea", "Volunteer for the hospital hackathon")
    expect(save_status(page)).to_contain_text(NOT_SAVED)
    assert Note.objects.count() == 1
    page.unroute(notes_url)

    page.reload()
    expect(save_status(page)).to_have_text(SAVED)
    expect(notes_list(page).get_by_role("listitem")).to_have_count(1)
    expect(notes_list(page)).to_contain_text("Volunteer for the hospital hackathon")
    assert Note.objects.count() == 1


def test_the_timer_prompts_next_steps_before_the_end(new_page: PageFactory, alice: Any) -> None:
    meeting, _ = prepared_meeting(alice)
    # Two seconds before the 5-minutes-left mark of a 20-minute conversation.
    services.conversation_start(
        meeting=meeting, now=timezone.now() - dt.timedelta(minutes=15) + dt.timedelta(seconds=2)
    )
    page = new_page()
    sign_in(page, "alice")
    page.goto(f"/meetings/{meeting.uuid}/live/")
    timer = page.locator("#timer")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^14:5\d$"))
    expect(timer.locator("[data-prompt]")).to_have_text(WRAP_UP_PROMPT)
    expect(timer).to_have_class(re.compile(r"\bwrap-up\b"))
    expect(timer.locator("[data-remaining]")).to_have_text(re.compile(r"^4:\d\d left$"))


def test_live_mode_summary_and_practice_fit_a_phone(new_page: PageFactory, alice: Any) -> None:
    # Long, unbroken values are what push a narrow layout sideways.
    coach = make_contact(
        alice,
        "Maximiliana Konstantinopolska-Wertheimer",
        organization_name="International Federation of Red Cross and Red Crescent Societies",
        title="Senior Director of Humanitarian Logistics and Supply Chain Operations",
        practice=True,
    )
    meeting = make_meeting(alice, coach)
    services.questions_builtin_ensure(owner=alice)
    services.plan_set(meeting=meeting, questions=selectors.question_bank(alice)[:4])
    services.plan_follow_up_add(
        meeting=meeting,
        text="Which of https://example.org/humanitarian-logistics-certification-programme-2026 "
        "would you recommend?",
    )
    services.note_add(
        meeting=meeting,
        kind="resource",
        text="https://example.org/resources/humanitarian-supply-chain-reading-list-for-students",
    )
    services.referral_add(
        meeting=meeting,
        name="Bartholomew Fitzgerald-Oyelaran",
        organization_name="United Nations Office for the Coordination of Humanitarian Affairs",
    )
    services.conversation_start(meeting=meeting)

    page = new_page(**PHONE)
    sign_in(page, "alice")
    page.goto(f"/meetings/{meeting.uuid}/live/")
    expect(page.get_by_text("practice", exact=True)).to_be_visible()
    expect(page.get_by_role("timer")).to_be_visible()
    assert not has_horizontal_scroll(page), "the live page scrolls sideways on a phone"
    # The timer stays in view while scrolling down to the referrals.
    page.get_by_role("button", name="Add this person").scroll_into_view_if_needed()
    expect(page.get_by_role("timer")).to_be_in_viewport()
    page.get_by_text("Questions from the guide").click()
    assert not has_horizontal_scroll(page), "the open guide list scrolls sideways on a phone"

    services.conversation_finish(meeting=meeting)
    page.goto(f"/meetings/{meeting.uuid}/summary/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Summary")
    assert not has_horizontal_scroll(page), "the summary scrolls sideways on a phone"

    page.goto("/practice/")
    pitch = page.get_by_role("region", name="Your pitch")
    expect(pitch.get_by_role("timer")).to_have_text("1:00")
    pitch.get_by_role("button", name="Start").click()
    expect(pitch.get_by_role("timer")).to_have_text(re.compile(r"^0:5\d$"))
    pitch.get_by_role("button", name="Pause").click()
    pitch.get_by_role("button", name="Reset").click()
    expect(pitch.get_by_role("timer")).to_have_text("1:00")
    assert not has_horizontal_scroll(page), "the practice page scrolls sideways on a phone"
