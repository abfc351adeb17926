"""TODO(helper): replace these placeholders."""

from django.http import HttpRequest, HttpResponse


def research_edit(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def link_add(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError


def link_delete(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError
