"""Restoring a backup (see json_backup): read and check the whole document, then write it.

`restore` only fills an empty account (no people, organizations, tags or calendars); the
profile, weekly availability, own wording, question bank, practice answers and follow-up
numbers it replaces, as things an account may have before it has anyone on its list. It
reads and checks the whole document first — format, version, types, lengths with the
models' own validation, keys that point nowhere — and then writes everything in one
transaction, so a bad document writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from coffeechat.accounts.models import AvailabilityWindow, Medium, Profile
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
from coffeechat.conversations.services import CLIENT_KEY, MAX_PLAN, MAX_QUESTIONS
from coffeechat.followups.models import FollowupSettings, ReminderChoice
from coffeechat.interchange.json_backup import (
    AVAILABILITY_FIELDS,
    BATCH,
    BUSY_FIELDS,
    CALENDAR_FIELDS,
    CONTACT_FIELDS,
    CONVERSATION_FIELDS,
    CONVERSATION_SECTIONS,
    CONVERSATIONS_SINCE,
    FOLLOW_UP_SECTIONS,
    FOLLOW_UP_SETTINGS_FIELDS,
    FOLLOW_UPS_SINCE,
    FORMAT,
    MAX_PROBLEMS_SHOWN,
    MEETING_FIELDS,
    MESSAGE_FIELDS,
    NOTE_FIELDS,
    ORGANIZATION_FIELDS,
    ORGANIZATION_RESEARCH_FIELDS,
    OUTREACH_SECTIONS,
    OUTREACH_SINCE,
    PLANNED_QUESTION_FIELDS,
    PRACTICE_ANSWER_FIELDS,
    QUESTION_FIELDS,
    REFERRAL_FIELDS,
    REMINDER_ABOUT,
    REMINDER_CHOICE_FIELDS,
    REPLY_FIELDS,
    RESEARCH_FIELDS,
    RESEARCH_LINK_FIELDS,
    SCHEMA_VERSION,
    SECTIONS,
    TEMPLATE_FIELDS,
    TIMESTAMPS,
    counts,
    from_json,
    profile_fields,
)
from coffeechat.interchange.records import FormatError
from coffeechat.interchange.textio import megabytes
from coffeechat.lib.businessdays import country_choices
from coffeechat.network.models import Contact, Organization, Tag
from coffeechat.outreach.models import (
    BusyInterval,
    Calendar,
    DraftTemplate,
    Meeting,
    Message,
    Reply,
)
from coffeechat.outreach.services import calendar_url_clean
from coffeechat.outreach.slots import slot_from_json, slot_to_json

# Reading and checking ------------------------------------------------------------------


class Problems:
    """What is wrong with a document, collected so the student sees several at once."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")

    def add_validation(self, where: str, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add(where, message if name == "__all__" else f"“{name}”: {message}")

    def check(self) -> None:
        if not self.messages:
            return
        shown = self.messages[:MAX_PROBLEMS_SHOWN]
        more = len(self.messages) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more problem(s)" if more else "")
        raise FormatError(f"This backup cannot be restored. {text}.")


def _short(value: Any) -> str:
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def load(stream: TextIO) -> dict[str, Any]:
    """The parsed document, refused unless it is a backup this version can read."""
    limit = settings.COFFEECHAT_IMPORT_MAX_BYTES
    text = stream.read(limit + 1)
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise FormatError(
            f"The file is bigger than {megabytes(limit)}, the most Coffeechat restores at once."
        )
    if not text.strip():
        raise FormatError("The file is empty.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"This is not a JSON file ({exc.msg}, column {exc.colno}). "
            "A Coffeechat backup is the .json file that Export gives you.",
            line=exc.lineno,
        ) from None
    except RecursionError:
        raise FormatError(_TOO_DEEP) from None
    except ValueError:  # a number with thousands of digits
        raise FormatError("This JSON file cannot be read as a Coffeechat backup.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormatError(
            "This is not a Coffeechat backup: it lacks "
            f"“format”: “{FORMAT}”. Restore the .json file that Export gives you."
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError("This backup has no valid “version”: it may have been edited by hand.")
    if version > SCHEMA_VERSION:
        raise FormatError(
            f"This backup was made by a newer version of Coffeechat (format version {version}; "
            f"this one reads up to version {SCHEMA_VERSION}). Update Coffeechat, then restore it."
        )
    problems = Problems()
    if not _check_text(data, "the file", problems):
        raise FormatError(_TOO_DEEP)
    for name in SECTIONS:
        expected = dict if name == "profile" else list
        if not isinstance(data.get(name), expected):
            kind = "an object" if expected is dict else "a list"
            problems.add(f"“{name}”", "missing" if name not in data else f"must be {kind}")
    later = [
        *(OUTREACH_SECTIONS if version >= OUTREACH_SINCE else ()),
        *(CONVERSATION_SECTIONS if version >= CONVERSATIONS_SINCE else ()),
        *(FOLLOW_UP_SECTIONS if version >= FOLLOW_UPS_SINCE else ()),
    ]
    for name in later:
        expected = dict if name == "follow_up_settings" else list
        if name in data and not isinstance(data[name], expected):
            problems.add(f"“{name}”", "must be an object" if expected is dict else "must be a list")
    problems.check()
    return data


# A backup nests five deep at most; json.loads accepts nearly a thousand levels, which
# would take the recursive checks here past Python's recursion limit.
MAX_DEPTH = 32
_TOO_DEEP = (
    f"This JSON file is nested more than {MAX_DEPTH} levels deep; "
    "a Coffeechat backup is the .json file that Export gives you."
)


def _check_text(value: Any, where: str, problems: Problems, depth: int = 0) -> bool:
    """Refuse NUL characters and lone surrogates anywhere: PostgreSQL can store neither.

    False when the document is nested deeper than MAX_DEPTH (and then not all checked).
    """
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        if "\x00" in value:
            problems.add(where, "contains a NUL character, which Coffeechat cannot store")
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.add(where, "contains a broken character (a lone UTF-16 surrogate)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where, problems)
            inner = f"{where} › {key}" if where != "the file" else key
            if not _check_text(item, inner, problems, depth + 1):
                return False
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            if not _check_text(item, f"{where} #{index}", problems, depth + 1):
                return False
    return True


def records(rows: Any, section: str, problems: Problems) -> list[tuple[str, dict[str, Any]]]:
    """(where, record) for each record of a section, named for messages: contacts #3 “Sam”."""
    found = []
    for index, row in enumerate(rows, start=1):
        where = f"{section} #{index}"
        if not isinstance(row, dict):
            problems.add(where, "must be an object")
            continue
        if isinstance(row.get("name"), str):
            where += f" {_short(row['name'])}"
        found.append((where, row))
    return found


def build(
    instance: models.Model,
    row: dict[str, Any],
    names: Sequence[str],
    where: str,
    problems: Problems,
    *,
    exclude: Iterable[str] = (),
) -> None:
    """Set `names` found in `row` on `instance` and validate it with the model's rules.

    Keys this version does not know are ignored: newer backups of the same version may
    carry extra, optional keys.
    """
    for name in names:
        if name not in row:
            continue
        field = instance._meta.get_field(name)
        try:
            value = from_json(field, row[name])  # type: ignore[arg-type]
        except ValueError as exc:
            problems.add(where, f"“{name}” {exc}")
            continue
        setattr(instance, field.attname, value)  # type: ignore[union-attr]
        if isinstance(field, models.TextField) and field.max_length:
            _check_length(field, value, where, problems)
    label = getattr(instance, "name", None) if "name" in names else None
    if isinstance(label, str) and label and not label.strip():
        problems.add(where, "“name” cannot be only spaces")
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        problems.add_validation(where, exc)


def _check_length(
    field: models.TextField[Any, Any], value: str, where: str, problems: Problems
) -> None:
    # full_clean checks a CharField's max_length but not a TextField's (only forms do).
    if any(isinstance(v, MaxLengthValidator) for v in field.validators):
        return
    try:
        MaxLengthValidator(field.max_length)(value)
    except ValidationError as exc:
        problems.add(where, f"“{field.name}”: {' '.join(exc.messages)}")


def keyed(rows: list[tuple[str, dict[str, Any]]], problems: Problems) -> list[str]:
    """Each record's "key", which must be text and unique in its section."""
    keys: list[str] = []
    seen: set[str] = set()
    for where, row in rows:
        key = row.get("key")
        if not isinstance(key, str) or not key:
            problems.add(where, "needs a “key” (text, e.g. “org-1”)")
            key = ""
        elif key in seen:
            problems.add(where, f"the key {_short(key)} is used twice")
        seen.add(key)
        keys.append(key)
    return keys


def unique_names(wheres: list[str], items: list[Any], problems: Problems) -> None:
    # The database compares names with LOWER(), as str.lower() does.
    seen: set[str] = set()
    for where, item in zip(wheres, items, strict=True):
        folded = item.name.lower()
        if folded in seen:
            problems.add(where, "this name is listed twice")
        seen.add(folded)


# Restoring -----------------------------------------------------------------------------


@dataclasses.dataclass
class Plan:
    """The rows a valid document becomes, built and checked but not yet saved."""

    owner: Any
    profile: Profile
    organizations: list[Organization] = dataclasses.field(default_factory=list)
    tags: list[Tag] = dataclasses.field(default_factory=list)
    contacts: list[Contact] = dataclasses.field(default_factory=list)
    contact_tags: list[list[Tag]] = dataclasses.field(default_factory=list)
    referrers: list[int | None] = dataclasses.field(default_factory=list)  # index into contacts
    calendars: list[Calendar] = dataclasses.field(default_factory=list)
    busy: list[BusyInterval] = dataclasses.field(default_factory=list)
    # None when the document has no such section: the account keeps its own.
    windows: list[AvailabilityWindow] | None = None
    templates: list[DraftTemplate] | None = None
    messages: list[Message] = dataclasses.field(default_factory=list)
    replies: list[Reply] = dataclasses.field(default_factory=list)
    meetings: list[Meeting] = dataclasses.field(default_factory=list)
    # Version 3. The question bank and practice answers are like the settings above: None
    # keeps the account's own (copies of the built-in questions are made on first use).
    questions: list[Question] | None = None
    research: list[Research] = dataclasses.field(default_factory=list)
    organization_research: list[OrganizationResearch] = dataclasses.field(default_factory=list)
    research_links: list[ResearchLink] = dataclasses.field(default_factory=list)
    planned_questions: list[PlannedQuestion] = dataclasses.field(default_factory=list)
    notes: list[Note] = dataclasses.field(default_factory=list)
    referrals: list[Referral] = dataclasses.field(default_factory=list)
    conversations: list[Conversation] = dataclasses.field(default_factory=list)
    practice_answers: list[PracticeAnswer] | None = None
    # Version 4. The settings replace the account's (keeping its calendar feed) when present.
    follow_up_settings: FollowupSettings | None = None
    reminder_choices: list[ReminderChoice] = dataclasses.field(default_factory=list)


def _reference(
    row: dict[str, Any], name: str, known: dict[str, Any], section: str, *, required: bool = False
) -> tuple[Any, str]:
    """The record `row[name]` points at in `section`, or an error message ("" when all is well)."""
    key = row.get(name)
    if key is None:
        article = "an" if name[0] in "aeiou" else "a"
        return None, f"needs {article} “{name}” (the key of one of “{section}”)" if required else ""
    if not isinstance(key, str):
        return None, f"“{name}” must be a key (text)" + ("" if required else " or null")
    if key not in known:
        return None, f"“{name}” points at {_short(key)}, which is not in the backup's “{section}”"
    return known[key], ""


def make_plan(owner: Any, data: dict[str, Any]) -> Plan:
    """Check every record of the document and build its rows; FormatError lists problems."""
    problems = Problems()
    plan = Plan(owner, Profile.objects.filter(user=owner).first() or Profile(user=owner))
    names = [f.name for f in profile_fields()]
    build(plan.profile, data["profile"], names, "profile", problems, exclude=["user"])
    country = plan.profile.country
    if isinstance(country, str) and country and country not in dict(country_choices()):
        problems.add(
            "profile", f"“country” {_short(country)} is not a country code Coffeechat knows"
        )

    org_rows = records(data["organizations"], "organizations", problems)
    for where, row in org_rows:
        organization = Organization(owner=owner)
        build(organization, row, ORGANIZATION_FIELDS, where, problems, exclude=["owner"])
        plan.organizations.append(organization)
    unique_names([w for w, _ in org_rows], plan.organizations, problems)
    organizations = dict(zip(keyed(org_rows, problems), plan.organizations, strict=True))

    tag_rows = records(data["tags"], "tags", problems)
    for where, row in tag_rows:
        tag = Tag(owner=owner)
        build(tag, row, ["name"], where, problems, exclude=["owner"])
        plan.tags.append(tag)
    unique_names([w for w, _ in tag_rows], plan.tags, problems)
    tags = {t.name: t for t in plan.tags}

    contact_rows = records(data["contacts"], "contacts", problems)
    positions = {key: n for n, key in enumerate(keyed(contact_rows, problems)) if key}
    for position, (where, row) in enumerate(contact_rows):
        contact = Contact(owner=owner)
        build(contact, row, CONTACT_FIELDS, where, problems, exclude=["owner"])
        contact.organization, error = _reference(
            row, "organization", organizations, "organizations"
        )
        if error:
            problems.add(where, error)
        referrer, error = _reference(row, "referred_by", positions, "contacts")
        if error:
            problems.add(where, error)
        elif referrer == position:
            problems.add(where, "“referred_by” points at the contact itself")
        plan.referrers.append(referrer)
        plan.contact_tags.append(_contact_tags(row.get("tags", []), tags, where, problems))
        plan.contacts.append(contact)

    for where, row in records(data["calendars"], "calendars", problems):
        _plan_calendar(plan, owner, where, row, problems)
    if data["version"] >= OUTREACH_SINCE:
        _plan_settings(plan, data, problems)
        contacts = {key: plan.contacts[n] for key, n in positions.items()}
        messages, meetings = _plan_outreach(plan, data, contacts, problems)
        if data["version"] >= CONVERSATIONS_SINCE:
            known: dict[str, dict[str, Any]] = {
                "organizations": organizations,
                "contacts": contacts,
                "messages": messages,
                "meetings": meetings,
            }
            _plan_conversations(plan, data, known, problems)
            if data["version"] >= FOLLOW_UPS_SINCE:
                _plan_follow_ups(plan, data, known, problems)
    problems.check()
    return plan


def _contact_tags(names: Any, tags: dict[str, Tag], where: str, problems: Problems) -> list[Tag]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.add(where, "“tags” must be a list of tag names")
        return []
    if len(set(names)) != len(names):
        problems.add(where, "“tags” names a tag twice")
        return []
    missing = [n for n in names if n not in tags]
    if missing:
        problems.add(where, f"the tag {_short(missing[0])} is not in the backup's “tags”")
        return []
    return [tags[n] for n in names]


def _plan_calendar(
    plan: Plan, owner: Any, where: str, row: dict[str, Any], problems: Problems
) -> None:
    calendar = Calendar(owner=owner)
    build(calendar, row, CALENDAR_FIELDS, where, problems, exclude=["owner"])
    if calendar.source_url:
        # A restored address is fetched later: hold it to the rules a new subscription meets.
        try:
            calendar.source_url = calendar_url_clean(calendar.source_url)
        except ValidationError as exc:
            problems.add(where, f"“source_url”: {' '.join(exc.messages)}")
    plan.calendars.append(calendar)
    busy = row.get("busy", [])
    if not isinstance(busy, list):
        problems.add(where, "“busy” must be a list")
        return
    for index, item in enumerate(busy, start=1):
        at = f"{where} busy #{index}"
        if not isinstance(item, dict):
            problems.add(at, "must be an object")
            continue
        interval = BusyInterval(owner=owner, calendar=calendar)
        build(interval, item, BUSY_FIELDS, at, problems, exclude=["owner", "calendar"])
        if interval.start and interval.end and interval.end <= interval.start:
            problems.add(at, "“end” must come after “start”")
        plan.busy.append(interval)


def _plan_settings(plan: Plan, data: dict[str, Any], problems: Problems) -> None:
    """Weekly availability and own wording: each replaces the account's when in the document."""
    if "availability" in data:
        plan.windows = []
        for where, row in records(data["availability"], "availability", problems):
            window = AvailabilityWindow(user=plan.owner)
            build(window, row, AVAILABILITY_FIELDS, where, problems, exclude=["user"])
            if window.start is not None and window.end is not None and window.end <= window.start:
                problems.add(where, "“end” must come after “start”")
            plan.windows.append(window)
        _refuse_overlaps(plan.windows, problems)
    if "templates" in data:
        plan.templates = []
        kinds: set[str] = set()
        for where, row in records(data["templates"], "templates", problems):
            template = DraftTemplate(owner=plan.owner)
            build(template, row, TEMPLATE_FIELDS, where, problems, exclude=["owner"])
            if template.kind in kinds:
                problems.add(where, "this kind of message is listed twice")
            kinds.add(template.kind)
            plan.templates.append(template)


def _plan_outreach(
    plan: Plan, data: dict[str, Any], contacts: dict[str, Contact], problems: Problems
) -> tuple[dict[str, Message], dict[str, Meeting]]:
    """Messages, then the replies that answer them, then the meetings replies led to."""
    # Whom each message and reply is with, by id() of the row: a reply to a message, or a
    # meeting from a reply, must be with the same person.
    contact_of: dict[int, Contact | None] = {}

    message_rows = records(data.get("messages", []), "messages", problems)
    for where, row in message_rows:
        message = Message(owner=plan.owner)
        build(message, row, MESSAGE_FIELDS, where, problems, exclude=["owner", "contact"])
        contact_of[id(message)] = _link(message, row, "contact", contacts, where, problems)
        _check_medium(message.medium, where, problems)
        if isinstance(message.minutes, int) and not 5 <= message.minutes <= 240:
            problems.add(where, "“minutes” must be between 5 and 240")
        message.slots = _slots(message.slots, where, problems)
        plan.messages.append(message)
    messages = dict(zip(keyed(message_rows, problems), plan.messages, strict=True))

    reply_rows = records(data.get("replies", []), "replies", problems)
    for where, row in reply_rows:
        reply = Reply(owner=plan.owner)
        links = ["contact", "message", "referred_contact"]
        build(reply, row, REPLY_FIELDS, where, problems, exclude=["owner", *links])
        contact = _link(reply, row, "contact", contacts, where, problems)
        contact_of[id(reply)] = contact
        answered = _link(reply, row, "message", messages, where, problems)
        if answered is not None and not _same(contact, contact_of[id(answered)]):
            problems.add(where, "“message” is a message to another contact")
        referred = _link(reply, row, "referred_contact", contacts, where, problems)
        if referred is not None and referred is contact:
            problems.add(where, "“referred_contact” is the contact who replied")
        plan.replies.append(reply)
    replies = dict(zip(keyed(reply_rows, problems), plan.replies, strict=True))

    meeting_rows = records(data.get("meetings", []), "meetings", problems)
    uids: set[str] = set()
    for where, row in meeting_rows:
        meeting = Meeting(owner=plan.owner)
        links = ["contact", "reply"]
        build(meeting, row, MEETING_FIELDS, where, problems, exclude=["owner", *links])
        contact = _link(meeting, row, "contact", contacts, where, problems)
        answer = _link(meeting, row, "reply", replies, where, problems)
        if answer is not None and not _same(contact, contact_of[id(answer)]):
            problems.add(where, "“reply” is a reply from another contact")
        if meeting.start and meeting.end and meeting.end <= meeting.start:
            problems.add(where, "“end” must come after “start”")
        _check_medium(meeting.medium, where, problems)
        if meeting.ical_uid in uids:
            problems.add(where, "this “ical_uid” is already another meeting's")
        uids.add(meeting.ical_uid)
        plan.meetings.append(meeting)
    return messages, dict(zip(keyed(meeting_rows, problems), plan.meetings, strict=True))


SECTION_OF_LINK = {
    "contact": "contacts",
    "referred_contact": "contacts",
    "message": "messages",
    "reply": "replies",
    "organization": "organizations",
    "meeting": "meetings",
    "question": "questions",
    "note": "notes",
}


def _link(
    instance: models.Model,
    row: dict[str, Any],
    name: str,
    known: dict[str, Any],
    where: str,
    problems: Problems,
    *,
    required: bool | None = None,
) -> Any:
    """Point `instance` at the record `row[name]` names; by default only "contact" is required."""
    required = name == "contact" if required is None else required
    found, error = _reference(row, name, known, SECTION_OF_LINK[name], required=required)
    if error:
        problems.add(where, error)
    if found is not None:
        setattr(instance, name, found)
    return found


def _same(contact: Contact | None, other: Contact | None) -> bool:
    # A contact that is missing has its own message already.
    return contact is None or other is None or contact is other


def _check_medium(medium: Any, where: str, problems: Problems) -> None:
    # The model takes any text here; the app only ever stores one of the ways to meet.
    if medium and medium not in Medium.values:
        choices = ", ".join(Medium.values)
        problems.add(where, f"“medium” {_short(medium)} is not one of {choices} (or “”)")


def _slots(slots: Any, where: str, problems: Problems) -> list[dict[str, str]]:
    """The proposed times, checked and written as Coffeechat writes them."""
    found = []
    for index, item in enumerate(slots, start=1):
        try:
            found.append(slot_to_json(slot_from_json(item)))  # which refuses end <= start
        except ValueError as exc:
            problems.add(f"{where} slots #{index}", str(exc))
    return found


def _refuse_overlaps(windows: list[AvailabilityWindow], problems: Problems) -> None:
    # The availability page joins windows that overlap: two that do were not written by it.
    spans = sorted(
        (w.weekday, w.start, w.end, n)
        for n, w in enumerate(windows, start=1)
        if isinstance(w.weekday, int) and w.start is not None and w.end is not None
    )
    latest: dict[int, dt.time] = {}
    for day, start, end, n in spans:
        if day in latest and start < latest[day]:
            problems.add(f"availability #{n}", "overlaps another window on the same day")
        latest[day] = max(end, latest.get(day, end))


def _plan_conversations(
    plan: Plan, data: dict[str, Any], known: dict[str, dict[str, Any]], problems: Problems
) -> None:
    """The question bank, research, plans, live notes, referrals and practice answers."""
    owner = plan.owner
    questions: dict[str, Question] = {}
    if "questions" in data:
        rows = records(data["questions"], "questions", problems)
        plan.questions = []
        builtins: set[str] = set()
        for where, row in rows:
            question = Question(owner=owner)
            build(question, row, QUESTION_FIELDS, where, problems, exclude=["owner"])
            _not_only_spaces(question.text, "text", where, problems)
            key = question.builtin_key
            if isinstance(key, str) and key:
                if key in builtins:
                    problems.add(where, f"the built-in question {_short(key)} is listed twice")
                builtins.add(key)
            _check_tags(question.tags, where, problems)
            plan.questions.append(question)
        if len(rows) > MAX_QUESTIONS:
            problems.add("“questions”", f"a question bank holds at most {MAX_QUESTIONS}")
        questions = dict(zip(keyed(rows, problems), plan.questions, strict=True))
    known["questions"] = questions  # the caller's too: later sections point at these

    _plan_research(plan, data, known, problems)
    _plan_plans(plan, data, known, problems)
    known["notes"] = _plan_live(plan, data, known, problems)

    if "practice_answers" in data:
        plan.practice_answers = []
        prompts: set[str] = set()
        for where, row in records(data["practice_answers"], "practice_answers", problems):
            answer = PracticeAnswer(owner=owner)
            build(answer, row, PRACTICE_ANSWER_FIELDS, where, problems, exclude=["owner"])
            _not_only_spaces(answer.prompt, "prompt", where, problems)
            if isinstance(answer.prompt, str) and answer.prompt in prompts:
                problems.add(where, "this “prompt” is listed twice")
            prompts.add(answer.prompt)
            plan.practice_answers.append(answer)


def _not_only_spaces(value: Any, name: str, where: str, problems: Problems) -> None:
    # The app strips what is typed, so text it requires is never only spaces.
    if isinstance(value, str) and value and not value.strip():
        problems.add(where, f"“{name}” cannot be only spaces")


def _check_tags(tags: Any, where: str, problems: Problems) -> None:
    # As the question bank stores them: lower case, no spaces around commas, each once.
    if not isinstance(tags, str) or not tags:
        return
    names = tags.split(",")
    tidy = [" ".join(name.split()).casefold() for name in names]
    if tidy != names or "" in names or len(set(names)) != len(names):
        problems.add(
            where, "“tags” must be lower-case names separated by commas, such as “ux,research”"
        )


def _each_once(what: Any, seen: set[int], where: str, message: str, problems: Problems) -> None:
    """Refuse a second record for the same (unsaved) row: one research per person, say."""
    if what is None:
        return
    if id(what) in seen:
        problems.add(where, message)
    seen.add(id(what))


def _check_client_key(
    key: Any, meeting: Meeting | None, sent: set[tuple[int, str]], where: str, problems: Problems
) -> None:
    """A live-mode capture sent twice is stored once: its key is unique per meeting."""
    if not isinstance(key, str) or not key:
        return
    if not CLIENT_KEY.match(key):
        problems.add(where, "“client_key” must be up to 64 letters, digits, - or _")
    if meeting is not None:
        if (id(meeting), key) in sent:
            problems.add(where, "this “client_key” is already another's of the same meeting")
        sent.add((id(meeting), key))


def _plan_research(
    plan: Plan, data: dict[str, Any], known: dict[str, dict[str, Any]], problems: Problems
) -> None:
    seen: set[int] = set()
    for where, row in records(data.get("research", []), "research", problems):
        research = Research(owner=plan.owner)
        build(research, row, RESEARCH_FIELDS, where, problems, exclude=["owner", "contact"])
        contact = _link(research, row, "contact", known["contacts"], where, problems)
        _each_once(contact, seen, where, "this contact's research is listed twice", problems)
        plan.research.append(research)

    seen = set()
    rows = records(data.get("organization_research", []), "organization_research", problems)
    for where, row in rows:
        about = OrganizationResearch(owner=plan.owner)
        exclude = ["owner", "organization"]
        build(about, row, ORGANIZATION_RESEARCH_FIELDS, where, problems, exclude=exclude)
        organization = _link(
            about, row, "organization", known["organizations"], where, problems, required=True
        )
        message = "this organization's research is listed twice"
        _each_once(organization, seen, where, message, problems)
        plan.organization_research.append(about)

    for where, row in records(data.get("research_links", []), "research_links", problems):
        link = ResearchLink(owner=plan.owner)
        exclude = ["owner", "contact", "organization"]
        build(link, row, RESEARCH_LINK_FIELDS, where, problems, exclude=exclude)
        _link(link, row, "contact", known["contacts"], where, problems, required=False)
        _link(link, row, "organization", known["organizations"], where, problems)
        if (row.get("contact") is None) == (row.get("organization") is None):
            problems.add(where, "needs a “contact” or an “organization” (one of the two)")
        plan.research_links.append(link)


def _plan_plans(
    plan: Plan, data: dict[str, Any], known: dict[str, dict[str, Any]], problems: Problems
) -> None:
    """Each meeting's planned questions, in order, with what happened to them."""
    meetings: set[int] = set()
    for where, row in records(data.get("plans", []), "plans", problems):
        meeting, error = _reference(row, "meeting", known["meetings"], "meetings", required=True)
        if error:
            problems.add(where, error)
        _each_once(meeting, meetings, where, "this meeting's plan is listed twice", problems)
        items = row.get("questions", [])
        if not isinstance(items, list):
            problems.add(where, "“questions” must be a list")
            continue
        if len(items) > MAX_PLAN:
            problems.add(where, f"a plan holds at most {MAX_PLAN} questions")
        on_plan: set[int] = set()
        for index, item in enumerate(items, start=1):
            at = f"{where} questions #{index}"
            if not isinstance(item, dict):
                problems.add(at, "must be an object")
                continue
            planned = PlannedQuestion(owner=plan.owner)
            if meeting is not None:
                planned.meeting = meeting
            exclude = ["owner", "meeting", "question"]
            build(planned, item, PLANNED_QUESTION_FIELDS, at, problems, exclude=exclude)
            _not_only_spaces(planned.text, "text", at, problems)
            question = _link(planned, item, "question", known["questions"], at, problems)
            _each_once(question, on_plan, at, "this question is on the plan twice", problems)
            plan.planned_questions.append(planned)


def _plan_live(
    plan: Plan, data: dict[str, Any], known: dict[str, dict[str, Any]], problems: Problems
) -> dict[str, Note]:
    """Notes, referrals and the live-mode timer, each of one meeting; the notes by key."""
    meetings = known["meetings"]
    sent: set[tuple[int, str]] = set()
    note_rows = records(data.get("notes", []), "notes", problems)
    for where, row in note_rows:
        note = Note(owner=plan.owner)
        build(note, row, NOTE_FIELDS, where, problems, exclude=["owner", "meeting"])
        _not_only_spaces(note.text, "text", where, problems)
        meeting = _link(note, row, "meeting", meetings, where, problems, required=True)
        _check_client_key(note.client_key, meeting, sent, where, problems)
        plan.notes.append(note)

    sent = set()
    for where, row in records(data.get("referrals", []), "referrals", problems):
        referral = Referral(owner=plan.owner)
        exclude = ["owner", "meeting", "contact"]
        build(referral, row, REFERRAL_FIELDS, where, problems, exclude=exclude)
        meeting = _link(referral, row, "meeting", meetings, where, problems, required=True)
        contact = _link(referral, row, "contact", known["contacts"], where, problems)
        if contact is not None and contact is getattr(meeting, "contact", None):
            problems.add(where, "“contact” is the person the meeting is with")
        _check_client_key(referral.client_key, meeting, sent, where, problems)
        plan.referrals.append(referral)

    seen: set[int] = set()
    for where, row in records(data.get("conversations", []), "conversations", problems):
        conversation = Conversation(owner=plan.owner)
        build(conversation, row, CONVERSATION_FIELDS, where, problems, exclude=["owner", "meeting"])
        meeting = _link(conversation, row, "meeting", meetings, where, problems, required=True)
        _each_once(meeting, seen, where, "this meeting's conversation is listed twice", problems)
        plan.conversations.append(conversation)

    if data["version"] < FOLLOW_UPS_SINCE:
        return {}  # notes had no keys before version 4: nothing pointed at one
    return dict(zip(keyed(note_rows, problems), plan.notes, strict=True))


def _plan_follow_ups(
    plan: Plan, data: dict[str, Any], known: dict[str, dict[str, Any]], problems: Problems
) -> None:
    """The follow-up numbers, and what was snoozed or dismissed (each about one record)."""
    if "follow_up_settings" in data:
        settings = FollowupSettings.objects.filter(user=plan.owner).first()
        settings = settings or FollowupSettings(user=plan.owner)
        row, where = data["follow_up_settings"], "follow_up_settings"
        build(settings, row, FOLLOW_UP_SETTINGS_FIELDS, where, problems, exclude=["user"])
        try_next, nudge = settings.try_next_days, settings.nudge_days
        if isinstance(try_next, int) and isinstance(nudge, int) and try_next >= nudge:
            problems.add(where, "“try_next_days” must be fewer than “nudge_days”")
        plan.follow_up_settings = settings

    seen: set[tuple[str, int]] = set()
    for where, row in records(data.get("reminder_choices", []), "reminder_choices", problems):
        choice = ReminderChoice(owner=plan.owner)
        exclude = ["owner", "rule", "object_key"]
        build(choice, row, REMINDER_CHOICE_FIELDS, where, problems, exclude=exclude)
        rule = row.get("rule")
        if not isinstance(rule, str) or rule not in REMINDER_ABOUT:
            rules = ", ".join(REMINDER_ABOUT)
            wrong = "needs a “rule”:" if rule is None else f"“rule” {_short(rule)} is not"
            problems.add(where, f"{wrong} one of {rules}")
            continue
        choice.rule, link = rule, REMINDER_ABOUT[rule]
        others = sorted(name for name in set(REMINDER_ABOUT.values()) - {link} if name in row)
        if others:
            problems.add(where, f"a “{rule}” reminder is about a “{link}”, not a “{others[0]}”")
        section = SECTION_OF_LINK[link]
        about, error = _reference(row, link, known[section], section, required=True)
        if error:
            problems.add(where, error)
        if about is None:
            continue
        if (rule, id(about)) in seen:
            problems.add(where, "this reminder is listed twice")
        seen.add((rule, id(about)))
        # Restored rows get new UUIDs, made when they were built: the choice names the new one.
        choice.object_key = str(about.uuid)
        plan.reminder_choices.append(choice)


def _insert(rows: list[Any], stamps: Iterable[str]) -> None:
    """bulk_create `rows`, then put back the document's times that auto_now fields replaced.

    The caller writes those times with bulk_update, which does not apply auto_now.
    """
    if not rows:
        return
    now = timezone.now()
    kept = [{name: getattr(row, name) or now for name in stamps} for row in rows]
    type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
    for row, times in zip(rows, kept, strict=True):
        for name, value in times.items():
            setattr(row, name, value)


def save(plan: Plan) -> None:
    """Write the planned rows (inside the caller's transaction)."""
    plan.profile.save()
    _insert(plan.organizations, TIMESTAMPS)
    Organization.objects.bulk_update(plan.organizations, TIMESTAMPS, batch_size=BATCH)
    Tag.objects.bulk_create(plan.tags, batch_size=BATCH)
    for contact, contact_tags in zip(plan.contacts, plan.contact_tags, strict=True):
        contact.refresh_derived([t.name for t in contact_tags])
    # Inserted with their search text, so the SQLite FTS triggers index them as they go in.
    _insert(plan.contacts, TIMESTAMPS)
    for contact, referrer in zip(plan.contacts, plan.referrers, strict=True):
        # Only now does every contact have an id: a referrer may come later in the document.
        contact.referred_by_id = None if referrer is None else plan.contacts[referrer].pk
    Contact.objects.bulk_update(plan.contacts, ["referred_by", *TIMESTAMPS], batch_size=BATCH)
    Tagging = Contact.tags.through
    Tagging.objects.bulk_create(
        [
            Tagging(contact_id=contact.pk, tag_id=tag.pk)
            for contact, contact_tags in zip(plan.contacts, plan.contact_tags, strict=True)
            for tag in contact_tags
        ],
        batch_size=BATCH * 2,
    )
    _insert(plan.calendars, ["created_at"])
    Calendar.objects.bulk_update(plan.calendars, ["created_at"], batch_size=BATCH)
    BusyInterval.objects.bulk_create(plan.busy, batch_size=BATCH * 2)
    if plan.windows is not None:
        AvailabilityWindow.objects.filter(user=plan.owner).delete()
        AvailabilityWindow.objects.bulk_create(plan.windows, batch_size=BATCH)
    if plan.templates is not None:
        DraftTemplate.objects.filter(owner=plan.owner).delete()
        _insert(plan.templates, ["updated_at"])
        DraftTemplate.objects.bulk_update(plan.templates, ["updated_at"], batch_size=BATCH)
    # Each after what it points at, so the rows it links to have their ids.
    _insert(plan.messages, TIMESTAMPS)
    Message.objects.bulk_update(plan.messages, TIMESTAMPS, batch_size=BATCH)
    _insert(plan.replies, ["created_at"])
    Reply.objects.bulk_update(plan.replies, ["created_at"], batch_size=BATCH)
    _insert(plan.meetings, TIMESTAMPS)
    Meeting.objects.bulk_update(plan.meetings, TIMESTAMPS, batch_size=BATCH)
    _save_conversations(plan)


def _save_conversations(plan: Plan) -> None:
    # An empty account may already have a question bank (opening it copies the built-in
    # questions) and practice answers; the backup's replace them, as availability does.
    if plan.questions is not None:
        Question.objects.filter(owner=plan.owner).delete()
        _insert(plan.questions, TIMESTAMPS)
        Question.objects.bulk_update(plan.questions, TIMESTAMPS, batch_size=BATCH)
    if plan.practice_answers is not None:
        PracticeAnswer.objects.filter(owner=plan.owner).delete()
    if plan.follow_up_settings is not None:
        # Only the backup's fields: the feed address is the account's own, maybe new by now.
        existing = plan.follow_up_settings.pk is not None
        plan.follow_up_settings.save(update_fields=FOLLOW_UP_SETTINGS_FIELDS if existing else None)
    made: list[tuple[list[Any], list[str]]] = [
        (plan.research, ["updated_at"]),
        (plan.organization_research, ["updated_at"]),
        (plan.research_links, ["created_at"]),
        (plan.planned_questions, ["updated_at"]),
        (plan.notes, ["created_at"]),
        (plan.referrals, ["created_at"]),
        (plan.conversations, []),
        (plan.practice_answers or [], ["updated_at"]),
        (plan.reminder_choices, ["updated_at"]),
    ]
    for rows, stamps in made:
        _insert(rows, stamps)
        if rows and stamps:
            type(rows[0]).objects.bulk_update(rows, stamps, batch_size=BATCH)


def account_is_empty(owner: Any) -> bool:
    """Whether `owner` has no people, organizations, tags or calendars (restore needs that)."""
    owned: tuple[type[models.Model], ...] = (Contact, Organization, Tag, Calendar)
    return not any(model._default_manager.filter(owner=owner).exists() for model in owned)


def _refuse_unless_empty(owner: Any) -> None:
    if not account_is_empty(owner):
        raise ValidationError(
            "A backup can only be restored into an empty account, and this one already has "
            "people, organizations, tags or calendars. Create a new account and restore there."
        )


def restore(owner: Any, stream: TextIO) -> dict[str, int]:
    """Fill `owner`'s empty account from a backup; returns how many records each section held.

    Raises ValidationError — about "file" when the document cannot be restored, about the
    account when it is not empty — and then nothing has been written.
    """
    _refuse_unless_empty(owner)
    try:
        data = load(stream)
        plan = make_plan(owner, data)
        try:
            with transaction.atomic():
                # Lock the user: two restores at once would both find the account empty.
                get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
                _refuse_unless_empty(owner)
                save(plan)
        except IntegrityError:
            raise FormatError(
                "This backup could not be restored: two of its records clash (organizations "
                "or tags whose names differ only in case?). Nothing was changed."
            ) from None
    except FormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    return counts(data)
