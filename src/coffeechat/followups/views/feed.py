"""Placeholder: to be written."""

from django.http import HttpRequest, HttpResponse


def feed(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError
