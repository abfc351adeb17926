"""The private calendar feed at /feed/<token>.ics: no sign-in, the token is the key.

Calendar apps fetch it without cookies, so the secret token in the address is the only
credential; an unknown, blank or revoked token gets the same bare 404 as any missing page,
so nobody can tell a revoked address from one that never existed.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from coffeechat.followups.feed import feed_ics, feed_owner

# Calendar apps fetch every hour or so; a shared cache must never keep it (the address is
# the secret), and a browser may reuse it for a few minutes.
CACHE_CONTROL = "private, max-age=300"


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    owner = feed_owner(token)
    if owner is None:
        raise Http404
    response = HttpResponse(feed_ics(owner), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Disposition"] = 'inline; filename="coffeechat.ics"'
    # The address must not leak to search engines that find it in a shared link.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
