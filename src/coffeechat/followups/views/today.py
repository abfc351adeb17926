"""The Today page (the signed-in home), the reminders list, and the buttons on them: write
the draft a reminder asks for, snooze, dismiss, restore.

Each reminder is one click from its action: a message to write opens the composer with the
draft pre-filled (`services.reminder_draft` reuses a draft already started); a meeting to
prepare opens its prep sheet. The buttons post and come back to the page they were on
(`next`); with htmx, snooze and dismiss swap the item for a line that can undo it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from coffeechat.conversations.selectors import MeetingRow
from coffeechat.followups import selectors, services
from coffeechat.followups.rules import BUCKET_LABELS, Bucket, Clock, Reminder, bucket
from coffeechat.followups.shapes import Action, organizations_for, reminder_action
from coffeechat.lib.http import SignedInRequest

SNOOZE_CHOICES = ((1, "1 day"), (3, "3 days"), (7, "1 week"))
# Live mode is offered from this long before a meeting starts until it ends.
LIVE_SOON = dt.timedelta(minutes=30)
# A section lists this many; the rest are a link to the list of every reminder, so a long
# backlog keeps Today short on a phone and quick to render.
SECTION_LIMIT = 25
# The list of every reminder shows this many coming ones a page (a power user has thousands).
REMINDERS_PER_PAGE = 50
EMPTY_SECTIONS = {
    Bucket.OVERDUE: "Nothing overdue.",
    Bucket.TODAY: "Nothing else due today.",
    Bucket.WEEK: "Nothing more this week.",
}


@dataclass(frozen=True)
class Item:
    """A reminder as the pages show it."""

    reminder: Reminder
    bucket: Bucket
    due: str  # "Due today", "Due Fri 20 Nov"
    by: str  # a thank-you's deadline, "by Thu 1:00 PM"
    action: Action

    @property
    def dom_id(self) -> str:
        return f"reminder-{self.reminder.rule}-{self.reminder.key}"

    @property
    def bucket_label(self) -> str:
        return BUCKET_LABELS[self.bucket]


@dataclass(frozen=True)
class MeetingItem:
    row: MeetingRow
    live: bool  # about to start or under way: offer live mode


def _day(day: dt.date, clock: Clock) -> str:
    offset = (day - clock.today).days
    if offset == 0:
        return "today"
    if offset == 1:
        return "tomorrow"
    if offset == -1:
        return "yesterday"
    return date_format(day, "D j M" if day.year == clock.today.year else "D j M Y")


def _due(reminder: Reminder, clock: Clock) -> tuple[str, str]:
    """ "Due today" and "by Thu 1:00 PM" (a deadline, in the student's zone)."""
    by = ""
    if reminder.deadline is not None:
        by = "by " + date_format(reminder.deadline.astimezone(clock.tz), "D g:i A")
    return f"Due {_day(reminder.due, clock)}", by


def _items(owner: Any, reminders: list[Reminder], clock: Clock) -> list[Item]:
    organizations = organizations_for(owner, reminders)
    return [
        Item(r, bucket(r, clock), *_due(r, clock), reminder_action(r, organizations))
        for r in reminders
    ]


@login_required
@require_GET
def today(request: SignedInRequest) -> HttpResponse:
    found = selectors.today_for(request.user, limit=SECTION_LIMIT)
    clock = found.clock
    sections = found.sections()
    more = {b: found.counts[b.value] - len(reminders) for b, reminders in sections}
    items = _items(request.user, [r for _, reminders in sections for r in reminders], clock)
    by_bucket: dict[Bucket, list[Item]] = {b: [] for b, _ in sections}
    for item in items:
        by_bucket[item.bucket].append(item)
    meetings = [
        MeetingItem(row, row.meeting.start - LIVE_SOON <= clock.now) for row in found.meetings
    ]
    return render(
        request,
        "followups/today.html",
        {
            "date": clock.today,
            "sections": [
                (b, BUCKET_LABELS[b], by_bucket[b], EMPTY_SECTIONS[b], max(more[b], 0))
                for b in by_bucket
            ],
            "meetings": meetings,
            "more_meetings": found.counts[selectors.MEETINGS] - len(meetings),
            "later": found.counts[Bucket.LATER.value],
            "snoozed": found.snoozed,
            "empty": not items and not meetings,
            "snooze_choices": SNOOZE_CHOICES,
        },
    )


@login_required
@require_GET
def reminder_list(request: SignedInRequest) -> HttpResponse:
    """Everything coming, later included, a page at a time, and what was snoozed or
    dismissed (to restore), on every page."""
    found = selectors.reminders_for(request.user)
    clock = found.clock
    coming = [r for r in found.shown if r.snoozed_until is None]
    snoozed = [r for r in found.shown if r.snoozed_until is not None]
    # A page number that is not one (or past the end) shows the nearest page, as a pager does.
    page = Paginator(coming, REMINDERS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    items = _items(request.user, [*shown, *snoozed, *found.dismissed], clock)
    return render(
        request,
        "followups/reminder_list.html",
        {
            "page": page,
            "coming": items[: len(shown)],
            "snoozed": items[len(shown) : len(shown) + len(snoozed)],
            "dismissed": items[len(shown) + len(snoozed) :],
            "snooze_choices": SNOOZE_CHOICES,
        },
    )


# --- The buttons ------------------------------------------------------------------------


def _back(request: SignedInRequest) -> str:
    """Where to return: `next` when it is a path on this site, else Today."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("today")


def _refused(request: SignedInRequest, exc: ValidationError) -> HttpResponse:
    """Bad input: say why and go back; nothing was changed."""
    messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return HttpResponseClientRedirect(_back(request))
    return redirect(_back(request))


def _done(request: SignedInRequest, rule: str, key: str, text: str) -> HttpResponse:
    """With htmx, the item becomes a line saying what happened, with an undo."""
    if request.htmx:
        return render(
            request,
            "followups/_reminder_done.html",
            {
                "dom_id": f"reminder-{rule}-{key}",
                "text": text,
                "restore_url": reverse("reminder_restore", args=[rule, key]),
                "next": _back(request),
            },
        )
    messages.success(request, text)
    return redirect(_back(request))


@login_required
@require_POST
def reminder_draft(request: SignedInRequest, rule: str, key: str) -> HttpResponse:
    """Open the draft the reminder asks for, pre-filled (or the one already started)."""
    try:
        message = services.reminder_draft(owner=request.user, rule=rule, key=key)
    except LookupError as exc:
        raise Http404("No such reminder.") from exc
    except ValidationError as exc:
        return _refused(request, exc)
    return redirect("message_detail", message_id=message.uuid)


@login_required
@require_POST
def reminder_snooze(request: SignedInRequest, rule: str, key: str) -> HttpResponse:
    try:
        days: int | None = int(request.POST.get("days", ""))
    except ValueError:
        days = None  # the service says how long it may be
    try:
        choice = services.reminder_snooze(owner=request.user, rule=rule, key=key, days=days)
    except LookupError as exc:
        raise Http404("No such reminder.") from exc
    except ValidationError as exc:
        return _refused(request, exc)
    text = "Snoozed."
    if choice.snoozed_until is not None:  # the profile middleware made the student's zone local
        text = f"Snoozed until {date_format(localtime(choice.snoozed_until), 'l j F')}."
    return _done(request, rule, key, text)


@login_required
@require_POST
def reminder_dismiss(request: SignedInRequest, rule: str, key: str) -> HttpResponse:
    try:
        services.reminder_dismiss(owner=request.user, rule=rule, key=key)
    except LookupError as exc:
        raise Http404("No such reminder.") from exc
    return _done(request, rule, key, "Dismissed. It stays on the reminders list to restore.")


@login_required
@require_POST
def reminder_restore(request: SignedInRequest, rule: str, key: str) -> HttpResponse:
    try:
        services.reminder_restore(owner=request.user, rule=rule, key=key)
    except LookupError as exc:
        raise Http404("No such reminder.") from exc
    messages.success(request, "Back on your list.")
    if request.htmx:
        return HttpResponseClientRedirect(_back(request))
    return redirect(_back(request))
