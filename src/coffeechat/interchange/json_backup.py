"""Coffeechat's own backup: all of a student's data as one JSON document, and back again.

docs/backup-format.md describes the document. It holds no database ids and no export time:
records point at each other by keys local to the document ("org-1", "contact-7"), numbered
in a fixed order, so export -> restore -> export gives the same bytes, even when the restore
went into another account on the same database. So the rows' UUIDs stay out too (they are
unique across the database), meetings' included. API tokens, the calendar feed's token and
the password never go in.

Restoring it is json_restore's work.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import models

from coffeechat.accounts.models import AvailabilityWindow, Profile
from coffeechat.conversations.models import (
    Conversation,
    Note,
    OrganizationResearch,
    PlannedQuestion,
    PracticeAnswer,
    Question,
    Referral,
    Research,
    ResearchLink,
)
from coffeechat.followups.models import ReminderChoice
from coffeechat.followups.rules import Rule
from coffeechat.followups.selectors import NUMBER_FIELDS, settings_for
from coffeechat.network.models import Contact, Organization, Tag
from coffeechat.outreach.models import (
    BusyInterval,
    Calendar,
    DraftTemplate,
    Meeting,
    Message,
    Reply,
)

FORMAT = "coffeechat-backup"
SCHEMA_VERSION = 4
SECTIONS = ("profile", "organizations", "tags", "contacts", "calendars")
# Added in version 2 ("Reach out"): optional on restore, and not read from a version 1
# document, which could not hold them.
OUTREACH_SECTIONS = ("availability", "templates", "messages", "replies", "meetings")
OUTREACH_SINCE = 2
# Added in version 3 ("Prepare and talk"): optional on restore, and not read from older
# documents. `plans` holds each meeting's planned questions, under "questions".
CONVERSATION_SECTIONS = (
    *("questions", "research", "organization_research", "research_links", "plans"),
    *("notes", "referrals", "conversations", "practice_answers"),
)
CONVERSATIONS_SINCE = 3
# Added in version 4 ("Follow through"): the student's follow-up numbers (an object, like
# the profile) and what they snoozed or dismissed. Notes get keys, so a choice can name one.
FOLLOW_UP_SECTIONS = ("follow_up_settings", "reminder_choices")
FOLLOW_UPS_SINCE = 4
MAX_PROBLEMS_SHOWN = 5
BATCH = 500

# The model fields each record carries, besides its key and its links to other records.
ORGANIZATION_FIELDS = (
    *("name", "website", "industry", "notes"),
    *("lamp_advocate", "lamp_motivation", "lamp_posting", "created_at", "updated_at"),
)
CONTACT_FIELDS = (
    *("name", "email", "phone", "linkedin_url", "title", "field", "time_zone", "source"),
    *("practice", "notes", "created_at", "updated_at"),
)
CALENDAR_FIELDS = ("name", "source_url", "created_at", "refreshed_at", "last_error", "event_count")
BUSY_FIELDS = ("start", "end", "summary")
AVAILABILITY_FIELDS = ("weekday", "start", "end")
TEMPLATE_FIELDS = ("kind", "subject", "body", "updated_at")
MESSAGE_FIELDS = (
    *("kind", "subject", "body", "minutes", "medium", "slots", "channel", "sent_at"),
    *("message_id", "in_reply_to", "created_at", "updated_at"),
)
REPLY_FIELDS = ("outcome", "received_at", "note", "created_at")
MEETING_FIELDS = (
    *("start", "end", "medium", "location", "status", "ical_uid", "sequence"),
    *("rescheduled_from", "created_at", "updated_at"),
)
QUESTION_FIELDS = (
    *("text", "builtin_key", "tiara", "tags", "hidden", "position"),
    *("created_at", "updated_at"),
)
RESEARCH_FIELDS = ("notes", "searched_at", "linkedin_read_at", "updated_at")
ORGANIZATION_RESEARCH_FIELDS = ("notes", "website_read_at", "updated_at")
RESEARCH_LINK_FIELDS = ("kind", "url", "title", "created_at")
PLANNED_QUESTION_FIELDS = ("text", "position", "state", "note", "follow_up", "updated_at")
NOTE_FIELDS = ("kind", "text", "client_key", "acted_on_at", "outcome", "created_at")
REFERRAL_FIELDS = ("client_key", "created_at")
CONVERSATION_FIELDS = ("started_at", "finished_at")
PRACTICE_ANSWER_FIELDS = ("prompt", "answer", "updated_at")
# The feed token and its date are left out: a secret, like API tokens.
FOLLOW_UP_SETTINGS_FIELDS = (*NUMBER_FIELDS, "digest")
REMINDER_CHOICE_FIELDS = ("snoozed_until", "dismissed_due", "updated_at")
# What each rule's reminder is about, named as the document's links name that section.
REMINDER_ABOUT: dict[str, str] = {
    Rule.THANK_YOU: "meeting",
    Rule.PREPARE: "meeting",
    Rule.PROGRESS: "note",
    Rule.LINKEDIN: "contact",
    Rule.KEEP_IN_TOUCH: "contact",
    Rule.TRY_NEXT: "message",
    Rule.NUDGE: "message",
}
TIMESTAMPS = ("created_at", "updated_at")


# Values between JSON and model fields ------------------------------------------------


def stamp(value: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with a Z, e.g. 2024-09-01T14:30:00.123456Z."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The fields as JSON values; types JSON lacks (dates, durations…) as the field's text."""
    found = {}
    for name in names:
        field = instance._meta.get_field(name)
        value = getattr(instance, name)
        if isinstance(value, dt.datetime):
            value = stamp(value)
        elif value is not None and not isinstance(value, str | int | float | list | dict):
            value = field.value_to_string(instance)  # type: ignore[union-attr]
        found[name] = value
    return found


