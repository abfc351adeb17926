"""Meetings and conversations over the API: meetings, a meeting's plan and prep sheet, live
notes and referrals (the question bank and research are in `preparing.py`). Each endpoint
calls the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Query, Router, Status

from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID
from coffeechat.api.schemas_conversations import (
    ConversationOut,
    MeetingIn,
    MeetingPatch,
    MeetingsQuery,
    MeetingSummaryOut,
    NoteIn,
    NoteOut,
    NotePatch,
    PlanIn,
    PlanItemIn,
    PlanItemOut,
    PlanItemPatch,
    PlanOut,
    PrepOut,
    ReferralIn,
    ReferralOut,
    SummaryOut,
    research_out,
)
from coffeechat.conversations import selectors, services
from coffeechat.conversations.models import Question
from coffeechat.conversations.prep import prep_markdown
from coffeechat.lib.http import ApiRequest
from coffeechat.network.models import Contact
from coffeechat.network.selectors import contact_get_for_user
from coffeechat.outreach import services as meetings
from coffeechat.outreach.models import Meeting

router = Router(tags=["conversations"])


def _meeting_out(owner: Any, meeting: Meeting) -> dict[str, Any]:
    return selectors.meeting_summaries(owner, [meeting])[0]


def _meeting(request: ApiRequest, meeting_id: UUID) -> Meeting:
    return selectors.meeting_get_for_user(request.auth, meeting_id)


def _yours(lookup: Any, owner: Any, key: UUID, field: str, what: str) -> Any:
    """An id in the body that is not the user's is bad input there: 422 on that field."""
    try:
        return lookup(owner, key)
    except Http404:
        raise ValidationError({field: [f"You have no {what} with the id {key}."]}) from None


# Meetings ---------------------------------------------------------------------------------


@router.get(
    "/meetings", response={200: list[MeetingSummaryOut], **ERRORS_BY_ID}, summary="List meetings"
)
def meeting_list(request: ApiRequest, query: Query[MeetingsQuery]) -> Any:
    contact = contact_get_for_user(request.auth, query.contact) if query.contact else None
    found = selectors.meetings_list(
        request.auth, when=query.when, status=query.status, contact=contact
    )
    return selectors.meeting_summaries(request.auth, found)


@router.post("/meetings", response={201: MeetingSummaryOut, **ERRORS}, summary="Add a meeting")
def meeting_create(request: ApiRequest, payload: MeetingIn) -> Any:
    """A meeting agreed outside Coffeechat (a reply to a request makes one by itself)."""
    contact: Contact = _yours(
        contact_get_for_user, request.auth, payload.contact, "contact", "contact"
    )
    meeting = meetings.meeting_schedule(
        owner=request.auth,
        contact=contact,
        start=payload.start,
        minutes=payload.minutes,
        medium=payload.medium,
        location=payload.location,
    )
    return Status(201, _meeting_out(request.auth, meeting))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingSummaryOut, **ERRORS_BY_ID},
    summary="Get a meeting",
)
def meeting_detail(request: ApiRequest, meeting_id: UUID) -> Any:
    return _meeting_out(request.auth, _meeting(request, meeting_id))


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingSummaryOut, **ERRORS_BY_ID},
    summary="Mark, move or cancel a meeting",
)
def meeting_update(request: ApiRequest, meeting_id: UUID, payload: MeetingPatch) -> Any:
    """Send `status`, or a new `start` and/or `minutes` — one change at a time, so a refused
    one leaves the meeting as it was."""
    meeting = _meeting(request, meeting_id)
    moved = payload.start is not None or payload.minutes is not None
    if payload.status is not None and moved:
        raise ValidationError({"status": ["Change the status or the time, not both at once."]})
    if payload.status == "cancelled":
        meetings.meeting_cancel(meeting=meeting)
    elif payload.status is not None:
        meetings.meeting_mark(meeting=meeting, status=payload.status)
    elif moved:
        meetings.meeting_reschedule(
            meeting=meeting, start=payload.start or meeting.start, minutes=payload.minutes
        )
    return _meeting_out(request.auth, meeting)


