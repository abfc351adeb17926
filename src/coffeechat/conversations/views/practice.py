"""TODO(helper): replace these placeholders."""

from django.http import HttpRequest, HttpResponse


def practice(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise NotImplementedError
