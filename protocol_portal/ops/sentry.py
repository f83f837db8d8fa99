"""Sentry, only when SENTRY_DSN is set, and never with personal data: no request bodies,
cookies, identifying headers, query strings or the signed-in person's name, email or address.
Casework is special-category data for some members (UK GDPR Art. 9), so the scrubber drops
whole fields rather than guessing which values are sensitive."""

from __future__ import annotations

from typing import Any

_HEADERS_KEPT = {"accept", "accept-language", "content-type", "content-length", "user-agent"}


def sentry_scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """`before_send` (and `before_send_transaction`): the event, stripped of personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for field in ("data", "cookies", "query_string", "env"):
            request.pop(field, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in _HEADERS_KEPT
            }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        breadcrumb.pop("data", None)
    return event


def sentry_start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Initialise sentry-sdk for the site and the worker (settings.py calls this)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=sentry_scrub,
        before_send_transaction=sentry_scrub,
    )
