"""The private calendar feed: meetings and due follow-ups, for Google, Apple or Outlook.

A calendar app subscribed to the feed fetches it every hour or so and matches each event
to the one it holds by UID, keeping the one with the highest SEQUENCE. So a meeting's
event is built exactly like its invite (`interchange.ics.vevent`, the meeting's own UID
and SEQUENCE, times in the student's zone with a VTIMEZONE), and a moved meeting replaces
itself instead of appearing twice. A cancelled meeting stays in the feed as
STATUS:CANCELLED, which is what makes subscribed calendars remove it.

A follow-up is an all-day, not-busy event on the day it is due (an overdue one on today,
so it stays in sight), with a UID made of its rule and object: the same reminder keeps
its UID when a snooze or new facts move its day, and the calendar moves it in place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
from django.urls import reverse
from icalendar.enums import STATUS, TRANSP

from coffeechat.accounts.models import Profile
from coffeechat.accounts.services import profile_for
from coffeechat.followups import selectors
from coffeechat.followups.models import FollowupSettings
from coffeechat.followups.rules import Reminder
from coffeechat.followups.shapes import Action, absolute_url, organizations_for, reminder_link
from coffeechat.interchange import ics
from coffeechat.interchange.records import EventRecord
from coffeechat.outreach.models import Meeting, MeetingStatus

# Past meetings stay a while (what happened last month is worth seeing), the far past
# would only make every fetch longer.
DAYS_BACK = 90
# Reminders are due at most this far ahead (keep-in-touch is months out).
REMINDER_DAYS_AHEAD = 120
# How often calendar apps should fetch it (most use their own schedule anyway).
REFRESH = "PT1H"
UID_DOMAIN = "coffeechat"
CALENDAR_NAME = "Coffeechat"


def feed_owner(token: str) -> Any | None:
    """The active user whose feed this token opens, or None: blank, unknown or revoked."""
    if not token:
        return None
    found = (
        FollowupSettings.objects.filter(feed_token=token)
        .exclude(feed_token="")
        .select_related("user", "user__profile")
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    return found.user


def reminder_uid(reminder: Reminder) -> str:
    return f"{reminder.rule.value}-{reminder.key}@{UID_DOMAIN}"


def feed_ics(owner: Any, *, now: dt.datetime | None = None) -> bytes:
    """The owner's feed: a VCALENDAR (METHOD:PUBLISH) in a fixed number of queries."""
    found = selectors.reminders_for(owner, now)
    clock = found.clock
    stamp = clock.now.astimezone(dt.UTC).replace(microsecond=0)
    calendar = _calendar()
    days = [clock.today]
    profile = profile_for(owner)
    for meeting in _meetings(owner, clock.now):
        calendar.add_component(ics.vevent(_meeting_record(profile, meeting, stamp)))
        days += [meeting.start.date(), meeting.end.date()]
    last_day = clock.today + dt.timedelta(days=REMINDER_DAYS_AHEAD)
    reminders = [r for r in found.shown if r.due <= last_day]
    organizations = organizations_for(owner, reminders)
    for reminder in reminders:
        link = reminder_link(reminder, clock, organizations)
        calendar.add_component(_reminder_event(reminder, link, clock.today, stamp))
    # VTIMEZONEs for the student's zone (and UTC needs none), covering whole years around
    # the meetings so a moved meeting changes only its own lines.
    calendar.add_missing_timezones(
        first_date=dt.date(min(days).year - 1, 1, 1), last_date=dt.date(max(days).year + 1, 12, 31)
    )
    return calendar.to_ical()


def _calendar() -> icalendar.Calendar:
    # Calendar() rather than Calendar.new(), which gives the calendar a random UID: two
    # fetches of an unchanged feed should differ only in their DTSTAMPs.
    calendar = icalendar.Calendar()
    calendar.add("PRODID", ics.PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", CALENDAR_NAME)
    calendar.add("X-WR-CALNAME", CALENDAR_NAME)
    calendar.add("X-WR-CALDESC", "Your meetings and follow-ups from Coffeechat")
    # RFC 7986's REFRESH-INTERVAL, and the older name Outlook and Apple read.
    calendar.add("REFRESH-INTERVAL", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", REFRESH)
    return calendar


def _meetings(owner: Any, now: dt.datetime) -> list[Meeting]:
    return list(
        Meeting.objects.filter(owner=owner, end__gte=now - dt.timedelta(days=DAYS_BACK))
        .select_related("contact", "contact__organization")
        .order_by("start", "pk")
    )


def _meeting_record(profile: Profile, meeting: Meeting, stamp: dt.datetime) -> EventRecord:
    """The meeting as its invite has it (UID, SEQUENCE, zone), with links to its pages.

    No ORGANIZER or ATTENDEE: in a subscribed calendar they would only make the app offer
    to answer an invitation the student sent themselves."""
    contact = meeting.contact
    where = f" ({contact.organization.name})" if contact.organization else ""
    prep = absolute_url(reverse("prep_sheet", args=[meeting.uuid]))
    page = absolute_url(reverse("meeting_detail", args=[meeting.uuid]))
    about = [meeting.medium_label or "Conversation", f"with {contact.name}"]
    if contact.title:
        about.append(f"({contact.title})")
    lines = [" ".join(about) + "."]
    if meeting.status != MeetingStatus.SCHEDULED or meeting.rescheduled_from is not None:
        lines.append(f"Status: {meeting.status_label}.")
    lines += [f"Prep sheet: {prep}", f"Meeting: {page}"]
    return EventRecord(
        uid=meeting.ical_uid,
        start=meeting.start,
        end=meeting.end,
        summary=f"{profile.wording.capitalize()}: {contact.name}{where}",
        description="\n".join(lines),
        location=meeting.location,
        url=page,
        sequence=meeting.sequence,
        time_zone=profile.time_zone,
        status="CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
        created=meeting.created_at,
        last_modified=meeting.updated_at,
        stamp=stamp,
    )


def _reminder_event(
    reminder: Reminder, action: Action, today: dt.date, stamp: dt.datetime
) -> icalendar.Event:
    day = max(reminder.due, today)
    lines = []
    if reminder.due < today:
        lines.append(f"Overdue: it was due {reminder.due.day} {reminder.due:%b %Y}.")
    if reminder.detail:
        lines.append(reminder.detail)
    lines += [f"{action.label}: {action.url}", f"Today: {absolute_url(reverse('today'))}"]
    event = icalendar.Event.new(
        uid=reminder_uid(reminder),
        start=day,
        end=day + dt.timedelta(days=1),
        summary=_plain(reminder.title),
        description=_plain("\n".join(lines)),
        url=action.url,
        stamp=stamp,
        status=STATUS.CONFIRMED,
        transparency=TRANSP.TRANSPARENT,
    )
    # Outlook reads its own property for free/busy.
    event.add("X-MICROSOFT-CDO-BUSYSTATUS", "FREE")
    return event


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _plain(text: str) -> str:
    """No control characters (a name pasted from somewhere), as ics.vevent does for meetings;
    line breaks and tabs stay."""
    return _CONTROL.sub("", text)
