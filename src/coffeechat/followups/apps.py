from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FollowupsConfig(AppConfig):
    name = "coffeechat.followups"
    label = "followups"
    verbose_name = "Follow through"

    def ready(self) -> None:
        from coffeechat.followups.snapshot import ensure_triggers_after_migrate

        post_migrate.connect(ensure_triggers_after_migrate, sender=self)
