"""Reading follow-ups: the facts the rules need, the reminders, and the Today list.

Everything is scoped to the owner. The facts for all of a student's people are read in a
fixed number of queries (no query per person), then the pure rules in `rules.py` run.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from coffeechat.accounts.services import profile_for
from coffeechat.conversations.models import Note, OrganizationResearch, Research
from coffeechat.conversations.selectors import MeetingRow, meeting_rows
from coffeechat.followups import rules, snapshot
from coffeechat.followups.models import FollowupSettings, ReminderChoice
from coffeechat.followups.rules import Bucket, Clock, Numbers, Reminder, Rule
from coffeechat.network.models import Contact, Source
from coffeechat.outreach.models import Meeting, MeetingStatus, Message, Reply
from coffeechat.outreach.selectors import student_zone

NUMBER_FIELDS = (
    "thank_you_hours",
    "linkedin_days",
    "progress_days",
    "keep_in_touch_months",
    "try_next_days",
    "nudge_days",
    "prepare_days",
)


def settings_for(user: Any) -> FollowupSettings:
    """The user's follow-up settings; the defaults (unsaved) when they never changed them."""
    found = FollowupSettings.objects.filter(user=user).first()
    return found if found is not None else FollowupSettings(user=user)


def numbers_of(settings: FollowupSettings) -> Numbers:
    return Numbers(**{name: getattr(settings, name) for name in NUMBER_FIELDS})


def clock_for(user: Any, now: dt.datetime | None = None) -> Clock:
    return Clock(
        now=now or timezone.now(), tz=student_zone(user), country=profile_for(user).country
    )


def _research_to_do(
    contact: Contact,
    research: dict[int, Research],
    organization_research: dict[int, OrganizationResearch],
) -> tuple[str, ...]:
    """The guide's research checklist items not yet done (see conversations.ResearchView)."""
    to_do = []
    person = research.get(contact.pk)
    if person is None or person.searched_at is None:
        to_do.append(f"search for {contact.name} online")
    if person is None or person.linkedin_read_at is None:
        to_do.append("read their LinkedIn page")
    if contact.organization_id is not None:
        org = organization_research.get(contact.organization_id)
        if org is None or org.website_read_at is None:
            to_do.append("read their organization’s website")
    return tuple(to_do)


def people_facts(
    owner: Any, now: dt.datetime, only: Iterable[int] | None = None
) -> list[rules.PersonFacts]:
    """The facts about every person the student has written to, met or taken notes on
    (or only about the contacts with these ids), every row of their history."""
    messages: dict[int, list[rules.MessageFact]] = defaultdict(list)
    requests_by_org: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    replies: dict[int, list[rules.ReplyFact]] = defaultdict(list)
    meetings: dict[int, list[Any]] = defaultdict(list)
    notes: dict[int, list[rules.NoteFact]] = defaultdict(list)
    mine = Q() if only is None else Q(contact_id__in=list(only))

    for row in Message.objects.filter(mine, owner=owner).values(
        "contact_id", "uuid", "kind", "created_at", "sent_at", "contact__organization_id"
    ):
        messages[row["contact_id"]].append(
            rules.MessageFact(str(row["uuid"]), row["kind"], row["created_at"], row["sent_at"])
        )
        org = row["contact__organization_id"]
        if org is not None and row["sent_at"] is not None and row["kind"].startswith("request_"):
            requests_by_org[org].append((row["contact_id"], row["sent_at"]))
    for reply in Reply.objects.filter(mine, owner=owner).values(
        "contact_id", "outcome", "received_at"
    ):
        replies[reply["contact_id"]].append(rules.ReplyFact(reply["outcome"], reply["received_at"]))
    for meeting in (
        Meeting.objects.filter(mine, owner=owner)
        .select_related("conversation")
        .annotate(planned=Count("plan"))
    ):
        meetings[meeting.contact_id].append(meeting)
    notes_of = Q() if only is None else Q(meeting__contact_id__in=list(only))
    for note in Note.objects.filter(notes_of, owner=owner).values(
        "meeting__contact_id", "uuid", "kind", "text", "created_at", "acted_on_at", "outcome"
    ):
        notes[note["meeting__contact_id"]].append(
            rules.NoteFact(
                str(note["uuid"]),
                note["kind"],
                note["text"],
                note["created_at"],
                note["acted_on_at"],
                note["outcome"],
            )
        )

    ids = set(messages) | set(replies) | set(meetings) | set(notes)
    if not ids:
        return []
    contacts = Contact.objects.filter(owner=owner, pk__in=ids).select_related("organization")
    upcoming_ids = {
        contact_id
        for contact_id, found in meetings.items()
        if any(m.status == MeetingStatus.SCHEDULED and m.start > now for m in found)
    }
    research = {r.contact_id: r for r in Research.objects.filter(contact_id__in=upcoming_ids)}
    organization_research = {
        r.organization_id: r
        for r in OrganizationResearch.objects.filter(
            owner=owner, organization__contacts__in=upcoming_ids
        )
    }

    facts = []
    for contact in contacts:
        meeting_facts = []
        for meeting in meetings.get(contact.pk, []):
            conversation = getattr(meeting, "conversation", None)
            upcoming = meeting.status == MeetingStatus.SCHEDULED and meeting.start > now
            meeting_facts.append(
                rules.MeetingFact(
                    key=str(meeting.uuid),
                    start=meeting.start,
                    end=meeting.end,
                    status=meeting.status,
                    finished_at=conversation.finished_at if conversation is not None else None,
                    research_to_do=_research_to_do(contact, research, organization_research)
                    if upcoming
                    else (),
                    planned_questions=getattr(meeting, "planned", 0),
                    scheduled_at=meeting.created_at,
                )
            )
        organization_requests: tuple[dt.datetime, ...] = ()
        if contact.organization_id is not None:
            organization_requests = tuple(
                sent
                for other, sent in requests_by_org.get(contact.organization_id, [])
                if other != contact.pk
            )
        facts.append(
            rules.PersonFacts(
                key=str(contact.uuid),
                name=contact.name,
                organization=contact.organization.name if contact.organization else "",
                linkedin_connected=contact.source == Source.LINKEDIN,
                meetings=tuple(meeting_facts),
                messages=tuple(messages.get(contact.pk, [])),
                replies=tuple(replies.get(contact.pk, [])),
                notes=tuple(notes.get(contact.pk, [])),
                organization_requests=organization_requests,
            )
        )
    return facts


