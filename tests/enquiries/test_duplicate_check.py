"""The duplicate check is the council's `duplicate_check` setting, citing its own paragraph:
a Tower Hamlets member was told not to repeat an enquiry "(002 §30)", South Oxfordshire's
protocol (audit: "enquiries/services.py: ... the duplicate check")."""

from __future__ import annotations

import pytest
import time_machine

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enquiries/"


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


def _twice(client, org):
    client.force_login(org.raiser.person)
    data = {
        "subject": "Pothole on Mill Lane",
        "description": "Deep enough to damage a wheel.",
        "service_area": org.repairs.slug,
        "ward": org.north.slug,
    }
    assert client.post(BASE, data, content_type="application/json").status_code == 201
    return client.post(BASE, data, content_type="application/json")


def _set(org, value, source):
    org.council.protocol_settings = {"duplicate_check": {"value": value, "source": source}}
    org.council.save()


def test_a_council_whose_protocol_is_silent_warns_without_citing_another_councils(
    client, org, frozen
):
    response = _twice(client, org)
    assert response.status_code == 400
    message = str(response.json())
    assert "confirm_not_duplicate" in message
    assert "002 §30" not in message


def test_at_a_002_council_the_warning_cites_002_section_30(client, org, frozen):
    # "Not repeatedly sending emails to the same officer, or different officers, that make the
    # same point or have the same intent" (002 §30).
    _set(org, "warn", "002 §30")
    response = _twice(client, org)
    assert response.status_code == 400
    assert "002 §30" in str(response.json())


def test_a_council_may_turn_the_check_off(client, org, frozen):
    _set(org, "off", "default")
    assert _twice(client, org).status_code == 201


def test_the_form_cites_the_councils_paragraph(client, org, frozen):
    _twice(client, org)
    page = client.post(
        "/enquiries/new/",
        {
            "subject": "Pothole on Mill Lane",
            "description": "Deep enough to damage a wheel.",
            "service_area": org.repairs.pk,
            "ward": org.north.pk,
            "urgency": "routine",
        },
    ).content.decode()
    assert "You already have an open enquiry on this" in page
    assert "repeats on one issue." in page
    assert "repeat it (002 §30)" not in page
    assert "one issue (002 §30)" not in page
