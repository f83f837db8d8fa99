from importlib.util import find_spec

from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = "Member enquiries"

    def ready(self) -> None:
        from enquiries import permissions, services
        from enquiries.tasks import recompute_on_calendar_change
        from protocol_portal.casework.access import declare
        from protocol_portal.casework.registry import CaseTypeSpec, register
        from protocol_portal.org.services import on_calendar_change

        register(
            CaseTypeSpec(
                services.LABEL,
                on_rung=services.enquiry_on_rung,
                on_rungs=services.enquiry_on_rungs,
            )
        )
        declare(permissions.ACCESS)
        on_calendar_change(recompute_on_calendar_change)
        if find_spec("protocol_portal.web.home") is not None:
            from enquiries.panels import member_panel, officer_panel
            from protocol_portal.web.home import register_panel

            register_panel(member_panel)
            register_panel(officer_panel)
