"""Following up over the API: the Today list, reminders (snooze, dismiss, restore, draft),
the follow-up settings and the calendar feed's address. Each endpoint calls the same
selectors and services as the pages, and a reminder has the shape `coffeechat today --json`
prints.

A reminder is named by its rule and the id of what it is about: /reminders/thank_you/<the
meeting's id>. Someone else's meeting, note, contact or message is not among your reminders,
so it is a 404 like any other id that is not yours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from ninja import Query, Router, Status

from coffeechat.api.outreach import MessageOut
from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID
from coffeechat.api.schemas_followups import (
    FeedOut,
    FollowUpSettingsOut,
    FollowUpSettingsPatch,
    ReminderItemOut,
    RemindersQuery,
    SnoozeIn,
    TodayOut,
)
from coffeechat.followups import rules, selectors, services, shapes
from coffeechat.followups.models import FollowupSettings
from coffeechat.followups.rules import Bucket, Reminder
from coffeechat.lib.http import ApiRequest
from coffeechat.outreach.selectors import message_summary

router = Router(tags=["follow-ups"])

T = TypeVar("T")


def _found(action: Callable[[], T]) -> T:
    """Run a reminder lookup or service; "no such reminder" (LookupError) is a 404."""
    try:
        return action()
    except LookupError:
        raise Http404 from None


# The Today list and reminders -------------------------------------------------------------


@router.get("/today", response={200: TodayOut, **ERRORS}, summary="The Today list")
def today(request: ApiRequest) -> Any:
    """Overdue, due today, this week and later (snoozed ones only counted), and the meetings
    of the next 7 days: what the Today page and `coffeechat today --json` show."""
    return shapes.today_json(selectors.today_for(request.auth), request.auth)


def _items(
    owner: Any, found: selectors.Reminders, reminders: list[tuple[Reminder, bool]]
) -> list[dict[str, Any]]:
    """Reminders in the API's shape, with their Today section and whether dismissed."""
    organizations = shapes.organizations_for(owner, [r for r, _ in reminders])
    return [
        {
            **shapes.reminder_json(reminder, found.clock, organizations),
            "bucket": rules.bucket(reminder, found.clock).value,
            "dismissed": dismissed,
        }
        for reminder, dismissed in reminders
    ]


def _item(owner: Any, rule: str, key: str) -> dict[str, Any]:
    """One reminder of the owner as it stands now (snoozed, dismissed or neither), or 404."""
    found = selectors.reminders_for(owner)
    for reminders, dismissed in ((found.shown, False), (found.dismissed, True)):
        for reminder in reminders:
            if reminder.rule == rule and reminder.key == key:
                return _items(owner, found, [(reminder, dismissed)])[0]
    raise Http404


@router.get("/reminders", response={200: list[ReminderItemOut], **ERRORS}, summary="List reminders")
def reminder_list(request: ApiRequest, query: Query[RemindersQuery]) -> Any:
    """Soonest due first. Snoozed reminders come at the day their snooze ends."""
    found = selectors.reminders_for(request.auth)
    shown = found.shown
    if query.include == "week":
        shown = [r for r in shown if rules.bucket(r, found.clock) != Bucket.LATER]
    listed = [(r, False) for r in shown]
    if query.include == "all":
        listed += [(r, True) for r in found.dismissed]
    return _items(request.auth, found, listed)


@router.get(
    "/reminders/{rule}/{key}",
    response={200: ReminderItemOut, **ERRORS_BY_ID},
    summary="Get a reminder",
)
def reminder_get(request: ApiRequest, rule: str, key: str) -> Any:
    return _item(request.auth, rule, key)


@router.post(
    "/reminders/{rule}/{key}/snooze",
    response={200: ReminderItemOut, **ERRORS_BY_ID},
    summary="Snooze a reminder",
)
def reminder_snooze(request: ApiRequest, rule: str, key: str, payload: SnoozeIn) -> Any:
    """Send `days` (until 08:00 that many days from today) or `until` (a moment with its
    offset, within a year). It comes back on that day."""
    if payload.days is not None and payload.until is not None:
        raise ValidationError({"until": ["Send days or until, not both."]})
    _found(
        lambda: services.reminder_snooze(
            owner=request.auth, rule=rule, key=key, days=payload.days, until=payload.until
        )
    )
    return _item(request.auth, rule, key)


@router.post(
    "/reminders/{rule}/{key}/dismiss",
    response={200: ReminderItemOut, **ERRORS_BY_ID},
    summary="Dismiss a reminder",
)
def reminder_dismiss(request: ApiRequest, rule: str, key: str) -> Any:
    """It leaves the lists (`include=all` still shows it, with `dismissed: true`). A rule
    that brings it round again later (the next keep-in-touch) brings it back."""
    _found(lambda: services.reminder_dismiss(owner=request.auth, rule=rule, key=key))
    return _item(request.auth, rule, key)


@router.post(
    "/reminders/{rule}/{key}/restore",
    response={200: ReminderItemOut, **ERRORS_BY_ID},
    summary="Undo a snooze or a dismissal",
)
def reminder_restore(request: ApiRequest, rule: str, key: str) -> Any:
    _found(lambda: services.reminder_restore(owner=request.auth, rule=rule, key=key))
    return _item(request.auth, rule, key)


@router.post(
    "/reminders/{rule}/{key}/draft",
    response={200: MessageOut, 201: MessageOut, **ERRORS_BY_ID},
    summary="Write the message a reminder asks for",
)
def reminder_draft(request: ApiRequest, rule: str, key: str) -> Any:
    """201 with a new draft, pre-filled from the conversation's notes (a thank-you quotes
    their advice); 200 with the draft already started for it. Edit and send it with
    /messages/{id}. 422 for a reminder that is not a message (prepare, try_next)."""
    reminder = _found(lambda: selectors.reminder_get_for_user(request.auth, rule, key))
    message = _found(lambda: services.reminder_draft(owner=request.auth, rule=rule, key=key))
    reused = str(message.uuid) == reminder.draft_key
    return Status(200 if reused else 201, message_summary(message))


# Settings and the calendar feed -----------------------------------------------------------


def _settings_out(request: ApiRequest, settings: FollowupSettings) -> dict[str, Any]:
    feed = None
    if settings.feed_token:
        feed = {
            "url": request.build_absolute_uri(reverse("feed", args=[settings.feed_token])),
            "created_at": settings.feed_created_at,
        }
    return {
        **{name: getattr(settings, name) for name in selectors.NUMBER_FIELDS},
        "digest": settings.digest,
        "feed": feed,
    }


@router.get(
    "/follow-up-settings",
    response={200: FollowUpSettingsOut, **ERRORS},
    summary="Follow-up settings",
)
def settings_get(request: ApiRequest) -> Any:
    """When each reminder is due, the morning digest, and the calendar feed's address."""
    return _settings_out(request, selectors.settings_for(request.auth))


@router.patch(
    "/follow-up-settings",
    response={200: FollowUpSettingsOut, **ERRORS},
    summary="Change follow-up settings",
)
def settings_patch(request: ApiRequest, payload: FollowUpSettingsPatch) -> Any:
    """Only the fields sent change; a refused change (say try_next_days not fewer than
    nudge_days) changes nothing."""
    values = payload.model_dump(exclude_unset=True)
    settings = services.settings_update(user=request.auth, **values)
    return _settings_out(request, settings)


@router.post(
    "/follow-up-settings/feed",
    response={201: FeedOut, **ERRORS},
    summary="Make a new calendar feed address",
)
def feed_new(request: ApiRequest) -> Any:
    """A private iCalendar address with your meetings and due follow-ups. Making a new one
    replaces the old, which stops working at once."""
    settings = services.feed_token_new(user=request.auth)
    return Status(201, _settings_out(request, settings)["feed"])


@router.delete(
    "/follow-up-settings/feed", response={204: None, **ERRORS}, summary="Turn the feed off"
)
def feed_revoke(request: ApiRequest) -> Status[None]:
    services.feed_token_revoke(user=request.auth)
    return Status(204, None)
