"""Nothing but the two-step pages until a password sign-in that needs a code has given one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse

from protocol_portal.accounts.policy import TWO_STEP_SESSION_KEY, TwoStep, two_step_state

# Pages a half-signed-in person may still open.
OPEN_PAGES = {
    "accounts:two-step-verify",
    "accounts:two-step-set-up",
    "accounts:backup-codes",
    "login",
    "logout",
    "accessibility",
    "source-code",
}


class TwoStepMiddleware:
    """After django-otp's OTPMiddleware. A staff account signed in with a password (or anyone
    who has set up an authenticator) must give a code before any other page, the admin and
    the API included; the admin always asks for one when MFA_REQUIRED is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        state = request.session.get(TWO_STEP_SESSION_KEY)
        if state is None:  # a session from before this was switched on
            backend = request.session.get(BACKEND_SESSION_KEY, "")
            state = request.session[TWO_STEP_SESSION_KEY] = two_step_state(
                person=user, backend=backend
            )
        owed = state in (TwoStep.VERIFY, TwoStep.ENROL) or (
            state == TwoStep.NONE and settings.MFA_REQUIRED and _is_admin(request)
        )
        if not owed or user.is_verified() or _is_open(request):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": "Finish signing in (two-step verification) in the browser first."},
                status=403,
            )
        target = (
            "accounts:two-step-verify" if state == TwoStep.VERIFY else "accounts:two-step-set-up"
        )
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )


def _is_admin(request) -> bool:
    return request.path_info.startswith(reverse("admin:index"))


def _is_open(request) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in OPEN_PAGES
