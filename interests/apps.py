from django.apps import AppConfig


def _on_rung(case, rung, posts, as_of) -> None:
    from interests.services import register_return_on_rung

    register_return_on_rung(case, rung, posts, as_of)


class InterestsConfig(AppConfig):
    name = "interests"
    verbose_name = "Relationships and interests"

    def ready(self) -> None:
        from interests.conflicts import check
        from interests.demo import seed_interests
        from protocol_portal.casework.models import RetentionAction
        from protocol_portal.casework.registry import CaseTypeSpec, NavEntry, register
        from protocol_portal.org.models import CaseType

        six_years = "6 years after closure"
        register(
            CaseTypeSpec(
                # The register-of-interests clock (calendar days) joins the kernel's sweep.
                label="interests.RegisterReturn",
                on_rung=_on_rung,
                nav=NavEntry("Interests", "interests:index", "interests"),
                retention={
                    "interests.Relationship": (
                        72,
                        RetentionAction.ANONYMISE,
                        "Personnel record: 6 years",
                    ),
                    "interests.RegisterReturn": (
                        72,
                        RetentionAction.ANONYMISE,
                        "Register: 6 years",
                    ),
                    "interests.ActingAgainstNotice": (72, RetentionAction.ANONYMISE, six_years),
                    "interests.AdviceRequest": (72, RetentionAction.ANONYMISE, six_years),
                },
                routing_case_types=(CaseType.RELATIONSHIP, CaseType.INTEREST),
                conflict_checker=check,
                demo=seed_interests,
            )
        )
