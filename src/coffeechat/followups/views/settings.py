"""Follow-up settings: the numbers behind the reminders, the digest, the calendar feed address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from coffeechat.followups import selectors, services
from coffeechat.followups.forms import FollowupSettingsForm
from coffeechat.followups.models import FollowupSettings
from coffeechat.lib.email import smtp_configured
from coffeechat.lib.http import SignedInRequest
from coffeechat.network.views.common import add_service_errors


def _feed_urls(request: SignedInRequest, settings: FollowupSettings) -> dict[str, str]:
    """The private address as https (to paste) and webcal (one click to subscribe)."""
    if not settings.feed_token:
        return {}
    url = request.build_absolute_uri(reverse("feed", args=[settings.feed_token]))
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@login_required
@require_http_methods(["GET", "POST"])
def followup_settings(request: SignedInRequest) -> HttpResponse:
    current = selectors.settings_for(request.user)
    form = FollowupSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, "Follow-up settings saved.")
            return redirect("followup_settings")
    # A refused save must not show its values as saved in the feed section below.
    saved = selectors.settings_for(request.user)
    return render(
        request,
        "followups/settings.html",
        {
            "form": form,
            "settings": saved,
            "has_email": bool(request.user.email),
            "smtp": smtp_configured(),
            **_feed_urls(request, saved),
        },
    )


@login_required
@require_POST
def feed_new(request: SignedInRequest) -> HttpResponse:
    """Create the private calendar address, or replace it (the old one stops working)."""
    had = bool(selectors.settings_for(request.user).feed_token)
    services.feed_token_new(user=request.user)
    messages.success(
        request,
        "New calendar address made: the old one no longer works. Update your calendar app."
        if had
        else "Your private calendar address is ready: add it to your calendar app.",
    )
    return redirect(reverse("followup_settings") + "#feed")


@login_required
@require_POST
def feed_revoke(request: SignedInRequest) -> HttpResponse:
    services.feed_token_revoke(user=request.user)
    messages.success(request, "Calendar feed turned off: the address no longer works.")
    return redirect(reverse("followup_settings") + "#feed")
