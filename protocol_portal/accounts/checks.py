"""`manage.py check --deploy`: warn about sign-in settings a live site should not run with."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def sign_in_checks(app_configs, **kwargs):
    problems = []
    if settings.LOCAL_PASSWORDS and not settings.MFA_REQUIRED:
        problems.append(
            Warning(
                "Staff can sign in with a password and no second step.",
                hint="Set MFA_REQUIRED=true (the default when DEBUG is off).",
                id="accounts.W001",
            )
        )
    if settings.OIDC_RP_CLIENT_ID and not settings.OIDC_OP_ISSUER:
        problems.append(
            Warning(
                "Single sign-on is on but the provider's issuer is not checked.",
                hint="Set OIDC_OP_ISSUER (set for you by OIDC_ENTRA_TENANT_ID).",
                id="accounts.W002",
            )
        )
    if not settings.LOCAL_PASSWORDS and not settings.OIDC_RP_CLIENT_ID:
        problems.append(
            Warning(
                "Local passwords are off and single sign-on is not set up: nobody can sign in.",
                hint="Set OIDC_RP_CLIENT_ID and the provider's settings, or LOCAL_PASSWORDS=true.",
                id="accounts.W003",
            )
        )
    return problems
