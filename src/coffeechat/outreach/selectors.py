"""Reads for Reach out: every function takes the owner and never returns another's rows."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, cast

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from coffeechat.accounts.models import AvailabilityWindow
from coffeechat.accounts.services import profile_for
from coffeechat.lib.businessdays import add_business_days, is_public_holiday
from coffeechat.lib.ids import uuid_or_404
from coffeechat.network.models import Contact
from coffeechat.outreach import drafting
from coffeechat.outreach.checks import CheckContext, CheckResult, Draft, checks_run
from coffeechat.outreach.drafting import BUILT_IN, Template
from coffeechat.outreach.models import (
    REQUEST_KINDS,
    BusyInterval,
    Calendar,
    DraftTemplate,
    Kind,
    Meeting,
    MeetingStatus,
    Message,
    Outcome,
    Reply,
)
from coffeechat.outreach.slots import Slot, Window, slot_from_json, slot_label, slots_find
from coffeechat.outreach.waiting import (
    RESPONDER_HELP,
    RESPONDER_LABELS,
    Responder,
    Step,
    Waiting,
    responder,
    waiting,
)


def calendar_list(owner: Any) -> QuerySet[Calendar]:
    """The owner's calendars by name, each with `busy_count` (its stored busy intervals)."""
    # Meta.ordering does not apply to a query with GROUP BY: order explicitly.
    return (
        Calendar.objects.filter(owner=owner)
        .annotate(busy_count=Count("intervals"))
        .order_by("name", "created_at")
    )


def calendar_get_for_user(owner: Any, calendar_id: Any) -> Calendar:
    """The owner's calendar (with `busy_count`), or Http404 for anyone else's or none."""
    calendar = calendar_list(owner).filter(uuid=uuid_or_404(calendar_id, "calendar")).first()
    if calendar is None:
        raise Http404("No such calendar.")
    return calendar