@router.get(
    "/meetings/{meeting_id}/ics",
    response={200: None, **ERRORS_BY_ID},
    summary="The meeting's calendar invite",
    # The int key merges into ninja's own 200 entry; a "200" string would be a second key.
    openapi_extra={
        "responses": {
            200: {
                "description": "An iCalendar file; its UID stays the same and its SEQUENCE goes "
                "up each time the meeting is moved or cancelled.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def meeting_ics(request: ApiRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    response = HttpResponse(
        meetings.meeting_invite(meeting=meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.uuid}.ics"'
    return response


@router.get(
    "/meetings/{meeting_id}/prep", response={200: PrepOut, **ERRORS_BY_ID}, summary="Prep sheet"
)
def meeting_prep(request: ApiRequest, meeting_id: UUID) -> Any:
    """Everything to read before the meeting, and the printable sheet as Markdown."""
    meeting = _meeting(request, meeting_id)
    prep = selectors.meeting_prep(request.auth, meeting)
    return {
        "meeting": _meeting_out(request.auth, meeting),
        "markdown": prep_markdown(prep),
        "research": research_out(prep.research),
        "plan": prep.plan,
        "fit": prep.fit,
    }


# A meeting's plan -------------------------------------------------------------------------


def _plan_out(owner: Any, meeting: Meeting) -> dict[str, Any]:
    prep = selectors.meeting_prep(owner, meeting)
    return {"items": prep.plan, "fit": prep.fit}


@router.get(
    "/meetings/{meeting_id}/plan", response={200: PlanOut, **ERRORS_BY_ID}, summary="The plan"
)
def plan_get(request: ApiRequest, meeting_id: UUID) -> Any:
    """The questions to ask, in order, and how many fit the time asked for."""
    return _plan_out(request.auth, _meeting(request, meeting_id))


@router.put(
    "/meetings/{meeting_id}/plan",
    response={200: PlanOut, **ERRORS_BY_ID},
    summary="Choose and order the plan's questions",
)
def plan_put(request: ApiRequest, meeting_id: UUID, payload: PlanIn) -> Any:
    """The plan becomes these bank questions in this order. Questions already on it keep
    their state and note; follow-ups added during the conversation stay at the end."""
    meeting = _meeting(request, meeting_id)
    bank = {q.uuid: q for q in selectors.question_bank(request.auth, include_hidden=True)}
    unknown = [str(key) for key in payload.questions if key not in bank]
    if unknown:
        raise ValidationError(
            {"questions": [f"You have no question with the id {', '.join(unknown)}."]}
        )
    services.plan_set(meeting=meeting, questions=[bank[key] for key in payload.questions])
    return _plan_out(request.auth, meeting)


@router.post(
    "/meetings/{meeting_id}/plan",
    response={201: PlanItemOut, **ERRORS_BY_ID},
    summary="Add a question to the plan",
)
def plan_add(request: ApiRequest, meeting_id: UUID, payload: PlanItemIn) -> Any:
    """At the end of the plan: a question from your bank, or one typed in (a follow-up)."""
    meeting = _meeting(request, meeting_id)
    if payload.question is not None and payload.text.strip():
        raise ValidationError({"text": ["Send question or text, not both."]})
    question: Question | None = None
    if payload.question is not None:
        question = _yours(
            selectors.question_get_for_user, request.auth, payload.question, "question", "question"
        )
    item = services.plan_add(
        meeting=meeting, question=question, text=payload.text, follow_up=payload.follow_up
    )
    return Status(201, item)


@router.patch(
    "/plan/{item_id}", response={200: PlanItemOut, **ERRORS_BY_ID}, summary="Mark a question"
)
def plan_item_update(request: ApiRequest, item_id: UUID, payload: PlanItemPatch) -> Any:
    """asked, skipped or answered_early (before you asked), and a note under it."""
    item = selectors.planned_question_get_for_user(request.auth, item_id)
    return services.plan_mark(item=item, state=payload.state, note=payload.note)


@router.delete(
    "/plan/{item_id}", response={204: None, **ERRORS_BY_ID}, summary="Take a question off"
)
def plan_item_delete(request: ApiRequest, item_id: UUID) -> Status[None]:
    services.plan_remove(item=selectors.planned_question_get_for_user(request.auth, item_id))
    return Status(204, None)


# Live mode: the timer, notes, referrals and the summary -----------------------------------


@router.post(
    "/meetings/{meeting_id}/start",
    response={200: ConversationOut, **ERRORS_BY_ID},
    summary="Start the conversation's timer",
)
def conversation_start(request: ApiRequest, meeting_id: UUID) -> Any:
    """Only the first start counts, so a reload or a resend keeps the timer running."""
    meeting = _meeting(request, meeting_id)
    conversation = services.conversation_start(meeting=meeting)
    return {
        "started_at": conversation.started_at,
        "finished_at": conversation.finished_at,
        "minutes": meeting.minutes,
    }


@router.post(
    "/meetings/{meeting_id}/finish",
    response={200: SummaryOut, **ERRORS_BY_ID},
    summary="Finish the conversation",
)
def conversation_finish(request: ApiRequest, meeting_id: UUID) -> Any:
    """The meeting is marked done; the answer is the summary: notes by kind, the people
    suggested, and the advice and resources still to act on."""
    meeting = _meeting(request, meeting_id)
    services.conversation_finish(meeting=meeting)
    prep = selectors.meeting_prep(request.auth, meeting)
    return {
        "meeting": _meeting_out(request.auth, meeting),
        "started_at": prep.started_at,
        "finished_at": prep.conversation.finished_at if prep.conversation else None,
        "notes_by_kind": [
            {"kind": kind, "label": label, "notes": notes}
            for kind, label, notes in prep.notes_by_kind
        ],
        "referrals": selectors.referrals_for(meeting),
        "to_act_on": prep.to_act_on,
        "asked": prep.asked,
    }


@router.get(
    "/meetings/{meeting_id}/notes",
    response={200: list[NoteOut], **ERRORS_BY_ID},
    summary="A conversation's notes",
)
def note_list(request: ApiRequest, meeting_id: UUID) -> Any:
    return selectors.meeting_prep(request.auth, _meeting(request, meeting_id)).notes


@router.post(
    "/meetings/{meeting_id}/notes",
    response={200: NoteOut, 201: NoteOut, **ERRORS_BY_ID},
    summary="Capture a note",
)
def note_create(request: ApiRequest, meeting_id: UUID, payload: NoteIn) -> Any:
    """201 with the new note; 200 with the first one when its `client_key` was sent before."""
    note, created = services.note_add(
        meeting=_meeting(request, meeting_id),
        kind=payload.kind,
        text=payload.text,
        client_key=payload.client_key,
    )
    return Status(201 if created else 200, note)


@router.patch("/notes/{note_id}", response={200: NoteOut, **ERRORS_BY_ID}, summary="Change a note")
def note_update(request: ApiRequest, note_id: UUID, payload: NotePatch) -> Any:
    note = selectors.note_get_for_user(request.auth, note_id)
    return services.note_update(
        note=note,
        text=payload.text,
        kind=payload.kind,
        acted_on=payload.acted_on,
        outcome=payload.outcome,
    )


@router.delete("/notes/{note_id}", response={204: None, **ERRORS_BY_ID}, summary="Delete a note")
def note_delete(request: ApiRequest, note_id: UUID) -> Status[None]:
    services.note_delete(note=selectors.note_get_for_user(request.auth, note_id))
    return Status(204, None)


@router.get(
    "/meetings/{meeting_id}/referrals",
    response={200: list[ReferralOut], **ERRORS_BY_ID},
    summary="People this conversation suggested",
)
def referral_list(request: ApiRequest, meeting_id: UUID) -> Any:
    return selectors.referrals_for(_meeting(request, meeting_id))


@router.post(
    "/meetings/{meeting_id}/referrals",
    response={200: ReferralOut, 201: ReferralOut, **ERRORS_BY_ID},
    summary="“Who else should I talk to?”",
)
def referral_create(request: ApiRequest, meeting_id: UUID, payload: ReferralIn) -> Any:
    """The name becomes a contact referred by this meeting's contact (someone already on
    your list with that exact name is linked instead). 201 when added; 200 with the first
    one when its `client_key` was sent before."""
    referral, created = services.referral_add(
        meeting=_meeting(request, meeting_id),
        name=payload.name,
        organization_name=payload.organization,
        title=payload.title,
        email=payload.email,
        note=payload.note,
        client_key=payload.client_key,
    )
    return Status(201 if created else 200, referral)
