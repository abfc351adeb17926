"""/api/v1/calendars and /api/v1/busy: the student's busy time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field as NinjaField
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import ValidationError as NinjaValidationError

from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID, TextInputSchema
from coffeechat.lib.http import ApiRequest
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Calendar

router = Router(tags=["calendars"])
busy_router = Router(tags=["calendars"])

MAX_WINDOW = dt.timedelta(days=366)
_PLUS_AS_SPACE = re.compile(r"^(\S+T\S+) (\d\d:?\d\d)$")


class CalendarOut(Schema):
    id: UUID
    name: str
    source_url: str = NinjaField(description="The address it is read from; empty for a file.")
    refreshed_at: dt.datetime | None
    event_count: int = NinjaField(description="Events in the file, busy or not.")
    busy_count: int = NinjaField(description="Busy times kept for the coming weeks.")
    last_error: str = NinjaField(description="Why the last refresh failed; empty if it worked.")
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: Calendar) -> UUID:
        return obj.uuid


class BusyOut(Schema):
    start: str = NinjaField(description="ISO 8601 with its UTC offset.")
    end: str


class BusyQuery(TextInputSchema):
    start: str = NinjaField(
        max_length=64, description="ISO 8601 with an offset: 2025-11-03T09:00:00-06:00."
    )
    end: str = NinjaField(max_length=64, description="After start; at most 366 days later.")


@router.get("", response={200: list[CalendarOut], **ERRORS}, summary="List calendars")
def calendar_list(request: ApiRequest) -> Any:
    return selectors.calendar_list(request.auth)


@router.post("", response={201: CalendarOut, **ERRORS}, summary="Add a calendar")
def calendar_create(
    request: ApiRequest,
    file: UploadedFile | None = File(None, description="An .ics file."),  # noqa: B008
    url: str = Form("", max_length=2000, description="Or: an https:// or webcal:// address."),
    name: str = Form("", max_length=200),
) -> Status[Calendar]:
    """Send multipart/form-data with either `file` (an .ics export) or `url` (an address
    Coffeechat reads now and on every refresh), and optionally `name`."""
    if (file is None) == (not url):
        raise ValidationError({"file": ["Send either an .ics file or a url, not both."]})
    if file is not None:
        calendar = services.calendar_import(owner=request.auth, upload=file, name=name)
    else:
        calendar = services.calendar_subscribe(owner=request.auth, url=url, name=name)
    return Status(201, selectors.calendar_get_for_user(request.auth, calendar.uuid))


@router.get("/{calendar_id}", response={200: CalendarOut, **ERRORS_BY_ID}, summary="Get a calendar")
def calendar_detail(request: ApiRequest, calendar_id: UUID) -> Calendar:
    return selectors.calendar_get_for_user(request.auth, calendar_id)


@router.post(
    "/{calendar_id}/refresh",
    response={200: CalendarOut, **ERRORS_BY_ID},
    summary="Read a calendar's address again",
)
def calendar_refresh(request: ApiRequest, calendar_id: UUID) -> Calendar:
    """Replaces its busy times. When the address cannot be read, the old busy times stay,
    `last_error` is set and the answer is 422 with the reason."""
    calendar = services.calendar_refresh(
        calendar=selectors.calendar_get_for_user(request.auth, calendar_id)
    )
    if calendar.last_error:
        raise ValidationError({"url": [calendar.last_error]})
    return selectors.calendar_get_for_user(request.auth, calendar_id)


@router.delete("/{calendar_id}", response={204: None, **ERRORS_BY_ID}, summary="Delete a calendar")
def calendar_delete(request: ApiRequest, calendar_id: UUID) -> Status[None]:
    services.calendar_delete(calendar=selectors.calendar_get_for_user(request.auth, calendar_id))
    return Status(204, None)


@busy_router.get("", response={200: list[BusyOut], **ERRORS}, summary="When you are busy")
def busy(request: ApiRequest, window: Query[BusyQuery]) -> list[dict[str, str]]:
    """Your busy times overlapping [start, end) from all your calendars: overlapping and
    touching times joined, cut to the window, in order, in UTC."""
    start, end = _moment(window.start, "start"), _moment(window.end, "end")
    if end <= start:
        raise _query_error("end", "end must be after start.")
    if end - start > MAX_WINDOW:
        raise _query_error("end", "Ask for at most 366 days at a time.")
    return [
        {"start": s.astimezone(dt.UTC).isoformat(), "end": e.astimezone(dt.UTC).isoformat()}
        for s, e in selectors.busy_between(request.auth, start, end)
    ]


def _moment(value: str, name: str) -> dt.datetime:
    # An offset's "+" sent unencoded in a query string arrives as a space.
    value = _PLUS_AS_SPACE.sub(r"\1+\2", value.strip())
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _query_error(name, "Use ISO 8601, e.g. 2025-11-03T09:00:00-06:00.") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _query_error(name, "Include a UTC offset (such as -06:00 or Z).")
    return moment


def _query_error(name: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}])
