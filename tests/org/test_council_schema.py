"""The council file's JSON Schema (issue 13, deliverable 1): a field no code reads fails, a wrong
type fails, every committed file passes, the admin refuses a setting the schema does not know
(a message, not a 500), and SCHEMA.md's reference is what the schema says."""

import copy
import json
import warnings

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from jsonschema import Draft202012Validator

from protocol_portal.org import council_schema, protocol_settings
from protocol_portal.org.council_files import COUNCILS_DIR, council_files, read, validate
from tests.factories import CouncilFactory, PersonFactory

HACKNEY = read(COUNCILS_DIR / "hackney.yaml")


def _errors(change) -> list[str]:
    data = copy.deepcopy(HACKNEY)
    change(data)
    return validate(data, "hackney.yaml")


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = council_schema.schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", sorted(p.name for p in council_files()))
def test_every_committed_council_file_passes(path):
    data = read(COUNCILS_DIR / path)
    assert council_schema.errors(data, council_schema.schema(), path) == []
    assert validate(data, path) == []


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("hackney.yaml: unknown field 'colour'", lambda d: d.update(colour="red")),
        ("council: unknown field 'mayor'", lambda d: d["council"].update(mayor="x")),
        ("limits.foi_working_days: unknown", lambda d: d["limits"]["foi_working_days"].update(x=1)),
        ("settings: unknown field 'ward_notices'", lambda d: d["settings"].update(ward_notices={})),
        (
            "settings.ward_notice: unknown field 'sources'",
            lambda d: d["settings"]["ward_notice"].update(sources="x"),
        ),
        ("directorates[", lambda d: d["directorates"][0].update(head="x")),
        ("posts[chief-executive]: unknown", lambda d: d["posts"][0].update(holder="x")),
        ("wards[", lambda d: d["wards"][0].update(councillors=[])),
        ("groups[", lambda d: d["groups"][0].update(leader="x")),
        ("committees[", lambda d: d["committees"][0].update(chair="x")),
        (
            "].handler: unknown field 'person'",
            lambda d: d["routing"][0]["handler"].update(person=1),
        ),
        ("].deadline: unknown", lambda d: d["routing"][1].update(deadline={"days": 3, "hours": 1})),
        ("routing[", lambda d: d["routing"][0].update(priority=1)),
        ("chasers[", lambda d: d["chasers"][0]["rungs"][0].update(channel="sms")),
    ],
)
def test_a_field_that_no_code_reads_fails_validation(where, change):
    errors = _errors(change)
    assert any(where in e and "unknown field" in e for e in errors), errors


DROP = object()


def _put(path: tuple, value):
    def change(data):
        *parents, last = path
        for step in parents:
            data = data[step]
        if value is DROP:
            del data[last]
        else:
            data[last] = value

    return change


@pytest.mark.parametrize(
    ("expected", "path", "value"),
    [
        ("council.protocol: must be text", ("council", "protocol"), 4),
        ("council.nation: 'wales' must be one of", ("council", "nation"), "wales"),
        (
            "limits.foi_working_days.value: must be a whole number",
            ("limits", "foi_working_days", "value"),
            "20",
        ),
        ("posts[chief-executive].kind: 'boss' must be one of", ("posts", 0, "kind"), "boss"),
        ("deadline.days: must be a whole number", ("routing", 1, "deadline"), {"days": "3"}),
        ("handler.of: 'town' must be one of", ("routing", 0, "handler", "of"), "town"),
        (
            "settings.ward_notice.value: 'loud' must be one of",
            ("settings", "ward_notice"),
            {"value": "loud", "source": "x"},
        ),
        (
            "settings.clock_day_one: 'source' is missing",
            ("settings", "clock_day_one"),
            {"value": "receipt_day"},
        ),
        (
            "groups[labour].administration: must be true or false",
            ("groups", 0, "administration"),
            "yes",
        ),
        ("council: 'nation' is missing", ("council", "nation"), DROP),
    ],
)
def test_a_wrong_type_or_value_fails_with_a_readable_line(expected, path, value):
    errors = _errors(_put(path, value))
    assert any(e.startswith("hackney.yaml: ") and expected in e for e in errors), errors


