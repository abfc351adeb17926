"""The demo user's Prepare and talk: research, a planned meeting, a finished conversation."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from typer.testing import CliRunner

from coffeechat.cli import app
from coffeechat.conversations import selectors
from coffeechat.conversations.demo import MEETINGS_ADDED, PEOPLE_REFERRED, conversations_demo
from coffeechat.conversations.models import (
    Conversation,
    Note,
    NoteKind,
    OrganizationResearch,
    PlannedQuestion,
    PlanState,
    PracticeAnswer,
    Question,
    Referral,
    Research,
    ResearchLink,
)
from coffeechat.followups import demo as followups_demo
from coffeechat.network.demo import DEMO_PASSWORD, demo_network_create, demo_user_create
from coffeechat.network.models import Contact, Source
from coffeechat.outreach.demo import outreach_demo
from coffeechat.outreach.models import Meeting, MeetingStatus

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# A Wednesday, and a Monday after a weekend and July 4th (as in the outreach demo's tests).
WEDNESDAY = dt.datetime(2025, 7, 9, 15, 0, tzinfo=CHICAGO)
MONDAY = dt.datetime(2025, 7, 7, 8, 30, tzinfo=CHICAGO)
CONVERSATION_MODELS = (
    Research,
    OrganizationResearch,
    ResearchLink,
    Question,
    PlannedQuestion,
    Note,
    Referral,
    Conversation,
    PracticeAnswer,
)


@pytest.fixture(params=[WEDNESDAY, MONDAY], ids=["wednesday", "monday"])
def now(request: Any) -> dt.datetime:
    return request.param


@pytest.fixture
def demo(db: Any, now: dt.datetime) -> Any:
    user = demo_user_create(username="demo", password=DEMO_PASSWORD)
    demo_network_create(owner=user)
    outreach_demo(user, now=now)
    assert conversations_demo(user, now=now) == PEOPLE_REFERRED == 2
    return user


def person(user: Any, name: str) -> Contact:
    return Contact.objects.get(owner=user, name=name)


def test_people_and_organizations_have_research_checklists_and_links(demo: Any) -> None:
    researched = Research.objects.filter(owner=demo).select_related("contact")
    assert {r.contact.name for r in researched} >= {
        "Grace Liu",
        "Amara Okafor",
        "Dr. Rebecca Stone",
        "Dr. Samuel Osei",
    }
    assert all(r.notes for r in researched)
    organizations = OrganizationResearch.objects.filter(owner=demo)
    assert {r.organization.name for r in organizations} >= {
        "Northwind Design Studio",
        "Lakeshore Health",
    }

    liu = selectors.research_for(person(demo, "Grace Liu"))
    assert "Design Director" in liu.notes and "UX agency" in liu.organization_notes
    # Searched and LinkedIn ticked; the website is still to do, so the checklist shows it.
    assert [item.code for item in liu.checklist if item.done] == ["searched", "linkedin"]
    assert [item.code for item in liu.to_do] == ["website"]
    assert [link.kind for link in liu.person_links] == ["linkedin"]
    assert [link.kind for link in liu.organization_links] == ["website"]
    okafor = selectors.research_for(person(demo, "Amara Okafor"))
    assert okafor.done and okafor.person_links and okafor.organization_links
    assert ResearchLink.objects.filter(owner=demo).count() >= 4


def test_the_accepted_meeting_is_days_away_with_a_plan_that_fits(
    demo: Any, now: dt.datetime
) -> None:
    liu = person(demo, "Grace Liu")
    meeting = Meeting.objects.get(owner=demo, contact=liu)
    assert meeting.reply is not None and meeting.reply.outcome == "yes"  # the outreach demo's
    assert now < meeting.start < now + dt.timedelta(days=7)
    assert meeting.status == MeetingStatus.SCHEDULED

    prep = selectors.meeting_prep(demo, meeting, now=now)
    assert len(prep.plan) == 5
    assert [item.question.builtin_key for item in prep.plan[:4]] == [
        "guide-typical-day",
        "guide-path",
        "tiara-trends",
        "guide-skills",
    ]
    own = prep.plan[4].question
    assert own is not None and own.builtin_key == "" and own.tag_list == ["ux", "research"]
    assert all(item.state == PlanState.PLANNED for item in prep.plan)
    assert not prep.fit.overrun and prep.fit.most >= 5
    assert not prep.finished
    # The whole built-in bank is there to choose from, and Sam's question with it.
    bank = selectors.question_bank(demo)
    assert len([q for q in bank if q.builtin_key.startswith("guide-")]) == 9
    assert own in bank


def test_a_practice_run_with_a_practice_contact_before_the_meeting(
    demo: Any, now: dt.datetime
) -> None:
    meeting = Meeting.objects.get(owner=demo, contact__practice=True)
    liu = Meeting.objects.get(owner=demo, contact__name="Grace Liu")
    assert meeting.contact.name == "Emily Carter"
    assert now < meeting.start < liu.start
    assert meeting.start.astimezone(CHICAGO).date() < liu.start.astimezone(CHICAGO).date()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.medium == "in_person"
    assert PlannedQuestion.objects.filter(meeting=meeting).count() == 3
    answers = PracticeAnswer.objects.filter(owner=demo)
    assert answers.count() == 2 and all(a.answer for a in answers)
    prompts = [p for p in selectors.practice_prompts(demo) if p.answer]
    assert "Tell me a little about yourself." in [p.prompt for p in prompts]


def test_a_finished_conversation_with_notes_questions_and_referrals(
    demo: Any, now: dt.datetime
) -> None:
    okafor = person(demo, "Amara Okafor")
    meeting = Meeting.objects.get(owner=demo, contact=okafor)
    assert meeting.status == MeetingStatus.DONE and meeting.end < now
    conversation = Conversation.objects.get(meeting=meeting)
    assert conversation.started_at == meeting.start
    assert conversation.finished_at == meeting.end

    prep = selectors.meeting_prep(demo, meeting, now=now)
    assert prep.finished
    states = [item.state for item in prep.plan]
    assert {PlanState.ASKED, PlanState.SKIPPED, PlanState.ANSWERED_EARLY} <= set(states)
    assert PlanState.PLANNED not in states
    asked = [item for item in prep.plan if item.state == PlanState.ASKED]
    assert all(item.note for item in asked)
    follow_ups = [item for item in prep.plan if item.follow_up]
    assert len(follow_ups) == 1 and follow_ups[0] is prep.plan[-1]

    kinds = {kind for kind, _label, _notes in prep.notes_by_kind}
    assert {NoteKind.ADVICE, NoteKind.RESOURCE, NoteKind.IDEA, NoteKind.ASKED_ME} <= kinds
    assert any("https://" in note.text for note in prep.notes_of(NoteKind.RESOURCE))
    assert prep.to_act_on  # advice and resources the follow-ups will turn into reminders
    # A question she asked becomes one to practise answering.
    assert "Why health care rather than a tech company?" in [
        p.prompt for p in selectors.practice_prompts(demo)
    ]

    referred = [referral.contact for referral in prep.referrals]
    assert [c.name for c in referred] == ["Priyanka Desai", "Tom Becker"]
    for contact in referred:
        assert contact.referred_by == okafor and contact.source == Source.REFERRAL
        assert "Amara Okafor suggested I reach out" in contact.notes
    assert referred[0].organization is not None
    assert referred[0].organization.name == "Lakeshore Health"  # joined, not a second one
    on_the_list = Contact.objects.filter(owner=demo, referred_by=okafor)
    assert set(on_the_list) == set(referred)


def test_nothing_is_from_someone_else(demo: Any, bob: Any) -> None:
    for model in CONVERSATION_MODELS:
        assert model.objects.filter(owner=demo).exists(), model.__name__
        assert not model.objects.exclude(owner=demo).exists(), model.__name__


# Through the command ---------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def counts(user: Any) -> dict[str, int]:
    found = {m.__name__: m.objects.filter(owner=user).count() for m in CONVERSATION_MODELS}
    found["Meeting"] = Meeting.objects.filter(owner=user).count()
    found["Contact"] = Contact.objects.filter(owner=user).count()
    return found


def test_the_demo_command_adds_prepare_and_talk(db: Any) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    assert "a finished conversation with notes and referrals" in result.stdout
    user = get_user_model().objects.get(username="demo")
    assert (
        Meeting.objects.filter(owner=user).count()
        == 1 + MEETINGS_ADDED + followups_demo.MEETINGS_ADDED
    )
    assert Conversation.objects.get(owner=user).finished_at is not None
    assert Referral.objects.filter(owner=user).count() == 2
    upcoming = selectors.meetings_list(user)
    assert [m.contact.name for m in upcoming] == ["Emily Carter", "Grace Liu"]
    assert all(PlannedQuestion.objects.filter(meeting=m).exists() for m in upcoming)


def test_the_demo_command_twice_adds_nothing_and_reset_starts_over(db: Any) -> None:
    run("demo")
    user = get_user_model().objects.get(username="demo")
    before = counts(user)
    assert all(before.values()), before

    again = run("demo")
    assert again.exit_code == 0
    assert counts(user) == before

    result = run("demo", "--reset")
    assert result.exit_code == 0, result.stderr
    fresh = get_user_model().objects.get(username="demo")
    assert fresh.pk != user.pk
    assert counts(fresh) == before
    assert not Note.objects.filter(owner_id=user.pk).exists()


def test_every_prepare_and_talk_page_shows_the_demo(demo: Any, client: Any) -> None:
    client.force_login(demo)
    okafor = Meeting.objects.get(owner=demo, contact__name="Amara Okafor")
    liu = Meeting.objects.get(owner=demo, contact__name="Grace Liu")
    pages = {
        reverse("meeting_list"): ["Grace Liu", "Emily Carter"],
        reverse("question_list"): ["How does Northwind decide"],
        reverse("practice"): ["Tell me a little about yourself."],
        reverse("prep_sheet", args=[liu.uuid]): ["What is a typical day like", "UX agency"],
        reverse("live", args=[liu.uuid]): ["What experiences led you"],
        reverse("summary", args=[okafor.uuid]): ["Priyanka Desai", "Volunteer as a note-taker"],
        reverse("research_edit", args=[liu.contact.uuid]): ["Design Director at Northwind"],
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        for text in texts:
            assert text in response.text, (url, text)