def _ids(rows: Any) -> set[int]:
    return set(rows.values_list("contact_id", flat=True))


def _snoozed_ids(owner: Any, now: dt.datetime) -> set[int]:
    """Contacts of reminders snoozed until lately or later: a snooze brings them back."""
    keys: dict[str, list[str]] = defaultdict(list)
    for rule, key in ReminderChoice.objects.filter(
        owner=owner, snoozed_until__gte=now - rules.STALE_AFTER
    ).values_list("rule", "object_key"):
        keys[rule].append(key)
    found: set[int] = set()
    meetings = keys[Rule.THANK_YOU] + keys[Rule.PREPARE]
    messages = keys[Rule.TRY_NEXT] + keys[Rule.NUDGE]
    contacts = keys[Rule.LINKEDIN] + keys[Rule.KEEP_IN_TOUCH]
    if meetings:
        found |= _ids(Meeting.objects.filter(owner=owner, uuid__in=_uuids(meetings)))
    if messages:
        found |= _ids(Message.objects.filter(owner=owner, uuid__in=_uuids(messages)))
    if keys[Rule.PROGRESS]:
        found |= set(
            Note.objects.filter(owner=owner, uuid__in=_uuids(keys[Rule.PROGRESS])).values_list(
                "meeting__contact_id", flat=True
            )
        )
    if contacts:
        found |= set(
            Contact.objects.filter(owner=owner, uuid__in=_uuids(contacts)).values_list(
                "pk", flat=True
            )
        )
    return found


def _uuids(keys: list[str]) -> list[uuid.UUID]:
    found = []
    for key in keys:
        try:
            found.append(uuid.UUID(key))
        except ValueError:
            continue
    return found


def recent_ids(owner: Any, clock: Clock, numbers: Numbers) -> set[int]:
    """Contacts who may have a reminder other than keeping in touch: something happened
    lately enough that a rule's reminder is not yet stale (rules.STALE_AFTER), a meeting is
    booked ahead, or a snooze brings one back. Generous windows: a superset is harmless.
    One query (a UNION), plus one for snoozes."""
    now, stale = clock.now, rules.STALE_AFTER

    def since(days: int) -> dt.datetime:
        return now - stale - dt.timedelta(days=days + 2)

    thanked = now - rules.THANK_YOU_STALE - dt.timedelta(days=1)
    # Business days: at most 2 calendar days each, and two weeks of holidays.
    business = 2 * max(numbers.nudge_days, numbers.try_next_days) + 14
    meetings = Meeting.objects.filter(owner=owner)
    messages = Message.objects.filter(owner=owner)
    parts = [
        meetings.filter(
            Q(end__gte=thanked) | Q(conversation__finished_at__gte=thanked),
            status=MeetingStatus.DONE,
        ).values_list("contact_id"),
        messages.filter(
            kind=rules.THANK_YOU_KIND, sent_at__gte=since(numbers.linkedin_days)
        ).values_list("contact_id"),
        Note.objects.filter(owner=owner, acted_on_at__gte=since(numbers.progress_days)).values_list(
            "meeting__contact_id"
        ),
        messages.filter(
            kind__startswith=rules.REQUEST_PREFIX, sent_at__gte=since(business)
        ).values_list("contact_id"),
        meetings.filter(status=MeetingStatus.SCHEDULED, start__gt=now).values_list("contact_id"),
    ]
    # No ORDER BY inside a UNION (the models' default ordering would add one).
    union = parts[0].order_by().union(*(part.order_by() for part in parts[1:]))
    return {contact for (contact,) in union} | _snoozed_ids(owner, now)


