from django.apps import AppConfig


def _on_rung(case, rung, posts, as_of) -> None:
    from interests.services import register_return_on_rung

    register_return_on_rung(case, rung, posts, as_of)


class InterestsConfig(AppConfig):
    name = "interests"
    verbose_name = "Relationships and interests"

    def ready(self) -> None:
        from interests.conflicts import check
        from protocol_portal.casework.conflicts import register_checker
        from protocol_portal.casework.registry import CaseTypeSpec, register

        # The register-of-interests clock (calendar days) joins the kernel's chaser sweep.
        register(CaseTypeSpec(label="interests.RegisterReturn", on_rung=_on_rung))
        register_checker(check)
