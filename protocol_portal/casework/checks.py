"""System checks (`manage.py check`, and before `runserver`, `migrate` and the test run's
`check --deploy` in CI) for what the kernel needs from the case apps."""

from __future__ import annotations

from django.core import checks

from protocol_portal.casework import conflicts


@checks.register()
def conflict_checker_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Without a conflict checker every conflict check answers "no conflict": complaints would
    be handled by a conflicted officer and a member's own interest never flagged (the checker
    cites each paragraph, e.g. 004 §3.3). A case app's spec registers the checker, so leaving
    that app out of INSTALLED_APPS would otherwise fail open, silently (code review A3)."""
    if conflicts._checkers:
        return []
    return [
        checks.Error(
            "No conflict checker is registered, so every conflict check would find nothing.",
            hint="Install the case app that registers one (CaseTypeSpec(conflict_checker=...) "
            "in its AppConfig.ready), or register one with "
            "protocol_portal.casework.conflicts.register_checker.",
            id="casework.E001",
        )
    ]
