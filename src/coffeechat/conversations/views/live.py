"""TODO(helper): replace these placeholders."""

from django.http import HttpRequest, HttpResponse


def live(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def live_start(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def follow_up_add(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def plan_item(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def note_add(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def note_edit(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def note_delete(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def referral_add(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def finish(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def summary(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError
