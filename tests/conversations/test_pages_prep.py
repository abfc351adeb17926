"""A meeting's question plan, its printable prep sheet, and the Markdown download."""

from __future__ import annotations

import zoneinfo
from typing import Any

import pytest
from django.urls import reverse

from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import CLOSING_QUESTION
from coffeechat.conversations.models import PlannedQuestion, Question
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


def _bank(owner: Any) -> list[Question]:
    services.questions_builtin_ensure(owner=owner)
    return selectors.question_bank(owner)


def _plan(meeting: Any) -> list[str]:
    return list(
        PlannedQuestion.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("text", flat=True)
    )


# The plan ---------------------------------------------------------------------------------


def test_plan_page_shows_the_fit_and_the_bank(alice_client: Any, meeting: Any):
    page = alice_client.get(reverse("meeting_plan", args=[meeting.uuid]))
    assert page.status_code == 200
    text = page.text
    assert "Plan questions for Dana Reyes" in text
    assert "questions fit 20 minutes" in text
    assert "Nothing planned yet" in text
    assert "What is a typical day like in your job?" in text  # the bank, copied on first visit
    assert CLOSING_QUESTION in text


def test_ticking_questions_adds_them_in_bank_order(alice: Any, alice_client: Any, meeting: Any):
    bank = _bank(alice)
    url = reverse("meeting_plan", args=[meeting.uuid])
    response = alice_client.post(
        url, {"questions": [str(bank[3].uuid), str(bank[0].uuid)]}, follow=True
    )
    assert "Added 2 questions to the plan." in response.text
    assert _plan(meeting) == [bank[0].text, bank[3].text]
    # A planned question leaves the checklist and shows its TIARA on the plan.
    assert f'value="{bank[0].uuid}"' not in response.text
    assert "✓ Insights" in response.text


def test_the_plan_warns_when_it_overruns_the_time_asked(
    alice: Any, alice_client: Any, meeting: Any
):
    services.plan_set(meeting=meeting, questions=_bank(alice)[:9])
    text = alice_client.get(reverse("meeting_plan", args=[meeting.uuid])).text
    assert "9 questions need about" in text
    assert "you asked for 20" in text


@pytest.mark.parametrize("data", [{}, {"questions": ["not-a-question"]}])
def test_adding_nothing_or_junk_is_refused(alice_client: Any, meeting: Any, data: Any):
    response = alice_client.post(reverse("meeting_plan", args=[meeting.uuid]), data)
    assert response.status_code == 200
    assert "Tick at least one question" in response.text
    assert not PlannedQuestion.objects.exists()


def test_a_full_plan_adds_none_of_the_ticked_questions(alice: Any, alice_client: Any, meeting: Any):
    for n in range(services.MAX_PLAN):
        services.question_create(owner=alice, text=f"Question {n}?")
    bank = _bank(alice)
    services.plan_set(meeting=meeting, questions=bank[: services.MAX_PLAN - 1])
    extra = [str(q.uuid) for q in bank[services.MAX_PLAN - 1 : services.MAX_PLAN + 1]]
    response = alice_client.post(reverse("meeting_plan", args=[meeting.uuid]), {"questions": extra})
    assert f"A plan holds at most {services.MAX_PLAN} questions." in response.text
    assert len(_plan(meeting)) == services.MAX_PLAN - 1


def test_bob_cannot_add_alices_question_to_his_plan(alice: Any, bob: Any, bob_client: Any):
    alices = _bank(alice)[0]
    his = make_meeting(bob)
    response = bob_client.post(
        reverse("meeting_plan", args=[his.uuid]), {"questions": [str(alices.uuid)]}
    )
    assert response.status_code == 200
    assert not PlannedQuestion.objects.exists()


def test_moving_and_removing_planned_questions(alice: Any, alice_client: Any, meeting: Any):
    bank = _bank(alice)
    services.plan_set(meeting=meeting, questions=bank[:3])
    first, second, third = PlannedQuestion.objects.filter(meeting=meeting).order_by("position")
    page = reverse("meeting_plan", args=[meeting.uuid])
    response = alice_client.post(reverse("plan_move", args=[third.uuid]), {"by": "-1"})
    assert response["Location"] == page
    assert _plan(meeting) == [bank[0].text, bank[2].text, bank[1].text]
    alice_client.post(reverse("plan_move", args=[first.uuid]), {"by": "1"})
    assert _plan(meeting) == [bank[2].text, bank[0].text, bank[1].text]
    response = alice_client.post(reverse("plan_remove", args=[second.uuid]), follow=True)
    assert f"Removed from the plan: {bank[1].text}" in response.text
    assert _plan(meeting) == [bank[2].text, bank[0].text]


@pytest.mark.parametrize("by", ["", "2", "-5", "up"])
def test_a_bad_move_is_refused(alice: Any, alice_client: Any, meeting: Any, by: str):
    bank = _bank(alice)
    services.plan_set(meeting=meeting, questions=bank[:2])
    item = PlannedQuestion.objects.get(meeting=meeting, position=1)
    response = alice_client.post(reverse("plan_move", args=[item.uuid]), {"by": by}, follow=True)
    assert "Move a question up" in response.text
    assert _plan(meeting) == [bank[0].text, bank[1].text]


def test_bob_gets_404_on_alices_plan_and_changes_nothing(alice: Any, bob_client: Any, meeting: Any):
    bank = _bank(alice)
    services.plan_set(meeting=meeting, questions=bank[:2])
    item = PlannedQuestion.objects.get(meeting=meeting, position=1)
    plan = reverse("meeting_plan", args=[meeting.uuid])
    assert bob_client.get(plan).status_code == 404
    assert bob_client.post(plan, {"questions": [str(bank[5].uuid)]}).status_code == 404
    assert bob_client.post(reverse("plan_move", args=[item.uuid]), {"by": "-1"}).status_code == 404
    assert bob_client.post(reverse("plan_remove", args=[item.uuid])).status_code == 404
    assert _plan(meeting) == [bank[0].text, bank[1].text]


def test_practice_plans_carry_the_badge(alice: Any, alice_client: Any):
    practice = make_meeting(alice, make_contact(alice, "Roommate Rio", practice=True))
    text = alice_client.get(reverse("meeting_plan", args=[practice.uuid])).text
    assert '<span class="badge practice">practice</span>' in text


# The prep sheet ---------------------------------------------------------------------------


@pytest.fixture
def prepared(alice: Any, meeting: Any) -> Any:
    contact = meeting.contact
    contact.phone = "+1 312 555 0100"
    contact.linkedin_url = "https://www.linkedin.com/in/dana-reyes"
    contact.save()
    alice.profile.elevator_pitch = "I study statistics and want to work in health data."
    alice.profile.save()
    services.research_update(
        contact=contact,
        notes="Moved from nursing to analytics.",
        organization_notes="Regional hospital network.",
        searched=True,
    )
    services.research_link_add(
        owner=alice, url="https://news.example/acme", title="Acme grows", contact=contact
    )
    bank = _bank(alice)
    services.plan_set(meeting=meeting, questions=[bank[4], bank[0]])
    return meeting


def test_prep_sheet_has_everything_for_the_day(alice: Any, alice_client: Any, prepared: Any):
    page = alice_client.get(reverse("prep_sheet", args=[prepared.uuid]))
    assert page.status_code == 200
    text = page.text
    assert "Coffee chat with Dana Reyes" in text
    assert selectors.when_label(alice, prepared) in text
    assert "https://zoom.example/j/123" in text and "+1 312 555 0100" in text
    assert "Join 5 minutes early" in text  # the guide's logistics for a video call
    assert "Moved from nursing to analytics." in text
    assert "Regional hospital network." in text
    assert "Acme grows" in text and "https://www.linkedin.com/in/dana-reyes" in text
    assert "I study statistics and want to work in health data." in text
    # The chosen questions in the planned order, then the closing question.
    satisfying = text.index("What part of your job is most satisfying?")
    typical = text.index("What is a typical day like in your job?")
    assert satisfying < typical < text.index(f"<li><strong>{CLOSING_QUESTION}</strong></li>")
    for heading in ("Advice", "Resources", "Ideas", "They asked me"):
        assert f"<h3>{heading}</h3>" in text
    # Research still to do is said on the sheet.
    assert "Research still to do: Read their LinkedIn page" in text


def test_prep_sheet_links_its_print_stylesheet_and_no_inline_script(
    alice_client: Any, prepared: Any
):
    text = alice_client.get(reverse("prep_sheet", args=[prepared.uuid])).text
    assert '<link rel="stylesheet" href="/static/print.css">' in text
    assert '<script src="/static/print.js" defer></script>' in text
    assert "<script>" not in text and "onclick" not in text and 'style="' not in text
    assert "data-print hidden" in text  # shown by print.js; the page says how to print without
    assert "Ctrl+P" in text
    assert reverse("prep_download", args=[prepared.uuid]) in text


def test_print_stylesheet_hides_the_app_and_prints_black_on_white():
    from django.contrib.staticfiles import finders

    path = finders.find("print.css")
    assert path, "print.css is not a static file"
    with open(path, encoding="utf-8") as sheet:
        css = sheet.read()
    assert "@media print" in css
    assert "body > header, body > footer" in css and "display: none" in css
    assert "#000" in css and "#fff" in css
    assert "break-inside: avoid" in css


def test_prep_sheet_without_a_pitch_points_to_the_profile(alice_client: Any, meeting: Any):
    text = alice_client.get(reverse("prep_sheet", args=[meeting.uuid])).text
    assert "Write your pitch on your profile" in text
    assert reverse("profile") in text
    assert CLOSING_QUESTION in text


def test_markdown_download(alice: Any, alice_client: Any, prepared: Any):
    response = alice_client.get(reverse("prep_download", args=[prepared.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    day = prepared.start.astimezone(zoneinfo.ZoneInfo("America/Chicago")).date()
    assert response["Content-Disposition"] == (
        f'attachment; filename="prep-dana-reyes-{day:%Y-%m-%d}.md"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("# Coffee chat with Dana Reyes")
    assert "Moved from nursing to analytics." in text
    assert "1. What part of your job is most satisfying? Most challenging?" in text
    assert "2. What is a typical day like in your job?" in text
    assert f"3. {CLOSING_QUESTION}" in text
    assert "> I study statistics and want to work in health data." in text


def test_markdown_filename_survives_a_name_without_latin_letters(alice: Any, alice_client: Any):
    meeting = make_meeting(alice, make_contact(alice, "王芳"))
    response = alice_client.get(reverse("prep_download", args=[meeting.uuid]))
    assert 'filename="prep-meeting-' in response["Content-Disposition"]
    assert "王芳" in response.content.decode("utf-8")


def test_bob_gets_404_on_alices_prep_sheet_and_download(bob_client: Any, prepared: Any):
    assert bob_client.get(reverse("prep_sheet", args=[prepared.uuid])).status_code == 404
    assert bob_client.get(reverse("prep_download", args=[prepared.uuid])).status_code == 404
