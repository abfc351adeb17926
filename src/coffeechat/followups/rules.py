"""The follow-up rules: pure functions from what happened to what is due.

The guide ends with follow-up: thank them within a day, tell them when their advice or
resource helped, connect on LinkedIn, stay in touch. Steve Dalton's 3B7 rule covers the
people who have not answered yet. Each rule here reads plain facts about one person (no
database, no clock of its own) and returns the reminders due, so the Today page, the CLI,
the digest, the calendar feed and the API agree, and a test can set the clock anywhere.

A reminder is about one object (a meeting, a note, a request, a person): `Reminder.key`.
Logging what a reminder asks for (the thank-you sent, a reply, a new meeting) makes the
rule return nothing for it, so reminders cancel and reset themselves.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from coffeechat.lib.businessdays import add_business_days


class Rule(StrEnum):
    THANK_YOU = "thank_you"
    LINKEDIN = "linkedin"
    PROGRESS = "progress"
    KEEP_IN_TOUCH = "keep_in_touch"
    TRY_NEXT = "try_next"
    NUDGE = "nudge"
    PREPARE = "prepare"


RULE_LABELS = {
    Rule.THANK_YOU: "Thank-you",
    Rule.LINKEDIN: "Connect on LinkedIn",
    Rule.PROGRESS: "Progress update",
    Rule.KEEP_IN_TOUCH: "Keep in touch",
    Rule.TRY_NEXT: "Try the next person",
    Rule.NUDGE: "Follow-up nudge",
    Rule.PREPARE: "Prepare",
}

# The message kind (outreach.Kind value) each rule's draft is written as.
DRAFT_KIND = {
    Rule.THANK_YOU: "thank_you",
    Rule.LINKEDIN: "linkedin_connect",
    Rule.PROGRESS: "progress_update",
    Rule.KEEP_IN_TOUCH: "keep_in_touch",
    Rule.NUDGE: "nudge",
}

# A thank-you not sent a month after the conversation is no longer a thank-you: keeping
# in touch takes over.
THANK_YOU_STALE = dt.timedelta(days=30)
# Any other reminder this long past its day leaves the lists: nobody acts on a months-old
# "nudge", and a list that stays red for ever stops being read. Keeping in touch rolls on
# to its next round instead (`keep_in_touch_due`).
STALE_AFTER = dt.timedelta(days=30)

# Outreach message kinds, as stored (strings, so this module needs no models).
REQUEST_PREFIX = "request_"
NUDGE_KIND = "nudge"
THANK_YOU_KIND = "thank_you"
LINKEDIN_KINDS = frozenset({"linkedin_connect", "linkedin_note"})
PROGRESS_KIND = "progress_update"
DONE = "done"
SCHEDULED = "scheduled"
# Notes a progress update is about (conversations.NoteKind values).
ACTIONABLE_NOTES = frozenset({"advice", "resource"})


@dataclass(frozen=True)
class Numbers:
    """The student's settings (followups.FollowupSettings); defaults follow the guide."""

    thank_you_hours: int = 24
    linkedin_days: int = 1
    progress_days: int = 2
    keep_in_touch_months: int = 3
    try_next_days: int = 3
    nudge_days: int = 7
    prepare_days: int = 1


@dataclass(frozen=True)
class Clock:
    """Now, and how the student lives it: their zone for dates, their country for holidays."""

    now: dt.datetime
    tz: dt.tzinfo = dt.UTC
    country: str = ""

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()

    def day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()


@dataclass(frozen=True)
class MeetingFact:
    key: str
    start: dt.datetime
    end: dt.datetime
    status: str
    finished_at: dt.datetime | None = None  # when live mode's "Finish" was pressed
    research_to_do: tuple[str, ...] = ()  # the guide's checklist items still open
    planned_questions: int = 0
    # When it was put on the calendar: "prepare" is never due before that day.
    scheduled_at: dt.datetime | None = None


@dataclass(frozen=True)
class MessageFact:
    key: str
    kind: str
    created_at: dt.datetime
    sent_at: dt.datetime | None = None  # None: still a draft


@dataclass(frozen=True)
class ReplyFact:
    outcome: str
    received_at: dt.datetime


@dataclass(frozen=True)
class NoteFact:
    key: str
    kind: str
    text: str
    created_at: dt.datetime
    acted_on_at: dt.datetime | None = None
    outcome: str = ""


