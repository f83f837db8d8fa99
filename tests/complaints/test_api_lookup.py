"""The API names a complaint by its reference, as the enquiries API does (code review A8: ids
in two apps, references in one); the old numeric URL answers 308 to the new one, but only to
someone who may see the complaint."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.complaints.test_views_and_api import raise_about

pytestmark = pytest.mark.django_db
ACK = {"intent": "will_act", "message": "On it.", "outcome_due_on": "2026-03-20"}


def _api(person) -> APIClient:
    api = APIClient()
    api.force_authenticate(person)
    return api


def test_a_complaint_is_read_and_acted_on_by_its_reference(corg, frozen):
    complaint = raise_about(corg)
    api = _api(corg.director.holder)
    url = f"/api/v1/complaints/{complaint.reference}/"
    assert api.get(url).json()["reference"] == complaint.reference
    done = api.post(url + "acknowledge/", ACK)
    assert done.status_code == 200, done.json()


def test_the_old_numeric_url_moves_to_the_reference_for_those_who_may_see(corg, frozen):
    complaint = raise_about(corg)
    old = f"/api/v1/complaints/{complaint.pk}/acknowledge/?x=1"
    moved = _api(corg.director.holder).post(old, ACK)
    assert moved.status_code == 308
    assert moved["Location"] == f"/api/v1/complaints/{complaint.reference}/acknowledge/?x=1"
    # Someone who may not see it gets what an id that does not exist gets: nothing to tell.
    outsider = _api(corg.blue_member.person)
    hidden = outsider.get(f"/api/v1/complaints/{complaint.pk}/")
    missing = outsider.get(f"/api/v1/complaints/{complaint.pk + 1000}/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404
    assert outsider.get(f"/api/v1/complaints/{complaint.reference}/").status_code == 404
    assert outsider.get("/api/v1/complaints/NO-SUCH-REF/").status_code == 404
