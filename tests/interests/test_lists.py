"""The interests page: each of its five lists is paged on its own instead of stopping at 200
(code review A8, interests/views.py); the API lists filter by status, within what the caller
may see."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interests.models import Relationship
from interests.states import RelationshipStatus
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