def _latest(model: Any, contact: str, field: str, **where: Any) -> Subquery:
    """The latest `field` of a contact's rows of `model` (a correlated subquery)."""
    rows = model.objects.filter(**{contact: OuterRef("pk")}, **where)
    return Subquery(rows.values(contact).annotate(latest=Max(field)).values("latest")[:1])


def quiet_met_facts(owner: Any, skip: set[int]) -> list[rules.PersonFacts]:
    """People met but not lately (not in `skip`): the only reminder they can have is keeping
    in touch, which reads when they were last in touch, so each is summed up by the latest
    message, reply, conversation and note instead of their whole history (two queries).
    `rules.keep_in_touch` gives the same answer from either."""
    done = MeetingStatus.DONE
    kind = rules.DRAFT_KIND[Rule.KEEP_IN_TOUCH]
    drafts: dict[int, list[rules.MessageFact]] = defaultdict(list)
    for contact, key, created in (
        Message.objects.filter(owner=owner, contact__meetings__status=done, kind=kind, sent_at=None)
        .distinct()
        .values_list("contact_id", "uuid", "created_at")
    ):
        drafts[contact].append(rules.MessageFact(str(key), kind, created))
    people = (
        Contact.objects.filter(
            owner=owner,
            pk__in=Meeting.objects.filter(owner=owner, status=done).values("contact_id"),
        )
        .annotate(
            sent=_latest(Message, "contact", "sent_at", sent_at__isnull=False),
            replied=_latest(Reply, "contact", "received_at"),
            ended=_latest(Meeting, "contact", "end", status=done),
            finished=_latest(Meeting, "contact", "conversation__finished_at", status=done),
            noted=_latest(Note, "meeting__contact", "created_at"),
            acted=_latest(Note, "meeting__contact", "acted_on_at"),
        )
        .values_list("pk", "uuid", "name", "sent", "replied", "ended", "finished", "noted", "acted")
    )
    facts = []
    for pk, key, name, sent, replied, ended, finished, noted, acted in people:
        if pk in skip or ended is None:
            continue
        messages = [rules.MessageFact("", "sent", sent, sent)] if sent else []
        facts.append(
            rules.PersonFacts(
                key=str(key),
                name=name,
                meetings=(rules.MeetingFact("", ended, ended, rules.DONE, finished_at=finished),),
                messages=tuple(messages + drafts.get(pk, [])),
                replies=(rules.ReplyFact("", replied),) if replied else (),
                notes=(rules.NoteFact("", "note", "", noted, acted),) if noted else (),
            )
        )
    return facts


def current_facts(owner: Any, clock: Clock, numbers: Numbers) -> list[rules.PersonFacts]:
    """What the rules need to find every reminder that is not stale, without reading the
    whole history of a long-time student: full facts for the people with something recent,
    a summary for the people met long ago. Equal, for the rules, to `people_facts` (a test
    checks it); the rows read grow with recent activity, not with years of history."""
    recent = recent_ids(owner, clock, numbers)
    return people_facts(owner, clock.now, only=recent) + quiet_met_facts(owner, skip=recent)


def choices_for(owner: Any) -> dict[tuple[str, str], rules.Choice]:
    return {
        (c.rule, c.object_key): rules.Choice(c.snoozed_until, c.dismissed_due)
        for c in ReminderChoice.objects.filter(owner=owner)
    }


@dataclass
class Reminders:
    """The student's reminders as they want to see them, and those they put aside."""

    clock: Clock
    numbers: Numbers
    shown: list[Reminder]  # snoozed ones at the day their snooze ends
    dismissed: list[Reminder] = field(default_factory=list)

    def find(self, rule: str, key: str) -> Reminder | None:
        for reminder in [*self.shown, *self.dismissed]:
            if reminder.rule == rule and reminder.key == key:
                return reminder
        return None


