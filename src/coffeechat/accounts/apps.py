from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coffeechat.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from coffeechat.accounts.reauth import on_login

        user_logged_in.connect(on_login, dispatch_uid="coffeechat.accounts.reauth")
