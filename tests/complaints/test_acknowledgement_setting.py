"""What a complaint's acknowledgement must say is the council's `complaint_acknowledgement`
setting: 004 §11.3 ("acknowledge ... saying whether they will take action or how long they need
to investigate") at Hackney, where the portal asked it of every council in Python."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from complaints import services
from complaints.states import Status
from tests.complaints.factories import AS_OF
from tests.complaints.test_services import raise_about_officer

pytestmark = pytest.mark.django_db


def _set(corg, value, source):
    corg.council.protocol_settings = {
        "complaint_acknowledgement": {"value": value, "source": source}
    }
    corg.council.save()


def _acknowledge(corg, complaint, intent):
    return services.complaint_acknowledge(
        complaint=complaint,
        actor=corg.director.holder,
        intent=intent,
        message="Thank you: received.",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF + timedelta(days=1),
    )


def test_where_the_protocol_asks_the_handler_must_say_whether_they_will_act(corg):
    _set(corg, "action_or_time", "004 §11.3")
    with pytest.raises(ValidationError) as caught:
        _acknowledge(corg, raise_about_officer(corg), "")
    assert "intent" in caught.value.message_dict


def test_where_the_protocol_does_not_ask_a_plain_acknowledgement_will_do(corg):
    _set(corg, "receipt", "default")
    complaint = _acknowledge(corg, raise_about_officer(corg), "")
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.ack_intent == ""


def test_a_plain_acknowledgement_through_the_api_and_the_page(corg, client):
    _set(corg, "receipt", "default")
    first, second = raise_about_officer(corg), raise_about_officer(corg)
    with time_machine.travel(AS_OF + timedelta(days=1), tick=False):
        _both(corg, client, first, second)


def _both(corg, client, first, second):
    api = APIClient()
    api.force_authenticate(corg.director.holder)
    response = api.post(
        f"/api/v1/complaints/{first.reference}/acknowledge/",
        {"message": "Received.", "outcome_due_on": "2026-03-20"},
        format="json",
    )
    assert response.status_code == 200, response.content
    client.force_login(corg.director.holder)
    page = client.post(
        f"/complaints/{second.pk}/acknowledge/",
        {
            "message": "Received.",
            "outcome_due_on_day": "20",
            "outcome_due_on_month": "3",
            "outcome_due_on_year": "2026",
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
