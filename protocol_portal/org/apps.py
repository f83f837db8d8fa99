from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "protocol_portal.org"
    label = "org"
    verbose_name = "Organisation and routing"

    def ready(self) -> None:
        from protocol_portal.org import signals  # noqa: F401
