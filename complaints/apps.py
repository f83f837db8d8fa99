from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and concerns"

    def ready(self) -> None:
        from complaints.demo import seed_complaints
        from complaints.home import complaints_panel
        from complaints.services import complaint_on_rung
        from protocol_portal.casework.models import RetentionAction
        from protocol_portal.casework.registry import CaseTypeSpec, NavEntry, register
        from protocol_portal.org.models import CaseType

        register(
            CaseTypeSpec(
                "complaints.Complaint",
                on_rung=complaint_on_rung,
                nav=NavEntry("Complaints", "complaints:list", "complaints"),
                panels=(complaints_panel,),
                retention={
                    "complaints.Complaint": (
                        72,
                        RetentionAction.ANONYMISE,
                        "Limitation Act 1980: 6 years",
                    )
                },
                routing_case_types=(CaseType.COMPLAINT,),
                demo=seed_complaints,
            )
        )
