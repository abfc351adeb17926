"""Meetings: the list, one meeting (move, cancel, mark), and a meeting entered directly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.accounts.services import profile_for
from coffeechat.conversations import selectors
from coffeechat.conversations.forms import MeetingForm
from coffeechat.conversations.selectors import When
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.selectors import contact_get_for_user
from coffeechat.network.views.common import add_service_errors
from coffeechat.outreach import services as outreach
from coffeechat.outreach.forms import RescheduleForm
from coffeechat.outreach.models import MeetingStatus

WHEN_CHOICES = [(When.ALL, "Upcoming and past"), (When.UPCOMING, "Upcoming"), (When.PAST, "Past")]
# Past meetings pile up; the latest ones are the ones a student looks back at.
PAST_SHOWN = 100

MARKED = {
    MeetingStatus.DONE: "Marked as done. Write down what you learned while it is fresh.",
    MeetingStatus.NO_SHOW: (
        "Marked as a no-show. It happens: people get busy. A short, friendly note offering "
        "another time is fine."
    ),
    MeetingStatus.SCHEDULED: "Back to scheduled.",
}


@login_required
def meeting_list(request: SignedInRequest) -> HttpResponse:
    when = request.GET.get("when") or When.ALL
    if when not in dict(WHEN_CHOICES):
        when = When.ALL
    status = request.GET.get("status", "")
    if status not in MeetingStatus.values:
        status = ""
    now = timezone.now()
    upcoming = past = None
    more_past = False
    if when in (When.ALL, When.UPCOMING):
        found = selectors.meetings_list(request.user, when=When.UPCOMING, status=status, now=now)
        upcoming = selectors.meeting_rows(request.user, found, now)
    if when in (When.ALL, When.PAST):
        found_past = list(
            selectors.meetings_list(request.user, when=When.PAST, status=status, now=now)[
                : PAST_SHOWN + 1
            ]
        )
        more_past = len(found_past) > PAST_SHOWN
        past = selectors.meeting_rows(request.user, found_past[:PAST_SHOWN], now)
    return render(
        request,
        "conversations/meeting_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "more_past": more_past,
            "past_shown": PAST_SHOWN,
            "when": when,
            "status": status,
            "when_choices": WHEN_CHOICES,
            "status_choices": MeetingStatus.choices,
            "filtered": when != When.ALL or bool(status),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: SignedInRequest, contact_id: str) -> HttpResponse:
    """A meeting agreed outside Coffeechat (a call, a chat at a fair): entered directly."""
    contact = contact_get_for_user(request.user, contact_id)
    profile = profile_for(request.user)
    initial = {
        "minutes": profile.default_minutes,
        "medium": profile.preferred_media[0] if profile.preferred_media else "",
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = outreach.meeting_schedule(
                owner=request.user,
                contact=contact,
                start=data["start"],
                minutes=data["minutes"],
                medium=data["medium"],
                location=data["location"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(
                request,
                f"Meeting with {contact.name} scheduled. Download the invite, and send a short "
                "note confirming the time.",
            )
            return redirect("meeting_detail", meeting_id=meeting.uuid)
    return render(request, "conversations/meeting_form.html", {"contact": contact, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    form = RescheduleForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            outreach.meeting_reschedule(
                meeting=meeting,
                start=form.cleaned_data["start"],
                minutes=form.cleaned_data.get("minutes"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
            meeting.refresh_from_db()
        else:
            messages.success(
                request, "Meeting moved. Send them the updated invite so their calendar follows."
            )
            return redirect("meeting_detail", meeting_id=meeting.uuid)
    prep = selectors.meeting_prep(request.user, meeting)
    scheduled = meeting.status == MeetingStatus.SCHEDULED
    return render(
        request,
        "conversations/meeting_detail.html",
        {
            "meeting": meeting,
            "contact": meeting.contact,
            "prep": prep,
            "when": prep.when,
            "form": form,
            "scheduled": scheduled,
            "started": meeting.start <= prep.now,
            "can_mark": scheduled and meeting.start <= prep.now,
            "marked": meeting.status in (MeetingStatus.DONE, MeetingStatus.NO_SHOW),
            "has_summary": meeting.status == MeetingStatus.DONE or prep.finished,
        },
    )


@login_required
@require_POST
def meeting_status(request: SignedInRequest, meeting_id: str) -> HttpResponse:
    """Done, no-show, or back to scheduled when marked by mistake."""
    meeting = selectors.meeting_get_for_user(request.user, meeting_id)
    status = request.POST.get("status", "")
    try:
        outreach.meeting_mark(meeting=meeting, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MARKED[MeetingStatus(status)])
    return redirect("meeting_detail", meeting_id=meeting.uuid)
