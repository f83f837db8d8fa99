"""/health/ (django-health-check) for the council's monitoring only: an allowed network or the
monitoring token, 404 for anyone else, whatever X-Forwarded-For they write."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = "monitoring-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_worker_ping(settings):
    """Who may ask is tested here, whatever the broker: whether a live worker answers is the
    services test's business (test_health_services.py), with a worker it starts itself."""
    settings.HEALTH_CHECK_CELERY = False


def _health(client, **extra):
    return client.get(reverse("health"), HTTP_ACCEPT="application/json", **extra)


def test_this_host_gets_the_checks_of_the_database_cache_and_storage(client):
    response = _health(client, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    checks = response.json()
    assert set(checks.values()) == {"OK"}
    assert {name.split("(")[0] for name in checks} >= {"Database", "Cache", "Storage"}
    assert "no-cache" in response["Cache-Control"]


def test_anyone_else_gets_404(client):
    assert _health(client, REMOTE_ADDR="203.0.113.9").status_code == 404


def test_a_forwarded_for_written_by_the_client_is_not_believed(client):
    response = _health(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 404


def test_the_monitoring_network_may_ask(client, settings):
    settings.HEALTH_CHECK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert _health(client, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert _health(client, REMOTE_ADDR="127.0.0.1").status_code == 404


def test_the_monitoring_token_opens_it_from_anywhere(client, settings):
    settings.HEALTH_CHECK_TOKEN = TOKEN
    ok = _health(client, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ok.status_code == 200
    wrong = _health(client, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 404


def test_no_token_configured_means_no_token_opens_it(client, settings):
    settings.HEALTH_CHECK_TOKEN = ""
    response = _health(client, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_the_probe_over_plain_http_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert _health(client).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_a_redis_broker_adds_redis_and_a_live_worker_to_the_checks(settings):
    from protocol_portal.ops.health import health_checks

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.HEALTH_CHECK_CELERY = True
    names = [
        c[0].__name__ if isinstance(c, tuple) else c.rsplit(".", 1)[1] for c in health_checks()
    ]
    assert names == ["Database", "Cache", "Storage", "Redis", "Ping"]
