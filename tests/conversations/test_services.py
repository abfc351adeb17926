from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import BUILT_IN_QUESTIONS
from coffeechat.conversations.models import (
    Note,
    NoteKind,
    PlannedQuestion,
    PlanState,
    Question,
    Referral,
    Research,
)
from coffeechat.network.models import Contact, Source
from coffeechat.network.services import contact_merge
from coffeechat.outreach.models import MeetingStatus
from coffeechat.outreach.services import meeting_mark, meeting_reschedule
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


def bank(owner: Any) -> list[Question]:
    services.questions_builtin_ensure(owner=owner)
    return selectors.question_bank(owner)


def test_builtin_questions_are_copied_once_with_the_guides_nine(alice: Any) -> None:
    assert services.questions_builtin_ensure(owner=alice) == len(BUILT_IN_QUESTIONS)
    assert services.questions_builtin_ensure(owner=alice) == 0
    guide = Question.objects.filter(owner=alice, builtin_key__startswith="guide-")
    assert guide.count() == 9
    assert guide.filter(text__startswith="What is a typical day").exists()
    assert set(Question.objects.filter(owner=alice).values_list("tiara", flat=True)) == {
        "trends",
        "insights",
        "advice",
        "resources",
        "assignments",
    }


def test_a_hidden_builtin_question_stays_hidden_and_cannot_be_deleted(alice: Any) -> None:
    first = bank(alice)[0]
    services.question_update(question=first, hidden=True)
    services.questions_builtin_ensure(owner=alice)
    assert first not in selectors.question_bank(alice)
    assert first in selectors.question_bank(alice, include_hidden=True)
    with pytest.raises(ValidationError):
        services.question_delete(question=first)


def test_own_question_with_tags_is_filtered_by_tag_and_tiara(alice: Any) -> None:
    bank(alice)
    own = services.question_create(
        owner=alice, text="How do you use SQL day to day?", tiara="insights", tags="Data, SQL, data"
    )
    assert own.tag_list == ["data", "sql"]
    assert selectors.question_bank(alice, tag="sql") == [own]
    assert own in selectors.question_bank(alice, tiara="insights")
    assert own not in selectors.question_bank(alice, tiara="trends")
    with pytest.raises(ValidationError):
        services.question_create(owner=alice, text="   ")
    with pytest.raises(ValidationError):
        services.question_create(owner=alice, text="Fine?", tiara="gossip")


def test_plan_keeps_what_happened_when_reordered(alice: Any, meeting: Any) -> None:
    q = bank(alice)
    services.plan_set(meeting=meeting, questions=[q[0], q[1], q[2]])
    first = PlannedQuestion.objects.get(meeting=meeting, question=q[0])
    services.plan_mark(item=first, state=PlanState.ASKED, note="Mostly meetings")
    follow = services.plan_add(meeting=meeting, text="Which tools?", follow_up=True)
    services.plan_set(meeting=meeting, questions=[q[2], q[0]])
    plan = list(PlannedQuestion.objects.filter(meeting=meeting))
    assert [p.text for p in plan] == [q[2].text, q[0].text, "Which tools?"]
    assert plan[1].state == PlanState.ASKED and plan[1].note == "Mostly meetings"
    assert plan[2].pk == follow.pk and plan[2].position == 2


def test_plan_move_and_remove_keep_positions_dense(alice: Any, meeting: Any) -> None:
    q = bank(alice)
    services.plan_set(meeting=meeting, questions=q[:3])
    last = PlannedQuestion.objects.get(meeting=meeting, question=q[2])
    services.plan_move(item=last, by=-1)
    assert [p.question_id for p in PlannedQuestion.objects.filter(meeting=meeting)] == [
        q[0].pk,
        q[2].pk,
        q[1].pk,
    ]
    services.plan_remove(item=PlannedQuestion.objects.get(meeting=meeting, question=q[0]))
    assert list(
        PlannedQuestion.objects.filter(meeting=meeting).values_list("position", flat=True)
    ) == [0, 1]


def test_plan_refuses_another_users_question(alice: Any, bob: Any, meeting: Any) -> None:
    theirs = bank(bob)[0]
    with pytest.raises(ValidationError):
        services.plan_set(meeting=meeting, questions=[theirs])
    assert not PlannedQuestion.objects.filter(meeting=meeting).exists()


def test_a_note_sent_twice_with_its_key_is_saved_once(meeting: Any) -> None:
    note, created = services.note_add(
        meeting=meeting, kind=NoteKind.ADVICE, text="Learn dbt", client_key="k-1"
    )
    again, created_again = services.note_add(
        meeting=meeting, kind=NoteKind.ADVICE, text="Learn dbt", client_key="k-1"
    )
    assert created and not created_again and note.pk == again.pk
    assert Note.objects.filter(meeting=meeting).count() == 1
    with pytest.raises(ValidationError):
        services.note_add(meeting=meeting, kind="gossip", text="x")
    with pytest.raises(ValidationError):
        services.note_add(meeting=meeting, text="x", client_key="bad key!")


def test_referral_becomes_a_contact_referred_by_this_person(alice: Any, meeting: Any) -> None:
    referral, created = services.referral_add(
        meeting=meeting, name="Sam Okafor", organization_name="Northwind", client_key="r1"
    )
    assert created
    sam = referral.contact
    assert sam.referred_by == meeting.contact
    assert sam.source == Source.REFERRAL
    assert sam.organization.name == "Northwind"
    assert "Dana Reyes suggested I reach out" in sam.notes
    again, created = services.referral_add(meeting=meeting, name="Sam Okafor", client_key="r1")
    assert not created and again.pk == referral.pk
    assert Contact.objects.filter(owner=alice, name="Sam Okafor").count() == 1