@dataclass(frozen=True)
class PersonFacts:
    """Everything the rules need about one contact."""

    key: str
    name: str
    organization: str = ""
    # Imported as a LinkedIn connection: already connected.
    linkedin_connected: bool = False
    meetings: tuple[MeetingFact, ...] = ()
    messages: tuple[MessageFact, ...] = ()
    replies: tuple[ReplyFact, ...] = ()
    notes: tuple[NoteFact, ...] = ()
    # When requests went to other people at the same organization (3B7's "next person").
    organization_requests: tuple[dt.datetime, ...] = ()

    @property
    def sent(self) -> list[MessageFact]:
        return sorted(
            (m for m in self.messages if m.sent_at is not None),
            key=lambda m: m.sent_at or m.created_at,
        )

    def sent_of(self, kinds: Iterable[str]) -> list[MessageFact]:
        wanted = set(kinds)
        return [m for m in self.sent if m.kind in wanted]

    def draft_of(self, kind: str, since: dt.datetime | None = None) -> MessageFact | None:
        """The newest unsent draft of `kind` written after `since`: open it, not a new one."""
        drafts = [
            m
            for m in self.messages
            if m.sent_at is None and m.kind == kind and (since is None or m.created_at >= since)
        ]
        return max(drafts, key=lambda m: m.created_at) if drafts else None


@dataclass(frozen=True)
class Reminder:
    rule: Rule
    key: str  # the object it is about
    contact_key: str
    contact_name: str
    due: dt.date  # the student's date it is due
    title: str
    detail: str = ""
    # A time it is due by (a thank-you: within 24 hours); overdue after it.
    deadline: dt.datetime | None = None
    meeting_key: str = ""
    note_key: str = ""
    draft_key: str = ""  # an unsent draft already written for it
    snoozed_until: dt.datetime | None = None
    original_due: dt.date | None = None  # before a snooze moved it

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.key}"

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def draft_kind(self) -> str:
        return DRAFT_KIND.get(self.rule, "")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _done_at(meeting: MeetingFact) -> dt.datetime:
    return meeting.finished_at or meeting.end


def _done_meetings(person: PersonFacts) -> list[MeetingFact]:
    return sorted((m for m in person.meetings if m.status == DONE), key=_done_at)


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


# --- The rules -----------------------------------------------------------------------------


