"""Who may call the API: a Bearer token, or the signed-in browser session.

Failed Bearer tokens are counted per IP (accounts/throttle.py); past the limit the caller
hears 429 until the cool-off ends. A good token never touches the throttle: it is a 256-bit
secret nobody guesses, and the check would cost every API call a cache read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from coffeechat.accounts import throttle
from coffeechat.accounts.reauth import reauth_fresh
from coffeechat.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cc_…`, a token made on the account's API tokens page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(token)
        if user is None:
            throttle.throttle_take(throttle.API_AUTH_IP, throttle.client_ip(request))
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""

    def __call__(self, request: HttpRequest) -> Any | None:
        # Check CSRF only when there is a signed-in session: a script with a wrong or revoked
        # token should hear 401 "Unauthorized", not 403 "CSRF check Failed".
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class RecentSessionAuth(BrowserSessionAuth):
    """A session that entered its password lately, as the export pages ask (accounts/reauth.py).

    A token needs no such step: it is a credential made for scripts, and whoever holds one
    can read everything through the API anyway.
    """

    def __call__(self, request: HttpRequest) -> Any | None:
        user = super().__call__(request)
        if user and not reauth_fresh(request):
            raise HttpError(
                403,
                "Exporting everything needs your password from the last "
                f"{settings.COFFEECHAT_REAUTH_MINUTES} minutes: confirm it at /account/confirm/ "
                "and try again.",
            )
        return user


EXPORT_AUTH = [TokenAuth(), RecentSessionAuth()]
