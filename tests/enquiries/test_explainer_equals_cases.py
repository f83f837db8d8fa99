"""One routing code path (issue 13, deliverable 5): on every council's file, for any enquiry a
member could raise there (any service area, any set of flags the council's protocol has), the
routing explainer's answer is the route the real enquiry takes: the rule, the handling post and
who is copied. That includes the council's precedence of flags (004 §12.5), its `officer_for`
setting by service area, the portal defaults for flags without a rule (000 §13.5, 000 §7.2b,
002 §76) and the optional flags (002 §31 complex, 004 §17.1 protocol advice).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enquiries.models import CopyReason
from enquiries.services import enquiry_create
from enquiries.services.placement import offers_flag
from enquiries.states import Urgency
from protocol_portal.org import routing
from protocol_portal.org.models import Member, ServiceArea, Ward
from protocol_portal.web import explainer
from tests.complaints.factories import AS_OF
from tests.complaints.test_held_out import SLUGS, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    import time_machine

    with time_machine.travel(AS_OF, tick=False):
        yield AS_OF


@st.composite
def enquiries(draw, council):
    """A member of the council asking about a service area, with any flags the council has."""
    members = list(Member.objects.filter(council=council).order_by("pk"))
    areas = list(ServiceArea.objects.filter(council=council).order_by("slug"))
    member = draw(st.sampled_from(members))
    return {
        "member": member,
        "service_area": draw(st.sampled_from(areas)),
        "urgent": draw(st.booleans()),
        "relates_to_legal_proceedings": draw(st.booleans()),
        "is_policy": draw(st.booleans()),
        "is_cross_directorate": draw(st.booleans()),
        "is_complex": offers_flag(council, "complex") and draw(st.booleans()),
        "is_protocol_advice": offers_flag(council, "protocol_advice") and draw(st.booleans()),
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_the_explainer_routes_every_enquiry_as_the_real_case_is_routed(slug):
    council = load(slug)
    assert ServiceArea.objects.filter(council=council).exists()

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=enquiries(council))
    def check(case):
        with transaction.atomic():
            _check_one(council, case)
            transaction.set_rollback(True)

    check()


def _check_one(council, case):
    member = case["member"]
    area = case["service_area"]
    ward = member.ward or Ward.objects.filter(council=council).order_by("pk").first()
    enquiry = enquiry_create(
        member=member,
        subject="Bins",
        description="Missed collection.",
        service_area=area,
        ward=ward,
        urgency=Urgency.URGENT if case["urgent"] else Urgency.ROUTINE,
        urgency_reason="Today." if case["urgent"] else "",
        relates_to_legal_proceedings=case["relates_to_legal_proceedings"],
        is_policy=case["is_policy"],
        is_cross_directorate=case["is_cross_directorate"],
        is_complex=case["is_complex"],
        is_protocol_advice=case["is_protocol_advice"],
        actor=member.person,
        as_of=AS_OF,
    )
    explained = _explain(council, enquiry.concerning, enquiry.stage, area, member)
    assert explained.route.rule_key == enquiry.route_rule_key
    assert explained.route.source == enquiry.route_source
    assert explained.handler.post == enquiry.owner_post
    copies = enquiry.copies.filter(reason=CopyReason.RULE)
    assert {r.post for r in explained.copied if r.post is not None} == {
        c.post for c in copies if c.post_id
    }
    assert {m for r in explained.copied for m in r.members} == {
        c.member for c in copies if c.member_id
    }
    if enquiry.next_stage:
        _check_next_stage(council, enquiry, area, member)


def _check_next_stage(council, enquiry, area, member):
    from enquiries.services.stages import _stage_placement

    try:
        placement = _stage_placement(enquiry, enquiry.concerning, enquiry.next_stage)
    except (ValidationError, routing.RoutingError):
        with pytest.raises((ValidationError, routing.RoutingError)):
            _explain(council, enquiry.concerning, enquiry.next_stage, area, member)
        return
    explained = _explain(council, enquiry.concerning, enquiry.next_stage, area, member)
    assert explained.route.rule_key == placement.rule_key
    assert explained.handler.post == placement.post


def _explain(council, concerning, stage, area, member):
    ctx = explainer.explainer_context(
        council=council,
        directorate=area.directorate,
        subject_post=None,
        case_type="enquiry",
        service_area_slug=area.slug,
        raiser_member=member,
    )
    facts = routing.Facts("enquiry", "member", concerning, stage)
    return explainer.explain(council=council, facts=facts, ctx=ctx, query={})
