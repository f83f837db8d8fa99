"""Single sign-on by OpenID Connect (authorization code with PKCE), on mozilla-django-oidc.

The person is found by the provider's stable subject in the signed ID token (services.
sso_sign_in); the userinfo endpoint is never asked, since Microsoft's does not carry `oid` or
`tid`. Nobody is created: an unknown subject is told whom to ask, and is not signed in.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from protocol_portal.accounts import services
from protocol_portal.accounts.policy import sso_enabled

log = logging.getLogger(__name__)

UNKNOWN_SESSION_KEY = "portal_sso_unknown"


class NoPortalAccountError(Exception):
    """The provider signed someone in whom no portal account is linked to.

    Raised rather than returned as None: Django would then send `user_login_failed`, and
    django-axes would count it against the client's address, so a few people without an
    account would lock single sign-on for their whole office. Nobody guessed a password here.
    """

    def __init__(self, details: dict):
        super().__init__("no portal account for this subject")
        self.details = details


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Signs in only a person an admin has linked to the provider's subject."""

    def authenticate(self, request, **kwargs):
        if not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature, expiry and nonce; the audience and issuer
        are checked here, so a token minted for another application or tenant is refused."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another application.")
        issuer = settings.OIDC_OP_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        outcome = services.sso_sign_in(claims=payload, as_of=timezone.now())
        if outcome.person is None:
            raise NoPortalAccountError(
                {
                    "issuer": outcome.issuer,
                    "subject": outcome.subject,
                    "name": payload.get("name") or payload.get("preferred_username") or "",
                }
            )
        services.sso_groups_apply(person=outcome.person, claims=payload)
        return outcome.person


class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a state, a nonce and a PKCE challenge."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not set up on this site.")
        return super().dispatch(request, *args, **kwargs)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back. An unknown person goes to the page that says
    whom to ask; a provider that cannot be reached is a message, never an error page."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not set up on this site.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except NoPortalAccountError as unknown:
            request.session[UNKNOWN_SESSION_KEY] = unknown.details
            return HttpResponseRedirect(reverse("accounts:no-account"))
        except requests.RequestException as exc:
            log.warning("single sign-on: the provider could not be reached: %s", exc)
            messages.error(
                request,
                f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work: the sign-in "
                "service did not answer. Try again in a few minutes.",
            )
            return HttpResponseRedirect(reverse("login"))
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            # A replayed or stale callback, or a token that fails its checks.
            log.warning("single sign-on: refused a callback: %s", exc)
            messages.error(
                request,
                f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again.",
            )
            return HttpResponseRedirect(reverse("login"))

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            text = (
                "This account has been switched off. Ask your council’s member services "
                "team to turn it back on."
            )
        else:
            text = f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again."
        messages.error(self.request, text)
        return HttpResponseRedirect(reverse("login"))
