from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "protocol_portal.web"
    label = "web"
    verbose_name = "Web shell"
