"""Shapes of the Prepare and talk API: meetings, research, the question bank, plans, notes
and referrals. The conventions are those of `schemas.py`: public ids are uuids, inputs
refuse unknown fields, and length limits come from the models."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from ninja import Field, Schema

from coffeechat.api.schemas import InputSchema, PatchSchema, TextInputSchema, max_length
from coffeechat.conversations.models import (
    LinkKind,
    Note,
    NoteKind,
    PlannedQuestion,
    PlanState,
    Question,
    Referral,
    ResearchLink,
    Tiara,
)
from coffeechat.conversations.selectors import ResearchView
from coffeechat.outreach.models import MeetingStatus

if TYPE_CHECKING:
    TiaraValue = str
    NoteKindValue = str
    PlanStateValue = str
    LinkKindValue = str
    StatusValue = str
else:
    # One Literal per choice list: a wrong value gets one message naming every choice, and
    # the OpenAPI schema shows them as an enum.
    TiaraValue = Literal[(*Tiara.values, "")]
    NoteKindValue = Literal[tuple(NoteKind.values)]
    PlanStateValue = Literal[tuple(PlanState.values)]
    LinkKindValue = Literal[(*LinkKind.values, "")]
    StatusValue = Literal[(*MeetingStatus.values, "")]

MediumValue = Literal["", "phone", "video", "in_person"]
CLIENT_KEY = Field(
    "",
    max_length=64,
    description="Any id the client makes for this capture (letters, digits, - and _): sent "
    "again after a dropped connection, the first one comes back with 200 instead of a copy.",
)


# Meetings ---------------------------------------------------------------------------------


class ContactBrief(Schema):
    id: UUID
    name: str
    organization: str | None
    practice: bool


class CheckBrief(Schema):
    code: str
    label: str


class ResearchBrief(Schema):
    done: bool
    to_do: list[CheckBrief] = Field(description="The guide's checklist items not done yet.")


class MeetingSummaryOut(Schema):
    id: UUID
    contact: ContactBrief
    start: str = Field(description="ISO 8601 in your zone, with its UTC offset.")
    end: str
    minutes: int
    medium: str
    location: str = Field(description="A phone number, a video link or an address.")
    status: str
    status_label: str = Field(description="“Rescheduled” for a scheduled meeting once moved.")
    sequence: int = Field(description="The invite's SEQUENCE: it goes up each time it changes.")
    rescheduled_from: str | None
    when: str = Field(description="The contact's time, and yours when the zones differ.")
    research: ResearchBrief
    warning: str = Field(description="Research still to do within a day of the meeting.")


class MeetingsQuery(TextInputSchema):
    when: Literal["upcoming", "past", "all"] = Field(
        "upcoming",
        description="upcoming: scheduled and not over, soonest first; past: over, done, "
        "cancelled or missed, latest first; all: latest first.",
    )
    status: StatusValue = ""
    contact: UUID | None = Field(None, description="Only meetings with this contact.")


class MeetingIn(InputSchema):
    contact: UUID = Field(description="The id of one of your contacts.")
    start: dt.datetime = Field(description="ISO 8601 with its offset: 2026-03-10T15:00-06:00.")
    minutes: int | None = Field(None, ge=5, le=240, description="Default: your profile's.")
    medium: MediumValue = ""
    location: str = Field("", max_length=500)


class MeetingPatch(PatchSchema):
    status: Literal["scheduled", "done", "no_show", "cancelled"] | None = Field(
        None,
        description="done or no_show once it has started; scheduled undoes a wrong mark; "
        "cancelled cancels it (the invite then cancels it in calendars).",
    )
    start: dt.datetime | None = Field(
        None, description="Moves the meeting: the invite is re-issued with a higher SEQUENCE."
    )
    minutes: int | None = Field(None, ge=5, le=240)


# Research ---------------------------------------------------------------------------------


class LinkOut(Schema):
    id: UUID
    url: str
    title: str
    kind: str
    about: Literal["person", "organization"]
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: ResearchLink) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_about(obj: ResearchLink) -> str:
        return "person" if obj.contact_id is not None else "organization"


class CheckItemOut(Schema):
    code: str
    label: str
    done: bool
    applies: bool = Field(description="False for the website when no organization is recorded.")


class ResearchOut(Schema):
    contact: ContactBrief
    notes: str
    searched_at: dt.datetime | None
    linkedin_read_at: dt.datetime | None
    organization_notes: str
    website_read_at: dt.datetime | None
    checklist: list[CheckItemOut]
    done: bool
    person_links: list[LinkOut]
    organization_links: list[LinkOut]


def research_out(view: ResearchView) -> dict[str, Any]:
    contact, research, org_research = view.contact, view.research, view.organization_research
    return {
        "contact": contact_brief(contact),
        "notes": view.notes,
        "searched_at": research.searched_at if research else None,
        "linkedin_read_at": research.linkedin_read_at if research else None,
        "organization_notes": view.organization_notes,
        "website_read_at": org_research.website_read_at if org_research else None,
        "checklist": view.checklist,
        "done": view.done,
        "person_links": view.person_links,
        "organization_links": view.organization_links,
    }


def contact_brief(contact: Any) -> dict[str, Any]:
    return {
        "id": contact.uuid,
        "name": contact.name,
        "organization": contact.organization.name if contact.organization else None,
        "practice": contact.practice,
    }


class ResearchIn(PatchSchema):
    """Only the fields sent change; a checklist item true keeps the time it was first done."""

    notes: str | None = Field(None, max_length=20_000, description="About the person.")
    searched: bool | None = Field(None, description="Searched for them online.")
    linkedin_read: bool | None = Field(None, description="Read their LinkedIn page.")
    organization_notes: str | None = Field(
        None, max_length=20_000, description="About their organization (needs one recorded)."
    )
    website_read: bool | None = Field(None, description="Read the organization's website.")


class LinkIn(InputSchema):
    url: str = Field(max_length=max_length(ResearchLink, "url"), description="http(s)://…")
    title: str = Field("", max_length=max_length(ResearchLink, "title"))
    kind: LinkKindValue = Field("", description="Guessed from the address when left out.")
    about: Literal["person", "organization"] = "person"


# The question bank ------------------------------------------------------------------------


class QuestionOut(Schema):
    id: UUID
    text: str
    tiara: str = Field(description="trends, insights, advice, resources, assignments or empty.")
    tags: list[str]
    hidden: bool
    built_in: bool = Field(description="From the guide or TIARA: hide it rather than delete it.")
    origin: str


class QuestionsQuery(TextInputSchema):
    tiara: TiaraValue = ""
    tag: str = Field("", max_length=40)
    hidden: bool = Field(False, description="true lists hidden questions too.")


class QuestionIn(InputSchema):
    text: str = Field(max_length=max_length(Question, "text"))
    tiara: TiaraValue = ""
    tags: list[str] = Field(
        default_factory=list, max_length=20, description="Lower-cased; each at most 40 characters."
    )


class QuestionPatch(PatchSchema):
    text: str | None = Field(None, max_length=max_length(Question, "text"))
    tiara: TiaraValue | None = None
    tags: list[str] | None = Field(None, max_length=20, description="Replaces all tags.")
    hidden: bool | None = None


# A meeting's plan -------------------------------------------------------------------------


class PlanItemOut(Schema):
    id: UUID
    question: UUID | None = Field(description="The bank question; null for one typed in.")
    text: str
    position: int
    state: str
    state_label: str
    note: str
    follow_up: bool

    @staticmethod
    def resolve_id(obj: PlannedQuestion) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_question(obj: PlannedQuestion) -> UUID | None:
        return obj.question.uuid if obj.question is not None else None

    @staticmethod
    def resolve_state_label(obj: PlannedQuestion) -> str:
        return str(obj.get_state_display())


class FitOut(Schema):
    minutes: int
    planned: int = Field(description="Questions planned ahead (follow-ups not counted).")
    fewest: int
    most: int
    suggested: int
    overrun: bool
    advice: str
    warning: str


class PlanOut(Schema):
    items: list[PlanItemOut]
    fit: FitOut


class PlanIn(InputSchema):
    questions: list[UUID] = Field(
        max_length=100, description="Ids of your bank's questions, in the order to ask them."
    )


class PlanItemIn(InputSchema):
    question: UUID | None = Field(None, description="A question from your bank…")
    text: str = Field("", max_length=500, description="…or the words of a new one.")
    follow_up: bool = Field(False, description="Added during the conversation.")


class PlanItemPatch(PatchSchema):
    state: PlanStateValue | None = None
    note: str | None = Field(None, max_length=5_000)


# Live notes, referrals and the summary ----------------------------------------------------


class ConversationOut(Schema):
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    minutes: int = Field(description="The time asked for: the timer counts toward it.")


class NoteOut(Schema):
    id: UUID
    kind: str
    text: str
    client_key: str
    acted_on_at: dt.datetime | None
    outcome: str = Field(description="What came of it: the progress update quotes it.")
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: Note) -> UUID:
        return obj.uuid


class NoteIn(InputSchema):
    kind: NoteKindValue = "note"
    text: str = Field(max_length=5_000)
    client_key: str = CLIENT_KEY


class NotePatch(PatchSchema):
    text: str | None = Field(None, max_length=5_000)
    kind: NoteKindValue | None = None
    acted_on: bool | None = Field(None, description="true: done (advice followed, book read).")
    outcome: str | None = Field(
        None,
        max_length=2_000,
        description="What came of it (what you did, how it helped): the progress update quotes it.",
    )


class PersonRef(Schema):
    id: UUID
    name: str


class ReferralOut(Schema):
    contact: ContactBrief = Field(description="The person suggested, now on your list.")
    referred_by: PersonRef | None
    client_key: str
    created_at: dt.datetime

    @staticmethod
    def resolve_contact(obj: Referral) -> dict[str, Any]:
        return contact_brief(obj.contact)

    @staticmethod
    def resolve_referred_by(obj: Referral) -> dict[str, Any] | None:
        referrer = obj.contact.referred_by
        return {"id": referrer.uuid, "name": referrer.name} if referrer else None


class ReferralIn(InputSchema):
    name: str = Field(max_length=200)
    organization: str = Field("", max_length=200)
    title: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    note: str = Field("", max_length=2_000, description="Default: “X suggested I reach out”.")
    client_key: str = CLIENT_KEY


class NotesOfKind(Schema):
    kind: str
    label: str
    notes: list[NoteOut]


class SummaryOut(Schema):
    meeting: MeetingSummaryOut
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    notes_by_kind: list[NotesOfKind]
    referrals: list[ReferralOut]
    to_act_on: list[NoteOut] = Field(description="Advice, resources and ideas not acted on.")
    asked: list[PlanItemOut] = Field(description="Planned questions asked, skipped or answered.")


class PrepOut(Schema):
    meeting: MeetingSummaryOut
    markdown: str = Field(description="The printable prep sheet as Markdown.")
    research: ResearchOut
    plan: list[PlanItemOut]
    fit: FitOut
