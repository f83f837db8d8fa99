"""Lists count no further than they need (bench/README.md, "Lists that read only the page"):
the officer's queue, the member's list and the API list read their page and their count in one
query of the ids up to COUNT_MOST rows (or the end of the page asked for) plus one. Past that
the caption says "more than 1,000" and the API says `more`, and every row stays reachable,
page by page (code review A8). COUNT_MOST is lowered here so a few enquiries pass it."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from enquiries import views
from enquiries.api import EnquiryPagination
from protocol_portal.casework import bounds
from protocol_portal.casework.bounds import CappedPaginator
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


def test_the_paginator_counts_up_to_its_reach_and_says_more():
    paginator = CappedPaginator(list(range(1, 8)), 2, count_most=4)
    page = paginator.get_page(1)
    assert list(page.object_list) == [1, 2]
    assert (paginator.count, paginator.more, paginator.count_words) == (5, True, "more than 4")
    assert page.has_next()
    # The page after the reach is offered, and asking for it reads further.
    later = CappedPaginator(list(range(1, 8)), 2, count_most=4)
    third = later.get_page(3)
    assert list(third.object_list) == [5, 6]
    assert third.has_next()
    last = CappedPaginator(list(range(1, 8)), 2, count_most=4).get_page(4)
    assert list(last.object_list) == [7]
    assert not last.has_next()


def test_a_short_list_is_counted_exactly():
    paginator = CappedPaginator(list(range(3)), 2, count_most=4)
    paginator.get_page(1)
    assert (paginator.count, paginator.more, paginator.count_words) == (3, False, "3")


def test_a_page_far_past_the_reach_is_counted_in_full():
    rows = list(range(bounds.IDS_MOST + 30))
    paginator = CappedPaginator(rows, 25)
    page = paginator.get_page(bounds.IDS_MOST // 25 + 1)
    assert paginator.count == len(rows)
    assert not paginator.more
    assert len(page.object_list) == 25


def test_the_queue_says_more_than_the_reach(client, org, frozen, monkeypatch):
    monkeypatch.setattr(bounds, "COUNT_MOST", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [log(org, frozen, subject=f"Leaking roof at {i} Elm Street") for i in range(5)]
    client.force_login(org.triage.holder)
    url = reverse("enquiries:queue") + "?scope=triage"
    page = client.get(url).content.decode()
    assert "More than 2 open enquiries" in page
    assert 'rel="next"' in page
    seen = set()
    for number in (1, 2, 3):
        html = client.get(f"{url}&page={number}").content.decode()
        seen |= {e.reference for e in made if e.reference in html}
    assert seen == {e.reference for e in made}
    assert "5 open enquiries" not in page


def test_the_queue_counts_a_short_list_exactly(client, org, frozen):
    for i in range(3):
        log(org, frozen, subject=f"Leaking roof at {i} Elm Street")
    client.force_login(org.triage.holder)
    page = client.get(reverse("enquiries:queue") + "?scope=triage").content.decode()
    assert "3 open enquiries" in page


def test_the_api_says_more_past_the_reach(client, org, frozen, monkeypatch):
    monkeypatch.setattr(bounds, "COUNT_MOST", 2)
    monkeypatch.setattr(EnquiryPagination, "page_size", 2)
    made = [log(org, frozen, subject=f"Leaking roof at {i} Elm Street") for i in range(5)]
    client.force_login(org.triage.holder)
    first = client.get("/api/v1/enquiries/").json()
    assert first["more"] is True
    assert first["count"] == 3  # a lower bound: "more than 2"
    assert first["next"].endswith("?page=2")
    seen = []
    page = 1
    while True:
        body = client.get(f"/api/v1/enquiries/?page={page}").json()
        seen += [row["reference"] for row in body["results"]]
        if not body["next"]:
            break
        page += 1
    assert sorted(seen) == sorted(e.reference for e in made)
    assert body["more"] is False
    assert body["count"] == 5