def parse_time_of_day(value: Any) -> dt.time:
    """A wall-clock time such as "09:30" or "09:30:00": in the student's own zone, so no offset."""
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None:
                return parsed
    raise ValueError("must be a time of day without an offset, such as 09:30 or 09:30:00")


def parse_stamp(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed.astimezone(dt.UTC)
    raise ValueError("must be a date and time with its offset, such as 2024-09-01T14:30:00Z")


def from_json(field: models.Field[Any, Any], value: Any) -> Any:
    """The Python value for `field`, or ValueError saying what the JSON value should be."""
    if value is None:
        if field.null:
            return None
        raise ValueError("cannot be null")
    if isinstance(field, models.JSONField):
        # A field whose default is a list (or an object) holds one: say so before code trips.
        kind = type(field.default()) if callable(field.default) else object
        if not isinstance(value, kind):
            raise ValueError("must be a list" if kind is list else "has the wrong type")
        return value
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if isinstance(field, models.IntegerField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        return value
    if isinstance(field, models.DateTimeField):
        return parse_stamp(value)
    if isinstance(field, models.TimeField):
        return parse_time_of_day(value)
    if isinstance(field, models.CharField | models.TextField):
        if not isinstance(value, str):
            raise ValueError("must be text")
        return value
    if not isinstance(value, str | int | float):
        raise ValueError("has the wrong type")
    try:
        return field.to_python(value)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None
    except TypeError:  # a parser that takes text only, given a number
        raise ValueError("has the wrong type") from None


def profile_fields() -> list[models.Field[Any, Any]]:
    """Every stored profile field but the id and the user, in the model's order."""
    return [
        f
        for f in Profile._meta.concrete_fields
        if not f.primary_key and not f.is_relation and f.name != "user"
    ]


# Writing -------------------------------------------------------------------------------


def _order(row: Any) -> tuple[Any, ...]:
    return (row.created_at, row.name, row.pk)


def _made(row: Any) -> tuple[Any, ...]:
    # The id breaks ties: restore inserts rows in the document's order, so it keeps that order.
    return (row.created_at, row.pk)


def document(owner: Any) -> dict[str, Any]:
    """The backup of `owner` as plain JSON values, with keys in their documented order."""
    # Sorted in Python, not by the database: collations differ between SQLite and PostgreSQL.
    profile = Profile.objects.filter(user=owner).first() or Profile(user=owner)
    organizations = sorted(Organization.objects.filter(owner=owner), key=_order)
    org_keys: dict[Any, str] = {o.pk: f"org-{n}" for n, o in enumerate(organizations, start=1)}
    tags = sorted(Tag.objects.filter(owner=owner), key=lambda t: (t.name, t.pk))
    contacts = sorted(Contact.objects.filter(owner=owner).defer("search_text"), key=_order)
    contact_keys: dict[Any, str] = {c.pk: f"contact-{n}" for n, c in enumerate(contacts, start=1)}
    tag_names: dict[int, list[str]] = {}
    # One query for every tagging (a prefetch would send thousands of ids back in an IN list).
    taggings = Contact.tags.through.objects.filter(contact__owner=owner)
    for contact_id, name in taggings.values_list("contact_id", "tag__name"):
        tag_names.setdefault(contact_id, []).append(name)
    meetings = sorted(Meeting.objects.filter(owner=owner), key=_made)
    meeting_keys: dict[Any, str] = {m.pk: f"meeting-{n}" for n, m in enumerate(meetings, start=1)}
    messages = sorted(Message.objects.filter(owner=owner), key=_made)
    notes = sorted(Note.objects.filter(owner=owner), key=_made)
    # How a reminder choice names what it is about: the object's UUID -> its key here.
    about = {
        "contact": {str(c.uuid): contact_keys[c.pk] for c in contacts},
        "meeting": {str(m.uuid): meeting_keys[m.pk] for m in meetings},
        "message": {str(m.uuid): f"message-{n}" for n, m in enumerate(messages, start=1)},
        "note": {str(n.uuid): f"note-{i}" for i, n in enumerate(notes, start=1)},
    }
    return {
        "format": FORMAT,
        "version": SCHEMA_VERSION,
        "profile": values(profile, (f.name for f in profile_fields())),
        "organizations": [
            {"key": org_keys[o.pk], **values(o, ORGANIZATION_FIELDS)} for o in organizations
        ],
        "tags": [{"name": t.name} for t in tags],
        "contacts": [
            {
                "key": contact_keys[c.pk],
                **values(c, ("name", "email", "phone", "linkedin_url")),
                "organization": org_keys.get(c.organization_id),
                **values(c, ("title", "field", "time_zone", "source")),
                "referred_by": contact_keys.get(c.referred_by_id),
                "practice": c.practice,
                "tags": sorted(tag_names.get(c.pk, [])),
                **values(c, ("notes", *TIMESTAMPS)),
            }
            for c in contacts
        ],
        "calendars": calendars_document(owner),
        **outreach_document(owner, contact_keys, meetings, messages),
        **conversations_document(owner, org_keys, contact_keys, meeting_keys, notes),
        **follow_ups_document(owner, about),
    }


def calendars_document(owner: Any) -> list[dict[str, Any]]:
    calendars = sorted(Calendar.objects.filter(owner=owner), key=_order)
    busy: dict[int, list[BusyInterval]] = {}
    for interval in BusyInterval.objects.filter(owner=owner):
        busy.setdefault(interval.calendar_id, []).append(interval)
    return [
        {
            **values(calendar, CALENDAR_FIELDS),
            "busy": [
                values(i, BUSY_FIELDS)
                for i in sorted(busy.get(calendar.pk, []), key=lambda i: (i.start, i.end, i.pk))
            ],
        }
        for calendar in calendars
    ]


def outreach_document(
    owner: Any, contact_keys: dict[Any, str], meetings: list[Meeting], messages: list[Message]
) -> dict[str, Any]:
    """The sections of version 2: availability, own wording, messages, replies, meetings."""
    windows = sorted(
        AvailabilityWindow.objects.filter(user=owner), key=lambda w: (w.weekday, w.start, w.pk)
    )
    templates = sorted(DraftTemplate.objects.filter(owner=owner), key=lambda t: t.kind)
    message_keys: dict[Any, str] = {m.pk: f"message-{n}" for n, m in enumerate(messages, start=1)}
    replies = sorted(Reply.objects.filter(owner=owner), key=_made)
    reply_keys: dict[Any, str] = {r.pk: f"reply-{n}" for n, r in enumerate(replies, start=1)}
    return {
        "availability": [values(w, AVAILABILITY_FIELDS) for w in windows],
        "templates": [values(t, TEMPLATE_FIELDS) for t in templates],
        "messages": [
            {
                "key": message_keys[m.pk],
                "contact": contact_keys.get(m.contact_id),
                **values(m, MESSAGE_FIELDS),
            }
            for m in messages
        ],
        "replies": [
            {
                "key": reply_keys[r.pk],
                "contact": contact_keys.get(r.contact_id),
                "message": message_keys.get(r.message_id),
                **values(r, ("outcome", "received_at", "note")),
                "referred_contact": contact_keys.get(r.referred_contact_id),
                **values(r, ("created_at",)),
            }
            for r in replies
        ],
        "meetings": [
            {
                "key": f"meeting-{n}",
                "contact": contact_keys.get(m.contact_id),
                "reply": reply_keys.get(m.reply_id),
                **values(m, MEETING_FIELDS),
            }
            for n, m in enumerate(meetings, start=1)
        ],
    }


def conversations_document(
    owner: Any,
    org_keys: dict[Any, str],
    contact_keys: dict[Any, str],
    meeting_keys: dict[Any, str],
    notes: list[Note],
) -> dict[str, Any]:
    """The sections of version 3: the question bank, research, plans, live notes, referrals
    (and, since version 4, each note's key and what came of it)."""
    # Rows that hang off one organization, person or meeting come in that one's order.
    org_rank = {pk: n for n, pk in enumerate(org_keys)}
    contact_rank = {pk: n for n, pk in enumerate(contact_keys)}
    meeting_rank = {pk: n for n, pk in enumerate(meeting_keys)}
    questions = sorted(Question.objects.filter(owner=owner), key=_made)
    question_keys: dict[Any, str] = {
        q.pk: f"question-{n}" for n, q in enumerate(questions, start=1)
    }
    research = sorted(
        Research.objects.filter(owner=owner), key=lambda r: contact_rank[r.contact_id]
    )
    org_research = sorted(
        OrganizationResearch.objects.filter(owner=owner),
        key=lambda r: org_rank[r.organization_id],
    )
    links = sorted(ResearchLink.objects.filter(owner=owner), key=_made)
    plans: dict[Any, list[PlannedQuestion]] = {}
    for item in sorted(
        PlannedQuestion.objects.filter(owner=owner), key=lambda i: (i.position, i.pk)
    ):
        plans.setdefault(item.meeting_id, []).append(item)
    conversations = sorted(
        Conversation.objects.filter(owner=owner), key=lambda c: meeting_rank[c.meeting_id]
    )
    answers = sorted(PracticeAnswer.objects.filter(owner=owner), key=lambda a: (a.prompt, a.pk))
    return {
        "questions": [
            {"key": question_keys[q.pk], **values(q, QUESTION_FIELDS)} for q in questions
        ],
        "research": [
            {"contact": contact_keys[r.contact_id], **values(r, RESEARCH_FIELDS)} for r in research
        ],
        "organization_research": [
            {"organization": org_keys[r.organization_id], **values(r, ORGANIZATION_RESEARCH_FIELDS)}
            for r in org_research
        ],
        "research_links": [
            {
                "contact": contact_keys.get(link.contact_id),
                "organization": org_keys.get(link.organization_id),
                **values(link, RESEARCH_LINK_FIELDS),
            }
            for link in links
        ],
        "plans": [
            {
                "meeting": meeting_keys[meeting_id],
                "questions": [
                    {
                        "question": question_keys.get(item.question_id),
                        **values(item, PLANNED_QUESTION_FIELDS),
                    }
                    for item in plans[meeting_id]
                ],
            }
            for meeting_id in sorted(plans, key=meeting_rank.__getitem__)
        ],
        "notes": [
            {"key": f"note-{i}", "meeting": meeting_keys[n.meeting_id], **values(n, NOTE_FIELDS)}
            for i, n in enumerate(notes, start=1)
        ],
        "referrals": [
            {
                "meeting": meeting_keys[r.meeting_id],
                "contact": contact_keys[r.contact_id],
                **values(r, REFERRAL_FIELDS),
            }
            for r in sorted(Referral.objects.filter(owner=owner), key=_made)
        ],
        "conversations": [
            {"meeting": meeting_keys[c.meeting_id], **values(c, CONVERSATION_FIELDS)}
            for c in conversations
        ],
        "practice_answers": [values(a, PRACTICE_ANSWER_FIELDS) for a in answers],
    }


def follow_ups_document(owner: Any, about: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The sections of version 4: the follow-up numbers and the snoozed or dismissed reminders.

    A choice about something no longer there (a meeting deleted since) is left out: no
    reminder can be about it any more.
    """
    rank = {link: {key: n for n, key in enumerate(keys.values())} for link, keys in about.items()}
    choices = []
    for choice in ReminderChoice.objects.filter(owner=owner):
        link = REMINDER_ABOUT.get(choice.rule)
        key = about[link].get(choice.object_key) if link else None
        if link and key:
            choices.append((choice.rule, rank[link][key], choice.pk, link, key, choice))
    choices.sort(key=lambda found: found[:3])
    return {
        "follow_up_settings": values(settings_for(owner), FOLLOW_UP_SETTINGS_FIELDS),
        "reminder_choices": [
            {"rule": rule, link: key, **values(choice, REMINDER_CHOICE_FIELDS)}
            for rule, _, _, link, key, choice in choices
        ],
    }


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many records each section holds (the later ones: as restore reads them)."""
    found = {name: len(data[name]) for name in SECTIONS if name != "profile"}
    found["busy_intervals"] = sum(len(c.get("busy", [])) for c in data["calendars"])
    read = data["version"] >= OUTREACH_SINCE
    for name in OUTREACH_SECTIONS:
        found["availability_windows" if name == "availability" else name] = (
            len(data.get(name, [])) if read else 0
        )
    read = data["version"] >= CONVERSATIONS_SINCE
    for name in CONVERSATION_SECTIONS:
        found[name] = len(data.get(name, [])) if read else 0
        if name == "plans":
            found["planned_questions"] = (
                sum(len(p.get("questions", [])) for p in data.get(name, [])) if read else 0
            )
    # The settings are one object, like the profile: only the choices are counted.
    read = data["version"] >= FOLLOW_UPS_SINCE
    found["reminder_choices"] = len(data.get("reminder_choices", [])) if read else 0
    return found


def write(owner: Any, stream: TextIO) -> dict[str, int]:
    """Write `owner`'s backup to `stream`; returns how many records each section holds."""
    data = document(owner)
    json.dump(data, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    return counts(data)
