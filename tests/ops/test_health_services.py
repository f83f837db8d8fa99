"""/health/ turns red when Redis is down or no Celery worker answers (real Redis, PostgreSQL and
worker; marked `services`). Also: the request id of whoever published a task is in the worker's
log lines for that task."""

import pytest
from django.urls import reverse

from protocol_portal.ops import request_id
from tests.services import ROOT, celery_worker, require_services, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db]

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _health(client):
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


def _failing(checks: dict) -> set[str]:
    return {name.split("(")[0] for name, state in checks.items() if state != "OK"}


def test_health_is_green_with_a_worker_and_red_without_one(client, settings):
    require_services()
    settings.HEALTH_CHECK_CELERY = True
    with celery_worker(name="health", concurrency=1):
        assert wait_until(lambda: _health(client)[0] == 200, timeout=20), _health(client)
        status, checks = _health(client)
        assert {name.split("(")[0] for name in checks} == {
            "Database",
            "Cache",
            "Storage",
            "Redis",
            "Ping",
        }
    status, checks = _health(client)
    assert status == 500
    assert _failing(checks) == {"Ping"}
    assert "Celery workers unavailable" in checks[next(n for n in checks if n.startswith("Ping"))]


def test_health_is_red_when_redis_is_down(client, settings):
    require_services()
    settings.HEALTH_CHECK_CELERY = False
    settings.CELERY_BROKER_URL = CLOSED
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}
    }
    status, checks = _health(client)
    assert status == 500
    assert _failing(checks) == {"Redis", "Cache"}


def test_a_task_logs_with_the_request_id_of_whoever_published_it(settings):
    require_services()
    from protocol_portal.casework.tasks import deliver_pending_outbox

    log = ROOT / "var" / "worker-request-id.log"
    with celery_worker(name="request-id", concurrency=1):
        token = request_id._current.set("test-request-5f2c9a71")
        try:
            deliver_pending_outbox.delay()
        finally:
            request_id._current.reset(token)
        assert wait_until(lambda: "succeeded" in log.read_text(), timeout=20), log.read_text()
    [line] = [line for line in log.read_text().splitlines() if "succeeded" in line]
    assert "[test-request-5f2c9a71]" in line
