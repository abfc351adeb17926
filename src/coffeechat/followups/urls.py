from django.urls import path

from coffeechat.followups.views import dashboard, feed, settings, today

urlpatterns = [
    path("today/", today.today, name="today"),
    path("reminders/", today.reminder_list, name="reminder_list"),
    path("reminders/<str:rule>/<str:key>/draft/", today.reminder_draft, name="reminder_draft"),
    path("reminders/<str:rule>/<str:key>/snooze/", today.reminder_snooze, name="reminder_snooze"),
    path(
        "reminders/<str:rule>/<str:key>/dismiss/", today.reminder_dismiss, name="reminder_dismiss"
    ),
    path(
        "reminders/<str:rule>/<str:key>/restore/", today.reminder_restore, name="reminder_restore"
    ),
    path("follow-up-settings/", settings.followup_settings, name="followup_settings"),
    path("follow-up-settings/feed/new/", settings.feed_new, name="feed_new"),
    path("follow-up-settings/feed/revoke/", settings.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", feed.feed, name="feed"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("log/", dashboard.interview_log, name="interview_log"),
    path("log.csv", dashboard.interview_log_csv, name="interview_log_csv"),
]
