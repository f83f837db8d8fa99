"""Lists, search, filters, exports, home-page counts and reports never show a case the viewer
cannot open, and their counts are the number the viewer can open.

One database holds the enquiries, complaints and interests worlds (tests/security/worlds.py),
the complaints Standards summary and another council. For every person in those worlds:

- every API list answers exactly the objects `check_perm` lets the person open (all pages), and
  its `count` is that number;
- every case reference (XXX-ENQ-2026-00001, ...) or case link on a browser list, search result,
  filtered list, dashboard, CSV export, report or home-page panel belongs to a case the person can
  open, and a home-page panel's count is never more than what the person can open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client

from tests.security.conftest import AS_OF
from tests.security.worlds import WORLDS, interests_cast, raise_conduct_complaint

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"\b[A-Z]{3}-[A-Z]{3}-\d{4}-\d{5}\b")
# Case links whose id is not a reference: url pattern → model label.
LINKS = {
    r"/complaints/(\d+)/": "complaints.Complaint",
    r"/complaints/summaries/(\d+)/": "complaints.QuarterlySummary",
    r"/interests/relationships/(\d+)/": "interests.Relationship",
    r"/interests/register/interests/(\d+)/": "interests.Interest",
    r"/interests/register/returns/(\d+)/": "interests.RegisterReturn",
    r"/interests/acting-against/(\d+)/": "interests.ActingAgainstNotice",
    r"/interests/advice/(\d+)/": "interests.AdviceRequest",
    r"/access-requests/(\d+)/": "access_requests.AccessRequest",
    r"/access-requests/foi/(\d+)/": "access_requests.FoiRequest",
}


def _openers() -> dict[str, Callable]:
    """model label → may(user, obj): the one helper each app's detail view uses."""
    from complaints import permissions as cp
    from complaints.selectors import complaint_lens
    from enquiries import permissions as ep
    from interests import permissions as ip
    from protocol_portal.casework.permissions import check_perm

    def perm(name):
        return lambda user, obj: check_perm(user, name, obj)

    found = {
        "enquiries.Enquiry": perm(ep.VIEW),
        "complaints.Complaint": lambda u, c: complaint_lens(user=u, complaint=c).any,
        "complaints.QuarterlySummary": perm(cp.VIEW_SUMMARY),
        "interests.Relationship": perm(ip.VIEW_RELATIONSHIP),
        "interests.Interest": perm(ip.VIEW_INTEREST),
        "interests.RegisterReturn": perm(ip.VIEW_RETURN),
        "interests.ActingAgainstNotice": perm(ip.VIEW_NOTICE),
        "interests.AdviceRequest": perm(ip.VIEW_ADVICE),
    }
    if apps.is_installed("access_requests"):
        from access_requests import permissions as ap

        found["access_requests.AccessRequest"] = perm(ap.VIEW)
        found["access_requests.FoiRequest"] = perm(ap.FOI_VIEW)
    return found


@dataclass(frozen=True)
class ApiList:
    url: str
    model: str
    key: str = "id"


API_LISTS = [
    ApiList("/api/v1/enquiries/", "enquiries.Enquiry", "reference"),
    ApiList("/api/v1/complaints/", "complaints.Complaint"),
    ApiList("/api/v1/complaint-summaries/", "complaints.QuarterlySummary"),
    ApiList("/api/v1/interests/relationships/", "interests.Relationship"),
    ApiList("/api/v1/interests/register-entries/", "interests.Interest"),
    ApiList("/api/v1/interests/returns/", "interests.RegisterReturn"),
    ApiList("/api/v1/interests/acting-against-notices/", "interests.ActingAgainstNotice"),
    ApiList("/api/v1/interests/advice-requests/", "interests.AdviceRequest"),
    ApiList("/api/v1/access-requests/", "access_requests.AccessRequest"),
    ApiList("/api/v1/foi-requests/", "access_requests.FoiRequest"),
]

# Browser pages that list, search, filter, count or export cases ({summary}: a summary's id).
PAGES = [
    "/",
    "/enquiries/",
    "/enquiries/queue/",
    "/enquiries/queue/?scope=team",
    "/enquiries/queue/?scope=directorate",
    "/enquiries/queue/?scope=council",
    "/enquiries/queue/?q=Boiler",
    "/enquiries/queue/?q=ENQ",
    "/enquiries/queue/?status=closed",
    "/enquiries/queue/?status=referred_mo",
    "/enquiries/queue/?overdue=1",
    "/enquiries/dashboard/",
    "/enquiries/dashboard.csv",
    "/complaints/",
    "/complaints/?page=2",
    "/complaints/mo/",
    "/complaints/summaries/",
    "/complaints/summaries/{summary}/",
    "/complaints/summaries/{summary}/csv/",
    "/api/v1/complaint-summaries/{summary}/",
    "/api/v1/enquiries/?status=closed",
    "/api/v1/complaints/?status=received",
    "/interests/",
    "/interests/register/",
    "/access-requests/",
]


@pytest.fixture
def everything(frozen_world, settings, tmp_path):
    """Every world in one database, a Standards summary, and the cast of each."""
    from complaints import services as complaint_services

    worlds = {name: frozen_world(name) for name in ("enquiries", "complaints")}
    cast = interests_cast(AS_OF)
    for name in (
        "relationships",
        "register_entries",
        "register_returns",
        "acting_against_notices",
        "advice_requests",
    ):
        worlds[name] = WORLDS[name](AS_OF, settings, tmp_path, cast=cast)
    c_org = worlds["complaints"].extra["org"]
    raise_conduct_complaint(c_org)  # the summary lists member-conduct complaints
    summary = complaint_services.summary_generate(
        council=c_org.council,
        start=AS_OF.date().replace(month=1, day=1),
        end=AS_OF.date(),
        as_of=AS_OF,
    )
    people = {}
    for world in worlds.values():
        for person in world.people.values():
            if person is not None:
                people[person.pk] = person
    return worlds, summary, list(people.values())


