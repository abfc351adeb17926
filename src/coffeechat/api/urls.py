from django.urls import path

from coffeechat.api.main import api

urlpatterns = [path("", api.urls)]
