"""Pages of signing in: no portal account, two-step verification, password reset.

Writes go through services (accounts/services.py); the views keep only session state.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.util import random_hex

from protocol_portal.accounts import qr, services
from protocol_portal.accounts.forms import CodeForm, PortalPasswordResetForm, PortalSetPasswordForm
from protocol_portal.accounts.oidc import UNKNOWN_SESSION_KEY
from protocol_portal.accounts.policy import (
    TWO_STEP_SESSION_KEY,
    TwoStep,
    is_staff_account,
    local_passwords_on,
)

PENDING_KEY_SESSION_KEY = "portal_totp_pending_key"
CODES_SESSION_KEY = "portal_backup_codes_once"


def sign_in_help() -> dict:
    """Whom a person asks about their account: from the site's settings."""
    return {"help_team": settings.SIGN_IN_HELP_TEAM, "help_email": settings.SIGN_IN_HELP_EMAIL}


def no_account(request):
    """The provider knew the person; the portal does not. They are not signed in."""
    unknown = request.session.get(UNKNOWN_SESSION_KEY) or {}
    context = {"unknown": unknown, "provider": settings.OIDC_PROVIDER_NAME, **sign_in_help()}
    return render(request, "accounts/no_account.html", context)


def admin_login(request):
    """The admin's own password form is not used: the site has one sign-in page, with its
    two-step verification (or none at all when local passwords are off)."""
    if request.user.is_authenticated:
        raise PermissionDenied("Your account cannot use the administration pages.")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))


def _next_url(request, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


@login_required
def two_step_verify(request):
    """After the password: a code from the authenticator app, or a backup code."""
    person = request.user
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not user_has_device(person):
        return redirect(f"{reverse('accounts:two-step-set-up')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(person=person, code=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            request.session[TWO_STEP_SESSION_KEY] = TwoStep.VERIFY
            if isinstance(device, StaticDevice):
                left = services.backup_codes_left(person=person)
                messages.info(
                    request,
                    f"You used a backup code. You have {left} left: each works once.",
                )
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "code",
            "The code is not right. Enter the code your app shows now, or an unused backup "
            "code. After several wrong codes you must wait a little before trying again.",
        )
    context = {"form": form, "next": _next_url(request), **sign_in_help()}
    return render(request, "accounts/two_step_verify.html", context)


@login_required
def two_step_set_up(request):
    """Enrolment: scan the QR code (or type the secret), then prove it with a code."""
    person = request.user
    if user_has_device(person):
        if request.user.is_verified():
            return redirect("accounts:two-step")
        return redirect(f"{reverse('accounts:two-step-verify')}?{request.GET.urlencode()}")
    key_hex = request.session.get(PENDING_KEY_SESSION_KEY)
    if not key_hex:
        key_hex = request.session[PENDING_KEY_SESSION_KEY] = random_hex(20)
    form = CodeForm(request.POST or None, backup_allowed=False)
    if request.method == "POST" and form.is_valid():
        made = services.mfa_enrol(
            person=person, key_hex=key_hex, code=form.cleaned_data["code"], now=time.time()
        )
        if made is not None:
            device, codes = made
            django_otp.login(request, device)
            request.session[TWO_STEP_SESSION_KEY] = TwoStep.VERIFY
            request.session.pop(PENDING_KEY_SESSION_KEY, None)
            request.session[CODES_SESSION_KEY] = codes
            query = urlencode({"next": _next_url(request)})
            return HttpResponseRedirect(f"{reverse('accounts:backup-codes')}?{query}")
        form.add_error(
            "code",
            "The code is not right. Check the app shows Protocol Portal, and enter the code "
            "it shows now",
        )
    url = qr.otpauth_url(key_hex=key_hex, account=person.username, issuer=settings.OTP_TOTP_ISSUER)
    context = {
        "form": form,
        "qr": qr.qr_svg(url, label="QR code to add Protocol Portal to your authenticator app"),
        "secret": qr.spaced_secret(key_hex),
        "required": request.session.get(TWO_STEP_SESSION_KEY) == TwoStep.ENROL,
        "next": _next_url(request),
    }
    return render(request, "accounts/two_step_set_up.html", context)


@login_required
def backup_codes(request):
    """The backup codes, shown once, straight after set-up."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    context = {"codes": codes, "next": _next_url(request), **sign_in_help()}
    return render(request, "accounts/backup_codes.html", context)


@login_required
def two_step(request):
    """Your two-step verification: offered to councillors, required of staff."""
    person = request.user
    context = {
        "sso": request.session.get(TWO_STEP_SESSION_KEY) == TwoStep.SSO,
        "set_up": user_has_device(person),
        "codes_left": services.backup_codes_left(person=person),
        "staff": is_staff_account(person=person) and settings.MFA_REQUIRED,
        **sign_in_help(),
    }
    return render(request, "accounts/two_step.html", context)


# ---- Password reset: Django's own views, only where local passwords are on ---------------


class _LocalPasswordsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not local_passwords_on():
            raise Http404("This site signs in with the council’s account only.")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(_LocalPasswordsOnly, auth_views.PasswordResetView):
    """Whether or not the address is known, the same page follows: nobody learns from it who
    has an account. Mail goes through the site's email backend (EMAIL_URL)."""

    form_class = PortalPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetSentView(_LocalPasswordsOnly, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(_LocalPasswordsOnly, auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(_LocalPasswordsOnly, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
