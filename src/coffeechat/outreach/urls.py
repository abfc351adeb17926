from django.urls import path

from coffeechat.outreach.views import availability, calendars, messages, replies

urlpatterns = [
    path("outreach/", replies.outreach_queue, name="outreach_queue"),
    path("availability/", availability.availability, name="availability"),
    path("contacts/<str:contact_id>/outreach/", replies.contact_outreach, name="contact_outreach"),
    path("contacts/<str:contact_id>/drafts/", messages.draft_create, name="draft_create"),
    path("contacts/<str:contact_id>/reply/", replies.reply_record, name="reply_record"),
    path("messages/<str:message_id>/", messages.message_detail, name="message_detail"),
    path("messages/<str:message_id>/sent/", messages.message_sent, name="message_sent"),
    path("messages/<str:message_id>/send/", messages.message_send, name="message_send"),
    path("messages/<str:message_id>/times/", messages.message_times, name="message_times"),
    path("messages/<str:message_id>/delete/", messages.message_delete, name="message_delete"),
    path("meetings/<str:meeting_id>/cancel/", replies.meeting_cancel, name="meeting_cancel"),
    path("meetings/<str:meeting_id>/invite.ics", replies.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<str:meeting_id>/confirm/",
        replies.meeting_confirm_draft,
        name="meeting_confirm_draft",
    ),
    path("templates/", messages.template_list, name="template_list"),
    path("templates/<str:kind>/", messages.template_edit, name="template_edit"),
    path("calendars/", calendars.calendar_list, name="calendar_list"),
    path("calendars/upload/", calendars.calendar_upload, name="calendar_upload"),
    path("calendars/subscribe/", calendars.calendar_subscribe, name="calendar_subscribe"),
    path(
        "calendars/<str:calendar_id>/refresh/", calendars.calendar_refresh, name="calendar_refresh"
    ),
    path("calendars/<str:calendar_id>/delete/", calendars.calendar_delete, name="calendar_delete"),
]
