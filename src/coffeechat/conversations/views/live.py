"""Live mode: a timer, the question plan as a checklist, quick notes and "Who else should I
talk to?" during a conversation; then its summary.

Every change is saved as it is made: htmx posts each one and swaps in the part of the page
it changed. Errors answer 200 with the form and its message, because htmx does not swap 4xx
responses. Without JavaScript the same forms post normally and come back to the live page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import BUILT_IN_QUESTIONS, CLOSING_QUESTION
from coffeechat.conversations.forms import FollowUpForm, NoteForm, ReferralForm
from coffeechat.conversations.models import Note, NoteKind, PlanState
from coffeechat.conversations.planning import WRAP_UP_MINUTES
from coffeechat.conversations.selectors import MeetingPrep
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.views.common import add_service_errors
from coffeechat.outreach.models import Meeting, MeetingStatus

WRAP_UP_PROMPT = (
    f"{WRAP_UP_MINUTES} minutes left — move to next steps: ask “{CLOSING_QUESTION}” and thank them."
)
END_PROMPT = (
    "Time’s up — honor the time you asked for. Offer to wrap up; continue only if they want to."
)
# The client key is a hidden field: a message about it goes at the top of the form.
HIDDEN = {"client_key": ""}
# Notes the student may do something about; the summary lists them with a "done" toggle.
ACTIONABLE = (NoteKind.ADVICE, NoteKind.RESOURCE, NoteKind.IDEA)
# The order the summary lists questions in.
SUMMARY_STATES = (
    PlanState.ASKED,
    PlanState.ANSWERED_EARLY,
    PlanState.SKIPPED,
    PlanState.PLANNED,
)


def new_client_key() -> str:
    """Identifies one capture, so sending it again (a retry) cannot add it twice."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Timer:
    """Where the conversation is against the time asked; live.js keeps it ticking."""

    minutes: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    now: dt.datetime

    @property
    def ends_at(self) -> dt.datetime | None:
        if self.started_at is None:
            return None
        return self.started_at + dt.timedelta(minutes=self.minutes)

    @property
    def elapsed_minutes(self) -> int:
        if self.started_at is None:
            return 0
        until = self.finished_at or self.now
        return max(0, int((until - self.started_at).total_seconds() // 60))

    @property
    def phase(self) -> str:
        if self.started_at is None or self.finished_at is not None:
            return ""
        left = self.minutes * 60 - (self.now - self.started_at).total_seconds()
        if left <= 0:
            return "over"
        if left <= WRAP_UP_MINUTES * 60:
            return "wrap-up"
        return ""

    @property
    def prompt(self) -> str:
        return {"over": END_PROMPT, "wrap-up": WRAP_UP_PROMPT}.get(self.phase, "")


def _live_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("live", args=[meeting.uuid])
    return f"{url}#{anchor}" if anchor else url


def _states() -> list[tuple[str, str]]:
    """The buttons under each question: what happened to it."""
    return [(s.value, str(s.label)) for s in PlanState if s != PlanState.PLANNED]


def _errors(form: forms.BaseForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _context(prep: MeetingPrep, **extra: Any) -> dict[str, Any]:
    meeting = prep.meeting
    conversation = prep.conversation
    planned = {item.question.builtin_key for item in prep.plan if item.question is not None}
    context = {
        "meeting": meeting,
        "contact": meeting.contact,
        "prep": prep,
        "timer": Timer(
            minutes=meeting.minutes,
            started_at=prep.started_at,
            finished_at=conversation.finished_at if conversation else None,
            now=prep.now,
        ),
        "wrap_up_minutes": WRAP_UP_MINUTES,
        "wrap_up_prompt": WRAP_UP_PROMPT,
        "end_prompt": END_PROMPT,
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
        "states": _states(),
        "kinds": NoteKind.choices,
        "note_form": NoteForm(initial={"client_key": new_client_key()}),
        "referral_form": ReferralForm(initial={"client_key": new_client_key()}),
        "follow_up_form": FollowUpForm(),
        "guide_questions": [
            q for q in BUILT_IN_QUESTIONS if q.key.startswith("guide-") and q.key not in planned
        ],
        "closing_question": CLOSING_QUESTION,
    }
    context.update(extra)
    return context


def _render(request: SignedInRequest, meeting: Meeting, partial: str, **extra: Any) -> HttpResponse:
    prep = selectors.meeting_prep(request.user, meeting)
    return render(request, f"conversations/live.html#{partial}", _context(prep, **extra))


def _form_error(
    request: SignedInRequest, meeting: Meeting, partial: str, target: str, **extra: Any
) -> HttpResponse:
    """An htmx form error: the form again with its message, in place of the form."""
    response = _render(request, meeting, partial, **extra)
    return retarget(reswap(response, "outerHTML"), target)


@login_required
@require_GET
def live(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    prep = selectors.meeting_prep(request.user, meeting)
    return render(request, "conversations/live.html", _context(prep))


@login_required
@require_POST
def live_start(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    services.conversation_start(meeting=meeting)
    if request.htmx:
        return _render(request, meeting, "timer")
    return redirect(_live_url(meeting))


@login_required
@require_POST
def follow_up_add(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    """A follow-up typed on the fly, or (`builtin`) one of the guide's questions."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    builtin = request.POST.get("builtin", "")
    form = FollowUpForm(None if builtin else request.POST)
    error = ""
    if builtin:
        if builtin in {q.key for q in BUILT_IN_QUESTIONS}:
            services.questions_builtin_ensure(owner=request.user)
        question = selectors.question_builtin_for_user(request.user, builtin)
        if question is None:
            error = "That question is not in the guide."
        else:
            try:
                services.plan_add(meeting=meeting, question=question)
            except ValidationError as exc:
                error = " ".join(exc.messages)
    elif form.is_valid():
        try:
            services.plan_follow_up_add(meeting=meeting, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc, {})
    if error or form.errors:
        if request.htmx:
            return _form_error(
                request,
                meeting,
                "follow_up_form",
                "#follow-up-form",
                follow_up_form=form,
                follow_up_error=error,
            )
        messages.error(request, error or _errors(form))
        return redirect(_live_url(meeting, "questions"))
    if request.htmx:
        return _render(request, meeting, "plan")
    messages.success(request, "Question added to the plan.")
    return redirect(_live_url(meeting, "questions"))


@login_required
@require_POST
def plan_item(request: SignedInRequest, item_id: str) -> HttpResponse:
    """Mark a planned question asked / skipped / answered before I asked, or save its note."""
    item = selectors.planned_question_get_for_user(request.user, item_id)
    state = request.POST.get("state")
    note = request.POST.get("note")
    error = ""
    if state is None and note is None:
        error = "Choose what happened to the question, or write a note."
    else:
        try:
            services.plan_mark(item=item, state=state, note=note)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            item.refresh_from_db()
    if request.htmx:
        if note is not None and state is None:
            return render(
                request,
                "conversations/live.html#note_status",
                {"item": item, "note_error": error, "saved": not error},
            )
        return render(
            request,
            "conversations/live.html#plan_states",
            {"item": item, "states": _states(), "state_error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(_live_url(item.meeting, f"item-{item.uuid}"))


@login_required
@require_POST
def note_add(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = NoteForm(request.POST)
    note: Note | None = None
    if form.is_valid():
        try:
            note, _ = services.note_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, HIDDEN)
    if note is None:
        if request.htmx:
            return _form_error(request, meeting, "note_form", "#note-form", note_form=form)
        messages.error(request, _errors(form))
        return redirect(_live_url(meeting, "capture"))
    if request.htmx:
        return _render(request, meeting, "notes")
    messages.success(request, f"{note.get_kind_display()} saved.")
    return redirect(_live_url(meeting, "capture"))


@login_required
@require_POST
def note_edit(request: SignedInRequest, note_id: str) -> HttpResponse:
    """Change a note's words or kind, or (from the summary) mark it acted on and say what
    came of it (the progress update quotes that)."""
    note = selectors.note_get_for_user(request.user, note_id)
    meeting = note.meeting
    text = request.POST.get("text")
    kind = request.POST.get("kind")
    acted = request.POST.get("acted_on")
    outcome = request.POST.get("outcome")
    on_summary = request.POST.get("from") == "summary"
    error = ""
    if acted not in (None, "0", "1"):
        error = "Say whether it was acted on (1) or not (0)."
    elif text is None and kind is None and acted is None and outcome is None:
        error = "Nothing to change."
    else:
        try:
            services.note_update(
                note=note,
                text=text,
                kind=kind,
                acted_on=None if acted is None else acted == "1",
                outcome=outcome,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            note.refresh_from_db()
    if request.htmx:
        if on_summary:
            return render(
                request,
                "conversations/summary.html#act_item",
                {
                    "note": note,
                    "error": error,
                    "saved": outcome is not None and not error,
                    "typed_outcome": outcome if error else None,
                },
            )
        if error:
            return _form_error(
                request,
                meeting,
                "note_item",
                f"#note-{note.uuid}",
                note=note,
                edit_error=error,
                edit_text=text,
            )
        return _render(request, meeting, "notes")
    if error:
        messages.error(request, error)
    elif acted is not None:
        messages.success(request, "Marked acted on." if acted == "1" else "Marked not done yet.")
    elif outcome is not None:
        messages.success(request, "Saved what came of it.")
    else:
        messages.success(request, "Note saved.")
    if on_summary:
        return redirect(reverse("summary", args=[meeting.uuid]) + "#act")
    return redirect(_live_url(meeting, f"note-{note.uuid}" if error else "capture"))


@login_required
@require_POST
def note_delete(request: SignedInRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_user(request.user, note_id)
    meeting = note.meeting
    services.note_delete(note=note)
    if request.htmx:
        return _render(request, meeting, "notes")
    messages.success(request, "Note deleted.")
    return redirect(_live_url(meeting, "capture"))


@login_required
@require_POST
def referral_add(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    """ "Who else should I talk to?": each name becomes a contact referred by this person."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = ReferralForm(request.POST)
    added = None
    if form.is_valid():
        try:
            added, _ = services.referral_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, HIDDEN)
    if added is None:
        if request.htmx:
            return _form_error(
                request, meeting, "referral_form", "#referral-form", referral_form=form
            )
        messages.error(request, _errors(form))
        return redirect(_live_url(meeting, "referrals"))
    if request.htmx:
        return _render(request, meeting, "referrals")
    messages.success(request, f"{added.contact.name} added, referred by {meeting.contact.name}.")
    return redirect(_live_url(meeting, "referrals"))


@login_required
@require_POST
def finish(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    try:
        services.conversation_finish(meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_live_url(meeting))
    return redirect("summary", meeting_id=meeting.uuid)


@login_required
@require_GET
def summary(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    prep = selectors.meeting_prep(request.user, meeting)
    conversation = prep.conversation
    labels = dict(PlanState.choices)
    questions = [
        (state.value, labels[state], [item for item in prep.plan if item.state == state])
        for state in SUMMARY_STATES
    ]
    done_at = (conversation.finished_at if conversation else None) or meeting.end
    return render(
        request,
        "conversations/summary.html",
        {
            "meeting": meeting,
            "contact": meeting.contact,
            "prep": prep,
            "questions": [group for group in questions if group[2]],
            "actionable": [note for note in prep.notes if note.kind in ACTIONABLE],
            "thank_by": done_at + dt.timedelta(days=1),
        },
    )
