"""Placeholder: to be written."""

from django.http import HttpRequest, HttpResponse


def followup_settings(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


feed_new = feed_revoke = followup_settings
