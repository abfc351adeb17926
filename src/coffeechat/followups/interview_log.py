"""The informational interview log: one row per conversation held, for a course or an advisor.

Career courses ask students to log their informational interviews: who, when, where they
work, what was learned and what the student did afterwards. This builds that log from the
rows the app already has (meetings marked done, their notes and referrals, the follow-up
messages sent), in a fixed number of queries, and writes it as a printable page or a CSV
that opens safely in a spreadsheet (UTF-8 with a BOM, CRLF, formula-like cells quoted).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from coffeechat.accounts.models import Medium
from coffeechat.accounts.services import profile_for
from coffeechat.conversations.models import Note, NoteKind, Referral

# The contacts export's guard against spreadsheet formulas: the log is a CSV export too.
from coffeechat.lib.spreadsheet import neutralise
from coffeechat.network.models import Contact, Source
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message
from coffeechat.outreach.selectors import student_zone

# What was learned: the notes a course asks about, in this order ("They asked me" is what
# the student was asked, not what they learned).
LEARNED_KINDS = (NoteKind.ADVICE, NoteKind.RESOURCE, NoteKind.IDEA, NoteKind.NOTE)
FOLLOW_UP_WORDS: dict[str, str] = {
    Kind.THANK_YOU: "Thank-you sent",
    Kind.LINKEDIN_CONNECT: "Connected on LinkedIn",
    Kind.LINKEDIN_NOTE: "Connected on LinkedIn",
    Kind.PROGRESS_UPDATE: "Progress update sent",
    Kind.KEEP_IN_TOUCH: "Kept in touch",
}
CSV_HEADER = [
    "Date",
    "Person",
    "Title",
    "Organization",
    "How we talked",
    "Minutes",
    "How I found them",
    "What I learned",
    "Follow-ups done",
    "People they referred me to",
    "Practice conversation",
]
DATE_HELP = "Use the form YYYY-MM-DD, for example 2026-09-01."


def day_text(day: dt.date) -> str:
    """ "18 Nov 2026": unambiguous wherever the advisor reading it lives."""
    return f"{day.day} {day:%b %Y}"


# --- The period ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def label(self) -> str:
        if self.since and self.until:
            return f"{day_text(self.since)} to {day_text(self.until)}"
        if self.since:
            return f"since {day_text(self.since)}"
        if self.until:
            return f"up to {day_text(self.until)}"
        return "all conversations"

    def query(self, tz: dt.tzinfo, prefix: str = "") -> Q:
        """Meetings that started within the period, by the student's calendar."""
        found = Q()
        if self.since is not None:
            start = dt.datetime.combine(self.since, dt.time.min, tzinfo=tz)
            found &= Q(**{f"{prefix}start__gte": start})
        if self.until is not None:
            end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            found &= Q(**{f"{prefix}start__lt": end})
        return found

    def query_string(self) -> str:
        parts = []
        if self.since is not None:
            parts.append(f"since={self.since.isoformat()}")
        if self.until is not None:
            parts.append(f"until={self.until.isoformat()}")
        return "&".join(parts)


def _date(value: str, what: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise ValidationError(f"The {what} date “{shown}” is not a date. {DATE_HELP}") from None


def period_parse(since: str = "", until: str = "") -> Period:
    """The period from `?since=&until=`; ValidationError with a message a person can act on."""
    errors = []
    found: list[dt.date | None] = []
    for value, what in ((since, "start"), (until, "end")):
        try:
            found.append(_date(value, what))
        except ValidationError as exc:
            errors.extend(exc.messages)
            found.append(None)
    if errors:
        raise ValidationError(errors)
    start, end = found
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"The end date ({day_text(end)}) is before the start date ({day_text(start)})."
        )
    return Period(start, end)


# --- The rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referred:
    key: str
    name: str


@dataclass
class LogRow:
    meeting_key: str
    contact_key: str
    start: dt.datetime  # in the student's zone
    person: str
    title: str
    organization: str
    medium: str
    minutes: int
    how_found: str
    practice: bool
    learned: list[str] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    referred: list[Referred] = field(default_factory=list)

    @property
    def date(self) -> dt.date:
        return self.start.date()

    @property
    def date_text(self) -> str:
        return day_text(self.date)

    def cells(self) -> list[str]:
        """The CSV row, every cell made safe for a spreadsheet."""
        values = [
            self.date.isoformat(),
            self.person,
            self.title,
            self.organization,
            self.medium,
            str(self.minutes),
            self.how_found,
            "\n".join(self.learned),
            "\n".join(self.follow_ups),
            ", ".join(r.name for r in self.referred),
            "Yes" if self.practice else "",
        ]
        return [neutralise(value) for value in values]


@dataclass
class InterviewLog:
    student: str
    school: str
    period: Period
    rows: list[LogRow]
    made_on: dt.date

    @property
    def practice_count(self) -> int:
        return sum(1 for r in self.rows if r.practice)

    @property
    def count(self) -> int:
        return len(self.rows) - self.practice_count


def how_found(source: str, referrer: str) -> str:
    """ "Referred by Mateo García", "Faculty", or "Faculty; referred by …"."""
    label = str(dict(Source.choices).get(source, "")) if source else ""
    if referrer and source in ("", Source.REFERRAL):
        return f"Referred by {referrer}"
    if referrer:
        return f"{label}; referred by {referrer}"
    return label


