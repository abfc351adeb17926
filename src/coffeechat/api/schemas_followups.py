"""Shapes of the follow-up API: reminders, the Today list and the follow-up settings.

A reminder and the Today list have the shape `coffeechat today --json` prints
(`followups.shapes`), so a script can read either. The conventions are those of
`schemas.py`: inputs refuse unknown fields, and the settings' ranges come from the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from ninja import Field, Schema

from coffeechat.api.schemas import InputSchema, PatchSchema, TextInputSchema
from coffeechat.followups.models import FollowupSettings

# Reminders and the Today list ---------------------------------------------------------------


class PersonBrief(Schema):
    id: UUID
    name: str


class ReminderOut(Schema):
    id: str = Field(description="“rule:key”: the rule and the id of what it is about.")
    rule: str = Field(
        description="thank_you, linkedin, progress, keep_in_touch, try_next, nudge or prepare."
    )
    key: str = Field(
        description="The id of what it is about: a meeting (thank_you, prepare), a note "
        "(progress), a contact (linkedin, keep_in_touch) or the first request (try_next, nudge)."
    )
    label: str
    title: str
    detail: str
    contact: PersonBrief
    due: dt.date = Field(description="The day it is due, in your time zone (after a snooze).")
    # Times as text, written as `coffeechat today --json` writes them (ISO 8601 in your zone).
    deadline: str | None = Field(description="Overdue after this (a thank-you); ISO 8601.")
    snoozed_until: str | None = Field(description="Hidden until then; ISO 8601.")
    draft: UUID | None = Field(description="The draft already started for it, if any.")
    draft_kind: str | None = Field(description="The message kind its draft is; null: no draft.")
    action_url: str = Field(description="The page that does it (a path on this site).")


class ReminderItemOut(ReminderOut):
    bucket: Literal["overdue", "today", "week", "later"]
    dismissed: bool = Field(description="Only true with include=all.")


class MeetingSoonOut(Schema):
    id: UUID
    contact: PersonBrief
    start: str = Field(description="ISO 8601 in your zone, with its UTC offset.")
    end: str
    when: str = Field(description="The contact's time, and yours when the zones differ.")
    medium: str
    location: str
    warning: str = Field(description="Research still to do within a day of the meeting.")
    prep_url: str


class TodayOut(Schema):
    date: dt.date = Field(description="Today in your time zone.")
    overdue: list[ReminderOut]
    today: list[ReminderOut]
    week: list[ReminderOut]
    later: list[ReminderOut]
    meetings: list[MeetingSoonOut] = Field(description="Scheduled in the next 7 days.")
    snoozed: int = Field(description="How many reminders are snoozed.")


class RemindersQuery(TextInputSchema):
    include: Literal["week", "later", "all"] = Field(
        "week",
        description="week: overdue, due today and the next 7 days; later: every current "
        "reminder; all: those and the dismissed ones. Snoozed reminders are listed (with "
        "snoozed_until) at the day their snooze ends; Today only counts them.",
    )


class SnoozeIn(InputSchema):
    days: int | None = Field(
        None, ge=1, le=366, description="Until 08:00 this many days from today (your zone)."
    )
    until: dt.datetime | None = Field(
        None, description="Or until this moment, with its offset: 2026-12-01T08:00-06:00."
    )


# Settings -----------------------------------------------------------------------------------


def _number(name: str, default: Any = ..., description: str = "") -> Any:
    """The field for one of the numbers: its range read from the model's validators, so the
    API, the page and the backup agree."""
    field = FollowupSettings._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"FollowupSettings.{name} is not a number field.")
    low, high = 0, None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    label = str(field.verbose_name)
    text = description or f"{label[:1].upper()}{label[1:]}."
    return Field(default, ge=low, le=high, description=text)


class FeedOut(Schema):
    url: str = Field(description="The private address to subscribe to: keep it secret.")
    created_at: dt.datetime


class FollowUpSettingsOut(Schema):
    thank_you_hours: int = _number("thank_you_hours")
    linkedin_days: int = _number("linkedin_days")
    progress_days: int = _number("progress_days")
    keep_in_touch_months: int = _number("keep_in_touch_months")
    try_next_days: int = _number("try_next_days")
    nudge_days: int = _number("nudge_days")
    prepare_days: int = _number("prepare_days")
    digest: bool = Field(description="Email me the Today list each morning.")
    feed: FeedOut | None = Field(description="The calendar feed; null when there is none.")


class FollowUpSettingsPatch(PatchSchema):
    """Only the fields sent change."""

    thank_you_hours: int | None = _number("thank_you_hours", None)
    linkedin_days: int | None = _number("linkedin_days", None)
    progress_days: int | None = _number("progress_days", None)
    keep_in_touch_months: int | None = _number("keep_in_touch_months", None)
    try_next_days: int | None = _number(
        "try_next_days",
        None,
        "Without a reply, contact the next person after (business days): fewer than nudge_days.",
    )
    nudge_days: int | None = _number("nudge_days", None)
    prepare_days: int | None = _number("prepare_days", None)
    digest: bool | None = None
