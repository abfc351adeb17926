"""The daily digest: the Today list by email, for students who turned it on.

`coffeechat digest` runs this from cron or a scheduler once a day (running it more often
is harmless). It is idempotent: before sending, it claims the (student, day) row in
DigestSent, whose unique constraint lets only one run, or one process, have it; the day is
the student's own date, so "once a day" follows their zone. If sending fails the claim is
removed, so the next run tries again. If the process dies between the claim and the send,
that day's digest is lost rather than sent twice: a missing reminder email is better than
a duplicate one, and Today has it all anyway.

Nothing is sent on a day with nothing overdue, nothing due and no meeting: no empty emails.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_for
from coffeechat.conversations.selectors import MeetingRow
from coffeechat.followups import selectors
from coffeechat.followups.models import DigestSent
from coffeechat.followups.rules import Clock, Reminder
from coffeechat.followups.shapes import (
    Action,
    absolute_url,
    due_label,
    meeting_action,
    organizations_for,
    reminder_link,
)
from coffeechat.lib import email

SENDER_NAME = "Coffeechat"


@dataclass(frozen=True)
class DigestItem:
    title: str
    detail: str
    due: str  # "due 16 Nov", empty for today
    action: Action


@dataclass(frozen=True)
class DigestMeeting:
    title: str
    when: str
    location: str
    warning: str
    action: Action


@dataclass
class Digest:
    """One student's email for one day."""

    user: Any
    day: dt.date
    subject: str
    body: str
    items: int


@dataclass
class DigestReport:
    """Who got a digest, who did not and why. Lists of usernames; `failed` with the reason."""

    sent: list[str] = field(default_factory=list)
    skipped_empty: list[str] = field(default_factory=list)
    skipped_already: list[str] = field(default_factory=list)
    skipped_no_email: list[str] = field(default_factory=list)
    # Asked for by name (`--user`) but the digest is off for them, or they are inactive.
    skipped_off: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # A dry run: what would have been sent.
    planned: list[Digest] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "sent": len(self.sent),
            "skipped_empty": len(self.skipped_empty),
            "skipped_already": len(self.skipped_already),
            "skipped_no_email": len(self.skipped_no_email),
            "skipped_off": len(self.skipped_off),
            "failed": len(self.failed),
        }


def _item(reminder: Reminder, clock: Clock, organizations: dict[str, str]) -> DigestItem:
    link = reminder_link(reminder, clock, organizations)
    return DigestItem(reminder.title, reminder.detail, due_label(reminder, clock), link)


def _meeting(row: MeetingRow) -> DigestMeeting:
    contact = row.contact
    title = contact.name + (f" ({contact.organization.name})" if contact.organization else "")
    return DigestMeeting(
        title=title,
        when=row.when,
        location=row.meeting.location,
        warning=row.warning,
        action=meeting_action(row),
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def digest_subject(overdue: int, due: int, meetings: int) -> str:
    """ "Today: 2 overdue, 1 due, 1 meeting — Coffeechat"."""
    parts = []
    if overdue:
        parts.append(f"{overdue} overdue")
    if due:
        parts.append(f"{due} due")
    if meetings:
        parts.append(_plural(meetings, "meeting"))
    return f"Today: {', '.join(parts)} — Coffeechat"


def digest_for(user: Any, now: dt.datetime | None = None) -> Digest | None:
    """The digest the user would get now; None on a day with nothing to say."""
    today = selectors.today_for(user, now)
    clock = today.clock
    overdue, due, week = today.overdue, today.today, today.week
    meetings = [row for row in today.meetings if clock.day(row.meeting.start) == clock.today]
    if not (overdue or due or meetings):
        return None
    organizations = organizations_for(user, [*overdue, *due, *week])
    context = {
        "name": profile_for(user).name,
        "date": f"{clock.today:%A} {clock.today.day} {clock.today:%B}",
        "overdue": [_item(r, clock, organizations) for r in overdue],
        "due": [_item(r, clock, organizations) for r in due],
        "meetings": [_meeting(row) for row in meetings],
        "week": [_item(r, clock, organizations) for r in week],
        "today_url": absolute_url(reverse("today")),
        "settings_url": absolute_url(reverse("followup_settings")),
    }
    # The template keeps its tags on lines of their own for reading; the email does not
    # need the blank lines they leave.
    rendered = render_to_string("followups/digest.txt", context)
    body = re.sub(r"\n{3,}", "\n\n", str(rendered)).strip() + "\n"
    return Digest(
        user=user,
        day=clock.today,
        subject=digest_subject(len(overdue), len(due), len(meetings)),
        body=body,
        items=len(overdue) + len(due) + len(meetings),
    )


def _sender(user: Any) -> tuple[str, str]:
    """The installation's digest address, or the student's own (a personal install)."""
    name, address = parseaddr(settings.COFFEECHAT_EMAIL_FROM)
    if address:
        return name or SENDER_NAME, address
    return SENDER_NAME, user.email


def _claim(digest: Digest, now: dt.datetime) -> DigestSent | None:
    """Take the (user, day) row; None when another run has it already."""
    try:
        with transaction.atomic():
            return DigestSent.objects.create(
                owner=digest.user, day=digest.day, sent_at=now, items=digest.items
            )
    except IntegrityError:
        return None


def _send(digest: Digest) -> None:
    sender_name, sender_email = _sender(digest.user)
    email.send_email(
        sender_name=sender_name,
        sender_email=sender_email,
        to=digest.user.email,
        subject=digest.subject,
        body=digest.body,
        message_id=email.message_id_new(),
    )


def digest_send(
    *, now: dt.datetime | None = None, users: Any = None, dry_run: bool = False
) -> DigestReport:
    """Send today's digest to every active user who turned it on (or only to `users`).

    Raises email.EmailError, having claimed nothing, when SMTP is not set up (a dry run
    needs no SMTP). One user's failure is reported and the others still get theirs.
    """
    now = now or timezone.now()
    if not dry_run and not email.smtp_configured():
        raise email.EmailError(
            "Sending email is not set up on this installation (COFFEECHAT_SMTP_HOST is "
            "empty), so no digest can be sent. See Email in the README."
        )
    report = DigestReport()
    candidates = get_user_model().objects.filter(is_active=True, followup_settings__digest=True)
    if users is not None:
        wanted = list(users)
        candidates = candidates.filter(pk__in=[user.pk for user in wanted])
        chosen = set(candidates.values_list("pk", flat=True))
        report.skipped_off = [u.get_username() for u in wanted if u.pk not in chosen]
    for user in candidates.select_related("profile").order_by("username"):
        name = user.get_username()
        if not user.email:
            report.skipped_no_email.append(name)
            continue
        day = selectors.clock_for(user, now).today
        if DigestSent.objects.filter(owner=user, day=day).exists():
            report.skipped_already.append(name)
            continue
        digest = digest_for(user, now)
        if digest is None:
            report.skipped_empty.append(name)
            continue
        if dry_run:
            report.planned.append(digest)
            continue
        claim = _claim(digest, now)
        if claim is None:
            report.skipped_already.append(name)
            continue
        try:
            _send(digest)
        except (email.EmailError, ValueError) as exc:  # ValueError: an address it can't use
            claim.delete()  # the next run tries again
            report.failed.append((name, str(exc)))
            continue
        except BaseException:
            claim.delete()
            raise
        report.sent.append(name)
    return report
