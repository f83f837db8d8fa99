"""000 §7.20 on Tower Hamlets' real council file (demo people), written from the protocol text
(shared/protocols/000_79c71beda1b28826.txt):

"7.19 Any request from a Member for information will be treated in confidence by Officers and
will not be made known to any other Member or political group. ...
7.20 The duty of officers to observe a Member's confidence however will not apply if the
information disclosed relates to something which could damage the Council or which is illegal or
constitutes maladministration. In this event the matter will be referred to the appropriate
Corporate Director and/or Monitoring Officer and Chief Executive for further investigation and
action as appropriate."
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from enquiries import services
from protocol_portal.casework.models import CaseEvent
from protocol_portal.org.models import Post, PostKind, ServiceArea
from tests.enquiries.helpers import messages_to
from tests.enquiries.test_stages import AS_OF, area_with, enquiry_at, load

pytestmark = pytest.mark.django_db


def _url(enquiry, name):
    return f"/api/v1/enquiries/{enquiry.reference}/{name}/"


def test_the_confidence_does_not_hold_for_maladministration(client):
    council = load("tower-hamlets")
    area = area_with(council, PostKind.CORPORATE_DIRECTOR)
    enquiry = enquiry_at(council, area)
    officer = enquiry.owner_post.holder
    corporate_director = Post.objects.get(
        directorate=area.directorate, kind=PostKind.CORPORATE_DIRECTOR
    )
    mo = Post.objects.get(council=council, slug="monitoring-officer")
    ce = Post.objects.get(council=council, slug="chief-executive")
    client.force_login(officer)
    page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
    assert "The confidence does not hold" in page
    form = client.get(f"/enquiries/{enquiry.reference}/confidence-exception/")
    assert form.status_code == 200
    assert "000 §7.20" in form.content.decode()

    # Bad input is a 400, never a 500.
    for bad in (
        {"ground": "embarrassing", "reason": "x"},
        {"ground": "illegal", "reason": ""},
        {"ground": ["illegal"], "reason": {"a": 1}},
        {},
    ):
        response = client.post(_url(enquiry, "confidence-exception"), bad, "application/json")
        assert response.status_code == 400, (bad, response.content)

    response = client.post(
        f"/enquiries/{enquiry.reference}/confidence-exception/",
        {"ground": "maladministration", "reason": "Housing repairs were signed off unseen"},
    )
    assert response.status_code == 302, response.content
    enquiry.refresh_from_db()
    # "referred to the appropriate Corporate Director and/or Monitoring Officer and Chief
    # Executive" — handled by the Corporate Director, the MO and the CE copied in.
    assert enquiry.owner_post == corporate_director
    assert enquiry.route_source == "000 §7.20"
    [event] = CaseEvent.objects.filter(case_id=enquiry.pk, kind="confidence_exception")
    assert "maladministration" in event.summary
    assert "000 §7.20" in event.summary
    assert event.detail == "Housing repairs were signed off unseen"
    # Access follows the placement: the handler and both copies can open it.
    for post in (corporate_director, mo, ce):
        client.force_login(post.holder)
        assert client.get(f"/enquiries/{enquiry.reference}/").status_code == 200, post
    # The member is told, in plain words, why their confidence does not hold here.
    told = [m for m in messages_to(enquiry.member.person, case=enquiry) if "7.20" in m.body]
    assert told
    assert "maladministration" in told[0].body
    assert corporate_director.title in told[0].body
    assert messages_to(corporate_director.holder, case=enquiry)


def test_the_api_refers_something_illegal_and_says_it_once():
    council = load("tower-hamlets")
    area = area_with(council, PostKind.CORPORATE_DIRECTOR)
    enquiry = enquiry_at(council, area)
    officer = enquiry.owner_post.holder
    from django.test import Client

    client = Client()
    client.force_login(officer)
    response = client.post(
        _url(enquiry, "confidence-exception"),
        {"ground": "illegal", "reason": "Fly-tipping by a contractor"},
        "application/json",
    )
    assert response.status_code == 200, response.content
    assert "000 §7.20" in str(response.json())
    again = services.enquiry_confidence_exception(
        enquiry=enquiry, ground="illegal", reason="again", actor=officer, as_of=AS_OF
    )
    assert again.owner_post.kind == PostKind.CORPORATE_DIRECTOR
    assert CaseEvent.objects.filter(case_id=enquiry.pk, kind="confidence_exception").count() == 1


def test_a_council_without_the_rule_does_not_offer_it(client):
    council = load("hackney")
    area = ServiceArea.objects.filter(council=council).order_by("slug").first()
    enquiry = enquiry_at(council, area)
    officer = enquiry.owner_post.holder
    with pytest.raises(ValidationError, match="names nobody"):
        services.enquiry_confidence_exception(
            enquiry=enquiry, ground="illegal", reason="x", actor=officer, as_of=AS_OF
        )
    client.force_login(officer)
    page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
    assert "The confidence does not hold" not in page
    response = client.post(
        _url(enquiry, "confidence-exception"),
        {"ground": "illegal", "reason": "x"},
        "application/json",
    )
    assert response.status_code == 400
