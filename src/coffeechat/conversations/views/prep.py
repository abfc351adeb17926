"""A meeting's question plan and its printable prep sheet (also as Markdown)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import CLOSING_QUESTION, logistics
from coffeechat.conversations.forms import PlanAddForm
from coffeechat.conversations.models import Tiara
from coffeechat.conversations.prep import prep_markdown
from coffeechat.lib.http import SignedInRequest
from coffeechat.outreach.selectors import student_zone

# Space on the sheet for what the live mode captures, plus the closing question's answers.
NOTE_HEADINGS = ("Advice", "Resources", "Ideas", "They asked me", "Who else should I talk to?")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_plan(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    """The plan in order, how many questions fit, and the bank to add from."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    services.questions_builtin_ensure(owner=request.user)
    prep = selectors.meeting_prep(request.user, meeting)
    planned = {item.question_id for item in prep.plan}
    bank = [q for q in selectors.question_bank(request.user) if q.pk not in planned]
    form = PlanAddForm(request.POST or None, bank=bank)
    if request.method == "POST":
        if form.is_valid():
            chosen = form.chosen()
            try:
                with transaction.atomic():
                    for question in chosen:
                        services.plan_add(meeting=meeting, question=question)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                added = len(chosen)
                messages.success(
                    request, f"Added {added} question{'s' if added != 1 else ''} to the plan."
                )
                return redirect("meeting_plan", meeting_id=meeting.uuid)
        else:
            messages.error(request, "Tick at least one question from your bank to add.")
    covered = {item.question.tiara for item in prep.plan if item.question is not None}
    return render(
        request,
        "conversations/plan.html",
        {
            "meeting": meeting,
            "contact": meeting.contact,
            "prep": prep,
            "form": form,
            "bank": bank,
            "checked": set(request.POST.getlist("questions")),
            "coverage": [(label, value in covered) for value, label in Tiara.choices],
            "closing": CLOSING_QUESTION,
        },
    )


@login_required
@require_POST
def plan_move(request: SignedInRequest, item_id: str) -> HttpResponse:
    item = selectors.planned_question_get_for_user(request.user, item_id)
    by = request.POST.get("by", "")
    if by not in ("-1", "1"):
        messages.error(request, "Move a question up (-1) or down (1).")
    else:
        services.plan_move(item=item, by=int(by))
    return redirect("meeting_plan", meeting_id=item.meeting.uuid)


@login_required
@require_POST
def plan_remove(request: SignedInRequest, item_id: str) -> HttpResponse:
    item = selectors.planned_question_get_for_user(request.user, item_id)
    meeting = item.meeting
    services.plan_remove(item=item)
    messages.success(request, f"Removed from the plan: {item.text}")
    return redirect("meeting_plan", meeting_id=meeting.uuid)


@login_required
def prep_sheet(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    prep = selectors.meeting_prep(request.user, meeting)
    return render(
        request,
        "conversations/prep_sheet.html",
        {
            "meeting": meeting,
            "contact": meeting.contact,
            "prep": prep,
            "research": prep.research,
            "logistics": logistics(meeting.medium),
            "closing": CLOSING_QUESTION,
            "note_headings": NOTE_HEADINGS,
            "ruled_lines": range(4),
        },
    )


@login_required
def prep_download(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    prep = selectors.meeting_prep(request.user, meeting)
    day = timezone.localtime(meeting.start, student_zone(request.user)).date()
    name = slugify(meeting.contact.name) or "meeting"
    response = HttpResponse(prep_markdown(prep), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prep-{name}-{day:%Y-%m-%d}.md"'
    return response