def test_a_wrong_shape_never_reaches_the_cross_reference_checks():
    # A rule that is a list, not a mapping, would crash the hand-written checks (`rule.get`).
    errors = _errors(lambda d: d["routing"].append(["not", "a", "rule"]))
    assert any("routing[" in e and "must be a mapping" in e for e in errors), errors


def test_cross_references_a_schema_cannot_check_still_fail():
    def dangling(d):
        d["posts"][0]["line_manager"] = "nobody"

    assert any("line_manager 'nobody' unknown" in e for e in _errors(dangling))


def test_a_setting_without_a_schema_fragment_still_gets_the_envelope(monkeypatch):
    specs = {**protocol_settings.SPECS, "new_thing": protocol_settings.Spec(1, "New.", _ok)}
    monkeypatch.setattr(protocol_settings, "SPECS", specs)
    schema = council_schema.settings_schema()
    assert schema["properties"]["new_thing"]["properties"]["value"] == {}
    assert (
        council_schema.errors({"new_thing": {"value": [1, "x"], "source": "d"}}, schema, "s") == []
    )
    assert council_schema.errors({"new_thing": {"value": 1}}, schema, "s")
    assert "new_thing" in council_schema.settings_without_schema()


def _ok(value, data):
    return None


def test_settings_and_sections_lacking_a_schema_fragment_are_listed():
    """Not a failure yet: settings and sections added on other branches get their fragments
    after the merge. Until then each is named in the test run's warnings summary."""
    for what, missing in (
        ("settings", council_schema.settings_without_schema()),
        ("council-file sections", council_schema.sections_without_schema()),
    ):
        if missing:
            warnings.warn(f"{what} without a schema fragment: {', '.join(missing)}", stacklevel=1)
    assert "ward_notice" not in council_schema.settings_without_schema()


@pytest.mark.django_db
def test_a_council_edit_is_checked_against_the_same_schema():
    council = CouncilFactory()
    council.protocol_settings = {"ward_notice": {"value": "none", "source": "000 §7.19", "x": 1}}
    with pytest.raises(ValidationError, match="unknown field 'x'"):
        council.full_clean()
    council.protocol_settings = ["not", "a", "mapping"]
    with pytest.raises(ValidationError, match="must be a mapping"):
        council.full_clean()


def _change_form_data(page) -> dict:
    data = {}
    for form in [page.context["adminform"].form] + [
        f.formset.management_form for f in page.context["inline_admin_formsets"]
    ]:
        for field in form:
            value = field.value()
            if value is not None and value is not False:
                data[field.html_name] = value
    return data


@pytest.mark.django_db
def test_the_admin_refuses_an_unknown_setting_with_a_message(client, settings):
    settings.MFA_REQUIRED = False
    council = CouncilFactory(slug="testshire")
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    url = f"/admin/org/council/{council.pk}/change/"
    data = _change_form_data(client.get(url))
    data["protocol_settings"] = json.dumps({"ward_notise": {"value": "none", "source": "x"}})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "unknown field &#x27;ward_notise&#x27; (no code reads it)" in response.content.decode()
    council.refresh_from_db()
    assert council.protocol_settings == {}
    data["protocol_settings"] = json.dumps({"ward_notice": {"value": "unnamed", "source": "x"}})
    assert client.post(url, data).status_code == 302
    council.refresh_from_db()
    assert council.protocol_settings["ward_notice"]["value"] == "unnamed"


def test_schema_md_is_what_the_schema_says():
    current = (COUNCILS_DIR / "SCHEMA.md").read_text(encoding="utf-8")
    assert council_schema.markdown_with_reference(current) == current, (
        "fixtures/councils/SCHEMA.md is out of date: run "
        "`.venv/bin/python manage.py council_schema` and commit it"
    )


def test_the_command_prints_the_json_schema(capsys):
    call_command("council_schema", "--json")
    assert json.loads(capsys.readouterr().out) == council_schema.schema()
