"""The question bank: the guide's and TIARA questions, and the student's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.conversations import selectors, services
from coffeechat.conversations.forms import QuestionForm
from coffeechat.conversations.models import Tiara
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.views.common import add_service_errors


def _back(request: SignedInRequest) -> str:
    """Where the form came from (the bank with its filters), if it is one of our pages."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return reverse("question_list")


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request: SignedInRequest) -> HttpResponse:
    services.questions_builtin_ensure(owner=request.user)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_create(
                owner=request.user, text=data["text"], tiara=data["tiara"], tags=data["tags"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, "Question added to your bank.")
            return redirect(request.get_full_path())
    tiara = request.GET.get("tiara", "")
    if tiara not in Tiara.values:
        tiara = ""
    tag = " ".join(request.GET.get("tag", "").split())[:40]
    show_hidden = request.GET.get("hidden") == "1"
    # One query for the whole bank, hidden ones included, so the page can count them.
    questions = selectors.question_bank(request.user, tiara=tiara, tag=tag, include_hidden=True)
    hidden = sum(1 for q in questions if q.hidden)
    if not show_hidden:
        questions = [q for q in questions if not q.hidden]
    return render(
        request,
        "conversations/question_list.html",
        {
            "questions": questions,
            "form": form,
            "tiara": tiara,
            "tag": tag,
            "show_hidden": show_hidden,
            "hidden_count": hidden,
            "tiara_choices": Tiara.choices,
            "tags": selectors.question_tags(request.user),
            "filtered": bool(tiara or tag),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: SignedInRequest, question_id: str) -> HttpResponse:
    """Reword, retag or re-file any question, built-in ones too (each bank has its own copy)."""
    question = selectors.question_get_for_user(request.user, question_id)
    initial = {"text": question.text, "tiara": question.tiara, "tags": ", ".join(question.tag_list)}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_update(
                question=question, text=data["text"], tiara=data["tiara"], tags=data["tags"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
            question.refresh_from_db()
        else:
            messages.success(request, "Question saved.")
            return redirect("question_list")
    return render(request, "conversations/question_form.html", {"question": question, "form": form})


@login_required
@require_POST
def question_hide(request: SignedInRequest, question_id: str) -> HttpResponse:
    """hidden=1 hides it from the bank and the plan page; hidden=0 brings it back."""
    question = selectors.question_get_for_user(request.user, question_id)
    hide = request.POST.get("hidden", "1") != "0"
    services.question_update(question=question, hidden=hide)
    if hide:
        messages.success(
            request, "Hidden. Tick “Show hidden questions” to find it again and bring it back."
        )
    else:
        messages.success(request, "Back in your bank.")
    return redirect(_back(request))


@login_required
@require_POST
def question_delete(request: SignedInRequest, question_id: str) -> HttpResponse:
    question = selectors.question_get_for_user(request.user, question_id)
    try:
        services.question_delete(question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) + " Use “Hide” to take it out of your bank.")
    else:
        messages.success(request, "Question deleted. Plans that used it keep their wording.")
    return redirect(_back(request))
