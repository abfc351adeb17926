from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NetworkConfig(AppConfig):
    name = "coffeechat.network"
    label = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        from coffeechat.network.search import ensure_search_index_after_migrate

        post_migrate.connect(ensure_search_index_after_migrate, sender=self)
