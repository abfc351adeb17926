"""TODO(helper): replace these placeholders."""

from django.http import HttpRequest, HttpResponse


def meeting_list(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def meeting_create(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def meeting_detail(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def meeting_status(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError
