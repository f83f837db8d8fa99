"""The API fuzzed with schemathesis, against its own OpenAPI schema, as three different users.

Every operation in /api/schema/ is called with generated requests (valid by the schema and
deliberately invalid: wrong types, missing fields, out-of-range values) as a member, an officer
and the Monitoring Officer, with path ids drawn both at random and from real enquiries. Each
response must not be a server error and, where the schema documents its status, must conform to
it. Prints the number of requests sent (FUZZ_EXAMPLES: examples per operation and user, 9).
"""

from __future__ import annotations

import os
import secrets
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from enquiries import services as enquiry_services
from tests.conftest import build_org
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "9"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _seed():
    """A council with enquiries in several states; the three users the fuzzer acts as."""
    org = build_org()
    now = timezone.now() - timedelta(days=1)
    received = log(org, now)
    accepted = log(org, now, subject="Fly-tipping on Mill Lane")
    enquiry_services.enquiry_accept(
        enquiry=accepted, actor=org.housing_officer.holder, as_of=now + timedelta(minutes=5)
    )
    closed = log(org, now, subject="Street light out")
    enquiry_services.enquiry_accept(
        enquiry=closed, actor=org.housing_officer.holder, as_of=now + timedelta(minutes=5)
    )
    enquiry_services.enquiry_respond(
        enquiry=closed,
        response="Fixed on Tuesday.",
        actor=org.housing_officer.holder,
        as_of=now + timedelta(minutes=10),
    )
    users = {
        "member": org.raiser.person,
        "officer": org.housing_officer.holder,
        "monitoring officer": org.mo.holder,
    }
    real = {
        "reference": [e.reference for e in (received, accepted, closed)],
        "id": [e.pk for e in (received, accepted, closed)],
    }
    return users, real


def _auth(person) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers): a logged-in session and its CSRF token, as a browser sends them."""
    client = Client()
    client.force_login(person)
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookies = {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: token}
    return cookies, {"X-CSRFToken": token}


def _strategy(operation, real: dict[str, list]):
    """Random requests in both modes; where the path takes an id, also real ids."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    options = [operation.as_strategy(generation_mode=mode) for mode in modes]
    names = [p.name for p in operation.path_parameters]
    if names and all(name in real for name in names):
        options.extend(
            st.fixed_dictionaries({n: st.sampled_from(real[n]) for n in names}).flatmap(
                lambda values, mode=mode: operation.as_strategy(
                    generation_mode=mode, path_parameters=values
                )
            )
            for mode in modes
        )
    return st.one_of(options)


def _fuzz(operation, role, auth, real, sent, statuses, failures) -> None:
    """Run one operation's examples as one user, tallying requests, statuses and failures."""

    @hsettings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, real))
    def fuzz(case):
        cookies, headers = auth
        response = case.call(headers=headers, cookies=cookies)
        if response.status_code == 403 and b"CSRF" in response.content:
            failures.append(f"{role} {operation.label}: the fuzzer's session was refused")
        sent[role] += 1
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:
            failures.append(f"{role} {operation.label} -> {response.status_code}: {exc}")

    fuzz()


@contextmanager
def _connection_kept_open():
    """As Django's test client does: a request must not close the test's database connection
    (on PostgreSQL it holds the test transaction; SQLite's in-memory one is never closed)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_api_fuzzed_as_three_users_gives_no_server_errors_or_schema_violations(capsys):
    with _connection_kept_open():
        _fuzz_all(capsys)


def _fuzz_all(capsys):
    users, real = _seed()
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    started = time.monotonic()

    for role, person in users.items():
        auth = _auth(person)
        for operation in operations:
            _fuzz(operation, role, auth, real, sent, statuses, failures)

    elapsed = time.monotonic() - started
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    with capsys.disabled():
        print(
            f"\nAPI fuzz: {sum(sent.values())} requests over {len(operations)} operations as "
            f"{len(users)} users ({dict(sent)}) in {elapsed:.0f}s; statuses "
            f"{dict(sorted(statuses.items()))}; server errors {server_errors}, "
            f"schema check failures {len(failures)}"
        )
    assert not failures, "\n\n".join(failures[:10])
    assert sum(sent.values()) >= len(operations) * len(users)


def test_an_unmatched_api_path_answers_json_not_the_html_page(client, django_user_model):
    """Found by the fuzz: an id the router cannot match got the GOV.UK HTML 404 page."""
    client.force_login(django_user_model.objects.create(username="api-user"))
    response = client.get("/api/v1/complaints/-3.5e-58/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