def thank_you(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """A thank-you within `thank_you_hours` of a conversation marked done.

    Due the day it happened, overdue after the deadline; any thank-you sent since the
    meeting started covers it. After a month it is dropped (keep in touch takes over).
    A meeting marked done before its planned end is done: the reminder shows at once
    (only a meeting that has not started yet, marked done by mistake, waits).
    """
    reminders = []
    thanks = person.sent_of([THANK_YOU_KIND])
    for meeting in _done_meetings(person):
        done_at = _done_at(meeting)
        if meeting.start > clock.now or clock.now - done_at > THANK_YOU_STALE:
            continue
        if any(m.sent_at and m.sent_at >= meeting.start for m in thanks):
            continue
        deadline = done_at + dt.timedelta(hours=numbers.thank_you_hours)
        draft = person.draft_of(THANK_YOU_KIND, since=meeting.start)
        reminders.append(
            Reminder(
                rule=Rule.THANK_YOU,
                key=meeting.key,
                contact_key=person.key,
                contact_name=person.name,
                due=clock.day(done_at),
                deadline=deadline,
                title=f"Thank {person.name}",
                detail=f"Within {numbers.thank_you_hours} hours of your conversation: "
                "mention something specific they told you.",
                meeting_key=meeting.key,
                draft_key=draft.key if draft else "",
            )
        )
    return reminders


def linkedin(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """After the first thank-you, connect on LinkedIn with a short note (300 characters)."""
    if person.linkedin_connected or person.sent_of(LINKEDIN_KINDS):
        return []
    thanks = person.sent_of([THANK_YOU_KIND])
    if not thanks or thanks[0].sent_at is None:
        return []
    draft = person.draft_of("linkedin_connect")
    return [
        Reminder(
            rule=Rule.LINKEDIN,
            key=person.key,
            contact_key=person.key,
            contact_name=person.name,
            due=clock.day(thanks[0].sent_at) + dt.timedelta(days=numbers.linkedin_days),
            title=f"Connect with {person.name} on LinkedIn",
            detail="Send a connection request with a short note (LinkedIn allows 300 "
            "characters) to stay in touch.",
            draft_key=draft.key if draft else "",
        )
    ]


def progress(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """When advice or a resource was acted on, tell them what you did and how it helped."""
    updates = person.sent_of([PROGRESS_KIND])
    reminders = []
    for note in person.notes:
        if note.kind not in ACTIONABLE_NOTES or note.acted_on_at is None:
            continue
        acted = note.acted_on_at
        if any(m.sent_at and m.sent_at >= acted for m in updates):
            continue
        draft = person.draft_of(PROGRESS_KIND, since=acted)
        reminders.append(
            Reminder(
                rule=Rule.PROGRESS,
                key=note.key,
                contact_key=person.key,
                contact_name=person.name,
                due=clock.day(acted) + dt.timedelta(days=numbers.progress_days),
                title=f"Tell {person.name} how their {note.kind} helped",
                detail=f"You acted on “{_short(note.text, 80).rstrip(' .')}”.",
                note_key=note.key,
                draft_key=draft.key if draft else "",
            )
        )
    return reminders


def last_interaction(person: PersonFacts) -> dt.datetime | None:
    """The latest message sent, reply, conversation or note: each resets keep-in-touch."""
    moments = [m.sent_at for m in person.messages if m.sent_at is not None]
    moments += [r.received_at for r in person.replies]
    moments += [_done_at(m) for m in person.meetings if m.status == DONE]
    moments += [n.created_at for n in person.notes]
    moments += [n.acted_on_at for n in person.notes if n.acted_on_at is not None]
    return max(moments, default=None)


def keep_in_touch_due(last: dt.date, months: int, today: dt.date) -> dt.date:
    """The round due now: `months` after the last contact, or, once a round is more than
    STALE_AFTER past, the next one (last + 2 × months, …), so a missed round never piles up."""
    rounds = 1
    due = add_months(last, months)
    while due < today - STALE_AFTER:
        rounds += 1
        due = add_months(last, months * rounds)
    return due


def keep_in_touch(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """People met hear from the student every few months; any interaction resets the clock."""
    if not _done_meetings(person):
        return []
    if any(m.status == SCHEDULED and m.end > clock.now for m in person.meetings):
        return []  # a conversation is already on the calendar
    last = last_interaction(person)
    if last is None:
        return []
    draft = person.draft_of("keep_in_touch", since=last)
    return [
        Reminder(
            rule=Rule.KEEP_IN_TOUCH,
            key=person.key,
            contact_key=person.key,
            contact_name=person.name,
            due=keep_in_touch_due(clock.day(last), numbers.keep_in_touch_months, clock.today),
            title=f"Keep in touch with {person.name}",
            detail=f"Last in touch {_date(clock.day(last))}: share what you have been "
            "doing and what came of their advice.",
            draft_key=draft.key if draft else "",
        )
    ]


def _unanswered_request(person: PersonFacts) -> MessageFact | None:
    """The first request, while nothing answered it: no reply and no meeting logged."""
    requests = [m for m in person.sent if m.kind.startswith(REQUEST_PREFIX)]
    if not requests or person.replies or person.meetings:
        return None
    return requests[0]


def try_next(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """3B7: after `try_next_days` business days without a reply, contact the next person
    at the same organization (done once a request to someone else there is sent)."""
    first = _unanswered_request(person)
    if first is None or first.sent_at is None or not person.organization:
        return []
    if person.sent_of([NUDGE_KIND]):
        return []
    if any(sent >= first.sent_at for sent in person.organization_requests):
        return []
    return [
        Reminder(
            rule=Rule.TRY_NEXT,
            key=first.key,
            contact_key=person.key,
            contact_name=person.name,
            due=add_business_days(clock.day(first.sent_at), numbers.try_next_days, clock.country),
            title=f"Contact the next person at {person.organization}",
            detail=f"{person.name} has not replied in {numbers.try_next_days} business days: "
            "keep going with someone else there while you wait.",
        )
    ]


def nudge(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """3B7: one polite nudge after `nudge_days` business days without a reply; then stop."""
    first = _unanswered_request(person)
    if first is None or first.sent_at is None or person.sent_of([NUDGE_KIND]):
        return []
    draft = person.draft_of(NUDGE_KIND, since=first.sent_at)
    return [
        Reminder(
            rule=Rule.NUDGE,
            key=first.key,
            contact_key=person.key,
            contact_name=person.name,
            due=add_business_days(clock.day(first.sent_at), numbers.nudge_days, clock.country),
            title=f"Nudge {person.name} once",
            detail=f"No reply in {numbers.nudge_days} business days: one short follow-up, "
            "then move on.",
            draft_key=draft.key if draft else "",
        )
    ]


def prepare(person: PersonFacts, numbers: Numbers, clock: Clock) -> list[Reminder]:
    """The day before a meeting: the research checklist and a question plan."""
    reminders = []
    for meeting in person.meetings:
        if meeting.status != SCHEDULED or meeting.start <= clock.now:
            continue
        missing = list(meeting.research_to_do)
        if not meeting.planned_questions:
            missing.append("plan your questions")
        if not missing:
            continue
        due = clock.day(meeting.start) - dt.timedelta(days=numbers.prepare_days)
        if meeting.scheduled_at is not None and meeting.scheduled_at <= clock.now:
            # Booked this morning for this afternoon: due today, not "overdue" since yesterday.
            due = max(due, clock.day(meeting.scheduled_at))
        reminders.append(
            Reminder(
                rule=Rule.PREPARE,
                key=meeting.key,
                contact_key=person.key,
                contact_name=person.name,
                due=due,
                title=f"Prepare for {person.name}",
                detail="Still to do: " + "; ".join(missing) + ".",
                meeting_key=meeting.key,
            )
        )
    return reminders


RULES: dict[Rule, Callable[[PersonFacts, Numbers, Clock], list[Reminder]]] = {
    Rule.THANK_YOU: thank_you,
    Rule.LINKEDIN: linkedin,
    Rule.PROGRESS: progress,
    Rule.KEEP_IN_TOUCH: keep_in_touch,
    Rule.TRY_NEXT: try_next,
    Rule.NUDGE: nudge,
    Rule.PREPARE: prepare,
}


def reminders(people: Iterable[PersonFacts], numbers: Numbers, clock: Clock) -> list[Reminder]:
    """Every reminder for these people, soonest due first."""
    found = [
        found
        for person in people
        for rule in RULES.values()
        for found in rule(person, numbers, clock)
    ]
    return sorted(found, key=lambda r: (r.due, r.deadline or clock.now, r.contact_name, r.rule))


# --- Snooze and dismiss ------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What the student decided about one reminder (followups.ReminderChoice)."""

    snoozed_until: dt.datetime | None = None
    dismissed_due: dt.datetime | None = None


def _due_moment(reminder: Reminder, clock: Clock) -> dt.datetime:
    return dt.datetime.combine(reminder.due, dt.time.min, tzinfo=clock.tz)


def apply_choice(reminder: Reminder, choice: Choice | None, clock: Clock) -> Reminder | None:
    """The reminder as the student wants it: None when dismissed, moved when snoozed.

    A dismissal covers the reminder as it was when dismissed: when it comes round again
    later (the next keep-in-touch), it is back. A snooze moves it to the day it ends.
    """
    if choice is None:
        return reminder
    if choice.dismissed_due is not None and _due_moment(reminder, clock) <= choice.dismissed_due:
        return None
    if choice.snoozed_until is not None and choice.snoozed_until > clock.now:
        return replace(
            reminder,
            due=max(reminder.due, clock.day(choice.snoozed_until)),
            deadline=None,
            snoozed_until=choice.snoozed_until,
            original_due=reminder.due,
        )
    return reminder


def is_stale(reminder: Reminder, clock: Clock) -> bool:
    """More than STALE_AFTER past its day (as shown: a snooze moves the day)."""
    return reminder.due < clock.today - STALE_AFTER


def dismissal_moment(reminder: Reminder, clock: Clock) -> dt.datetime:
    """What ReminderChoice.dismissed_due stores for a dismissal of this reminder: its own
    due day (not the day a snooze moved it to), so only this round is dismissed."""
    return _due_moment(replace(reminder, due=reminder.original_due or reminder.due), clock)


# --- Today ----------------------------------------------------------------------------------


class Bucket(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"
    LATER = "later"


BUCKET_LABELS = {
    Bucket.OVERDUE: "Overdue",
    Bucket.TODAY: "Due today",
    Bucket.WEEK: "This week",
    Bucket.LATER: "Later",
}
WEEK = 7


def bucket(reminder: Reminder, clock: Clock) -> Bucket:
    """Overdue (past its day, or its deadline has passed), today, the next 7 days, later."""
    today = clock.today
    if reminder.due < today or (reminder.deadline is not None and reminder.deadline < clock.now):
        return Bucket.OVERDUE
    if reminder.due == today:
        return Bucket.TODAY
    if reminder.due < today + dt.timedelta(days=WEEK):
        return Bucket.WEEK
    return Bucket.LATER


@dataclass
class Buckets:
    overdue: list[Reminder] = field(default_factory=list)
    today: list[Reminder] = field(default_factory=list)
    week: list[Reminder] = field(default_factory=list)
    later: list[Reminder] = field(default_factory=list)


def buckets(found: Iterable[Reminder], clock: Clock) -> Buckets:
    sorted_into = Buckets()
    for reminder in found:
        getattr(sorted_into, bucket(reminder, clock).value).append(reminder)
    return sorted_into
