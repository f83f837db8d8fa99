"""The bench's own logic that can be checked without a benchmark run (bench/, issue 17)."""

from __future__ import annotations

import random

import pytest

from bench.load import HOST, User, form_data
from bench.measure import percentile, summarise

PAGE = """
<form method="get" action="/search/"><input name="q" value="x"></form>
<form method="post" action="/things/7/update/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="title" value="Old title">
  <input type="datetime-local" name="due">
  <input type="file" name="attachment">
  <input type="submit" name="go" value="Save">
  <select name="queue"><option value="">Choose one</option><option value="3">Housing</option>
    <option value="4">Waste</option></select>
  <select name="owner"><option value="1">A</option><option value="2" selected>B</option></select>
  <input type="radio" name="status" value="1"><input type="radio" name="status" value="2">
  <input type="radio" name="urgency" value="routine">
  <input type="radio" name="urgency" value="urgent" checked>
  <input type="checkbox" name="public" checked>
  <input type="checkbox" name="policy">
  <textarea name="comment">Already &amp; here</textarea>
</form>
"""


def test_form_data_fills_the_post_form_as_a_browser_would_then_the_overrides():
    action, data = form_data(PAGE, lambda a: "update" in a, {"title": "New", "public": None})
    assert action == "/things/7/update/"
    assert data == {
        "csrfmiddlewaretoken": "tok",
        "title": "New",
        "due": "",  # a text box with no value is sent empty ("on" is only a checkbox's default)
        "queue": "3",  # the first real choice, not the "Choose one" placeholder
        "owner": "2",  # the selected one
        "status": "1",  # no radio checked: the first
        "urgency": "urgent",  # the checked radio
        "comment": "Already & here",
        # "public" left out by the override, "policy" unchecked, file and submit never sent
    }


def test_form_data_finds_nothing_without_a_matching_post_form():
    assert form_data(PAGE, lambda a: "delete" in a, {}) is None
    assert form_data("<p>No form</p>", lambda a: True, {}) is None


def test_a_load_user_refuses_any_address_but_the_loopback():
    person = User("portal", "http://10.0.0.1:8000", {}, {}, 1)
    with pytest.raises(AssertionError):
        person._request("GET", "/")
    assert HOST == "127.0.0.1"


def test_percentile_and_summary():
    values = [i / 100 for i in range(1, 101)]  # 0.01 … 1.00
    assert percentile(values, 0.95) == pytest.approx(0.95)
    assert summarise(list(reversed(values))) == {
        "median": pytest.approx(0.505),
        "p95": pytest.approx(0.95),
    }
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


@pytest.mark.django_db
def test_seeded_enquiries_are_numbered_after_those_already_logged(org, as_of):
    """seed_demo logs enquiries through the service; the bench's seed used to restart the
    council's numbering at 1 and failed on a duplicate reference."""
    from bench.enquiries import World, seed
    from enquiries.models import Enquiry
    from tests.enquiries.helpers import log

    first = log(org, as_of)
    world = World(as_of)
    seed(world, 12, random.Random(1))
    references = list(Enquiry.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) >= 13
    code, year = first.reference.split("-ENQ-")[0], as_of.year
    assert world.counters[(code, year)] >= 2


@pytest.mark.django_db
def test_the_load_scripts_forms_log_an_enquiry_and_change_its_flags(org, client):
    """What bench/load.py submits on the portal's own pages is accepted: the member's new
    enquiry form (not the sign-out form above it) and an officer's flags form."""
    from bench.load import form_data, portal_action
    from enquiries.models import Enquiry

    client.force_login(org.raiser.person)
    page = client.get("/enquiries/new/")
    action, data = form_data(
        page.content.decode(),
        lambda action: action in ("", "/enquiries/new/"),
        {"subject": "Blocked drain", "description": "Flooding.", "confirm_not_duplicate": "on"},
    )
    response = client.post(action or "/enquiries/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    enquiry = Enquiry.objects.get(subject="Blocked drain")

    client.force_login(enquiry.owner_post.holder)
    path = f"/enquiries/{enquiry.reference}/flags/"
    for flag in (True, False):
        action, data = portal_action(client.get(path).content.decode(), flag)
        response = client.post(action or path, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        enquiry.refresh_from_db()
        assert enquiry.about_other_ward is flag
        # The action leaves the enquiry where it was: the officer can still open it (a flag
        # that re-routes it, as "policy" did, made the load run's next visit a 404).
        assert client.get(f"/enquiries/{enquiry.reference}/").status_code == 200


def test_the_load_run_keeps_connections_as_docker_compose_does():
    """Both sides of the HTTP run keep each worker's connection as production does
    (docker-compose.yml), so what a kept connection saves (no connecting, statements prepared
    once) counts on both; `--conn-max-age 0` opens one a request."""
    from pathlib import Path

    from bench.load import portal_env

    compose = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    assert 'CONN_MAX_AGE: "60"' in compose
    assert portal_env(8000, 2)["CONN_MAX_AGE"] == "60"
    assert portal_env(8000, 2, conn_max_age=0)["CONN_MAX_AGE"] == "0"
