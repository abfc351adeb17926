"""Reach out over the API: free times, availability, drafts with the coach's checks,
sending, replies and the queue. Each endpoint calls the same service as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID, InputSchema, TextInputSchema
from coffeechat.lib.http import ApiRequest
from coffeechat.network.selectors import contact_get_for_user
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Message, Reply

router = Router(tags=["outreach"])


class SlotOut(Schema):
    start: str = NinjaField(description="ISO 8601 with its UTC offset.")
    end: str
    label: str = NinjaField(
        description="As written in a message: the contact's zone when known, and yours."
    )


class SlotsQuery(TextInputSchema):
    minutes: int | None = NinjaField(None, ge=5, le=240, description="Default: your profile's.")
    count: int = NinjaField(3, ge=1, le=10)
    contact: UUID | None = NinjaField(None, description="Write the times in their zone too.")


@router.get("/slots", response={200: list[SlotOut], **ERRORS_BY_ID}, summary="Propose free times")
def slots(request: ApiRequest, query: Query[SlotsQuery]) -> Any:
    contact = contact_get_for_user(request.auth, query.contact) if query.contact else None
    proposal = selectors.slots_propose(
        request.auth, minutes=query.minutes, count=query.count, contact=contact
    )
    return proposal.rows()


def _local(value: dt.time) -> dt.time:
    # A window is a wall-clock time in the profile's zone; an offset has no meaning here
    # (and the database cannot store one: it was a 500).
    if value.tzinfo is not None:
        raise PydanticCustomError("time_zone", "Give a local time with no zone, e.g. 09:00.")
    return value


# JSON Schema's "time" format is RFC 3339's full-time, which requires an offset; these are
# local times, so the schema says what is sent and accepted: HH:MM[:SS[.ffffff]].
LocalTime = Annotated[
    dt.time,
    AfterValidator(_local),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"}
    ),
]


class WindowSchema(Schema):
    weekday: int = NinjaField(ge=0, le=6, description="0 = Monday … 6 = Sunday.")
    start: LocalTime = NinjaField(description="Local time in your profile's zone, e.g. 09:00.")
    end: LocalTime


class AvailabilityOut(Schema):
    time_zone: str
    windows: list[WindowSchema]
    buffer_minutes: int
    lead_business_days: int
    horizon_days: int
    country: str


class WindowIn(WindowSchema):
    # Nested in a body, so it refuses unknown fields as every input schema does.
    model_config = ConfigDict(extra="forbid")


class AvailabilityIn(InputSchema):
    windows: list[WindowIn] = NinjaField(min_length=1, max_length=50)
    buffer_minutes: int | None = NinjaField(None, ge=0, le=120)
    lead_business_days: int | None = NinjaField(None, ge=0, le=30)
    horizon_days: int | None = NinjaField(None, ge=1, le=90)
    country: str | None = NinjaField(None, max_length=2, description="ISO code, e.g. US.")


@router.get("/availability", response={200: AvailabilityOut, **ERRORS}, summary="Availability")
def availability_get(request: ApiRequest) -> Any:
    return selectors.availability_summary(request.auth)


@router.put(
    "/availability", response={200: AvailabilityOut, **ERRORS}, summary="Replace availability"
)
def availability_put(request: ApiRequest, payload: AvailabilityIn) -> Any:
    services.availability_update(
        user=request.auth,
        windows=[(w.weekday, w.start, w.end) for w in payload.windows],
        buffer_minutes=payload.buffer_minutes,
        lead_business_days=payload.lead_business_days,
        horizon_days=payload.horizon_days,
        country=payload.country,
    )
    return selectors.availability_summary(request.auth)


class CheckOut(Schema):
    code: str
    ok: bool
    message: str
    fix: str
    level: Literal["required", "advice"]


class MessageOut(Schema):
    id: UUID
    contact: UUID
    kind: str
    subject: str
    body: str
    minutes: int
    medium: str
    channel: str
    sent_at: dt.datetime | None
    checks: list[CheckOut]
    slots: list[SlotOut]


def _message_out(message: Message) -> dict[str, Any]:
    return selectors.message_summary(message)


class DraftIn(InputSchema):
    kind: str = NinjaField(
        "request",
        max_length=20,
        description="request (the variant that fits the contact), request_known, "
        "request_referral, request_alumni, request_cold, request_practice, nudge, confirm, "
        "who_else or linkedin_note.",
    )
    minutes: int | None = NinjaField(None, ge=5, le=240)
    medium: Literal["", "phone", "video", "in_person"] = ""
    count: int = NinjaField(3, ge=0, le=10, description="How many times to propose.")


@router.post(
    "/contacts/{contact_id}/drafts",
    response={201: MessageOut, **ERRORS_BY_ID},
    summary="Draft a message",
)
def draft_create(request: ApiRequest, contact_id: UUID, payload: DraftIn) -> Any:
    contact = contact_get_for_user(request.auth, contact_id)
    message = services.message_draft(
        owner=request.auth,
        contact=contact,
        kind=payload.kind,
        minutes=payload.minutes,
        medium=payload.medium,
        count=payload.count,
    )
    return Status(201, _message_out(message))


@router.get(
    "/messages/{message_id}", response={200: MessageOut, **ERRORS_BY_ID}, summary="Get a message"
)
def message_get(request: ApiRequest, message_id: UUID) -> Any:
    return _message_out(selectors.message_get_for_user(request.auth, message_id))


class MessageIn(InputSchema):
    subject: str = NinjaField("", max_length=300)
    body: str = NinjaField(max_length=10_000)


@router.put(
    "/messages/{message_id}",
    response={200: MessageOut, **ERRORS_BY_ID},
    summary="Edit a draft (the checks come back)",
)
def message_put(request: ApiRequest, message_id: UUID, payload: MessageIn) -> Any:
    message = selectors.message_get_for_user(request.auth, message_id)
    services.message_update(message=message, subject=payload.subject, body=payload.body)
    return _message_out(message)


@router.post(
    "/messages/{message_id}/times",
    response={200: MessageOut, **ERRORS_BY_ID},
    summary="Propose fresh times in a draft",
)
def message_times(request: ApiRequest, message_id: UUID) -> Any:
    message = selectors.message_get_for_user(request.auth, message_id)
    services.message_times_refresh(message=message)
    return _message_out(message)


class SentIn(InputSchema):
    channel: Literal["copy", "mailto", "smtp", "linkedin"] = NinjaField(
        description="smtp sends it by email from this installation; the others log a message "
        "you sent yourself."
    )


@router.post(
    "/messages/{message_id}/sent",
    response={200: MessageOut, **ERRORS_BY_ID},
    summary="Send, or log as sent",
)
def message_sent(request: ApiRequest, message_id: UUID, payload: SentIn) -> Any:
    message = selectors.message_get_for_user(request.auth, message_id)
    services.message_send(message=message, channel=payload.channel)
    return _message_out(message)


class ReplyIn(InputSchema):
    outcome: Literal["yes", "no", "referred"]
    received_at: dt.datetime | None = NinjaField(None, description="Default: now.")
    note: str = NinjaField("", max_length=5000)
    start: dt.datetime | None = NinjaField(
        None, description="For yes: the meeting's start, ISO 8601 with an offset."
    )
    minutes: int | None = NinjaField(None, ge=5, le=240)
    medium: Literal["", "phone", "video", "in_person"] = ""
    location: str = NinjaField("", max_length=500)
    referred_name: str = NinjaField("", max_length=200)
    referred_email: str = NinjaField("", max_length=254)
    referred_organization: str = NinjaField("", max_length=200)


class MeetingOut(Schema):
    id: UUID
    start: dt.datetime
    end: dt.datetime
    medium: str
    location: str
    status: str
    sequence: int


class ReplyOut(Schema):
    id: UUID
    outcome: str
    received_at: dt.datetime
    meeting: MeetingOut | None = None
    draft: UUID | None = NinjaField(None, description="The next message, ready to edit.")
    referred_contact: UUID | None = None


@router.post(
    "/contacts/{contact_id}/replies",
    response={201: ReplyOut, **ERRORS_BY_ID},
    summary="Record a reply",
)
def reply_create(request: ApiRequest, contact_id: UUID, payload: ReplyIn) -> Any:
    contact = contact_get_for_user(request.auth, contact_id)
    if payload.received_at is not None and payload.received_at.tzinfo is None:
        raise ValidationError({"received_at": ["Give the time with its offset."]})
    result = services.reply_record(
        owner=request.auth,
        contact=contact,
        outcome=payload.outcome,
        received_at=payload.received_at,
        note=payload.note,
        start=payload.start,
        minutes=payload.minutes,
        medium=payload.medium,
        location=payload.location,
        referred_name=payload.referred_name,
        referred_email=payload.referred_email,
        referred_organization=payload.referred_organization,
    )
    reply: Reply = result.reply
    meeting = result.meeting
    return Status(
        201,
        {
            "id": reply.uuid,
            "outcome": reply.outcome,
            "received_at": reply.received_at,
            "meeting": {
                "id": meeting.uuid,
                "start": meeting.start,
                "end": meeting.end,
                "medium": meeting.medium,
                "location": meeting.location,
                "status": meeting.status,
                "sequence": meeting.sequence,
            }
            if meeting is not None
            else None,
            "draft": result.draft.uuid if result.draft is not None else None,
            "referred_contact": result.referred.uuid if result.referred is not None else None,
        },
    )


class WaitingOut(Schema):
    contact: UUID
    name: str
    organization: str
    business_days: int
    step: Literal["wait", "try_next", "nudge", "stop"]
    advice: str
    next_person: UUID | None = NinjaField(None, description="Someone else at the organization.")


@router.get(
    "/outreach/queue", response={200: list[WaitingOut], **ERRORS}, summary="Waiting for a reply"
)
def queue(request: ApiRequest) -> Any:
    rows = []
    for entry in selectors.outreach_queue(request.auth).waiting:
        outreach, waiting = entry.outreach, entry.outreach.waiting
        assert waiting is not None
        contact = outreach.contact
        rows.append(
            {
                "contact": contact.uuid,
                "name": contact.name,
                "organization": contact.organization.name if contact.organization else "",
                "business_days": waiting.business_days,
                "step": waiting.step.value,
                "advice": waiting.label,
                "next_person": entry.next_person.uuid if entry.next_person else None,
            }
        )
    return rows
