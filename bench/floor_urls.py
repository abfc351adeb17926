"""The app's URLs plus `/bench/floor/`, the framework's floor for `bench/load.py`."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("coffeechat.urls")),
]