def busy_between(
    owner: Any, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """When the owner is busy within [start, end): overlapping and touching spans joined,
    clipped to the window, in order. The slot finder reads this."""
    rows = (
        BusyInterval.objects.filter(owner=owner, start__lt=end, end__gt=start)
        .order_by("start", "end")
        .values_list("start", "end")
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for row_start, row_end in rows:
        row_start, row_end = max(row_start, start), min(row_end, end)
        if merged and row_start <= merged[-1][1]:
            if row_end > merged[-1][1]:
                merged[-1] = (merged[-1][0], row_end)
        else:
            merged.append((row_start, row_end))
    return merged


@dataclass
class BusyItem:
    interval: BusyInterval
    all_day: bool  # covers the whole day
    from_day_before: bool  # started on an earlier day
    to_day_after: bool  # goes on past midnight


@dataclass
class BusyDay:
    day: dt.date
    items: list[BusyItem] = field(default_factory=list)


def busy_days(owner: Any, start: dt.datetime, days: int, tz: dt.tzinfo) -> list[BusyDay]:
    """The owner's busy intervals for `days` days from `start`'s date in `tz`, by local day.

    An interval over midnight is listed on every day it touches. Days with nothing busy
    are left out.
    """
    first = start.astimezone(tz).date()
    bounds = [
        dt.datetime.combine(first + dt.timedelta(days=n), dt.time(), tzinfo=tz)
        for n in range(days + 1)
    ]
    rows = (
        BusyInterval.objects.filter(owner=owner, start__lt=bounds[-1], end__gt=bounds[0])
        .select_related("calendar")
        .order_by("start", "end")
    )
    result = [BusyDay(first + dt.timedelta(days=n)) for n in range(days)]
    for interval in rows:
        for n in range(days):
            day_start, day_end = bounds[n], bounds[n + 1]
            if interval.start < day_end and interval.end > day_start:
                result[n].items.append(
                    BusyItem(
                        interval,
                        all_day=interval.start <= day_start and interval.end >= day_end,
                        from_day_before=interval.start < day_start,
                        to_day_after=interval.end > day_end,
                    )
                )
    return [day for day in result if day.items]


# Reaching out ---------------------------------------------------------------------------


def message_get_for_user(owner: Any, message_id: Any) -> Message:
    """The owner's message (with its contact), or Http404 for anyone else's or none."""
    key = uuid_or_404(message_id, "message")
    message = (
        Message.objects.select_related("contact", "contact__organization", "contact__referred_by")
        .filter(owner=owner, uuid=key)
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    return message


def meeting_get_for_user(owner: Any, meeting_id: Any) -> Meeting:
    key = uuid_or_404(meeting_id, "meeting")
    meeting = (
        Meeting.objects.select_related("contact", "contact__organization")
        .filter(owner=owner, uuid=key)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def availability_for(owner: Any) -> list[Window]:
    """The owner's weekly availability; Monday to Friday 9:00–17:00 until they set their own."""
    rows = AvailabilityWindow.objects.filter(user=owner).order_by("weekday", "start")
    windows = [Window(w.weekday, w.start, w.end) for w in rows]
    return windows or list(DEFAULT_WINDOWS)


def availability_summary(owner: Any) -> dict[str, Any]:
    """Availability as the API and the CLI's --json show it (times as "HH:MM")."""
    profile = profile_for(owner)
    return {
        "time_zone": profile.time_zone,
        "windows": [
            {"weekday": w.weekday, "start": f"{w.start:%H:%M}", "end": f"{w.end:%H:%M}"}
            for w in availability_for(owner)
        ],
        "buffer_minutes": profile.buffer_minutes,
        "lead_business_days": profile.lead_business_days,
        "horizon_days": profile.horizon_days,
        "country": profile.country,
    }


DEFAULT_WINDOWS = tuple(Window(day, dt.time(9), dt.time(17)) for day in range(5))


def zone_of(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def busy_for_slots(
    owner: Any, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Busy time for the slot finder: imported calendars and meetings already scheduled."""
    busy = busy_between(owner, start, end)
    busy += list(
        Meeting.objects.filter(
            owner=owner, status=MeetingStatus.SCHEDULED, start__lt=end, end__gt=start
        ).values_list("start", "end")
    )
    return sorted(busy)


@dataclass(frozen=True)
class Proposal:
    slots: list[Slot]
    student_tz: zoneinfo.ZoneInfo
    contact_tz: zoneinfo.ZoneInfo | None
    minutes: int

    def labels(self) -> list[str]:
        return [
            slot_label(s, student_tz=self.student_tz, contact_tz=self.contact_tz)
            for s in self.slots
        ]

    def rows(self) -> list[dict[str, str]]:
        return slot_rows(self.slots, student_tz=self.student_tz, contact_tz=self.contact_tz)


def slot_rows(
    slots: list[Slot], *, student_tz: zoneinfo.ZoneInfo, contact_tz: zoneinfo.ZoneInfo | None
) -> list[dict[str, str]]:
    """[{"start", "end", "label"}]: times as the API and the CLI's --json write them (ISO 8601
    with offsets, and the label a message would use)."""
    return [
        {
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "label": slot_label(s, student_tz=student_tz, contact_tz=contact_tz),
        }
        for s in slots
    ]


def student_zone(owner: Any) -> zoneinfo.ZoneInfo:
    return zone_of(profile_for(owner).time_zone) or zoneinfo.ZoneInfo("UTC")


def message_slots(message: Message) -> list[Slot]:
    """The times a message proposed; a stored value that cannot be read is skipped."""
    slots = []
    for value in message.slots:
        try:
            slots.append(slot_from_json(value))
        except (ValueError, TypeError, KeyError):
            continue
    return slots


def slots_propose(
    owner: Any,
    *,
    minutes: int | None = None,
    count: int = 3,
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> Proposal:
    """`count` free times of `minutes` (default: the profile's ask) that the owner can offer.

    Inside their availability, outside busy time plus the buffer, from the lead time (in
    business days) to the horizon, spread over different days and times of day.
    """
    profile = profile_for(owner)
    now = now or timezone.now()
    minutes = minutes or profile.default_minutes
    tz = student_zone(owner)
    first_day = add_business_days(
        now.astimezone(tz).date(), profile.lead_business_days, profile.country
    )
    earliest = max(now, dt.datetime.combine(first_day, dt.time(), tzinfo=tz))
    latest = now + dt.timedelta(days=profile.horizon_days)
    buffer = dt.timedelta(minutes=profile.buffer_minutes)
    first, last = earliest.astimezone(tz).date(), latest.astimezone(tz).date()
    holidays = {
        first + dt.timedelta(days=n)
        for n in range((last - first).days + 1)
        if is_public_holiday(first + dt.timedelta(days=n), profile.country)
    }
    slots = slots_find(
        windows=availability_for(owner),
        busy=busy_for_slots(owner, earliest - buffer, latest + buffer),
        tz=tz,
        earliest=earliest,
        latest=latest,
        minutes=minutes,
        count=count,
        buffer=buffer,
        closed_days=holidays,
    )
    contact_tz = zone_of(contact.time_zone) if contact is not None else None
    return Proposal(slots, tz, contact_tz, minutes)


class Stage(StrEnum):
    LISTED = "listed"
    DRAFTED = "drafted"
    REACHED_OUT = "reached_out"
    SAID_YES = "said_yes"
    DECLINED = "declined"
    REFERRED = "referred"
    SCHEDULED = "scheduled"
    MET = "met"


STAGE_LABELS = {
    Stage.LISTED: "Listed",
    Stage.DRAFTED: "Drafted",
    Stage.REACHED_OUT: "Reached out",
    Stage.SAID_YES: "Said yes",
    Stage.DECLINED: "Declined",
    Stage.REFERRED: "Referred you elsewhere",
    Stage.SCHEDULED: "Meeting scheduled",
    Stage.MET: "Met",
}


@dataclass
class ContactOutreach:
    """Everything Reach out knows about one contact, and what it means.

    The derived values are worked out once: fill the lists first, then read them.
    """

    contact: Contact
    messages: list[Message]  # newest first
    replies: list[Reply]  # newest first
    meetings: list[Meeting]  # by start
    today: dt.date
    country: str = ""
    tz: dt.tzinfo = dt.UTC

    def day(self, moment: dt.datetime) -> dt.date:
        """The date of a moment as the student lived it (their zone), for business days."""
        return moment.astimezone(self.tz).date()

    @cached_property
    def sent_requests(self) -> list[Message]:
        return [m for m in self.messages if m.is_sent and m.kind in REQUEST_KINDS]

    @cached_property
    def first_request(self) -> Message | None:
        sent = self.sent_requests
        return sent[-1] if sent else None

    @cached_property
    def last_request(self) -> Message | None:
        """The latest request or nudge sent: its times are the ones a "yes" can pick."""
        for message in self.messages:
            if message.is_sent and (message.kind in REQUEST_KINDS or message.kind == Kind.NUDGE):
                return message
        return None

    @cached_property
    def last_sent(self) -> Message | None:
        return next((m for m in self.messages if m.is_sent), None)

    @cached_property
    def drafts(self) -> list[Message]:
        return [m for m in self.messages if not m.is_sent]

    @cached_property
    def reply(self) -> Reply | None:
        return self.replies[0] if self.replies else None

    @cached_property
    def upcoming(self) -> list[Meeting]:
        return [m for m in self.meetings if m.status == MeetingStatus.SCHEDULED]

    @cached_property
    def stage(self) -> Stage:
        if any(m.status == MeetingStatus.DONE for m in self.meetings):
            return Stage.MET
        if self.upcoming:
            return Stage.SCHEDULED
        if self.reply is not None:
            return {
                Outcome.YES: Stage.SAID_YES,
                Outcome.NO: Stage.DECLINED,
                Outcome.REFERRED: Stage.REFERRED,
            }[Outcome(self.reply.outcome)]
        if self.sent_requests:
            return Stage.REACHED_OUT
        if self.drafts:
            return Stage.DRAFTED
        return Stage.LISTED

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @cached_property
    def waiting(self) -> Waiting | None:
        """3B7 for a request still without a reply."""
        first = self.first_request
        if first is None or first.sent_at is None or self.reply is not None:
            return None
        nudged = any(m.is_sent and m.kind == Kind.NUDGE for m in self.messages)
        return waiting(
            sent=self.day(first.sent_at),
            today=self.today,
            nudged=nudged,
            country=self.country,
        )

    @cached_property
    def responder(self) -> Responder | None:
        first = self.first_request
        if first is None or first.sent_at is None:
            return None
        replied = min((r.received_at for r in self.replies), default=None)
        return responder(
            sent=self.day(first.sent_at),
            replied=self.day(replied) if replied is not None else None,
            today=self.today,
            country=self.country,
        )

    @property
    def responder_label(self) -> str:
        kind = self.responder
        return RESPONDER_LABELS[kind] if kind is not None else ""

    @property
    def responder_help(self) -> str:
        kind = self.responder
        return RESPONDER_HELP[kind] if kind is not None else ""


def _today_for(owner: Any, now: dt.datetime | None = None) -> tuple[dt.date, str, dt.tzinfo]:
    profile = profile_for(owner)
    tz = student_zone(owner)
    return (now or timezone.now()).astimezone(tz).date(), profile.country, tz


def contact_outreach(
    owner: Any, contact: Contact, *, now: dt.datetime | None = None
) -> ContactOutreach:
    today, country, tz = _today_for(owner, now)
    outreach = ContactOutreach(
        contact=contact,
        messages=list(Message.objects.filter(owner=owner, contact=contact).order_by("-created_at")),
        replies=list(
            Reply.objects.filter(owner=owner, contact=contact)
            .select_related("referred_contact")
            .order_by("-received_at", "-created_at")
        ),
        meetings=list(Meeting.objects.filter(owner=owner, contact=contact).order_by("start")),
        today=today,
        country=country,
        tz=tz,
    )
    return outreach


@dataclass
class QueueEntry:
    outreach: ContactOutreach
    next_person: Contact | None = None  # someone else at the same organization to try


@dataclass
class Queue:
    drafted: list[QueueEntry]
    waiting: list[QueueEntry]  # most business days first
    scheduled: list[Meeting]
    declined: list[QueueEntry]
    today: dt.date

    @property
    def due(self) -> list[QueueEntry]:
        return [
            e
            for e in self.waiting
            if e.outreach.waiting is not None
            and e.outreach.waiting.step in (Step.TRY_NEXT, Step.NUDGE)
        ]


def outreach_queue(owner: Any, *, now: dt.datetime | None = None) -> Queue:
    """Who is waiting for a reply and for how many business days, what is due, what is
    drafted and what is scheduled. A fixed number of queries, however long the list."""
    now = now or timezone.now()
    today, country, tz = _today_for(owner, now)
    messages = list(
        Message.objects.filter(owner=owner)
        .select_related("contact", "contact__organization")
        .order_by("-created_at")
    )
    replies = list(Reply.objects.filter(owner=owner).order_by("-received_at", "-created_at"))
    meetings = list(
        Meeting.objects.filter(owner=owner)
        .select_related("contact", "contact__organization")
        .order_by("start")
    )
    by_contact: dict[int, ContactOutreach] = {}
    for message in messages:
        entry = by_contact.get(message.contact_id)
        if entry is None:
            entry = by_contact[message.contact_id] = ContactOutreach(
                message.contact, [], [], [], today, country, tz
            )
        entry.messages.append(message)
    for reply in replies:
        if reply.contact_id in by_contact:
            by_contact[reply.contact_id].replies.append(reply)
    for meeting in meetings:
        if meeting.contact_id in by_contact:
            by_contact[meeting.contact_id].meetings.append(meeting)

    drafted, waiting_list, declined = [], [], []
    for entry in by_contact.values():
        stage = entry.stage
        if stage == Stage.DRAFTED:
            drafted.append(QueueEntry(entry))
        elif stage == Stage.REACHED_OUT:
            waiting_list.append(QueueEntry(entry))
        elif stage == Stage.DECLINED:
            declined.append(QueueEntry(entry))
    waiting_list.sort(
        key=lambda e: (
            -(e.outreach.waiting.business_days if e.outreach.waiting else 0),
            e.outreach.contact.sort_name,
        )
    )
    _suggest_next_people(owner, waiting_list, set(by_contact))
    drafted.sort(key=lambda e: e.outreach.contact.sort_name)
    scheduled = [m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.end >= now]
    return Queue(drafted, waiting_list, scheduled, declined, today)


def _suggest_next_people(owner: Any, entries: list[QueueEntry], contacted: set[int]) -> None:
    """For 3B7's day 3: someone else at the same organization not reached out to yet."""
    due = [
        e
        for e in entries
        if e.outreach.waiting is not None
        and e.outreach.waiting.step == Step.TRY_NEXT
        and e.outreach.contact.organization_id is not None
    ]
    if not due:
        return
    organizations = {e.outreach.contact.organization_id for e in due}
    candidates: dict[int, Contact] = {}
    for person in (
        Contact.objects.filter(owner=owner, organization_id__in=organizations)
        .exclude(pk__in=contacted)
        .order_by("sort_name")
    ):
        candidates.setdefault(cast(int, person.organization_id), person)
    for entry in due:
        entry.next_person = candidates.get(cast(int, entry.outreach.contact.organization_id))


def template_for(owner: Any, kind: str) -> Template:
    """The owner's wording for a kind of message, or the built-in one."""
    own = DraftTemplate.objects.filter(owner=owner, kind=kind).first()
    if own is not None:
        return Template(own.subject, own.body)
    return BUILT_IN[kind]


def templates_own(owner: Any) -> dict[str, DraftTemplate]:
    return {t.kind: t for t in DraftTemplate.objects.filter(owner=owner)}


def message_checks(message: Message) -> list[CheckResult]:
    """The coach's checks on a draft, for its kind and contact."""
    contact = message.contact
    profile = profile_for(message.owner)
    return checks_run(
        Draft(message.subject, message.body),
        CheckContext(
            kind=message.kind,
            contact_name=contact.name,
            organization=contact.organization.name if contact.organization is not None else "",
            title=contact.title,
            referrer=contact.referred_by.name if contact.referred_by is not None else "",
            found_how=drafting.found_how(contact),
            student_name=profile.name,
            school=profile.school,
        ),
    )


def message_summary(message: Message) -> dict[str, Any]:
    """A message as the API and the CLI's --json show it: text, the coach's checks, times."""
    return {
        "id": str(message.uuid),
        "contact": str(message.contact.uuid),
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "minutes": message.minutes,
        "medium": message.medium,
        "channel": message.channel,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "checks": [
            {"code": c.code, "ok": c.ok, "message": c.message, "fix": c.fix, "level": c.level}
            for c in message_checks(message)
        ],
        "slots": slot_rows(
            message_slots(message),
            student_tz=student_zone(message.owner),
            contact_tz=zone_of(message.contact.time_zone),
        ),
    }
