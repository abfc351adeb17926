"""TODO(helper): replace these placeholders."""

from django.http import HttpRequest, HttpResponse


def question_list(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def question_edit(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def question_hide(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def question_delete(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError
