from django.urls import path

from coffeechat.outreach import views

urlpatterns = [
    path("calendars/", views.calendar_list, name="calendar_list"),
    path("calendars/upload/", views.calendar_upload, name="calendar_upload"),
    path("calendars/subscribe/", views.calendar_subscribe, name="calendar_subscribe"),
    path("calendars/<str:calendar_id>/refresh/", views.calendar_refresh, name="calendar_refresh"),
    path("calendars/<str:calendar_id>/delete/", views.calendar_delete, name="calendar_delete"),
]
