from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "coffeechat.interchange"
    label = "interchange"
    verbose_name = "Import and export"
