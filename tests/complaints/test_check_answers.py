"""Raising a complaint: only the kinds this person may raise are offered, "Continue" shows a
check-answers page with a "Change" for each answer, and changing goes back to the form with
everything kept; sending from the check page raises it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from complaints.models import Complaint
from complaints.states import Kind

pytestmark = pytest.mark.django_db
URL = reverse("complaints:create")


def _answers(corg, **extra):
    return {
        "council": corg.council.pk,
        "kind": Kind.CONCERN_ABOUT_OFFICER,
        "subject_post": corg.officer.pk,
        "summary": "Dismissive at the surgery",
        "details": "Line one.\nLine two.",
        **extra,
    }


def test_a_member_is_not_offered_an_officers_complaint_and_an_officer_not_a_members(client, corg):
    client.force_login(corg.complainant.person)
    body = client.get(URL).content.decode()
    assert escape(Kind.CONCERN_ABOUT_OFFICER.label) in body
    assert escape(Kind.COMPLAINT_ABOUT_MEMBER.label) not in body
    assert "---------" not in body
    client.force_login(corg.policy_officer.holder)
    body = client.get(URL).content.decode()
    assert escape(Kind.COMPLAINT_ABOUT_MEMBER.label) in body
    assert escape(Kind.CONCERN_ABOUT_OFFICER.label) not in body
    # Posting the kind that was not offered is refused next to the field, not a 500.
    response = client.post(URL, _answers(corg, action="preview"))
    assert response.status_code == 400
    assert "Choose what you are raising from the list." in response.content.decode()


def test_check_answers_round_trip(client, corg):
    client.force_login(corg.complainant.person)
    check = client.post(URL, _answers(corg, action="preview"))
    assert check.status_code == 200
    body = check.content.decode()
    assert "Check your answers before sending" in body
    assert "Dismissive at the surgery" in body
    assert "Line one.<br>Line two." in body
    assert body.count('value="change"') == 4  # kind, who, summary, what happened
    assert 'formaction="/complaints/new/#id_summary"' in body
    assert Complaint.objects.count() == 0

    # "Change" goes back to the form, every answer kept, with no error.
    back = client.post(URL, _answers(corg, action="change"))
    assert back.status_code == 200
    body = back.content.decode()
    assert "Check your answers" not in body
    assert "There is a problem" not in body
    assert 'value="Dismissive at the surgery"' in body
    assert "Line one.\nLine two.</textarea>" in body
    assert f'<option value="{corg.officer.pk}" selected>' in body
    assert f'value="{Kind.CONCERN_ABOUT_OFFICER}" checked' in body

    # Changed, checked again, then sent.
    check = client.post(URL, _answers(corg, summary="Rude at the surgery", action="preview"))
    assert "Rude at the surgery" in check.content.decode()
    sent = client.post(URL, _answers(corg, summary="Rude at the surgery", action="submit"))
    assert sent.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.summary == "Rude at the surgery"
    assert complaint.details == "Line one.\nLine two."
