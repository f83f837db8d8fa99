"""/health/ for the council's monitoring (django-health-check): the database, the cache, the
uploaded-files storage, Redis and a live Celery worker when the broker is Redis.

Only the monitoring may ask: an address in HEALTH_CHECK_ALLOWED_NETWORKS (the client address as
PROXY_COUNT defines it), or whoever sends HEALTH_CHECK_TOKEN as a bearer token. Anyone else gets
404, as if there were no such page, so the check neither tells an attacker which services run
nor lets anyone make the site ping its worker at will.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest
from health_check.views import HealthCheckView

from protocol_portal.ops.client import client_address


def monitoring_may_ask(request: HttpRequest) -> bool:
    """The request comes from an allowed network or carries the monitoring token."""
    token = settings.HEALTH_CHECK_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request) or "")
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network.strip(), strict=False)
        for network in settings.HEALTH_CHECK_ALLOWED_NETWORKS
        if network.strip()
    )


def _redis_client(url: str):
    from redis.asyncio import Redis

    # Fail fast: a monitor asks every few seconds and must hear "down", not wait.
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def health_checks() -> list:
    """What /health/ runs, from the settings at the time of asking."""
    checks: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
    ]
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        from health_check.contrib.redis import Redis

        checks.append((Redis, {"client_factory": lambda: _redis_client(broker)}))
    if settings.HEALTH_CHECK_CELERY:
        from health_check.contrib.celery import Ping

        from protocol_portal.celery import app

        checks.append((Ping, {"app": app}))
    return checks


class MonitoringHealthCheckView(HealthCheckView):
    async def dispatch(self, request, *args, **kwargs):
        if not monitoring_may_ask(request):
            raise Http404
        return await super().dispatch(request, *args, **kwargs)

    def get_checks(self):
        # Also what `manage.py health_check health --no-http` runs (the worker's health check).
        self.checks = health_checks()
        return super().get_checks()
