"""The councillor's own enquiry list (issue 14): MoJ filter a list and server-side sort, within
the member's own enquiries, a page at a time; bad input is ignored, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from enquiries import services
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db
URL = reverse("enquiries:index")


@pytest.fixture
def listed(client, org, as_of):
    """Three of the raiser's enquiries (one answered, one overdue by the time the list is read)
    and one of a colleague's."""
    with time_machine.travel(as_of, tick=False):
        old = log(org, as_of, subject="Potholes on Mill Lane")
        answered = log(org, as_of + timedelta(days=1), subject="Bins not collected")
        services.enquiry_respond(
            enquiry=answered,
            response="Collected today.",
            actor=answered.owner_post.holder,
            as_of=as_of + timedelta(days=2),
        )
        fresh = log(org, as_of + timedelta(days=15), subject="Streetlight out")
        theirs = log(org, as_of, member=org.colleague, subject="Potholes on Station Road")
    client.force_login(org.raiser.person)
    return {"old": old, "answered": answered, "fresh": fresh, "theirs": theirs}


def _refs(client, as_of, query="") -> list[str]:
    with time_machine.travel(as_of + timedelta(days=16), tick=False):
        response = client.get(URL + query)
    assert response.status_code == 200
    return [e.reference for e in response.context["enquiries"]]


def test_the_list_is_filtered_within_the_members_own(client, as_of, listed):
    assert _refs(client, as_of, "?q=potholes") == [listed["old"].reference]
    assert _refs(client, as_of, "?status=responded") == [listed["answered"].reference]
    assert _refs(client, as_of, "?overdue=true") == [listed["old"].reference]
    assert listed["theirs"].reference not in _refs(client, as_of, "?q=station")


def test_the_panel_shows_the_filters_in_use_and_clears_them(client, as_of, listed):
    with time_machine.travel(as_of + timedelta(days=16), tick=False):
        page = client.get(URL + "?status=responded&sort=due").content.decode()
    assert "moj-filter" in page
    assert "Selected filters" in page
    assert 'href="?sort=due">Clear filters' in page
    # One council: no council filter to choose from.
    assert 'name="council"' not in page


def test_the_list_sorts_on_the_server(client, as_of, listed):
    newest_first = [listed[k].reference for k in ("fresh", "answered", "old")]
    assert _refs(client, as_of) == newest_first
    assert _refs(client, as_of, "?sort=received") == newest_first[::-1]
    by_reference = sorted(newest_first)
    assert _refs(client, as_of, "?sort=reference") == by_reference
    assert _refs(client, as_of, "?sort=-reference") == by_reference[::-1]
    with time_machine.travel(as_of + timedelta(days=16), tick=False):
        page = client.get(URL + "?sort=due").content.decode()
    assert 'aria-sort="ascending"><a class="govuk-link portal-sort" href="?sort=-due">Due' in page


@pytest.mark.parametrize(
    "query",
    [
        "?sort=nonsense",
        "?sort=-",
        "?status=nonsense",
        "?overdue=maybe",
        "?council=abc",
        "?council=999999",
        "?page=-3",
        "?page=99999999999999999999",
        "?q=" + "x" * 500,
        "?q=%00",
    ],
)
def test_bad_input_is_ignored_never_a_500(client, as_of, listed, query):
    refs = _refs(client, as_of, query)
    assert set(refs) <= {listed[k].reference for k in ("old", "answered", "fresh")}


def test_every_enquiry_shared_with_a_member_is_reachable_a_page_at_a_time(client, org, as_of):
    """Enquiries other members shared with this one were cut at 20: the 21st is on page 2 of
    that list (`?shared_page=`), which pages apart from the member's own list; a bad page number
    gives a page, never a 500."""
    with time_machine.travel(as_of, tick=False):
        shared = []
        for n in range(21):
            enquiry = log(org, as_of - timedelta(days=n), subject=f"Shared enquiry {n}")
            services.enquiry_share_with_member(
                enquiry=enquiry, member=org.colleague, actor=org.raiser.person, as_of=as_of
            )
            shared.append(enquiry.reference)  # newest first, as the list shows them
        client.force_login(org.colleague.person)
        first = client.get(URL)
        second = client.get(URL + "?shared_page=2")
        bad = [client.get(URL + f"?shared_page={p}") for p in ("x", "-1", "99", "1e9", "")]
    assert [e.reference for e in first.context["shared"]] == shared[:20]
    assert [e.reference for e in second.context["shared"]] == shared[20:]
    assert 'href="?shared_page=2"' in first.content.decode()
    assert reverse("enquiries:detail", args=[shared[20]]) in second.content.decode()
    assert [r.status_code for r in bad] == [200] * 5
    assert [e.reference for e in bad[2].context["shared"]] == shared[20:]  # past the end: last
