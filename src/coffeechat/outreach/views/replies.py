"""Tracking: a contact's outreach, recording replies, meetings and their invites, the queue."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.lib.http import SignedInRequest
from coffeechat.network.selectors import contact_get_for_user
from coffeechat.network.views.common import add_service_errors
from coffeechat.outreach import selectors, services
from coffeechat.outreach.forms import DraftStartForm, ReplyForm
from coffeechat.outreach.models import Kind, Outcome
from coffeechat.outreach.slots import slot_label


@login_required
def contact_outreach(request: SignedInRequest, contact_id: str) -> HttpResponse:
    """One contact's reach-out: where it stands, what to do next, everything sent and heard."""
    contact = contact_get_for_user(request.user, contact_id)
    outreach = selectors.contact_outreach(request.user, contact)
    return render(
        request,
        "outreach/contact_outreach.html",
        {
            "contact": contact,
            "outreach": outreach,
            "draft_form": DraftStartForm(),
            "request_kind": Kind(services.drafting.request_kind_for(contact)).label,
        },
    )


def _slot_choices(
    request: SignedInRequest, outreach: selectors.ContactOutreach
) -> list[tuple[str, str]]:
    request_message = outreach.last_request
    if request_message is None:
        return []
    student_tz = selectors.student_zone(request.user)
    contact_tz = selectors.zone_of(outreach.contact.time_zone)
    return [
        (slot.start.isoformat(), slot_label(slot, student_tz=student_tz, contact_tz=contact_tz))
        for slot in selectors.message_slots(request_message)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def reply_record(request: SignedInRequest, contact_id: str) -> HttpResponse:
    contact = contact_get_for_user(request.user, contact_id)
    outreach = selectors.contact_outreach(request.user, contact)
    choices = _slot_choices(request, outreach)
    form = ReplyForm(request.POST or None, slots=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start: dt.datetime | None = data.get("other_start")
        if data.get("slot"):
            start = dt.datetime.fromisoformat(data["slot"])
        try:
            result = services.reply_record(
                owner=request.user,
                contact=contact,
                outcome=data["outcome"],
                note=data["note"],
                start=start,
                minutes=data.get("minutes"),
                medium=data.get("medium") or "",
                location=data.get("location") or "",
                referred_name=data.get("referred_name") or "",
                referred_email=data.get("referred_email") or "",
                referred_organization=data.get("referred_organization") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"start": "slot"})
        else:
            if result.meeting is not None:
                messages.success(
                    request,
                    f"Meeting with {contact.name} scheduled. Download the invite, and send a "
                    "short note confirming the time.",
                )
                return redirect("meeting_detail", meeting_id=result.meeting.uuid)
            if data["outcome"] == Outcome.NO and result.draft is not None:
                messages.info(
                    request,
                    "A “no” is normal and not personal: people are busy. Thank them, and ask "
                    "whether they know anyone else who might talk to you — the draft is ready.",
                )
                return redirect("message_detail", message_id=result.draft.uuid)
            if result.referred is not None and result.draft is not None:
                messages.success(
                    request,
                    f"{result.referred.name} added, referred by {contact.name}. Here is a "
                    "request that names the referrer.",
                )
                return redirect("message_detail", message_id=result.draft.uuid)
            return redirect("contact_outreach", contact_id=contact.uuid)
    return render(
        request,
        "outreach/reply_form.html",
        {"contact": contact, "outreach": outreach, "form": form, "has_slots": bool(choices)},
    )


@login_required
@require_POST
def meeting_cancel(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    try:
        services.meeting_cancel(meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Meeting cancelled. The invite now cancels it in calendars.")
    return redirect("meeting_detail", meeting_id=meeting.uuid)


@login_required
def meeting_invite(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    response = HttpResponse(
        services.meeting_invite(meeting=meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.uuid}.ics"'
    return response


@login_required
@require_POST
def meeting_confirm_draft(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    """A short reply to their "yes" that confirms the time."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    draft = services.message_draft(
        owner=request.user, contact=meeting.contact, kind=Kind.CONFIRM, meeting=meeting
    )
    return redirect("message_detail", message_id=draft.uuid)


@login_required
def outreach_queue(request: SignedInRequest) -> HttpResponse:
    return render(request, "outreach/queue.html", {"queue": selectors.outreach_queue(request.user)})
