"""The routing explainer answers as real cases are routed (issue 13, deliverable 5), and member
services, who route enquiries every day, can open it for their own council."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from interests import services as interests
from protocol_portal.org.models import Post
from tests.complaints.factories import AS_OF
from tests.complaints.test_held_out import load

pytestmark = pytest.mark.django_db


def _post(council, slug):
    return Post.objects.select_related("holder").get(council=council, slug=slug)


def _explain(client, council, **facts):
    return client.get(reverse("routing-explainer"), {"council": council.slug, **facts})


def test_member_services_open_the_explainer_for_their_own_council(client):
    southwark = load("southwark")
    load("hackney")
    client.force_login(_post(southwark, "member-services-manager").holder)
    response = client.get(reverse("routing-explainer"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Southwark" in html
    assert "Hackney" not in html
    page = _explain(
        client,
        southwark,
        case_type="enquiry",
        raised_by="member",
        concerning="routine",
        stage="first",
    )
    assert page.status_code == 200
    assert "Rule that applies" in page.content.decode()
    # Another council's routing is not theirs to read.
    assert _explain(client, load("hackney")).status_code == 200
    assert "Rule that applies" not in _explain(client, load("hackney")).content.decode()


def test_an_officer_without_member_services_cannot_open_it(client):
    southwark = load("southwark")
    client.force_login(_post(southwark, "housing-officer").holder)
    assert client.get(reverse("routing-explainer")).status_code == 404


def test_the_explainer_passes_over_a_conflicted_handler_as_a_real_complaint_does(
    client, admin_user
):
    # Southwark: a complaint about a chief officer goes to the chief executive (003 §68); one
    # who has declared a family relationship with that chief officer cannot act, and the
    # monitoring officer reviews it (stand_in). The explainer used to show the chief executive.
    southwark = load("southwark")
    subject = _post(southwark, "strategic-director-housing")
    chief_executive = _post(southwark, "chief-executive")
    interests.relationship_declare(
        council=southwark,
        declarer=chief_executive.holder,
        other_person=subject.holder,
        nature="family",
        since=date(2020, 1, 1),
        details="Sibling.",
        as_of=AS_OF,
    )
    client.force_login(admin_user)
    response = _explain(
        client,
        southwark,
        case_type="complaint",
        raised_by="member",
        concerning="director",
        stage="first",
        subject_post=subject.slug,
    )
    assert response.status_code == 200
    html = response.content.decode()
    mo = _post(southwark, "director-of-legal-and-democratic-services")
    assert f"Today: {mo.title}" in html
    assert f"held by {chief_executive.holder}" not in html
    assert "cannot act on it" in html


def test_the_explainer_asks_the_service_area_an_enquiry_is_routed_by(client, admin_user):
    # Southwark names the officer for a service area (003 §19, `officer_for`): a routine
    # enquiry about commissioning goes to the commissioning officer, as a real one does.
    from enquiries.services.placement import plan_enquiry
    from protocol_portal.org.models import ServiceArea
    from protocol_portal.org.services import RoutingContext

    southwark = load("southwark")
    area = ServiceArea.objects.get(council=southwark, slug="commissioning")
    real = plan_enquiry(
        ctx=RoutingContext(
            council=southwark,
            directorate=area.directorate,
            service_area_slug=area.slug,
            case_type="enquiry",
        ),
        concerning="routine",
    )
    assert real.post.slug == "commissioning-officer"
    client.force_login(admin_user)
    facts = {"case_type": "enquiry", "raised_by": "member", "concerning": "routine"}
    html = _explain(client, southwark, stage="first", service_area=area.slug, **facts)
    html = html.content.decode()
    assert 'name="service_area"' in html
    assert real.post.title in html
    # The service area's directorate is the enquiry's, as on a real enquiry.
    assert "No directorate picked" not in html
    # A service area of no council of ours is an error on the form, never a 500.
    bad = _explain(client, southwark, stage="first", service_area="nope", **facts)
    assert bad.status_code == 200
    assert "Select a service area of this council from the list" in bad.content.decode()
