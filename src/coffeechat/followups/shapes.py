"""The Today list as data, and where each item's action is.

`today_json` is the shape of `coffeechat today --json` and of GET /api/v1/today (see
api/schemas_followups.py: TodayOut), so a script can use either. `reminder_action` says
where a reminder's button goes, as the Today page does; `reminder_link` is the same for
places outside the browser (the digest email, the calendar feed), where only a plain link
works: an action that is a form button (making a draft) becomes the reminder where it is
listed (Today, or the list of every reminder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from coffeechat.conversations.selectors import MeetingRow
from coffeechat.followups.rules import Bucket, Clock, Reminder, Rule, bucket
from coffeechat.followups.selectors import Today
from coffeechat.network.models import Contact

# The button each message reminder gets when no draft is started yet (as on Today).
WRITE_LABELS = {
    Rule.THANK_YOU: "Write thank-you",
    Rule.LINKEDIN: "Write LinkedIn note",
    Rule.PROGRESS: "Write progress update",
    Rule.KEEP_IN_TOUCH: "Write a note",
    Rule.NUDGE: "Write nudge",
}


@dataclass(frozen=True)
class Action:
    label: str
    path: str
    post: bool = False  # a form button (it makes the draft), not a link

    @property
    def url(self) -> str:
        return absolute_url(self.path)


def absolute_url(path: str) -> str:
    """A link that works outside the browser (an email, a calendar app)."""
    return settings.COFFEECHAT_BASE_URL + path


def organizations_for(owner: Any, reminders: Iterable[Reminder]) -> dict[str, str]:
    """Contact id → organization id, for 3B7's "find the next person" (one query, or none)."""
    keys = {r.contact_key for r in reminders if r.rule == Rule.TRY_NEXT}
    if not keys:
        return {}
    rows = Contact.objects.filter(
        owner=owner, uuid__in=keys, organization__isnull=False
    ).values_list("uuid", "organization__uuid")
    return {str(contact): str(organization) for contact, organization in rows}


def reminder_action(reminder: Reminder, organizations: Mapping[str, str]) -> Action:
    """The one click a reminder asks for: the draft (started, or made pre-filled by a
    POST), the prep sheet, or the contact's organization to find the next person there."""
    if reminder.draft_kind:
        if reminder.draft_key:
            return Action("Open draft", reverse("message_detail", args=[reminder.draft_key]))
        path = reverse("reminder_draft", args=[reminder.rule.value, reminder.key])
        return Action(WRITE_LABELS[reminder.rule], path, post=True)
    if reminder.rule == Rule.PREPARE and reminder.meeting_key:
        return Action("Open prep sheet", reverse("prep_sheet", args=[reminder.meeting_key]))
    organization = organizations.get(reminder.contact_key)
    if organization:
        return Action("Find the next person", reverse("organization_detail", args=[organization]))
    return Action("Find the next person", reverse("outreach_queue"))


def listed_at(reminder: Reminder, clock: Clock) -> str:
    """Where the reminder is listed with its buttons: on Today (due this week and not
    snoozed), otherwise on the list of every reminder; the anchor is its element's id."""
    on_today = reminder.snoozed_until is None and bucket(reminder, clock) != Bucket.LATER
    page = reverse("today") if on_today else reverse("reminder_list")
    return f"{page}#reminder-{reminder.rule.value}-{reminder.key}"


def reminder_link(reminder: Reminder, clock: Clock, organizations: Mapping[str, str]) -> Action:
    """The action as a plain link: a form button becomes the reminder where it is listed."""
    action = reminder_action(reminder, organizations)
    if action.post:
        return Action(action.label, listed_at(reminder, clock))
    return action


def meeting_action(row: MeetingRow) -> Action:
    return Action("Open prep sheet", reverse("prep_sheet", args=[row.meeting.uuid]))


def _short_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _clock_time(moment: dt.datetime, clock: Clock) -> str:
    local = moment.astimezone(clock.tz)
    return f"{local:%a} {local:%I:%M %p}".replace(" 0", " ")


def due_label(reminder: Reminder, clock: Clock) -> str:
    """When, in words for the terminal and the email: "was due by Wed 1:00 PM" (a passed
    deadline), "was due Mon 16 Nov", "by Thu 10:00 AM", "due Fri 20 Nov", or "" (today)."""
    if reminder.deadline is not None and reminder.deadline < clock.now:
        return f"was due by {_clock_time(reminder.deadline, clock)}"
    if reminder.due < clock.today:
        return f"was due {_short_day(reminder.due)}"
    if reminder.due > clock.today:
        return f"due {_short_day(reminder.due)}"
    if reminder.deadline is not None:
        return f"by {_clock_time(reminder.deadline, clock)}"
    return ""


def reminder_json(reminder: Reminder, clock: Clock, organizations: Mapping[str, str]) -> dict:
    """A reminder as GET /api/v1/today lists it (ReminderOut)."""
    return {
        "id": reminder.id,
        "rule": reminder.rule.value,
        "key": reminder.key,
        "label": reminder.label,
        "title": reminder.title,
        "detail": reminder.detail,
        "contact": {"id": reminder.contact_key, "name": reminder.contact_name},
        "due": reminder.due.isoformat(),
        "deadline": reminder.deadline.astimezone(clock.tz).isoformat()
        if reminder.deadline
        else None,
        "snoozed_until": reminder.snoozed_until.astimezone(clock.tz).isoformat()
        if reminder.snoozed_until
        else None,
        "draft": reminder.draft_key or None,
        "draft_kind": reminder.draft_kind or None,
        "action_url": reminder_action(reminder, organizations).path,
    }


def meeting_json(row: MeetingRow, clock: Clock) -> dict[str, Any]:
    """A meeting in the next 7 days as GET /api/v1/today lists it (MeetingSoonOut)."""
    meeting, contact = row.meeting, row.contact
    return {
        "id": str(meeting.uuid),
        "contact": {"id": str(contact.uuid), "name": contact.name},
        "start": meeting.start.astimezone(clock.tz).isoformat(),
        "end": meeting.end.astimezone(clock.tz).isoformat(),
        "when": row.when,
        "medium": meeting.medium,
        "location": meeting.location,
        "warning": row.warning,
        "prep_url": meeting_action(row).path,
    }


def today_json(today: Today, owner: Any) -> dict[str, Any]:
    """The whole Today list (TodayOut), Later included; snoozed ones are only counted."""
    clock = today.clock
    sections = {
        "overdue": today.overdue,
        "today": today.today,
        "week": today.week,
        "later": today.later,
    }
    organizations = organizations_for(owner, [r for found in sections.values() for r in found])
    return {
        "date": today.date.isoformat(),
        **{
            name: [reminder_json(r, clock, organizations) for r in found]
            for name, found in sections.items()
        },
        "meetings": [meeting_json(row, clock) for row in today.meetings],
        "snoozed": today.snoozed,
    }
