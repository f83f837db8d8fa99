from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and concerns"

    def ready(self) -> None:
        from complaints import permissions
        from complaints.demo import seed_complaints
        from complaints.home import complaints_panel, determinations_panel, raised_panel
        from complaints.selectors import complaint_route_preview, determination_rows
        from complaints.services import complaint_on_rung
        from complaints.states import DeterminationOutcome
        from protocol_portal.casework.determinations import DeterminationSource
        from protocol_portal.casework.models import RetentionAction
        from protocol_portal.casework.registry import CaseTypeSpec, NavEntry, register
        from protocol_portal.org.models import CaseType

        register(
            CaseTypeSpec(
                "complaints.Complaint",
                on_rung=complaint_on_rung,
                nav=NavEntry("Complaints", "complaints:list", "complaints"),
                panels=(determinations_panel, complaints_panel, raised_panel),
                retention={
                    "complaints.Complaint": (
                        72,
                        RetentionAction.ANONYMISE,
                        "Limitation Act 1980: 6 years",
                    )
                },
                routing_case_types=(CaseType.COMPLAINT,),
                access=permissions.ACCESS,
                determinations=(
                    DeterminationSource(
                        key="complaint",
                        case_type="Code of Conduct complaint",
                        outcomes=tuple(DeterminationOutcome.choices),
                        rows=determination_rows,
                        url_name="complaints:detail",
                    ),
                ),
                demo=seed_complaints,
                route_preview=complaint_route_preview,
            )
        )
