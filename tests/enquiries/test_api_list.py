"""The API list's pages: the total comes with the page's rows (one pass), and still answers
exactly as page-number pagination did — count, next, previous, an empty list, a bad page."""

from __future__ import annotations

import pytest
import time_machine

from enquiries.api import EnquiryPagination
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enquiries/"


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


def test_pages_carry_the_total_next_and_previous(client, org, frozen, monkeypatch):
    monkeypatch.setattr(EnquiryPagination, "page_size", 2)
    made = [log(org, frozen, subject=f"Leaking roof at {i} Elm Street") for i in range(5)]
    log(org, frozen, subject="Bins", service_area=org.waste)  # another directorate: triage sees it
    client.force_login(org.triage.holder)
    first = client.get(BASE).json()
    assert first["count"] == 6
    assert first["previous"] is None
    assert first["next"].endswith("?page=2")
    last = client.get(BASE + "?page=3").json()
    assert last["count"] == 6
    assert len(last["results"]) == 2
    assert last["next"] is None
    assert last["previous"].endswith("?page=2")
    seen = [
        row["reference"]
        for page in (1, 2, 3)
        for row in client.get(BASE + f"?page={page}").json()["results"]
    ]
    assert len(set(seen)) == 6
    assert {e.reference for e in made} <= set(seen)


def test_an_empty_list_and_a_bad_page(client, org, frozen):
    log(org, frozen)
    client.force_login(org.triage.holder)
    empty = client.get(BASE + "?status=closed").json()
    assert empty == {"count": 0, "more": False, "next": None, "previous": None, "results": []}
    assert client.get(BASE + "?page=2").status_code == 404
    assert client.get(BASE + "?page=0").status_code == 404
    assert client.get(BASE + "?page=abc").status_code == 404
    assert client.get(BASE + "?page=last").json()["count"] == 1


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_a_constant_number_of_queries(
    client, org, frozen, django_assert_max_num_queries, n
):
    for i in range(n):
        log(org, frozen, subject=f"Leaking roof at {i} Elm Street")
    client.force_login(org.triage.holder)
    # session, person, posts and memberships (filter choices), the page with its total, its rows
    with django_assert_max_num_queries(6):
        response = client.get(BASE)
    assert response.json()["count"] == n
