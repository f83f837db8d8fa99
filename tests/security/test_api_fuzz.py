"""The API fuzzed with schemathesis, against its own OpenAPI schema, as three different users.

Every operation in /api/schema/ is called with generated requests (valid by the schema and
deliberately invalid: wrong types, missing fields, out-of-range values) as a member, an officer
and the Monitoring Officer, with path ids drawn both at random and from real cases of every type
(enquiries, complaints, interests, need-to-know and FOI requests) that those users can see, so
most requests reach the services rather than a 404. Each response must not be a server error
and, where the schema documents its status, must conform to it. Prints the number of requests
sent and the status codes, overall and per case type (FUZZ_EXAMPLES: examples per operation and
user, 9).
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
from django.core.files.uploadedfile import SimpleUploadedFile
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
from tests.security.worlds import PDF

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "9"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _seed():
    """One council with every case type in several states, seen by the three users the fuzzer
    acts as: a member (who raised, declared or asked for each), the Housing Director (line
    manager of the enquiries' owner, handler of the complaints about housing staff, holder and
    determiner of the need-to-know requests) and the Monitoring Officer. Returns the users and,
    per API prefix, the real values of each path parameter."""
    org = build_org()
    now = timezone.now() - timedelta(days=1)
    # With an attachment, served as the PDF it is (the schema lists every served type).
    received = log(
        org,
        now,
        attachments=[SimpleUploadedFile("boiler.pdf", PDF, content_type="application/pdf")],
    )
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
        "officer": org.housing_director.holder,
        "monitoring officer": org.mo.holder,
    }
    enquiries = [received, accepted, closed]
    real = {
        "/api/v1/enquiries/": {
            "reference": [e.reference for e in enquiries],
            "id": [e.pk for e in enquiries],
            "attachment_id": list(received.attachments.values_list("pk", flat=True)),
        },
        **_seed_complaints(org, now),
        **_seed_interests(org, now),
        **_seed_access_requests(org, now),
    }
    return users, real


def _seed_complaints(org, now) -> dict:
    """Complaints about a housing officer (the Director handles, the MO is copied in) in three
    states, a code-of-conduct complaint with its determination, and a quarterly summary."""
    from complaints import services
    from complaints.states import Kind
    from protocol_portal.org.models import PostKind
    from tests.complaints.factories import _rule

    council = org.council
    _rule(
        council,
        "c-member-officer",
        "member",
        "officer",
        "first",
        PostKind.DIRECTOR,
        "subject_directorate",
        next_stage="chief-executive",
        copied=[{"kind": "monitoring_officer", "of": "council"}],
        source="T §1",
    )
    _rule(council, "c-ce", "member", "any", "chief-executive", PostKind.CHIEF_EXECUTIVE, source="T")
    _rule(
        council,
        "c-code",
        "any",
        "code_of_conduct",
        "first",
        PostKind.MONITORING_OFFICER,
        next_stage="standards-committee",
        source="T §7",
    )
    director, mo = org.housing_director.holder, org.mo.holder

    def raise_one(n):
        return services.complaint_raise(
            council=council,
            raiser=org.raiser.person,
            kind=Kind.CONCERN_ABOUT_OFFICER,
            subject_post=org.housing_officer,
            summary=f"Rude on the phone ({n})",
            details="The officer was rude when I rang.",
            as_of=now,
        )

    def ack(complaint, actor):
        services.complaint_acknowledge(
            complaint=complaint,
            actor=actor,
            intent="needs_time",
            message="We are looking into it.",
            outcome_due_on=(now + timedelta(days=14)).date(),
            as_of=now,
        )

    received, acknowledged, outcome = raise_one(1), raise_one(2), raise_one(3)
    ack(acknowledged, director)
    ack(outcome, director)
    services.complaint_give_outcome(
        complaint=outcome,
        actor=director,
        outcome="upheld",
        reasons="It happened.",
        action_taken=True,
        disciplinary_notes="",
        as_of=now,
    )
    conduct = services.complaint_raise(
        council=council,
        raiser=org.raiser.person,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=org.opponent,
        summary="Bullying at committee",
        details="Shouted at an officer.",
        as_of=now,
    )
    ack(conduct, mo)
    determination = services.determination_issue(
        complaint=conduct,
        actor=mo,
        outcome="no_further_action",
        reasons="Nothing in it.",
        with_chief_executive=False,
        as_of=now,
    )
    summary = services.summary_generate(
        council=council, start=now.date().replace(day=1), end=now.date(), as_of=now
    )
    return {
        "/api/v1/complaints/": {
            "reference": [c.reference for c in (received, acknowledged, outcome, conduct)]
        },
        "/api/v1/complaint-determinations/": {"id": [determination.pk]},
        "/api/v1/complaint-summaries/": {"id": [summary.pk]},
    }


def _seed_interests(org, now) -> dict:
    """The member's relationship declarations (the CE decides, the MO is told), register entries,
    an initial register return, an acting-against notice and a request for advice."""
    from interests import services
    from interests.models import ActorKind, Capacity, Nature
    from tests.interests.factories import add_rule

    council, member = org.council, org.raiser
    member.took_office_on = now.date() - timedelta(days=3)
    member.save()
    add_rule(
        council,
        "rel-member",
        case_type="relationship",
        raised_by="member",
        handler=("chief_executive", "council"),
        copied=[("monitoring_officer", "council")],
        source="001 §5.3.1.1",
    )

    def declare(other):
        return services.relationship_declare(
            council=council,
            declarer=member.person,
            other_person=other,
            nature=Nature.FAMILY,
            since=None,
            details="My brother.",
            as_of=now,
        )

    declared = declare(org.housing_director.holder)
    decided = declare(org.env_officer.holder)
    services.relationship_decide(
        relationship=decided, actor=org.ce.holder, decision="Noted", mitigations="", as_of=now
    )

    def register(description):
        return services.interest_register(
            member=member,
            actor=member.person,
            category="land",
            description=description,
            sensitive_requested=True,
            sensitive_reason="Threats from a neighbour.",
            as_of=now,
        )

    entries = [register("Home, 1 Mill Lane"), register("Allotment, Station Road")]
    services.interest_remove(interest=entries[1], actor=member.person, as_of=now)
    ret = services.register_return_open_initial(member=member, as_of=now)
    notices = [
        services.acting_against_notify(
            member=member,
            actor=member.person,
            acting_party=ActorKind.SPOUSE_PARTNER,
            acting_party_name="Sam",
            capacity=Capacity.PRIVATE,
            action=f"Judicial review {n}",
            as_of=now,
        )
        for n in (1, 2)
    ]
    services.acting_against_acknowledge(
        notice=notices[1], actor=org.mo.holder, response="Noted", as_of=now
    )
    advice = [
        services.advice_request(
            council=council, requester=member.person, question=f"Declare {n}?", as_of=now
        )
        for n in (1, 2)
    ]
    services.advice_give(request=advice[1], actor=org.mo.holder, advice="Yes.", as_of=now)
    return {
        "/api/v1/interests/relationships/": {"id": [declared.pk, decided.pk]},
        "/api/v1/interests/register-entries/": {"id": [e.pk for e in entries]},
        "/api/v1/interests/returns/": {"id": [ret.pk]},
        "/api/v1/interests/acting-against-notices/": {"id": [n.pk for n in notices]},
        "/api/v1/interests/advice-requests/": {"id": [a.pk for a in advice]},
        "/api/v1/interests/public-register/": {"slug": [council.slug]},
    }


def _seed_access_requests(org, now) -> dict:
    """Need-to-know requests on housing information (the Housing Director decides, 000 §7.2):
    one waiting, one granted with a document released, one refused, one handled under FOI."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from access_requests import services
    from access_requests.selectors import Ask
    from access_requests.states import Outcome, Purpose
    from tests.factories import access_request_rules_create

    access_request_rules_create(org.council)
    director = org.housing_director.holder

    def submit(n, **extra):
        ask = Ask(
            what=f"Repairs contract and prices ({n})",
            directorate=org.housing,
            purpose=Purpose.OTHER,
            justification="Residents report repairs are late.",
            contract_information=True,
        )
        return services.access_request_submit(
            council=org.council, requester=org.raiser.person, ask=ask, as_of=now, **extra
        )

    waiting, granted, refused = submit(1), submit(2), submit(3)
    services.access_request_decide(
        request=granted, actor=director, outcome=Outcome.GRANTED, reasons="Needed.", as_of=now
    )
    release = services.release_create(
        request=granted,
        actor=director,
        title="Repairs contract",
        upload=SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf"),
        as_of=now,
    )
    services.access_request_decide(
        request=refused,
        actor=director,
        outcome=Outcome.REFUSED,
        grounds=["fishing"],
        reasons="Idle curiosity.",
        as_of=now,
    )
    foi = submit(4, wants_foi=True).foi
    return {
        "/api/v1/access-requests/": {
            "reference": [r.reference for r in (waiting, granted, refused, foi.access_request)],
            "release_pk": [release.pk],
        },
        "/api/v1/foi-requests/": {"id": [foi.pk]},
    }