def _snoozed_lately(choice: rules.Choice | None, clock: Clock) -> bool:
    """A snooze that ended within STALE_AFTER: what it brought back stays, however old."""
    return bool(
        choice
        and choice.snoozed_until is not None
        and choice.snoozed_until >= clock.now - rules.STALE_AFTER
    )


def reminders_for(owner: Any, now: dt.datetime | None = None) -> Reminders:
    """Every reminder of the owner (due now or later), with snoozes and dismissals applied."""
    clock = clock_for(owner, now)
    numbers = numbers_of(settings_for(owner))
    found = rules.reminders(current_facts(owner, clock, numbers), numbers, clock)
    choices = choices_for(owner)
    shown, dismissed = [], []
    for reminder in found:
        choice = choices.get((reminder.rule, reminder.key))
        applied = rules.apply_choice(reminder, choice, clock)
        if applied is None:
            if not rules.is_stale(reminder, clock):
                dismissed.append(reminder)
        elif not rules.is_stale(applied, clock) or _snoozed_lately(choice, clock):
            shown.append(applied)
    shown.sort(key=lambda r: (r.due, r.deadline or clock.now, r.contact_name, r.rule))
    return Reminders(clock, numbers, shown, dismissed)


def reminder_get_for_user(
    owner: Any, rule: str, key: str, now: dt.datetime | None = None
) -> Reminder:
    """One current reminder of the owner, or LookupError (a 404 to pages and the API)."""
    if rule not in Rule._value2member_map_:
        raise LookupError(rule)
    found = reminders_for(owner, now).find(rule, key)
    if found is None:
        raise LookupError(key)
    return found


UPCOMING_DAYS = 7
MEETINGS = "meetings"  # Today.counts: the meetings of the next 7 days


@dataclass
class Today:
    """The sections of the Today list (each the first `limit` reminders when one was
    asked for), how many each holds, and the meetings of the next 7 days."""

    clock: Clock
    overdue: list[Reminder]
    today: list[Reminder]
    week: list[Reminder]
    later: list[Reminder]
    meetings: list[MeetingRow]  # scheduled in the next 7 days
    snoozed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def date(self) -> dt.date:
        return self.clock.today

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.today or self.week or self.meetings)

    def sections(self) -> list[tuple[Bucket, list[Reminder]]]:
        return [
            (Bucket.OVERDUE, self.overdue),
            (Bucket.TODAY, self.today),
            (Bucket.WEEK, self.week),
        ]


def today_for(owner: Any, now: dt.datetime | None = None, limit: int | None = None) -> Today:
    """The Today list: overdue, due today, this week and later, and the meetings of the next
    7 days, each with how many it holds.

    With a `limit` (at most snapshot.ROWS_KEPT), each section is its first `limit` items, read
    from the reminder snapshot (snapshot.py): a page of Today then costs the same however many
    reminders the student has. Without one, every reminder, as the rules say now.
    """
    clock = clock_for(owner, now)
    if limit is None:
        found = reminders_for(owner, clock.now)
        counts = snapshot.counts_of(found, clock)
        awake = [r for r in found.shown if r.snoozed_until is None]
        sorted_into = rules.buckets(awake, clock)
        sections = {bucket: getattr(sorted_into, bucket.value) for bucket in snapshot.SECTIONS}
    else:
        counts = snapshot.counts_for(owner, clock, reminders_for)
        sections = {
            bucket: snapshot.section_rows(owner, bucket.value, limit)
            for bucket in snapshot.SECTIONS
        }
    soon = (
        Meeting.objects.filter(
            owner=owner,
            status=MeetingStatus.SCHEDULED,
            end__gt=clock.now,
            start__lt=clock.now + dt.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("contact", "contact__organization", "contact__research")
        .select_related("contact__organization__research")
        .order_by("start")
    )
    if limit is not None:
        counts[MEETINGS] = soon.count()
        soon = soon[:limit]
    meetings = meeting_rows(owner, soon, clock.now)
    counts.setdefault(MEETINGS, len(meetings))
    # Snoozed reminders stay off Today until their snooze ends; they are only counted.
    return Today(
        clock=clock,
        overdue=sections[Bucket.OVERDUE],
        today=sections[Bucket.TODAY],
        week=sections[Bucket.WEEK],
        later=sections[Bucket.LATER],
        meetings=meetings,
        snoozed=counts[snapshot.SNOOZED],
        counts=counts,
    )
