from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "coffeechat.followups"
    label = "followups"
    verbose_name = "Follow through"
