"""Changing follow-ups: settings, snooze and dismiss, drafts for a reminder, the feed token.

Pages, the API and the CLI all call these. Every function takes the owner and refuses
what is not theirs: a reminder is looked up among the owner's current reminders, so
another user's meeting or note id is simply "not found".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coffeechat.accounts.services import profile_for
from coffeechat.conversations.models import Note, NoteKind
from coffeechat.followups import rules, selectors
from coffeechat.followups.models import FollowupSettings, ReminderChoice, new_feed_token
from coffeechat.followups.rules import Reminder, Rule
from coffeechat.network.models import Contact
from coffeechat.outreach import drafting
from coffeechat.outreach import selectors as outreach_selectors
from coffeechat.outreach import services as outreach_services
from coffeechat.outreach.checks import LINKEDIN_CHARACTERS
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message

MAX_SNOOZE = dt.timedelta(days=366)


# --- Settings -------------------------------------------------------------------------------


def settings_update(*, user: Any, **values: Any) -> FollowupSettings:
    """Change some of the numbers (and the digest choice); the rest keep their values."""
    settings = selectors.settings_for(user)
    unknown = sorted(set(values) - {*selectors.NUMBER_FIELDS, "digest"})
    if unknown:
        raise ValidationError({name: ["Not a follow-up setting."] for name in unknown})
    for name, value in values.items():
        setattr(settings, name, value)
    # The constraints last: the check below says what the try-next/nudge constraint means.
    settings.full_clean(exclude=["user"], validate_constraints=False)
    if settings.try_next_days >= settings.nudge_days:
        raise ValidationError(
            {
                "try_next_days": [
                    "Try the next person before the nudge: use fewer business days than "
                    f"the nudge ({settings.nudge_days})."
                ]
            }
        )
    settings.validate_constraints(exclude={"user"})
    settings.save()
    return settings


# --- Snooze and dismiss ---------------------------------------------------------------------


def _choice(owner: Any, reminder: Reminder) -> ReminderChoice:
    choice, _ = ReminderChoice.objects.get_or_create(
        owner=owner, rule=reminder.rule, object_key=reminder.key
    )
    return choice


def _snooze_days(days: Any) -> int:
    """The number of days from a form, the API or the CLI; "x" or 1.5 is a clear error."""
    if days is None or days == "":
        raise ValidationError({"days": ["Say how long to snooze for."]})
    if isinstance(days, bool) or (isinstance(days, float) and not days.is_integer()):
        raise ValidationError({"days": ["Snooze for a whole number of days."]})
    try:
        count = int(str(days).strip()) if isinstance(days, str) else int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": ["Snooze for a whole number of days."]}) from None
    if not 1 <= count <= MAX_SNOOZE.days:
        raise ValidationError({"days": [f"Snooze for 1 to {MAX_SNOOZE.days} days."]})
    return count


def reminder_snooze(
    *,
    owner: Any,
    rule: str,
    key: str,
    until: dt.datetime | None = None,
    days: int | None = None,
    now: dt.datetime | None = None,
) -> ReminderChoice:
    """Hide a reminder until a moment (or for some days); it comes back on that day.

    LookupError when the owner has no such reminder.
    """
    now = now or timezone.now()
    reminder = selectors.reminder_get_for_user(owner, rule, key, now)
    if until is None:
        # 8 AM on the day, the student's time: back on the list when their day starts.
        count = _snooze_days(days)
        clock = selectors.clock_for(owner, now)
        day = clock.today + dt.timedelta(days=count)
        until = dt.datetime.combine(day, dt.time(8), tzinfo=clock.tz)
    else:
        if not isinstance(until, dt.datetime):
            raise ValidationError({"until": ["Give a date and time."]})
        if timezone.is_naive(until):
            raise ValidationError({"until": ["Give the time with its offset."]})
        if not now < until <= now + MAX_SNOOZE:
            raise ValidationError({"until": ["Snooze until a moment in the coming year."]})
    choice = _choice(owner, reminder)
    choice.snoozed_until = until
    choice.dismissed_due = None
    choice.save()
    return choice


def reminder_dismiss(
    *, owner: Any, rule: str, key: str, now: dt.datetime | None = None
) -> ReminderChoice:
    """Put a reminder away; if the rule brings it round again later, it comes back."""
    reminder = selectors.reminder_get_for_user(owner, rule, key, now)
    clock = selectors.clock_for(owner, now)
    choice = _choice(owner, reminder)
    choice.dismissed_due = rules.dismissal_moment(reminder, clock)
    choice.snoozed_until = None
    choice.save()
    return choice


def reminder_restore(*, owner: Any, rule: str, key: str, now: dt.datetime | None = None) -> None:
    """Undo a snooze or a dismissal."""
    reminder = selectors.reminder_get_for_user(owner, rule, key, now)
    ReminderChoice.objects.filter(owner=owner, rule=reminder.rule, object_key=reminder.key).delete()


# --- Drafts ---------------------------------------------------------------------------------

_QUOTE_LIMIT = 140
# Tried in turn until the LinkedIn note fits (long names leave less room).
_LINKEDIN_QUOTE_LIMITS = (60, 45, 30, 20)


def _quote(text: str, limit: int) -> str:
    text = " ".join(text.split()).strip(" .")
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return f"“{text}”"


def _learned(note: Note, limit: int) -> str:
    """ "your advice, “…”": what the student quotes back to show they listened."""
    lead = {
        NoteKind.ADVICE: "your advice",
        NoteKind.RESOURCE: "the resource you pointed me to",
        NoteKind.IDEA: "your idea",
    }.get(NoteKind(note.kind), "what you said")
    return f"{lead}, {_quote(note.text, limit)}"


def _specific_note(owner: Any, meetings: list[Meeting]) -> Note | None:
    """The note worth quoting: advice first, then a resource, then an idea; latest meeting first."""
    notes = list(
        Note.objects.filter(
            owner=owner,
            meeting__in=meetings,
            kind__in=[NoteKind.ADVICE, NoteKind.RESOURCE, NoteKind.IDEA],
        ).select_related("meeting")
    )
    order = {NoteKind.ADVICE: 0, NoteKind.RESOURCE: 1, NoteKind.IDEA: 2}
    notes.sort(key=lambda n: (-n.meeting.start.timestamp(), order[NoteKind(n.kind)], n.created_at))
    return notes[0] if notes else None


def met_when(moment: dt.datetime, clock: rules.Clock) -> str:
    """ "today", "yesterday", "on Tuesday" (this past week), "on 3 March" or "on 3 March 2025"."""
    day, today = clock.day(moment), clock.today
    if day == today:
        return "today"
    if day == today - dt.timedelta(days=1):
        return "yesterday"
    if dt.timedelta(0) < today - day < dt.timedelta(days=7):
        return f"on {day:%A}"
    if day.year != today.year:
        return f"on {day.day} {day:%B %Y}"
    return f"on {day.day} {day:%B}"


def _sentence(text: str) -> str:
    """What came of it, as one sentence after a colon: flattened, with its full stop."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…" else text + "."


