"""JSON logs with a request id in every line (also gunicorn's access log), the id carried into
Celery tasks, and Sentry: started only with SENTRY_DSN, and never sent personal data."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery import signals
from django.urls import reverse

from protocol_portal.ops import request_id
from protocol_portal.ops.access_log import access_line
from protocol_portal.ops.sentry import sentry_scrub

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SENTRY_DSN", "LOG_FORMAT")
        }
        | {"DJANGO_SETTINGS_MODULE": "protocol_portal.settings"}
        | env,
        capture_output=True,
        text=True,
        check=False,
    )


# -- request ids ---------------------------------------------------------------------------


def test_each_response_carries_a_fresh_request_id(client):
    first = client.get(reverse("login"))["X-Request-ID"]
    second = client.get(reverse("login"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_an_incoming_request_id_is_taken_only_from_a_trusted_proxy(client, settings):
    settings.REQUEST_ID_TRUST_HEADER = False
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="proxy-id-1234")["X-Request-ID"] != (
        "proxy-id-1234"
    )
    settings.REQUEST_ID_TRUST_HEADER = True
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="proxy-id-1234")["X-Request-ID"] == (
        "proxy-id-1234"
    )


@pytest.mark.parametrize("forged", ['a" "level": "ERROR', "id\nfake log line", "x" * 300, "short"])
def test_an_id_that_could_forge_a_log_line_is_replaced(client, settings, forged):
    settings.REQUEST_ID_TRUST_HEADER = True
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID=forged)["X-Request-ID"] != forged


def test_every_log_line_of_a_request_is_json_with_its_request_id():
    """What the council's log collector reads from the site in production (LOG_FORMAT=json)."""
    result = _run(
        "from django.test import Client\n"
        "response = Client().get('/no-such-page/')\n"
        "print(response['X-Request-ID'])",
        LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    sent_back = result.stdout.strip()
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [not_found] = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["level"] == "WARNING"
    assert not_found["message"] == "Not Found: /no-such-page/"
    assert not_found["request_id"] == sent_back
    assert "time" in not_found


def test_publishing_a_task_carries_the_request_id_in_its_headers():
    from protocol_portal.casework.tasks import deliver_pending_outbox
    from protocol_portal.celery import app

    published: list[dict] = []

    def keep(headers=None, **kwargs):
        published.append(dict(headers))

    signals.before_task_publish.connect(keep)
    app.conf.task_always_eager = False
    token = request_id._current.set("req-0123456789")
    try:
        with app.connection_for_write("memory://") as connection:
            deliver_pending_outbox.apply_async(connection=connection)
    finally:
        request_id._current.reset(token)
        signals.before_task_publish.disconnect(keep)
    assert published[-1][request_id.TASK_HEADER] == "req-0123456789"


@pytest.mark.parametrize(
    "task_request",
    [
        SimpleNamespace(portal_request_id="req-0123456789"),  # as a worker hands it over
        SimpleNamespace(headers={"portal_request_id": "req-0123456789"}),  # an inline run
    ],
)
def test_a_task_runs_under_the_request_id_it_was_published_with(task_request):
    task = SimpleNamespace(request=task_request)
    request_id._restore_request_id(task_id="t-1", task=task)
    assert request_id.current_request_id() == "req-0123456789"
    request_id._forget_request_id(task_id="t-1")
    assert request_id.current_request_id() == "-"


def test_a_task_nobody_published_from_a_request_gets_an_id_of_its_own():
    request_id._restore_request_id(task_id="t-2", task=SimpleNamespace(request=SimpleNamespace()))
    assert re.fullmatch(r"[0-9a-f]{32}", request_id.current_request_id())
    request_id._forget_request_id(task_id="t-2")


def test_gunicorns_access_log_is_one_json_object_a_line_even_with_quotes():
    line = access_line(
        {
            "m": "GET",
            "U": "/enquiries/",
            "q": "search=Mrs+Smith",
            "s": "200",
            "M": 12,
            "h": "10.0.0.5",
            "a": 'Mozilla/5.0 "quoted" \\ agent',
            "{x-request-id}o": "0123456789abcdef",
        }
    )
    record = json.loads(line)
    assert record["request_id"] == "0123456789abcdef"
    assert record["user_agent"] == 'Mozilla/5.0 "quoted" \\ agent'
    assert "Smith" not in line  # no query string


def test_gunicorn_reads_its_settings_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
            "print(c['workers'], c['threads'], c['timeout'], c['max_requests'], "
            "c['max_requests_jitter'], c['forwarded_allow_ips'], c['logger_class'])",
        ],
        cwd=ROOT,
        env=os.environ
        | {
            "GUNICORN_WORKERS": "7",
            "GUNICORN_THREADS": "4",
            "GUNICORN_TIMEOUT": "45",
            "FORWARDED_ALLOW_IPS": "10.0.0.5",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "7",
        "4",
        "45",
        "1000",
        "100",
        "10.0.0.5",
        "protocol_portal.ops.access_log.JsonAccessLogger",
    ]


