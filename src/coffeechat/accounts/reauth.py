"""Re-authentication: some actions need the password entered within the last few minutes.

A stolen or forgotten-open session should not be enough to change the email address (and
with it, where password resets go) or to take everything out. Signing in counts as entering
the password; so does the "Confirm your password" page, which sensitive pages send you to
once COFFEECHAT_REAUTH_MINUTES have passed. Pages that ask for the password in their own
form (changing the password, deleting the account) need no extra step.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

REAUTH_SESSION_KEY = "reauth_at"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def reauth_record(request: HttpRequest) -> None:
    """The password was entered just now, in this session."""
    request.session[REAUTH_SESSION_KEY] = time.time()


def reauth_fresh(request: HttpRequest) -> bool:
    entered = request.session.get(REAUTH_SESSION_KEY)
    if not isinstance(entered, int | float):
        return False
    age = time.time() - entered
    return 0 <= age <= settings.COFFEECHAT_REAUTH_MINUTES * 60


def reauth_url(next_url: str) -> str:
    return f"{reverse('reauth')}?{urlencode({'next': next_url})}"


def reauth_required(view: View) -> View:
    """Send the student to confirm their password first when they have not lately."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not reauth_fresh(request):
            return redirect(reauth_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Every way of signing in (the sign-in page, sign-up) has just been given the password."""
    if request is not None and hasattr(request, "session"):
        reauth_record(request)
