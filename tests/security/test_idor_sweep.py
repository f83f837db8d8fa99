"""IDOR sweep: every URL and API endpoint that takes an object id or reference, found by walking
the URL resolver, tried by two people with no right to the object with GET, POST, PUT, PATCH and
DELETE. Every request is denied; a denied read answers 404, exactly as for an id that does not
exist, so existence is never confirmed.

A new id-taking URL fails `test_every_id_taking_url_is_swept` until it has a provider below.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.worlds import PDF, Call, foreign_council, run_rolled_back

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Keyword arguments that are not object ids.
NOT_IDS = {"format", "name", "action"}
# Public by design: the published register of interests, looked up by the council's slug.
# Public pages: the register, and the password-reset link (its ids are the signed token itself).
PUBLIC = {
    "interests:register-public",
    "interests-public-register-detail",
    "accounts:password-reset-confirm",
}
MISSING = 99999999


def id_taking_patterns() -> dict[tuple[str, frozenset[str]], str]:
    """(url name, kwargs) → pattern, for every URL outside the admin that takes an id."""
    found = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for item in patterns:
            if isinstance(item, URLResolver):
                inner = item.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(item.url_patterns, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                full = prefix + str(item.pattern)
                kwargs = frozenset(item.pattern.regex.groupindex)
                if full.startswith("admin/") or not (kwargs - NOT_IDS):
                    continue
                assert item.name, f"unnamed id-taking URL {full}: name it so it can be swept"
                name = f"{namespace}:{item.name}" if namespace else item.name
                found[(name, kwargs)] = full

    walk(get_resolver().url_patterns, "", None)
    return found


def build_objects(as_of, settings, tmp_path) -> SimpleNamespace:
    """One object of every kind an id-taking URL points at, each in a council of its own org."""
    from complaints import services as complaint_services
    from complaints.states import Kind
    from interests import services as interest_services
    from interests.models import ActorKind, Capacity, Nature
    from tests.complaints.factories import build_complaint_org
    from tests.conftest import build_org
    from tests.enquiries.helpers import log
    from tests.factories import access_request_rules_create
    from tests.interests.factories import add_relationship_rules
    from tests.interests.factories import build_org as build_interests_org

    settings.MEDIA_ROOT = str(tmp_path)
    o = SimpleNamespace()
    e_org = build_org()
    upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    o.enquiry = log(e_org, as_of, attachments=[upload])
    o.attachment = o.enquiry.attachments.get()

    c_org = build_complaint_org()
    o.complaint = complaint_services.complaint_raise(
        council=c_org.council,
        raiser=c_org.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=c_org.officer,
        summary="Rude on the phone",
        details="The officer was rude.",
        as_of=as_of,
    )
    conduct = complaint_services.complaint_raise(
        council=c_org.council,
        raiser=c_org.officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=c_org.blue_member,
        summary="Bullying at committee",
        details="Shouted at an officer.",
        as_of=as_of,
    )
    complaint_services.complaint_acknowledge(
        complaint=conduct,
        actor=c_org.mo.holder,
        intent="needs_time",
        message="Looking into it.",
        outcome_due_on=date(2026, 3, 20),
        as_of=as_of,
    )
    o.determination = complaint_services.determination_issue(
        complaint=conduct,
        actor=c_org.mo.holder,
        outcome="no_further_action",
        reasons="Nothing in it.",
        with_chief_executive=False,
        as_of=as_of,
    )
    o.conduct = conduct
    o.summary = complaint_services.summary_generate(
        council=c_org.council, start=date(2026, 1, 1), end=date(2026, 3, 31), as_of=as_of
    )

    i_org = build_interests_org(
        slug="interestshire", protocol="001", took_office_on=date(2026, 2, 1)
    )
    add_relationship_rules(i_org)
    red = i_org.members["red_member"]
    o.relationship = interest_services.relationship_declare(
        council=i_org.council,
        declarer=red.person,
        other_person=i_org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="",
        as_of=as_of,
    )
    o.interest = interest_services.interest_register(
        member=red, actor=red.person, category="land", description="Home", as_of=as_of
    )
    o.register_return = interest_services.register_return_open_initial(member=red, as_of=as_of)
    o.notice = interest_services.acting_against_notify(
        member=red,
        actor=red.person,
        acting_party=ActorKind.SPOUSE_PARTNER,
        acting_party_name="Sam",
        capacity=Capacity.PRIVATE,
        action="Judicial review",
        as_of=as_of,
    )
    o.advice = interest_services.advice_request(
        council=i_org.council, requester=red.person, question="Declare?", as_of=as_of
    )
    a_org = build_complaint_org(slug="needshire")
    access_request_rules_create(a_org.council)
    o.access_request, o.release, o.foi = _access_requests(a_org, as_of)
    away = foreign_council()
    # Two people with no right to any of these: a member of another council and an officer of
    # yet another; plus, per family, an unrelated member and officer of the object's own council.
    o.intruders = {
        "enquiries": (e_org.opponent.person, e_org.env_officer.holder),
        "complaints": (c_org.blue_leader.person, c_org.officer_2.holder),
        "interests": (i_org.person("blue_member"), i_org.person("officer_finance")),
        # Another group's member and an officer of another directorate: neither asked, holds,
        # advises on nor answers any of the requests.
        "access_requests": (a_org.blue_member.person, a_org.policy_officer.holder),
        "other": (away.member.person, away.ce.holder),
    }
    return o


def _access_requests(org, as_of):
    """A need-to-know request granted with a document released, and one handled under FOI."""
    from access_requests import services
    from access_requests.selectors import Ask
    from access_requests.states import Outcome, Purpose

    def submit(what: str, **extra):
        ask = Ask(
            what=what,
            directorate=org.housing,
            purpose=Purpose.OTHER,
            justification="The housing panel is reviewing repairs.",
            contract_information=True,
        )
        return services.access_request_submit(
            council=org.council, requester=org.complainant.person, ask=ask, as_of=as_of, **extra
        )

    request = submit("Repairs backlog report")
    services.access_request_decide(
        request=request,
        actor=org.director.holder,
        outcome=Outcome.GRANTED,
        reasons="Needed for the panel's review.",
        as_of=as_of,
    )
    release = services.release_create(
        request=request,
        actor=org.director.holder,
        title="Repairs backlog report",
        upload=SimpleUploadedFile("backlog.pdf", PDF, content_type="application/pdf"),
        as_of=as_of,
    )
    foi = submit("Repairs spend by contractor", wants_foi=True).foi
    return request, release, foi


# url-name prefix → (family, kwargs for a real object, kwargs for one that does not exist)
def providers(o) -> list[tuple[str, str, dict, dict]]:
    ref, missing_ref = o.enquiry.reference, o.enquiry.reference[:-5] + "99999"
    enquiry = {"reference": ref, "pk": o.attachment.pk, "attachment_id": o.attachment.pk}
    enquiry_missing = {"reference": missing_ref, "pk": MISSING, "attachment_id": MISSING}

    def pk(obj, **extra):
        return {"pk": obj.pk, **extra}, {"pk": MISSING, **extra}

    request = {
        "pk": o.access_request.pk,
        "reference": o.access_request.reference,
        "release_pk": o.release.pk,
    }
    request_missing = {
        "pk": MISSING,
        "reference": o.access_request.reference[:-5] + "99999",
        "release_pk": MISSING,
    }
    from protocol_portal.casework.models import Notice

    notice = Notice.objects.filter(person=o.enquiry.member.person).earliest("pk")
    return [
        # A notice opens only for its own recipient (the member here): anyone else, 404.
        ("notice", "enquiries", *pk(notice)),
        ("enquiries:", "enquiries", enquiry, enquiry_missing),
        ("case-access-history", "enquiries", enquiry, enquiry_missing),
        ("enquiry-", "enquiries", enquiry, enquiry_missing),
        ("complaints:summary", "complaints", *pk(o.summary)),
        ("complaint-summary-", "complaints", *pk(o.summary)),
        ("complaint-determination-", "complaints", *pk(o.determination)),
        (
            "complaints:supersede",
            "complaints",
            {"pk": o.conduct.pk, "determination_pk": o.determination.pk},
            {"pk": MISSING, "determination_pk": MISSING},
        ),
        ("complaints:", "complaints", *pk(o.complaint)),
        (
            "complaint-",
            "complaints",
            {"pk": o.complaint.pk, "reference": o.complaint.reference},
            {"pk": MISSING, "reference": o.complaint.reference[:-5] + "99999"},
        ),
        ("interests:relationship-", "interests", *pk(o.relationship)),
        ("interests-relationship-", "interests", *pk(o.relationship)),
        ("interests:interest-", "interests", *pk(o.interest)),
        ("interests-interest-", "interests", *pk(o.interest)),
        ("interests:register-return-", "interests", *pk(o.register_return)),
        ("interests-return-", "interests", *pk(o.register_return)),
        ("interests:acting-against-", "interests", *pk(o.notice)),
        ("interests-acting-against-", "interests", *pk(o.notice)),
        ("interests:advice-", "interests", *pk(o.advice)),
        ("interests-advice-", "interests", *pk(o.advice)),
        ("access_requests:foi-", "access_requests", *pk(o.foi)),
        ("access_requests:", "access_requests", request, request_missing),
        ("access-request-", "access_requests", request, request_missing),
        ("foi-request-", "access_requests", *pk(o.foi)),
        # A council's coverage map: its staff and the site admin only, by the council's slug.
        ("coverage", "other", {"slug": o.enquiry.council.slug}, {"slug": "no-such-council"}),
    ]


def provider_for(name: str, table):
    return next((row for row in table if name.startswith(row[0])), None)


def _url(name: str, kwargs: frozenset[str], values: dict) -> str:
    chosen = {k: values[k] for k in kwargs if k in values}
    if "format" in kwargs:
        chosen["format"] = "json"
    if "name" in kwargs:
        chosen["name"] = "accept"
    if "action" in kwargs:
        chosen["action"] = "end"
    return reverse(name, kwargs=chosen)


def test_every_id_taking_url_is_swept(frozen_objects):
    """The set of id-taking patterns swept equals the set the resolver declares."""
    table = providers(frozen_objects)
    discovered = {key for key in id_taking_patterns() if key[0] not in PUBLIC}
    uncovered = sorted(name for name, _ in discovered if provider_for(name, table) is None)
    assert not uncovered, f"id-taking URLs with no IDOR provider: {uncovered}"


def test_non_entitled_people_are_denied_every_id_taking_url(frozen_objects, capsys):
    o = frozen_objects
    table = providers(o)
    patterns = {k: v for k, v in id_taking_patterns().items() if k[0] not in PUBLIC}
    clients = {}
    wrong, requests, swept = [], 0, set()
    for (name, kwargs), _pattern in sorted(patterns.items(), key=lambda kv: kv[1]):
        _, family, real, missing = provider_for(name, table)
        url, absent = _url(name, kwargs, real), _url(name, kwargs, missing)
        swept.add((name, kwargs))
        for intruder in (*o.intruders[family], *o.intruders["other"])[:2]:
            if intruder.pk not in clients:
                clients[intruder.pk] = Client()
                clients[intruder.pk].force_login(intruder)
            client = clients[intruder.pk]
            for method in METHODS:
                requests += 1
                response, _ = run_rolled_back(Call(method, url, {}, api=True), client)
                code = response.status_code
                if code not in (403, 404, 405):
                    wrong.append(f"{method:6} {url} as {intruder}: {code}")
                    continue
                if method == "GET":
                    requests += 1
                    baseline, _ = run_rolled_back(Call(method, absent, {}, api=True), client)
                    # A read answers 404; a POST-only action answers 405 before any lookup. Either
                    # way, exactly as for an id that does not exist.
                    if code not in (404, 405) or baseline.status_code != code:
                        wrong.append(
                            f"GET    {url} as {intruder}: {code} (missing id: "
                            f"{baseline.status_code}); a denied read must answer 404"
                        )
    assert swept == set(patterns)
    with capsys.disabled():
        print(
            f"\n[IDOR sweep] {len(swept)} id-taking URL patterns × 2 non-entitled people × "
            f"{len(METHODS)} methods: {requests} requests, {len(wrong)} not denied"
        )
    assert not wrong, "\n".join(wrong)


def test_the_admin_is_closed_to_people_who_are_not_staff(frozen_objects, client):
    """Admin URLs take ids too; anyone not staff is sent to the admin sign-in before any lookup."""
    o = frozen_objects
    client.force_login(o.intruders["enquiries"][1])
    url = reverse("admin:enquiries_enquiry_change", args=[o.enquiry.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.fixture
def frozen_objects(db, settings, tmp_path):
    import time_machine

    from protocol_portal.org.calendars import _council_calendar
    from tests.security.conftest import AS_OF

    _council_calendar.cache_clear()
    with time_machine.travel(AS_OF, tick=False):
        yield build_objects(AS_OF, settings, tmp_path)