def _auth(person) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers): a logged-in session and its CSRF token, as a browser sends them."""
    client = Client()
    client.force_login(person)
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookies = {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: token}
    return cookies, {"X-CSRFToken": token}


def _real_for(path: str, real: dict[str, dict[str, list]]) -> dict[str, list]:
    """The real path values of the case type this path belongs to (the longest prefix)."""
    prefixes = [prefix for prefix in real if path.startswith(prefix)]
    return real[max(prefixes, key=len)] if prefixes else {}


def _strategy(operation, real: dict[str, dict[str, list]]):
    """Random requests in both modes; where the path takes an id, also real ids of its type,
    twice as often as random ones (a random id is a 404 before anything else is tried)."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    options = [operation.as_strategy(generation_mode=mode) for mode in modes]
    names = [p.name for p in operation.path_parameters]
    real = _real_for(operation.path, real)
    if names and all(name in real for name in names):
        options.extend(
            st.fixed_dictionaries({n: st.sampled_from(real[n]) for n in names}).flatmap(
                lambda values, mode=mode: operation.as_strategy(
                    generation_mode=mode, path_parameters=values
                )
            )
            for mode in modes * 2
        )
    return st.one_of(options)


def _family(path: str) -> str:
    """The case type an API path belongs to: /api/v1/interests/returns/{id}/ -> interests."""
    parts = path.strip("/").split("/")
    return parts[2] if len(parts) > 2 else path


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
        statuses[(_family(operation.path), response.status_code)] += 1
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