def _by_reference() -> dict[str, tuple[str, object]]:
    found = {}
    for label in _openers():
        model = apps.get_model(label)
        if any(f.name == "reference" for f in model._meta.fields):
            for obj in model.objects.all():
                found[obj.reference] = (label, obj)
    return found


def _openable(label: str, user) -> set:
    may = _openers()[label]
    return {obj.pk for obj in apps.get_model(label).objects.all() if may(user, obj)}


def _leaks(body: str, user, refs: dict, may: dict) -> list[str]:
    """References and case links in the body that the user may not open."""
    leaked = []
    for ref in set(REFERENCE.findall(body)):
        if ref in refs:
            label, obj = refs[ref]
            if not may[label](user, obj):
                leaked.append(ref)
    for pattern, label in LINKS.items():
        if label not in may:
            continue
        model = apps.get_model(label)
        for pk in set(re.findall(pattern, body)):
            obj = model.objects.filter(pk=int(pk)).first()
            if obj is not None and not may[label](user, obj):
                leaked.append(f"{label}#{pk}")
    return leaked


def _api_keys(client, url: str, key: str) -> tuple[list, int | None, int]:
    """Every key over all pages, the first page's count, and the number of requests made."""
    keys, count, requests = [], None, 0
    while url:
        requests += 1
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        data = response.json()
        if isinstance(data, list):
            keys += [item[key] for item in data]
            break
        count = data["count"] if count is None else count
        keys += [item[key] for item in data["results"]]
        url = data.get("next")
    return keys, count, requests


def test_api_lists_answer_exactly_what_each_person_can_open(everything, capsys):
    worlds, summary, people = everything
    may = _openers()
    checks, requests, wrong = 0, 0, []
    lists = [a for a in API_LISTS if a.model in may]
    for user in people:
        client = Client()
        client.force_login(user)
        for api_list in lists:
            model = apps.get_model(api_list.model)
            openable = _openable(api_list.model, user)
            keys, count, made = _api_keys(client, api_list.url, api_list.key)
            requests += made
            checks += 1
            listed = (
                set(model.objects.filter(reference__in=keys).values_list("pk", flat=True))
                if api_list.key == "reference"
                else set(keys)
            )
            if len(keys) != len(set(keys)):
                wrong.append(f"{user.username:28} {api_list.url}: listed twice")
            if listed - openable:
                wrong.append(
                    f"{user.username:28} {api_list.url}: leaks {sorted(listed - openable)}"
                )
            if openable - listed:
                wrong.append(
                    f"{user.username:28} {api_list.url}: misses {sorted(openable - listed)}"
                )
            if count is not None and count != len(openable):
                wrong.append(f"{user.username:28} {api_list.url}: count {count} != {len(openable)}")
    with capsys.disabled():
        print(
            f"\n[list leakage] API: {len(lists)} lists × {len(people)} people = {checks} list "
            f"checks ({requests} requests), {len(wrong)} wrong"
        )
    assert not wrong, "\n".join(wrong)


def test_pages_exports_reports_and_counts_show_only_openable_cases(everything, capsys):
    from protocol_portal.web.home import panels_for

    worlds, summary, people = everything
    may = _openers()
    refs = _by_reference()
    assert len(refs) >= 25, "the worlds hold cases with references"
    checks, requests, wrong, shown = 0, 0, [], 0
    for user in people:
        client = Client()
        client.force_login(user)
        for page in PAGES:
            url = page.format(summary=summary.pk)
            requests += 1
            response = client.get(url)
            if response.status_code in (302, 403, 404):
                continue  # not theirs to see at all
            assert response.status_code == 200, (user.username, url, response.status_code)
            checks += 1
            body = response.content.decode()
            shown += len(set(REFERENCE.findall(body)))
            for leak in _leaks(body, user, refs, may):
                wrong.append(f"{user.username:28} {url}: shows {leak}")
        # Home-page panels: each count is at most what the person can open, items all openable.
        request = client.get("/").wsgi_request
        total_openable = sum(len(_openable(label, user)) for label in may)
        for panel in panels_for(request):
            if "start" in panel:  # a start button ("Log an enquiry"): no cases in it
                continue
            checks += 1
            items = [i for i in panel["items"] if isinstance(i, dict)]
            for item in items:
                leak = _leaks(f"{item.get('text', '')} {item.get('url', '')}", user, refs, may)
                wrong += [
                    f"{user.username:28} home panel {panel['title']!r}: shows {x}" for x in leak
                ]
            if panel["count"] > total_openable or panel["count"] < len(items):
                wrong.append(
                    f"{user.username:28} home panel {panel['title']!r}: count {panel['count']}"
                )
    with capsys.disabled():
        print(
            f"\n[list leakage] browser: {len(PAGES)} list, search, filter, export, report and "
            f"home pages × {len(people)} people ({requests} requests): {checks} list checks, "
            f"{shown} case references shown, {len(wrong)} not openable"
        )
    assert not wrong, "\n".join(wrong)
