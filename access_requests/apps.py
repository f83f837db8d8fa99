from django.apps import AppConfig


class AccessRequestsConfig(AppConfig):
    name = "access_requests"
    verbose_name = "Need-to-know requests"

    def ready(self) -> None:
        from access_requests.services import access_request_on_rung, foi_on_rung
        from protocol_portal.casework.registry import CaseTypeSpec, register

        # The need-to-know and FOI clocks join the kernel's chaser sweep.
        register(CaseTypeSpec("access_requests.AccessRequest", on_rung=access_request_on_rung))
        register(CaseTypeSpec("access_requests.FoiRequest", on_rung=foi_on_rung))

        from access_requests.home import access_requests_panel
        from protocol_portal.web.home import register_panel

        register_panel(access_requests_panel)

        from access_requests.demo import seed_access_requests
        from protocol_portal.org.demo import register_demo_hook

        register_demo_hook(seed_access_requests)
