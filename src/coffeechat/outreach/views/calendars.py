from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.lib.http import SignedInRequest
from coffeechat.network.views.common import add_service_errors
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Calendar

AGENDA_DAYS = 14
_NAME_HELP = "Optional: how the calendar is listed here, e.g. “Classes”."


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics)",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,.ical,.ifb,text/calendar"}),
        help_text="Google Calendar: Settings → Import & export → Export (unzip it first). "
        "Outlook: File → Save Calendar. Apple Calendar: File → Export.",
    )
    name = forms.CharField(max_length=200, required=False, help_text=_NAME_HELP)


class CalendarSubscribeForm(forms.Form):
    url = forms.CharField(
        label="Calendar address",
        max_length=2000,
        widget=forms.TextInput(
            attrs={"inputmode": "url", "placeholder": "https://… or webcal://…"}
        ),
        help_text="The secret iCal address of a Google, Outlook or iCloud calendar: "
        "Coffeechat reads it again whenever you press Refresh.",
    )
    name = forms.CharField(max_length=200, required=False, help_text=_NAME_HELP)


def _page(
    request: SignedInRequest,
    upload_form: CalendarUploadForm | None = None,
    subscribe_form: CalendarSubscribeForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "calendars": selectors.calendar_list(request.user),
        "upload_form": upload_form or CalendarUploadForm(prefix="upload"),
        "subscribe_form": subscribe_form or CalendarSubscribeForm(prefix="subscribe"),
        "days": selectors.busy_days(
            request.user, timezone.now(), AGENDA_DAYS, timezone.get_current_timezone()
        ),
        "agenda_days": AGENDA_DAYS,
        "busy_days_kept": services.BUSY_DAYS,
    }
    return render(request, "outreach/calendar_list.html", context)


@login_required
def calendar_list(request: SignedInRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def calendar_upload(request: SignedInRequest) -> HttpResponse:
    form = CalendarUploadForm(request.POST, request.FILES, prefix="upload")
    if form.is_valid():
        try:
            calendar = services.calendar_import(
                owner=request.user, upload=form.cleaned_data["file"], name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            _say_added(request, calendar)
            return redirect("calendar_list")
    return _page(request, upload_form=form)


@login_required
@require_POST
def calendar_subscribe(request: SignedInRequest) -> HttpResponse:
    form = CalendarSubscribeForm(request.POST, prefix="subscribe")
    if form.is_valid():
        try:
            calendar = services.calendar_subscribe(
                owner=request.user, url=form.cleaned_data["url"], name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            _say_added(request, calendar)
            return redirect("calendar_list")
    return _page(request, subscribe_form=form)


@login_required
@require_POST
def calendar_refresh(request: SignedInRequest, calendar_id: str) -> HttpResponse:
    calendar = selectors.calendar_get_for_user(request.user, calendar_id)
    try:
        calendar = services.calendar_refresh(calendar=calendar)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if calendar.last_error:
            messages.error(
                request,
                f"{calendar.name} could not be refreshed: {calendar.last_error} "
                "Its busy times from the last refresh are kept.",
            )
        else:
            messages.success(request, f"{calendar.name} is up to date.")
    return redirect("calendar_list")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_delete(request: SignedInRequest, calendar_id: str) -> HttpResponse:
    calendar = selectors.calendar_get_for_user(request.user, calendar_id)
    if request.method == "POST":
        name = calendar.name
        services.calendar_delete(calendar=calendar)
        messages.success(request, f"{name} was deleted, with its busy times.")
        return redirect("calendar_list")
    return render(request, "outreach/calendar_confirm_delete.html", {"calendar": calendar})


def _say_added(request: SignedInRequest, calendar: Calendar) -> None:
    busy = calendar.intervals.count()
    events = f"{calendar.event_count} event{'' if calendar.event_count == 1 else 's'}"
    times = f"{busy} busy time{'' if busy == 1 else 's'}"
    messages.success(
        request, f"{calendar.name} added: {events}, {times} in the next {services.BUSY_DAYS} days."
    )