def test_referral_to_someone_already_listed_links_them(alice: Any, meeting: Any) -> None:
    lee = make_contact(alice, "Lee Park")
    referral, _ = services.referral_add(meeting=meeting, name="lee park")
    assert referral.contact == lee
    lee.refresh_from_db()
    assert lee.referred_by == meeting.contact
    assert Contact.objects.filter(owner=alice).count() == 2


def test_finishing_marks_the_meeting_done(meeting: Any) -> None:
    services.conversation_start(meeting=meeting)
    conversation = services.conversation_finish(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DONE
    assert conversation.finished_at is not None


def test_timer_start_survives_a_second_start(meeting: Any) -> None:
    first = services.conversation_start(meeting=meeting).started_at
    assert services.conversation_start(meeting=meeting).started_at == first


def test_research_checklist_and_day_before_warning(alice: Any) -> None:
    meeting = make_meeting(alice, hours=20)
    view = selectors.research_for(meeting.contact)
    assert [i.code for i in view.to_do] == ["searched", "linkedin", "website"]
    warning = selectors.research_warning(view, meeting, timezone.now())
    assert "Dana Reyes" in warning and "acme health’s website" in warning.lower()
    # Two days ahead it is not yet a warning.
    early = selectors.research_warning(view, meeting, meeting.start - dt.timedelta(days=2))
    assert early == ""
    services.research_update(
        contact=meeting.contact,
        searched=True,
        linkedin_read=True,
        website_read=True,
        notes="Leads the claims team",
        organization_notes="Regional insurer",
    )
    contact = Contact.objects.get(pk=meeting.contact.pk)
    view = selectors.research_for(contact)
    assert view.done and view.notes == "Leads the claims team"
    assert view.organization_notes == "Regional insurer"
    assert selectors.research_warning(view, meeting, timezone.now()) == ""
    assert [row.meeting for row in selectors.research_warnings(alice)] == []


def test_research_warnings_lists_meetings_within_a_day(alice: Any) -> None:
    soon = make_meeting(alice, hours=10)
    make_meeting(alice, make_contact(alice, "Later Person"), hours=72)
    assert [row.meeting for row in selectors.research_warnings(alice)] == [soon]


def test_link_kind_is_guessed_and_bad_urls_refused(alice: Any, meeting: Any) -> None:
    contact = meeting.contact
    link = services.research_link_add(
        owner=alice, contact=contact, url="https://www.linkedin.com/in/dana"
    )
    assert link.kind == "linkedin"
    site = services.research_link_add(
        owner=alice, organization=contact.organization, url="https://acme.example/about"
    )
    assert site.kind == "website"
    with pytest.raises(ValidationError):
        services.research_link_add(owner=alice, contact=contact, url="javascript:alert(1)")
    view = selectors.research_for(contact)
    assert view.person_links == [link] and view.organization_links == [site]


def test_merging_contacts_joins_their_research(alice: Any) -> None:
    keep = make_contact(alice, "Dana Reyes")
    other = make_contact(alice, "Dana R.")
    services.research_update(contact=keep, notes="From LinkedIn")
    services.research_update(contact=other, notes="From the news", searched=True)
    contact_merge(keep=keep, other=other)
    research = Research.objects.get(contact=keep)
    assert "From LinkedIn" in research.notes and "From the news" in research.notes
    assert research.searched_at is not None
    assert Research.objects.filter(owner=alice).count() == 1


def test_no_show_only_after_the_start_and_reschedule_is_labelled(meeting: Any) -> None:
    with pytest.raises(ValidationError):
        meeting_mark(meeting=meeting, status=MeetingStatus.NO_SHOW)
    meeting_mark(
        meeting=meeting, status=MeetingStatus.NO_SHOW, now=meeting.start + dt.timedelta(hours=1)
    )
    assert meeting.get_status_display() == "No-show"
    meeting_mark(meeting=meeting, status=MeetingStatus.SCHEDULED)
    old = meeting.start
    meeting_reschedule(meeting=meeting, start=old + dt.timedelta(days=1))
    assert meeting.status_label == "Rescheduled" and meeting.rescheduled_from == old
    assert meeting.sequence == 1


def test_referral_rows_survive_contact_merge(alice: Any, meeting: Any) -> None:
    referral, _ = services.referral_add(meeting=meeting, name="Sam Okafor")
    dup = make_contact(alice, "Sam O.")
    contact_merge(keep=dup, other=referral.contact)
    assert Referral.objects.get(pk=referral.pk).contact == dup


def test_practice_answers_are_capped_but_existing_ones_stay_editable(
    alice: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "MAX_PRACTICE_ANSWERS", 2)
    services.practice_answer_save(owner=alice, prompt="One?", answer="a")
    services.practice_answer_save(owner=alice, prompt="Two?", answer="b")
    with pytest.raises(ValidationError):
        services.practice_answer_save(owner=alice, prompt="Three?", answer="c")
    assert services.practice_answer_save(owner=alice, prompt="One?", answer="better").answer == (
        "better"
    )


def test_a_question_deleted_from_the_bank_keeps_its_place_and_note_in_a_plan(
    alice: Any, meeting: Any
) -> None:
    own = services.question_create(owner=alice, text="How did you learn SQL?")
    builtin = bank(alice)[0]
    services.plan_set(meeting=meeting, questions=[own, builtin])
    item = PlannedQuestion.objects.get(meeting=meeting, question=own)
    services.plan_mark(item=item, state=PlanState.ASKED, note="Online course")
    services.question_delete(question=own)
    services.plan_set(meeting=meeting, questions=[builtin])
    plan = list(PlannedQuestion.objects.filter(meeting=meeting))
    assert [(p.text, p.note) for p in plan] == [
        (builtin.text, ""),
        ("How did you learn SQL?", "Online course"),
    ]
