"""Placeholder: to be written."""

from django.http import HttpRequest, HttpResponse


def dashboard(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


interview_log = interview_log_csv = dashboard
