from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "protocol_portal.accounts"
    label = "accounts"
    verbose_name = "Signing in"

    def ready(self):
        from protocol_portal.accounts import checks, signals  # noqa: F401