# -- Sentry --------------------------------------------------------------------------------


def test_the_scrubber_strips_bodies_cookies_headers_and_who_the_user_is():
    event = {
        "message": "Something failed",
        "request": {
            "url": "https://portal.example.gov.uk/enquiries/new/",
            "method": "POST",
            "data": {"summary": "Mrs Smith's housing benefit", "password": "secret"},
            "cookies": {"sessionid": "abc"},
            "query_string": "q=Mrs+Smith",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Bearer x",
                "X-Forwarded-For": "203.0.113.9",
                "User-Agent": "Firefox",
            },
        },
        "user": {
            "id": "42",
            "email": "cllr.smith@hackney.example",
            "username": "hackney.cllr-dalston-1",
            "ip_address": "203.0.113.9",
        },
        "breadcrumbs": {"values": [{"category": "query", "data": {"params": ["Mrs Smith"]}}]},
    }
    scrubbed = json.dumps(sentry_scrub(event, {}))
    for personal in ("Mrs Smith", "secret", "sessionid", "203.0.113.9", "cllr.smith", "dalston"):
        assert personal not in scrubbed
    assert event["user"] == {"id": "42"}
    assert event["request"]["headers"] == {"User-Agent": "Firefox"}
    assert event["request"]["url"].endswith("/enquiries/new/")


def test_sentry_starts_only_with_a_dsn_and_without_personal_data():
    ask = (
        "import sentry_sdk\n"
        "client = sentry_sdk.get_client()\n"
        "print(client.is_active(), client.options.get('send_default_pii'), "
        "getattr(client.options.get('before_send'), '__name__', None))"
    )
    assert _run(ask).stdout.split() == ["False", "None", "None"]
    started = _run(ask, SENTRY_DSN="https://public@127.0.0.1:9/1")
    assert started.stdout.split() == ["True", "False", "sentry_scrub"], started.stderr[-2000:]


def _gunicorn_setting(name: str, **env: str) -> str:
    code = f"import runpy; print(runpy.run_path('gunicorn.conf.py').get({name!r}))"
    environment = {k: v for k, v in os.environ.items() if k != "PROXY_COUNT"} | env
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    return result.stdout.strip()


def test_without_a_proxy_gunicorn_takes_no_https_from_a_client_header():
    """F14 at gunicorn's level: its default believes X-Forwarded-Proto from 127.0.0.1."""
    assert _gunicorn_setting("secure_scheme_headers") == "{}"
    assert _gunicorn_setting("secure_scheme_headers", PROXY_COUNT="1") == "None"  # the default


@pytest.mark.parametrize(
    "start",
    [
        "import runpy; runpy.run_path('gunicorn.conf.py')['when_ready'](None)",
        "import django; django.setup(); from celery import signals; "
        "import protocol_portal.celery; signals.worker_process_init.send(sender='w1')",
    ],
    ids=["gunicorn master, once ready", "celery worker process, once started"],
)
def test_a_server_process_freezes_what_it_imported_for_the_collector(start):
    """gunicorn's master (before forking its workers) and each Celery worker process (once
    started) move the objects they hold to the collector's permanent generation: collections
    while serving never walk them again (bench/README.md, "Chaser firing, batched")."""
    result = subprocess.run(
        [sys.executable, "-c", f"import gc; {start}; print(gc.get_freeze_count())"],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "protocol_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 10_000