def test_api_fuzzed_as_three_users_gives_no_server_errors_or_schema_violations(
    capsys, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    with _connection_kept_open():
        _fuzz_all(capsys)


def _fuzz_all(capsys):
    users, real = _seed()
    app = get_wsgi_application()
    # The schema is for signed-in people only: fetch it as the first of them.
    reader = Client()
    reader.force_login(next(iter(users.values())))
    document = reader.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    # Django's test client connects `close_old_connections` again after its request: disconnect
    # it once more, or the fuzzer's first request closes the test's PostgreSQL connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_dict(document)
    schema.app, schema.location = app, "/api/schema/"
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
    overall = {k: n for k, n in sorted(statuses.items(), key=str) if isinstance(k, int)}
    total = sum(overall.values())
    server_errors = sum(n for status, n in overall.items() if status >= 500)
    families: dict[str, dict[int, int]] = {}
    for key, n in statuses.items():
        if isinstance(key, tuple):
            families.setdefault(key[0], {})[key[1]] = n
    with capsys.disabled():
        print(
            f"\nAPI fuzz: {total} requests over {len(operations)} operations as "
            f"{len(users)} users ({dict(sent)}) in {elapsed:.0f}s; statuses {overall} "
            f"({overall.get(404, 0) / total:.0%} 404); server errors {server_errors}, "
            f"schema check failures {len(failures)}"
        )
        for family, counts in sorted(families.items()):
            print(f"  {family:28} {sum(counts.values()):5} {dict(sorted(counts.items()))}")
    assert not failures, f"{len(failures)} failures; the first lines of each:\n" + "\n".join(
        dict.fromkeys(" | ".join(f.splitlines()[:6]) for f in failures)
    )
    assert server_errors == 0
    assert total >= len(operations) * len(users)
    if EXAMPLES >= 9:
        assert total >= 2_000, "the fuzz keeps its depth: at least 2,000 requests"


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
