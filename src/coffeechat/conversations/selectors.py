"""Reads for Prepare and talk. Every lookup is by the owner; anyone else's id is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coffeechat.accounts.services import profile_for
from coffeechat.conversations.bank import PRACTICE_PROMPTS
from coffeechat.conversations.models import (
    Conversation,
    Note,
    NoteKind,
    OrganizationResearch,
    PlannedQuestion,
    PracticeAnswer,
    Question,
    Referral,
    Research,
    ResearchLink,
)
from coffeechat.conversations.planning import Fit, plan_fit
from coffeechat.lib.ids import uuid_or_404
from coffeechat.network.models import Contact, Organization
from coffeechat.outreach.models import Meeting, MeetingStatus
from coffeechat.outreach.selectors import meeting_get_for_user, student_zone, zone_of
from coffeechat.outreach.slots import Slot, slot_label

# The guide: research a day before. Inside this window an unfinished checklist is a warning.
RESEARCH_DUE_BEFORE = dt.timedelta(days=1)

__all__ = ["meeting_get_for_user"]


def _get(model: Any, owner: Any, key: Any, what: str, **related: Any) -> Any:
    found = (
        model.objects.select_related(*related.get("select", ()))
        .filter(owner=owner, uuid=uuid_or_404(key, what))
        .first()
    )
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def question_get_for_user(owner: Any, question_id: Any) -> Question:
    return _get(Question, owner, question_id, "question")


def planned_question_get_for_user(owner: Any, item_id: Any) -> PlannedQuestion:
    return _get(PlannedQuestion, owner, item_id, "planned question", select=("meeting",))


def note_get_for_user(owner: Any, note_id: Any) -> Note:
    return _get(Note, owner, note_id, "note", select=("meeting",))


def research_link_get_for_user(owner: Any, link_id: Any) -> ResearchLink:
    return _get(ResearchLink, owner, link_id, "link")


# Question bank ----------------------------------------------------------------------------


def question_bank(
    owner: Any, *, tiara: str = "", tag: str = "", include_hidden: bool = False
) -> list[Question]:
    questions = Question.objects.filter(owner=owner)
    if not include_hidden:
        questions = questions.filter(hidden=False)
    if tiara:
        questions = questions.filter(tiara=tiara)
    found = list(questions)
    if tag:
        wanted = tag.strip().casefold()
        found = [q for q in found if wanted in q.tag_list]
    return found


def question_tags(owner: Any) -> list[str]:
    tags: set[str] = set()
    for value in (
        Question.objects.filter(owner=owner).exclude(tags="").values_list("tags", flat=True)
    ):
        tags.update(t for t in value.split(",") if t)
    return sorted(tags)


# Research ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    done: bool
    applies: bool = True


@dataclass
class ResearchView:
    contact: Contact
    research: Research | None
    organization_research: OrganizationResearch | None
    person_links: list[ResearchLink] = field(default_factory=list)
    organization_links: list[ResearchLink] = field(default_factory=list)

    @property
    def organization(self) -> Organization | None:
        return self.contact.organization

    @property
    def notes(self) -> str:
        return self.research.notes if self.research else ""

    @property
    def organization_notes(self) -> str:
        return self.organization_research.notes if self.organization_research else ""

    @property
    def checklist(self) -> list[CheckItem]:
        research, org = self.research, self.organization_research
        return [
            CheckItem(
                "searched",
                f"Searched for {self.contact.name} online",
                bool(research and research.searched_at),
            ),
            CheckItem(
                "linkedin",
                "Read their LinkedIn page",
                bool(research and research.linkedin_read_at),
            ),
            CheckItem(
                "website",
                f"Read {self.organization.name}’s website"
                if self.organization
                else "Read their organization’s website (no organization recorded)",
                bool(org and org.website_read_at),
                applies=self.organization is not None,
            ),
        ]

    @property
    def to_do(self) -> list[CheckItem]:
        return [item for item in self.checklist if item.applies and not item.done]

    @property
    def done(self) -> bool:
        return not self.to_do

    @property
    def is_empty(self) -> bool:
        return not (
            self.notes or self.organization_notes or self.person_links or self.organization_links
        )


def _research_view(contact: Contact, links: list[ResearchLink] | None = None) -> ResearchView:
    # Reverse one-to-ones: read from select_related when the list fetched them, else a query;
    # a missing row reads as None either way.
    research = getattr(contact, "research", None)
    org = contact.organization
    org_research = getattr(org, "research", None) if org is not None else None
    if links is None:
        where = Q(contact=contact)
        if org is not None:
            where |= Q(organization=org)
        links = list(ResearchLink.objects.filter(where, owner_id=contact.owner_id))
    return ResearchView(
        contact=contact,
        research=research,
        organization_research=org_research,
        person_links=[link for link in links if link.contact_id == contact.pk],
        organization_links=[link for link in links if link.organization_id is not None],
    )


def research_for(contact: Contact) -> ResearchView:
    return _research_view(contact)


def research_warning(view: ResearchView, meeting: Meeting, now: dt.datetime) -> str:
    """The guide asks for research before the meeting; a day before, unfinished is a warning."""
    if meeting.status != MeetingStatus.SCHEDULED or view.done or now >= meeting.end:
        return ""
    if now < meeting.start - RESEARCH_DUE_BEFORE:
        return ""
    missing = ", ".join(item.label[0].lower() + item.label[1:] for item in view.to_do)
    return f"Research still to do before you meet {view.contact.name}: {missing}."


# Meetings ---------------------------------------------------------------------------------


class When:
    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"


def meetings_list(
    owner: Any,
    *,
    when: str = When.UPCOMING,
    status: str = "",
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Meeting]:
    """Meetings, soonest first when upcoming, latest first when past; one query."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(owner=owner).select_related(
        "contact",
        "contact__organization",
        "contact__research",
        "contact__organization__research",
        "conversation",
    )
    if contact is not None:
        meetings = meetings.filter(contact=contact)
    if status:
        meetings = meetings.filter(status=status)
    if when == When.UPCOMING:
        return meetings.filter(end__gte=now, status=MeetingStatus.SCHEDULED).order_by("start")
    if when == When.PAST:
        return meetings.filter(Q(end__lt=now) | ~Q(status=MeetingStatus.SCHEDULED)).order_by(
            "-start"
        )
    return meetings.order_by("-start")


@dataclass
class MeetingRow:
    meeting: Meeting
    when: str
    research: ResearchView
    warning: str

    @property
    def contact(self) -> Contact:
        return self.meeting.contact


def when_label(owner: Any, meeting: Meeting) -> str:
    return slot_label(
        Slot(meeting.start, meeting.end),
        student_tz=student_zone(owner),
        contact_tz=zone_of(meeting.contact.time_zone),
    )


def meeting_rows(
    owner: Any, meetings: QuerySet[Meeting] | list[Meeting], now: dt.datetime | None = None
) -> list[MeetingRow]:
    """Meetings with their times in both zones and research status (links not needed)."""
    now = now or timezone.now()
    student_tz = student_zone(owner)
    rows = []
    for meeting in meetings:
        view = _research_view(meeting.contact, links=[])
        rows.append(
            MeetingRow(
                meeting=meeting,
                when=slot_label(
                    Slot(meeting.start, meeting.end),
                    student_tz=student_tz,
                    contact_tz=zone_of(meeting.contact.time_zone),
                ),
                research=view,
                warning=research_warning(view, meeting, now),
            )
        )
    return rows


def research_warnings(owner: Any, now: dt.datetime | None = None) -> list[MeetingRow]:
    """Meetings within a day whose research is unfinished (what a Today list warns about)."""
    now = now or timezone.now()
    soon = meetings_list(owner, now=now).filter(start__lte=now + RESEARCH_DUE_BEFORE)
    return [row for row in meeting_rows(owner, soon, now) if row.warning]


def conversation_for(meeting: Meeting) -> Conversation | None:
    return getattr(meeting, "conversation", None)


@dataclass
class MeetingPrep:
    """Everything the meeting, prep sheet, live and summary pages show about one meeting."""

    meeting: Meeting
    when: str
    research: ResearchView
    plan: list[PlannedQuestion]
    notes: list[Note]
    referrals: list[Referral]
    conversation: Conversation | None
    pitch: str
    student_name: str
    now: dt.datetime

    @property
    def contact(self) -> Contact:
        return self.meeting.contact

    @property
    def fit(self) -> Fit:
        return plan_fit(self.meeting.minutes, len([q for q in self.plan if not q.follow_up]))

    @property
    def warning(self) -> str:
        return research_warning(self.research, self.meeting, self.now)

    @property
    def started_at(self) -> dt.datetime | None:
        return self.conversation.started_at if self.conversation else None

    @property
    def finished(self) -> bool:
        return bool(self.conversation and self.conversation.finished_at)

    def notes_of(self, kind: str) -> list[Note]:
        return [note for note in self.notes if note.kind == kind]

    @property
    def notes_by_kind(self) -> list[tuple[str, str, list[Note]]]:
        return [
            (kind.value, str(kind.label), self.notes_of(kind))
            for kind in NoteKind
            if self.notes_of(kind)
        ]

    @property
    def to_act_on(self) -> list[Note]:
        """Advice and resources not acted on yet: the follow-up list turns them into reminders."""
        return [
            note
            for note in self.notes
            if note.kind in (NoteKind.ADVICE, NoteKind.RESOURCE, NoteKind.IDEA)
            and note.acted_on_at is None
        ]

    @property
    def asked(self) -> list[PlannedQuestion]:
        return [q for q in self.plan if q.state != "planned"]


def meeting_prep(owner: Any, meeting: Meeting, now: dt.datetime | None = None) -> MeetingPrep:
    profile = profile_for(owner)
    return MeetingPrep(
        meeting=meeting,
        when=when_label(owner, meeting),
        research=research_for(meeting.contact),
        plan=list(PlannedQuestion.objects.filter(meeting=meeting).select_related("question")),
        notes=list(Note.objects.filter(meeting=meeting)),
        referrals=referrals_for(meeting),
        conversation=conversation_for(meeting),
        pitch=profile.elevator_pitch,
        student_name=profile.name,
        now=now or timezone.now(),
    )


def contact_meetings(
    owner: Any, contact: Contact, now: dt.datetime | None = None
) -> tuple[list[MeetingRow], list[MeetingRow]]:
    """The contact's meetings for their page: (upcoming soonest first, past latest first)."""
    now = now or timezone.now()
    rows = meeting_rows(owner, meetings_list(owner, when=When.ALL, contact=contact), now)
    ahead = [r.meeting.status == MeetingStatus.SCHEDULED and r.meeting.end >= now for r in rows]
    upcoming = [row for row, is_ahead in zip(rows, ahead, strict=True) if is_ahead]
    past = [row for row, is_ahead in zip(rows, ahead, strict=True) if not is_ahead]
    return upcoming[::-1], past


# Practice ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticePrompt:
    prompt: str
    answer: str
    from_conversation: bool


def practice_prompts(owner: Any) -> list[PracticePrompt]:
    """Questions a contact may ask the student: the usual ones, then ones actually asked."""
    answers = dict(PracticeAnswer.objects.filter(owner=owner).values_list("prompt", "answer"))
    prompts = [PracticePrompt(p, answers.get(p, ""), False) for p in PRACTICE_PROMPTS]
    seen = {p.casefold() for p in PRACTICE_PROMPTS}
    asked = (
        Note.objects.filter(owner=owner, kind=NoteKind.ASKED_ME)
        .order_by("-created_at")
        .values_list("text", flat=True)[:20]
    )
    for text in asked:
        prompt = text.strip()[:500]
        if prompt and prompt.casefold() not in seen:
            seen.add(prompt.casefold())
            prompts.append(PracticePrompt(prompt, answers.get(prompt, ""), True))
    return prompts


# Shapes the API and the CLI's --json share ------------------------------------------------


def meeting_summaries(
    owner: Any, meetings: QuerySet[Meeting] | list[Meeting], now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Meetings as the API and `coffeechat meetings --json` show them: times in ISO 8601 in
    the student's zone, the label in both zones, and what research is still to do."""
    zone = student_zone(owner)
    summaries = []
    for row in meeting_rows(owner, meetings, now):
        meeting, contact = row.meeting, row.contact
        summaries.append(
            {
                "id": str(meeting.uuid),
                "contact": {
                    "id": str(contact.uuid),
                    "name": contact.name,
                    "organization": contact.organization.name if contact.organization else None,
                    "practice": contact.practice,
                },
                "start": meeting.start.astimezone(zone).isoformat(),
                "end": meeting.end.astimezone(zone).isoformat(),
                "minutes": meeting.minutes,
                "medium": meeting.medium,
                "location": meeting.location,
                "status": meeting.status,
                "status_label": meeting.status_label,
                "sequence": meeting.sequence,
                "rescheduled_from": meeting.rescheduled_from.astimezone(zone).isoformat()
                if meeting.rescheduled_from
                else None,
                "when": row.when,
                "research": {
                    "done": row.research.done,
                    "to_do": [{"code": i.code, "label": i.label} for i in row.research.to_do],
                },
                "warning": row.warning,
            }
        )
    return summaries


def question_summary(question: Question) -> dict[str, Any]:
    """A bank question as the API and `coffeechat questions --json` show it."""
    return {
        "id": str(question.uuid),
        "text": question.text,
        "tiara": question.tiara,
        "tags": question.tag_list,
        "hidden": question.hidden,
        "built_in": bool(question.builtin_key),
        "origin": question.origin,
    }


def referrals_for(meeting: Meeting) -> list[Referral]:
    """The people this conversation suggested, with who referred each (one query)."""
    return list(
        Referral.objects.filter(meeting=meeting).select_related(
            "contact", "contact__organization", "contact__referred_by"
        )
    )


# Live mode and practice -------------------------------------------------------------------


def question_builtin_for_user(owner: Any, key: str) -> Question | None:
    """The owner's copy of a built-in question (live mode adds the guide's by key)."""
    if not key:
        return None
    return Question.objects.filter(owner=owner, builtin_key=key).first()


def practice_meetings(owner: Any, now: dt.datetime | None = None) -> list[MeetingRow]:
    """Upcoming meetings with practice contacts, for the practice page."""
    meetings = meetings_list(owner, now=now).filter(contact__practice=True)[:20]
    return meeting_rows(owner, meetings, now)
