from django.apps import AppConfig


def _on_rung(case, rung, posts, as_of) -> None:
    from interests.services import register_return_on_rung

    register_return_on_rung(case, rung, posts, as_of)


class InterestsConfig(AppConfig):
    name = "interests"
    verbose_name = "Relationships and interests"

    def ready(self) -> None:
        from interests import determinations, permissions
        from interests.conflicts import check, register_settings
        from interests.demo import seed_interests
        from interests.home import advice_panel, news_panel, relationships_panel
        from protocol_portal.casework.determinations import DeterminationSource
        from protocol_portal.casework.models import RetentionAction
        from protocol_portal.casework.registry import CaseTypeSpec, NavEntry, register
        from protocol_portal.org.models import CaseType

        register_settings()  # the relationship bars and paragraphs in the council files
        six_years = "6 years after closure"
        register(
            CaseTypeSpec(
                # The register-of-interests clock (calendar days) joins the kernel's sweep.
                label="interests.RegisterReturn",
                on_rung=_on_rung,
                nav=NavEntry("Interests", "interests:index", "interests"),
                panels=(relationships_panel, advice_panel, news_panel),
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
                # Who may see each case, derived from it (ADR 0005); the three case types
                # without a clock are declared beside the return.
                access=permissions.RETURN_ACCESS,
                also_access=(
                    permissions.RELATIONSHIP_ACCESS,
                    permissions.NOTICE_ACCESS,
                    permissions.ADVICE_ACCESS,
                ),
                demo=seed_interests,
                determinations=(
                    DeterminationSource(
                        key="relationship",
                        case_type="Relationship declaration",
                        outcomes=determinations.RELATIONSHIP_OUTCOMES,
                        rows=determinations.relationship_decision_rows,
                        url_name="interests:relationship-detail",
                        visible_to=determinations.relationships_visible_to,
                    ),
                    DeterminationSource(
                        key="sensitive_interest",
                        case_type="Sensitive interest",
                        outcomes=determinations.SENSITIVITY_OUTCOMES,
                        rows=determinations.sensitivity_decision_rows,
                        url_name="interests:interest-sensitivity",
                        visible_to=determinations.interests_decidable_by,
                    ),
                ),
            )
        )
