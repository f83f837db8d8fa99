from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "protocol_portal.casework"
    label = "casework"
    verbose_name = "Casework (shared)"

    def ready(self) -> None:
        from protocol_portal.casework import checks  # noqa: F401 (registers the system checks)
