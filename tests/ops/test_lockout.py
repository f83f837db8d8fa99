"""A lockout that is not a denial of service (security probe F6, F14): five wrong passwords pause
the username from that address only; the client's address is the connection's unless the
deployment says a proxy is in front, and only then is the proxy's HTTPS header believed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from protocol_portal.ops.client import client_address
from protocol_portal.org.models import Person

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "the-right-password-1"
pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return Person.objects.create_user("hackney.monitoring-officer", password=PASSWORD)


def _sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail_five_times(client, username, address):
    for _ in range(5):
        response = _sign_in(client, username, "wrong", REMOTE_ADDR=address)
        assert response.status_code in (200, 429)


def test_five_wrong_passwords_from_one_address_do_not_lock_the_officer_out_elsewhere(
    client, officer, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    _fail_five_times(client, officer.username, "203.0.113.9")
    response = _sign_in(client, officer.username, PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_they_do_pause_that_username_from_that_address(client, officer):
    _fail_five_times(client, officer.username, "203.0.113.9")
    response = _sign_in(client, officer.username, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_they_do_not_pause_another_person_from_the_same_address(client, officer):
    other = Person.objects.create_user("hackney.chief-executive", password=PASSWORD)
    _fail_five_times(client, officer.username, "203.0.113.9")
    response = _sign_in(client, other.username, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


def test_a_spoofed_forwarded_for_without_a_proxy_does_not_change_the_address(client, officer):
    """An attacker cannot dodge the pause by writing a fresh X-Forwarded-For on each try."""
    for n in range(5):
        _sign_in(
            client,
            officer.username,
            "wrong",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = _sign_in(
        client,
        officer.username,
        PASSWORD,
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429


def test_behind_one_proxy_each_client_is_told_apart(client, officer, settings):
    """All requests come from the proxy's address; the client is the address the proxy saw."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.5"
    for _ in range(5):
        _sign_in(
            client,
            officer.username,
            "wrong",
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="forged, 203.0.113.9",
        )
    response = _sign_in(
        client, officer.username, PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert response.status_code == 302


def test_client_address_reads_only_what_the_proxy_count_allows(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == "10.0.0.5"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_address(request) == "203.0.113.9"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    assert client_address(request) == "1.2.3.4"


def _settings_with(env: dict[str, str], expression: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "PROXY_COUNT"}
        | {"DJANGO_SETTINGS_MODULE": "protocol_portal.settings"}
        | env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_the_proxy_https_header_is_believed_only_with_a_proxy_in_front():
    """F14: with gunicorn reachable directly, X-Forwarded-Proto: https must not skip the
    redirect to HTTPS."""
    expression = "(settings.SECURE_PROXY_SSL_HEADER, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    assert _settings_with({}, expression) == "(None, 0)"
    assert _settings_with({"PROXY_COUNT": "1"}, expression) == (
        "(('HTTP_X_FORWARDED_PROTO', 'https'), 1)"
    )


def test_without_a_proxy_a_forwarded_proto_header_does_not_skip_the_https_redirect(
    client, settings
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_compose_publishes_gunicorn_to_this_host_only_and_says_a_proxy_is_in_front():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["ports"] == ["${WEB_PUBLISH:-127.0.0.1:8000}:8000"]
    assert compose["x-portal"]["environment"]["PROXY_COUNT"] == "${PROXY_COUNT:-1}"


def test_api_throttling_counts_in_the_shared_cache(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"user", "anon"}
    assert _settings_with(
        {"CACHE_URL": "redis://127.0.0.1:6379/1"}, "settings.CACHES['default']['BACKEND']"
    ) == ("django.core.cache.backends.redis.RedisCache")
    assert "LocMemCache" in _settings_with({}, "settings.CACHES['default']['BACKEND']")


def test_the_api_answers_429_past_a_persons_ceiling(client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates once, at import: lower them where it keeps them.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/hour", "anon": "3/hour"})
    client.force_login(Person.objects.create_user("integration", password=PASSWORD))
    statuses = [client.get("/api/v1/enquiries/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
