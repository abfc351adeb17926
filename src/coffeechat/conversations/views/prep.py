"""TODO(helper): replace these placeholders."""

from django.http import HttpRequest, HttpResponse


def meeting_plan(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def plan_move(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def plan_remove(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def prep_sheet(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def prep_download(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError
