"""Placeholder: to be written."""

from django.http import HttpRequest, HttpResponse


def today(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


reminder_list = reminder_draft = reminder_snooze = reminder_dismiss = reminder_restore = today
