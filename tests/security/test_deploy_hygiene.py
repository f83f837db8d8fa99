"""Deploy hygiene: production settings pass Django's deploy checks, headers are set, sessions of
disabled people die, and repeated failed logins lock the account."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from protocol_portal.org.models import Person

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        # Not DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it for Playwright, and it is an
        # error in production, so it must not leak into this production-like check.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-like-" + "z" * 30,
        "ALLOWED_HOSTS": "portal.example.gov.uk",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("max_age", "checked"), [("60", "True"), ("0", "False")])
def test_kept_database_connections_are_checked_before_reuse(max_age, checked):
    """docker-compose.yml keeps connections for 60 s: each is checked before a request reuses
    it, so a database restart costs no failed request; closed per request, nothing to check."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])",
        ],
        cwd=ROOT,
        env=env | {"CONN_MAX_AGE": max_age, "DJANGO_SETTINGS_MODULE": "protocol_portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == checked, result.stderr
    assert 'CONN_MAX_AGE: "60"' in (ROOT / "docker-compose.yml").read_text()


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    } | {"DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached_and_carry_security_headers(client):
    person = Person.objects.create_user("alice", password="a-long-password-1")
    client.force_login(person)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_disabled_persons_session_stops_on_the_next_request(client):
    person = Person.objects.create_user("bob", password="a-long-password-1")
    client.force_login(person)
    assert client.get(reverse("home")).status_code == 200
    person.is_active = False
    person.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_login_locks_out_after_repeated_failures(client, settings):
    Person.objects.create_user("carol", password="the-right-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "carol", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "carol", "password": "the-right-password-1"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
