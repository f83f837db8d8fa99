"""Who signs in how: the site's switches, and who must use two-step verification.

Reads only; the session's two-step state is worked out once, when the person signs in
(signals.py), so no page pays for it afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django_otp import user_has_device

from protocol_portal.org.models import Person, Post

SSO_BACKEND = "protocol_portal.accounts.oidc.PortalOIDCBackend"
TWO_STEP_SESSION_KEY = "portal_two_step"


class TwoStep:
    """What a signed-in session still owes: the values kept in the session."""

    SSO = "sso"  # signed in through the council's provider, which does its own MFA
    VERIFY = "verify"  # has an authenticator: enter a code before anything else
    ENROL = "enrol"  # must use two-step verification and has not set it up yet
    NONE = "none"  # a councillor who has not chosen it (offered, not required)


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def local_passwords_on() -> bool:
    return bool(settings.LOCAL_PASSWORDS)


def is_staff_account(*, person: Person) -> bool:
    """Staff for two-step verification: an admin (staff or superuser) or anyone holding a
    post. Councillors are members, not post holders: for them it is offered, not required."""
    return person.is_staff or person.is_superuser or Post.objects.filter(holder=person).exists()


def two_step_state(*, person: Person, backend: str) -> str:
    """What the session of someone just signed in by `backend` must still do."""
    if backend == SSO_BACKEND:
        return TwoStep.SSO
    if user_has_device(person):
        return TwoStep.VERIFY
    if settings.MFA_REQUIRED and is_staff_account(person=person):
        return TwoStep.ENROL
    return TwoStep.NONE


def two_step_owed(request) -> bool:
    """Signed in with a password, and a code is still to be given (the pages show no
    navigation until it is)."""
    session = getattr(request, "session", None)  # none on a request built without middleware
    state = session.get(TWO_STEP_SESSION_KEY) if session is not None else None
    verified = getattr(getattr(request, "user", None), "is_verified", None)
    return state in (TwoStep.VERIFY, TwoStep.ENROL) and not (verified and verified())
