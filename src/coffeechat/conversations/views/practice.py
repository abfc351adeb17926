"""Solo practice: the pitch and answers to what a contact may ask, against a timer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coffeechat.accounts.services import profile_for
from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import ANSWER_SECONDS, PITCH_SECONDS
from coffeechat.lib.http import SignedInRequest


def clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@login_required
@require_http_methods(["GET", "POST"])
def practice(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        error = ""
        try:
            services.practice_answer_save(
                owner=request.user,
                prompt=request.POST.get("prompt", ""),
                answer=request.POST.get("answer", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if request.htmx:
            # Saved while typing: only the little status under the answer changes.
            return render(request, "conversations/practice.html#answer_status", {"error": error})
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Answer saved.")
        return redirect(reverse("practice") + "#answers")
    return render(
        request,
        "conversations/practice.html",
        {
            "pitch": profile_for(request.user).elevator_pitch,
            "prompts": selectors.practice_prompts(request.user),
            "meetings": selectors.practice_meetings(request.user),
            "pitch_seconds": PITCH_SECONDS,
            "pitch_clock": clock(PITCH_SECONDS),
            "pitch_done": f"Time’s up — a pitch should fit in about {PITCH_SECONDS} seconds.",
            "answer_seconds": ANSWER_SECONDS,
            "answer_clock": clock(ANSWER_SECONDS),
            "answer_minutes": ANSWER_SECONDS // 60,
        },
    )