def learned_lines(notes: Iterable[tuple[str, str, str]]) -> list[str]:
    """ "Advice: …" lines from (kind, text, outcome), in LEARNED_KINDS order."""
    labels = dict(NoteKind.choices)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, text, outcome in notes:
        if kind not in LEARNED_KINDS:
            continue
        line = f"{labels[kind]}: {' '.join(text.split())}"
        if outcome.strip():
            line += f" (what came of it: {' '.join(outcome.split())})"
        by_kind[kind].append(line)
    return [line for kind in LEARNED_KINDS for line in by_kind.get(kind, [])]


def follow_up_lines(
    sent: Iterable[tuple[str, dt.datetime]],
    tz: dt.tzinfo,
    start: dt.datetime,
    until: dt.datetime | None,
) -> list[str]:
    """The follow-ups sent from this conversation's start until the next one with them."""
    lines = []
    for kind, sent_at in sorted(sent, key=lambda pair: pair[1]):
        if sent_at >= start and (until is None or sent_at < until):
            lines.append(f"{FOLLOW_UP_WORDS[kind]} {day_text(sent_at.astimezone(tz).date())}")
    return lines


def _notes(in_log: Q) -> dict[int, list[tuple[str, str, str]]]:
    """(kind, text, outcome) of what was learned, by meeting."""
    found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for meeting_id, kind, text, outcome in (
        Note.objects.filter(in_log, kind__in=LEARNED_KINDS)
        .order_by("created_at", "id")
        .values_list("meeting_id", "kind", "text", "outcome")
    ):
        found[meeting_id].append((kind, text, outcome))
    return found


def _referred(owner: Any) -> tuple[dict[int, list[Referred]], dict[int, list[Referred]]]:
    """The people each conversation suggested (by meeting), and the people referred some
    other way (a "referred me" reply, or typed in on their page), by referrer."""
    by_meeting: dict[int, list[Referred]] = defaultdict(list)
    linked: set[str] = set()
    for meeting_id, key, name in (
        Referral.objects.filter(owner=owner, meeting__status=MeetingStatus.DONE)
        .order_by("created_at", "id")
        .values_list("meeting_id", "contact__uuid", "contact__name")
    ):
        by_meeting[meeting_id].append(Referred(str(key), name))
        linked.add(str(key))
    by_referrer: dict[int, list[Referred]] = defaultdict(list)
    for referrer, key, name in (
        Contact.objects.filter(owner=owner, referred_by__isnull=False)
        .order_by("sort_name", "id")
        .values_list("referred_by_id", "uuid", "name")
    ):
        if str(key) not in linked and referrer is not None:
            by_referrer[referrer].append(Referred(str(key), name))
    return by_meeting, by_referrer


def _follow_ups(owner: Any) -> dict[int, list[tuple[str, dt.datetime]]]:
    """(kind, sent at) of every follow-up message sent, by contact."""
    found: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for contact_id, kind, sent_at in Message.objects.filter(
        owner=owner, sent_at__isnull=False, kind__in=list(FOLLOW_UP_WORDS)
    ).values_list("contact_id", "kind", "sent_at"):
        if sent_at is not None:  # always, by the query
            found[contact_id].append((kind, sent_at))
    return found


def _starts(owner: Any) -> dict[int, list[dt.datetime]]:
    """When each conversation held began, by contact, whatever the period."""
    found: dict[int, list[dt.datetime]] = defaultdict(list)
    for contact_id, start in Meeting.objects.filter(
        owner=owner, status=MeetingStatus.DONE
    ).values_list("contact_id", "start"):
        found[contact_id].append(start)
    return found


def interview_log_for(
    owner: Any, period: Period | None = None, now: dt.datetime | None = None
) -> InterviewLog:
    """Every conversation held in the period, newest first, in a fixed number of queries."""
    period = period or Period()
    tz = student_zone(owner)
    profile = profile_for(owner)
    meetings = (
        Meeting.objects.filter(Q(owner=owner, status=MeetingStatus.DONE) & period.query(tz))
        .select_related("contact", "contact__organization", "contact__referred_by")
        .order_by("-start", "-id")
    )
    notes = _notes(
        Q(owner=owner, meeting__status=MeetingStatus.DONE) & period.query(tz, "meeting__")
    )
    referred, referred_otherwise = _referred(owner)
    follow_ups = _follow_ups(owner)
    starts = _starts(owner)
    media = dict(Medium.choices)

    rows = []
    for meeting in meetings:
        contact = meeting.contact
        next_start = min((s for s in starts[contact.pk] if s > meeting.start), default=None)
        people = list(referred.get(meeting.pk, []))
        if next_start is None:  # the newest conversation with them
            people += referred_otherwise.get(contact.pk, [])
        rows.append(
            LogRow(
                meeting_key=str(meeting.uuid),
                contact_key=str(contact.uuid),
                start=meeting.start.astimezone(tz),
                person=contact.name,
                title=contact.title,
                organization=contact.organization.name if contact.organization else "",
                medium=str(media.get(meeting.medium, meeting.medium)),
                minutes=meeting.minutes,
                how_found=how_found(
                    contact.source, contact.referred_by.name if contact.referred_by else ""
                ),
                practice=contact.practice,
                learned=learned_lines(notes.get(meeting.pk, [])),
                follow_ups=follow_up_lines(
                    follow_ups.get(contact.pk, []), tz, meeting.start, next_start
                ),
                referred=people,
            )
        )
    return InterviewLog(
        student=profile.name,
        school=profile.school,
        period=period,
        rows=rows,
        made_on=(now or timezone.now()).astimezone(tz).date(),
    )


def write_csv(log: InterviewLog, stream: TextIO) -> int:
    """The BOM, the header and one row per conversation; open `stream` with newline=""."""
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in log.rows:
        writer.writerow(row.cells())
    return len(log.rows)
