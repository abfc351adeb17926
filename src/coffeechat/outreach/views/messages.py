"""Writing and sending: drafts from templates, the composer with live checks, sending."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.lib import email
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.selectors import contact_get_for_user
from coffeechat.network.views.common import add_service_errors
from coffeechat.outreach import drafting, selectors, services
from coffeechat.outreach.checks import LINKEDIN_CHARACTERS
from coffeechat.outreach.forms import DraftStartForm, MarkSentForm, MessageForm, TemplateForm
from coffeechat.outreach.models import Channel, Kind, Message
from coffeechat.outreach.slots import slot_label


@login_required
@require_POST
def draft_create(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = contact_get_for_user(request.user, contact_id)
    form = DraftStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to write, and between 5 and 240 minutes.")
        return redirect("contact_outreach", contact_id=contact.uuid)
    try:
        draft = services.message_draft(
            owner=request.user,
            contact=contact,
            kind=form.cleaned_data["kind"],
            minutes=form.cleaned_data["minutes"],
            medium=form.cleaned_data["medium"] or "",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("contact_outreach", contact_id=contact.uuid)
    return redirect("message_detail", message_id=draft.uuid)


def _composer_context(
    request: SignedInRequest, message: Message, form: MessageForm
) -> dict[str, Any]:
    contact = message.contact
    student_tz = selectors.student_zone(request.user)
    contact_tz = selectors.zone_of(contact.time_zone)
    slots = selectors.message_slots(message)
    return {
        "message": message,
        "contact": contact,
        "form": form,
        "checks": selectors.message_checks(message),
        "characters": len(message.body),
        "linkedin_max": LINKEDIN_CHARACTERS,
        "slot_labels": [slot_label(s, student_tz=student_tz, contact_tz=contact_tz) for s in slots],
        # A draft left for days can offer times already gone: say so before it is sent.
        "times_passed": not message.is_sent and any(s.start <= timezone.now() for s in slots),
        "mailto": email.mailto_url(to=contact.email, subject=message.subject, body=message.body),
        "smtp": email.smtp_configured(),
        "channels": Channel,
        "is_linkedin": message.kind == Kind.LINKEDIN_NOTE,
    }


@login_required
@require_http_methods(["GET", "POST"])
def message_detail(request: SignedInRequest, message_id: str) -> HttpResponse:
    """The composer: edit the draft, see the coach's checks, send it one of three ways."""
    message = selectors.message_get_for_user(request.user, message_id)
    form = MessageForm(
        request.POST or None, initial={"subject": message.subject, "body": message.body}
    )
    if request.method == "POST":
        if message.is_sent:
            messages.error(request, "This message was sent already; write a new one instead.")
            return redirect("message_detail", message_id=message.uuid)
        if form.is_valid():
            try:
                services.message_update(
                    message=message,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
                message.refresh_from_db()
            else:
                if not request.htmx:
                    messages.success(request, "Draft saved.")
                    return redirect("message_detail", message_id=message.uuid)
        if request.htmx:
            # Live checks while typing: the draft is saved and the checks re-rendered. A
            # form error still answers 200, because htmx does not swap 4xx responses.
            return render(
                request,
                "outreach/message_detail.html#checks",
                _composer_context(request, message, form),
            )
    return render(
        request, "outreach/message_detail.html", _composer_context(request, message, form)
    )


@login_required
@require_POST
def message_sent(request: SignedInRequest, message_id: str) -> HttpResponse:
    """The student sent it themselves (copied, mail app, LinkedIn): log it on the contact."""
    message = selectors.message_get_for_user(request.user, message_id)
    form = MarkSentForm(request.POST)
    if not form.is_valid() or form.cleaned_data["channel"] == Channel.SMTP:
        messages.error(request, "Say how you sent it: copied, your email app or LinkedIn.")
        return redirect("message_detail", message_id=message.uuid)
    try:
        services.message_send(message=message, channel=form.cleaned_data["channel"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("message_detail", message_id=message.uuid)
    messages.success(request, f"Logged as sent to {message.contact.name}.")
    return redirect("contact_outreach", contact_id=message.contact.uuid)


@login_required
@require_POST
def message_send(request: SignedInRequest, message_id: str) -> HttpResponse:
    """Send by email through the installation's mail server."""
    message = selectors.message_get_for_user(request.user, message_id)
    try:
        services.message_send(message=message, channel=Channel.SMTP)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("message_detail", message_id=message.uuid)
    messages.success(request, f"Sent to {message.contact.email}.")
    return redirect("contact_outreach", contact_id=message.contact.uuid)


@login_required
@require_POST
def message_times(request: SignedInRequest, message_id: str) -> HttpResponse:
    """Replace the draft's proposed times with fresh free ones."""
    message = selectors.message_get_for_user(request.user, message_id)
    try:
        services.message_times_refresh(message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "New times proposed: check the message before you send it.")
    return redirect("message_detail", message_id=message.uuid)


@login_required
@require_POST
def message_delete(request: SignedInRequest, message_id: str) -> HttpResponse:
    message = selectors.message_get_for_user(request.user, message_id)
    try:
        services.message_delete(message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("message_detail", message_id=message.uuid)
    messages.success(request, "Draft deleted.")
    return redirect("contact_outreach", contact_id=message.contact.uuid)


@login_required
def template_list(request: SignedInRequest) -> HttpResponse:
    own = selectors.templates_own(request.user)
    rows = [{"kind": kind, "label": label, "own": kind in own} for kind, label in Kind.choices]
    return render(request, "outreach/template_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: SignedInRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404("No such kind of message.")
    current = selectors.template_for(request.user, kind)
    form = TemplateForm(
        request.POST or None, initial={"subject": current.subject, "body": current.body}
    )
    if request.method == "POST":
        if request.POST.get("reset"):
            services.template_reset(owner=request.user, kind=kind)
            messages.success(request, "Back to the built-in wording.")
            return redirect("template_edit", kind=kind)
        if form.is_valid():
            try:
                services.template_save(
                    owner=request.user,
                    kind=kind,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, "Template saved: new drafts use it.")
                return redirect("template_list")
    return render(
        request,
        "outreach/template_edit.html",
        {
            "form": form,
            "kind": kind,
            "label": Kind(kind).label,
            "placeholders": drafting.PLACEHOLDERS,
            "own": kind in selectors.templates_own(request.user),
        },
    )
