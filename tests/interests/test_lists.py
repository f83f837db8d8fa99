"""The interests page: each of its five lists is paged on its own instead of stopping at 200
(code review A8, interests/views.py); the API lists filter by status, within what the caller
may see."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interests import services
from interests.models import Relationship
from interests.states import RelationshipStatus
from tests.interests.conftest import AS_OF
from tests.interests.test_pages_and_api import _fill

pytestmark = pytest.mark.django_db


def test_sixty_declarations_page_two_shows_the_rest(client, org):
    # 60 against a page of 50, as for the other lists; the index used to stop at 200.
    _fill(org, 60)
    client.force_login(org.person("mo"))
    first = client.get(reverse("interests:index")).context["relationships"]
    second = client.get(reverse("interests:index") + "?page=2").context["relationships"]
    assert (len(first), len(second)) == (50, 10)
    assert {r.pk for r in first} | {r.pk for r in second} == set(
        Relationship.objects.values_list("pk", flat=True)
    )
    # Another list's page number leaves this one where it was.
    other = client.get(reverse("interests:index") + "?returns_page=2").context["relationships"]
    assert [r.pk for r in other] == [r.pk for r in first]


def test_api_status_filter_narrows_and_never_widens(org):
    _fill(org, 3)
    one = Relationship.objects.order_by("pk").first()
    Relationship.objects.filter(pk=one.pk).update(status=RelationshipStatus.WITHDRAWN)
    api = APIClient()
    api.force_authenticate(org.person("mo"))
    listed = api.get("/api/v1/interests/relationships/?status=withdrawn").json()
    assert [r["id"] for r in listed["results"]] == [one.pk]
    api.force_authenticate(org.members["red_member"].person)
    assert api.get("/api/v1/interests/relationships/?status=withdrawn").json()["count"] == 0
    assert api.get("/api/v1/interests/relationships/?status=nonsense").status_code == 400


# ---------------------------------------------------------------- filter panel and sorting


@pytest.fixture
def three(org):
    """Three declarations to the MO: two still declared, one withdrawn."""
    _fill(org, 3)
    rows = list(Relationship.objects.order_by("pk"))
    Relationship.objects.filter(pk=rows[0].pk).update(
        status=RelationshipStatus.WITHDRAWN, closed_at=AS_OF
    )
    return rows


def _listed(client, org, query="", name="relationships"):
    client.force_login(org.person("mo"))
    response = client.get(reverse("interests:index") + query)
    assert response.status_code == 200
    return [r.pk for r in response.context[name]]


def test_the_filter_panel_narrows_every_list(client, org, three):
    declarer = three[1].declarer
    assert _listed(client, org, f"?q={declarer.last_name}") == [three[1].pk]
    assert _listed(client, org, f"?q={three[2].reference}") == [three[2].pk]
    assert set(_listed(client, org, "?state=open")) == {three[1].pk, three[2].pk}
    assert _listed(client, org, "?state=finished") == [three[0].pk]
    assert len(_listed(client, org, f"?council={org.council.pk}")) == 3
    notice = services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party="self",
        capacity="private",
        action="Appeal",
        as_of=AS_OF,
    )
    assert _listed(client, org, "?state=open", name="notices") == [notice.pk]
    assert _listed(client, org, "?state=finished", name="notices") == []
    page = client.get(reverse("interests:index") + "?state=finished").content.decode()
    assert "Selected filters" in page
    assert "Clear filters" in page


def test_a_member_filtering_sees_only_their_own(client, org, three):
    client.force_login(three[1].declarer)
    response = client.get(reverse("interests:index") + f"?q={three[2].reference}")
    assert list(response.context["relationships"]) == []


def test_the_lists_sort_on_the_server(client, org, three):
    refs = sorted(r.reference for r in three)
    by_ref = [r.pk for r in sorted(three, key=lambda r: r.reference)]
    assert _listed(client, org, "?sort=reference") == by_ref
    assert _listed(client, org, "?sort=-reference") == by_ref[::-1]
    page = client.get(reverse("interests:index") + "?sort=reference").content.decode()
    assert page.index(refs[0]) < page.index(refs[1]) < page.index(refs[2])
    assert 'href="?sort=-reference"' in page


@pytest.mark.parametrize(
    "query",
    [
        "?sort=nonsense",
        "?sort=-",
        "?state=maybe",
        "?council=abc",
        "?council=999999",
        "?page=-1",
        "?returns_page=99999999999999999999",
        "?q=%00",
        "?q=" + "y" * 500,
    ],
)
def test_bad_input_is_ignored_never_a_500(client, org, three, query):
    assert set(_listed(client, org, query)) <= {r.pk for r in three}
