"""Security headers that neither Django nor django-csp sends."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Coffeechat never asks for the camera, microphone or location; saying so up front means
# an injected script or a framed page cannot ask for them either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class PermissionsPolicyMiddleware:
    """Add Permissions-Policy to every response, static files and error pages included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
