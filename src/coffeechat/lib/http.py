"""Request types for type checking: what middleware and auth add to Django's HttpRequest."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    """A request to a @login_required page: a real user, and htmx details from django-htmx."""

    user: User
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request to the JSON API after authentication: `auth` is the signed-in user."""

    auth: User
