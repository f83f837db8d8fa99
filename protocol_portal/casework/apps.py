from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "protocol_portal.casework"
    label = "casework"
    verbose_name = "Casework (shared)"
