from django.apps import AppConfig


class AccessRequestsConfig(AppConfig):
    name = "access_requests"
    verbose_name = "Need-to-know requests"

    def ready(self) -> None:
        from access_requests import permissions, presumptions
        from access_requests.demo import seed_access_requests
        from access_requests.home import access_requests_panel, member_panel
        from access_requests.selectors import access_route_preview, decision_rows
        from access_requests.services import access_request_on_rung, foi_on_rung
        from access_requests.services.foi import on_treated_as_foi
        from access_requests.states import Outcome
        from protocol_portal.casework.determinations import DeterminationSource
        from protocol_portal.casework.handoffs import treated_as_foi
        from protocol_portal.casework.models import RetentionAction
        from protocol_portal.casework.registry import CaseTypeSpec, NavEntry, register
        from protocol_portal.org.models import CaseType
        from protocol_portal.org.protocol_settings import Spec, spec_register

        # A case of another type found to be an FOI request becomes one here (003 §59).
        treated_as_foi.connect(on_treated_as_foi, dispatch_uid="access_requests.foi_from_case")

        # The need-to-know rulebook and refusal grounds are council data (`settings:` in the
        # council file, Council.protocol_settings in the admin); presumptions.py is the engine.
        spec_register(
            "need_to_know_rulebook",
            Spec(
                default=presumptions.default_rulebook_value(),
                help="The paragraph each need-to-know presumption rests on (null: the protocol "
                "has no such presumption); own_body_part_two's kind; whether the general rule is "
                "presumed; how a dispute is decided (consult or refer).",
                check=presumptions.check_rulebook,
            ),
        )
        spec_register(
            "refusal_grounds",
            Spec(
                default={},
                help="Each refusal ground and the paragraph it rests on; a ground left out rests "
                "on the general need-to-know paragraph (the common-law test).",
                check=presumptions.check_grounds,
            ),
        )

        routine = (24, RetentionAction.ANONYMISE, "Routine casework: 2 years")
        register(
            CaseTypeSpec(
                # The need-to-know clock, and the FOI clock beside it, join the kernel's sweep.
                "access_requests.AccessRequest",
                on_rung=access_request_on_rung,
                also=(
                    CaseTypeSpec(
                        "access_requests.FoiRequest",
                        on_rung=foi_on_rung,
                        access=permissions.FOI_ACCESS,
                    ),
                ),
                access=permissions.ACCESS,
                nav=NavEntry("Need to know", "access_requests:list", "access_requests"),
                panels=(access_requests_panel, member_panel),
                retention={
                    "access_requests.AccessRequest": routine,
                    "access_requests.FoiRequest": routine,
                },
                routing_case_types=(CaseType.ACCESS_REQUEST, CaseType.FOI),
                demo=seed_access_requests,
                route_preview=access_route_preview,
                determinations=(
                    DeterminationSource(
                        key="need_to_know",
                        case_type="Need-to-know request",
                        outcomes=tuple(Outcome.choices),
                        rows=decision_rows,
                        url_name="access_requests:detail",
                    ),
                ),
            )
        )
