"""The complaints page: each of its lists is paged on its own and never cut short (the lists
of complaints routed to you and about you stopped at 50: code review A8), and the filters only
narrow what the person may see (the API list too)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.states import Status
from tests.complaints.test_views_and_api import raise_about

pytestmark = pytest.mark.django_db


def _references(client, rows: str, query: str = "") -> list[str]:
    page = client.get(reverse("complaints:list") + query)
    assert page.status_code == 200
    return [row[0]["text"] for row in page.context[rows]]


def test_sixty_complaints_routed_to_you_page_two_shows_the_rest(client, corg, frozen):
    for _ in range(60):
        raise_about(corg)
    client.force_login(corg.director.holder)
    first = _references(client, "handling_rows")
    second = _references(client, "handling_rows", "?handling_page=2")
    assert (len(first), len(second)) == (50, 10)
    assert set(first) | set(second) == set(Complaint.objects.values_list("reference", flat=True))
    # Paging one list leaves the others on their first page.
    client.force_login(corg.complainant.person)
    assert len(_references(client, "raised_rows", "?handling_page=2")) == 50
    assert len(_references(client, "raised_rows", "?page=2")) == 10


def test_filters_narrow_and_never_widen(client, corg, frozen):
    withdrawn = {raise_about(corg).reference, raise_about(corg).reference}
    raise_about(corg)
    Complaint.objects.filter(reference__in=withdrawn).update(status=Status.WITHDRAWN)
    client.force_login(corg.director.holder)
    assert len(_references(client, "handling_rows")) == 3
    assert set(_references(client, "handling_rows", "?status=withdrawn")) == withdrawn
    assert _references(client, "handling_rows", "?kind=code_of_conduct") == []
    # Someone who sees none of them sees none of them, whatever the filter asks for.
    client.force_login(corg.blue_member.person)
    for rows in ("handling_rows", "raised_rows"):
        assert _references(client, rows, "?status=withdrawn") == []

    api = APIClient()
    api.force_authenticate(corg.blue_member.person)
    assert api.get("/api/v1/complaints/?status=withdrawn").json()["count"] == 0
    api.force_authenticate(corg.director.holder)
    assert api.get("/api/v1/complaints/?status=withdrawn").json()["count"] == 2
