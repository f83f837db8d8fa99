from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and concerns"

    def ready(self) -> None:
        from complaints.services import complaint_on_rung
        from protocol_portal.casework.registry import CaseTypeSpec, register

        register(CaseTypeSpec("complaints.Complaint", on_rung=complaint_on_rung))

        from complaints.home import complaints_panel
        from protocol_portal.web.home import register_panel

        register_panel(complaints_panel)