def _latest_story(owner: Any, contact: Contact) -> Note | None:
    """The latest advice or resource acted on with an outcome: what keeping in touch tells."""
    return (
        Note.objects.filter(
            owner=owner,
            meeting__contact=contact,
            kind__in=rules.ACTIONABLE_NOTES,
            acted_on_at__isnull=False,
        )
        .exclude(outcome="")
        .select_related("meeting")
        .order_by("-acted_on_at")
        .first()
    )


def _extra(owner: Any, reminder: Reminder, contact: Contact, clock: rules.Clock) -> dict[str, str]:
    """The follow-up placeholders (when you met, what you learned, what you did)."""
    done = list(
        Meeting.objects.filter(owner=owner, contact=contact, status=MeetingStatus.DONE).order_by(
            "-start"
        )
    )
    if reminder.meeting_key:
        done = [m for m in done if str(m.uuid) == reminder.meeting_key] or done
    extra: dict[str, str] = {}
    if done:
        extra["met_when"] = met_when(done[0].start, clock)
    note: Note | None = None
    if reminder.note_key:
        note = (
            Note.objects.filter(owner=owner, uuid=reminder.note_key)
            .select_related("meeting")
            .first()
        )
    elif reminder.rule == Rule.KEEP_IN_TOUCH:
        note = _latest_story(owner, contact)
        # Nothing to report is fine in a catch-up note: no [blank] for it.
        extra["acted_on"] = ""
    if note is None:
        note = _specific_note(owner, done[:1])
    elif reminder.note_key or reminder.rule == Rule.KEEP_IN_TOUCH:
        extra["met_when"] = met_when(note.meeting.start, clock)
    if note is not None:
        extra["learned"] = _learned(note, _QUOTE_LIMIT)
        if note.outcome.strip():
            extra["acted_on"] = _sentence(note.outcome)
    if reminder.rule == Rule.LINKEDIN:
        extra = _fit_linkedin(owner, contact, extra, note)
    return extra


def _fit_linkedin(
    owner: Any, contact: Contact, extra: dict[str, str], note: Note | None
) -> dict[str, str]:
    """The longest quote that keeps the connection note within LinkedIn's 300 characters.

    Names and the student's own template vary, so the note is measured as it will be
    written; with no room (or no notes) it thanks them for "our conversation".
    """
    template = outreach_selectors.template_for(owner, Kind.LINKEDIN_CONNECT)
    values = outreach_services.draft_values(
        owner=owner,
        contact=contact,
        minutes=profile_for(owner).default_minutes,
        medium="",
        labels=[],
        extra=extra,
    )
    options = [_learned(note, limit) for limit in _LINKEDIN_QUOTE_LIMITS] if note else []
    options.append("our conversation")
    for learned in options:
        body = drafting.fill(template.body, values | {"learned": learned}).strip()
        if len(body) <= LINKEDIN_CHARACTERS:
            break
    return extra | {"learned": learned}


@transaction.atomic
def reminder_draft(*, owner: Any, rule: str, key: str, now: dt.datetime | None = None) -> Message:
    """The draft a reminder asks for: the one already started, or a new one pre-filled.

    A thank-you quotes an advice or resource note of that conversation; a progress update
    quotes the note acted on and what the student wrote came of it; the LinkedIn note
    fits in 300 characters. LookupError when the owner has no such reminder,
    ValidationError when the reminder is not a message.
    """
    reminder = selectors.reminder_get_for_user(owner, rule, key, now)
    if not reminder.draft_kind:
        raise ValidationError(f"“{reminder.label}” is not a message to write.")
    if reminder.draft_key:
        existing = Message.objects.filter(owner=owner, uuid=reminder.draft_key).first()
        if existing is not None and not existing.is_sent:
            return existing
    contact = Contact.objects.select_related("organization", "referred_by").get(
        owner=owner, uuid=reminder.contact_key
    )
    clock = selectors.clock_for(owner, now)
    return outreach_services.message_draft(
        owner=owner,
        contact=contact,
        kind=reminder.draft_kind,
        now=clock.now,
        extra=_extra(owner, reminder, contact, clock),
    )


# --- The calendar feed ----------------------------------------------------------------------


def feed_token_new(*, user: Any, now: dt.datetime | None = None) -> FollowupSettings:
    """A new private feed address; the old one (if any) stops working at once."""
    settings = selectors.settings_for(user)
    settings.feed_token = new_feed_token()
    settings.feed_created_at = now or timezone.now()
    settings.save()
    return settings


def feed_token_revoke(*, user: Any) -> FollowupSettings:
    settings = selectors.settings_for(user)
    settings.feed_token = ""
    settings.feed_created_at = None
    if settings.pk is not None:
        settings.save(update_fields=["feed_token", "feed_created_at"])
    return settings
