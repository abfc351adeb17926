"""When the student can talk: weekly windows, buffer, lead time, horizon, holidays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from coffeechat.accounts.services import profile_for
from coffeechat.lib.http import SignedInRequest
from coffeechat.outreach import selectors, services
from coffeechat.outreach.forms import SettingsForm, WindowFormSet


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: SignedInRequest) -> HttpResponse:
    profile = profile_for(request.user)
    initial_windows = [
        {"weekday": w.weekday, "start": w.start, "end": w.end}
        for w in selectors.availability_for(request.user)
    ]
    settings_form = SettingsForm(
        request.POST or None,
        initial={
            "buffer_minutes": profile.buffer_minutes,
            "lead_business_days": profile.lead_business_days,
            "horizon_days": profile.horizon_days,
            "country": profile.country,
        },
    )
    formset = WindowFormSet(request.POST or None, initial=initial_windows, prefix="w")
    error = ""
    if request.method == "POST" and settings_form.is_valid() and formset.is_valid():
        windows = [w for w in (form.window() for form in formset.forms) if w is not None]
        if not windows:
            error = "Add at least one time when you can talk."
        else:
            try:
                services.availability_update(
                    user=request.user, windows=windows, **settings_form.cleaned_data
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, "Availability saved: new requests propose times from it.")
                return redirect("availability")
    proposal = selectors.slots_propose(request.user)
    return render(
        request,
        "outreach/availability.html",
        {
            "settings_form": settings_form,
            "formset": formset,
            "error": error,
            "preview": proposal.labels(),
            "profile": profile,
        },
    )
