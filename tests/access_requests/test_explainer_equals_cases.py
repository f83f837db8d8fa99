"""One routing code path (issue 13, deliverable 5): on every council's file, for any
need-to-know request a member could make there (any directorate holding the information, any
purpose and any of the ask's facts the presumption engine reads), the routing explainer's
answer is the route the real request takes: the rule, who decides (the council's `officer_for`
setting, vacancies passing up the line, the member never deciding their own request) and the
posts advising.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access_requests.selectors import Ask
from access_requests.services import access_request_submit
from access_requests.states import CONCERNING, Purpose
from protocol_portal.org import routing
from protocol_portal.org.models import Directorate, Member
from protocol_portal.web import explainer
from tests.complaints.factories import AS_OF
from tests.complaints.test_held_out import SLUGS, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ASK_FLAGS = (
    "third_party_personal_data",
    "contract_information",
    "property_transaction",
    "other_group_papers",
    "report_to_group",
    "personal_records",
    "draft_policy_papers",
)


@pytest.fixture
def frozen():
    import time_machine

    with time_machine.travel(AS_OF, tick=False):
        yield AS_OF


@st.composite
def requests(draw, council):
    members = list(Member.objects.filter(council=council).order_by("pk"))
    directorates = list(Directorate.objects.filter(council=council).order_by("slug"))
    member = draw(st.sampled_from(members))
    ask = Ask(
        what="The contract file",
        directorate=draw(st.sampled_from(directorates)),
        purpose=draw(st.sampled_from([p for p in Purpose.values if p != Purpose.COMMITTEE])),
        justification="For casework in my ward.",
        matter_ward=member.ward if draw(st.booleans()) else None,
        **{flag: draw(st.booleans()) for flag in ASK_FLAGS},
    )
    return member, ask


@pytest.mark.parametrize("slug", SLUGS)
def test_the_explainer_routes_every_request_as_the_real_case_is_routed(slug):
    council = load(slug)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=requests(council))
    def check(case):
        member, ask = case
        with transaction.atomic():
            _check_one(council, member, ask)
            transaction.set_rollback(True)

    check()


def _check_one(council, member, ask):
    try:
        request = access_request_submit(
            council=council, requester=member.person, ask=ask, as_of=AS_OF
        )
    except ValidationError:
        # Nobody can decide the real request: the explainer says the same.
        concerning = _concerning_of(council, member, ask)
        if concerning is None:
            return
        with pytest.raises((ValidationError, routing.RoutingError)):
            _explain(council, member, ask.directorate, concerning, routing.FIRST_STAGE)
        return
    concerning = CONCERNING[request.presumption]
    explained = _explain(council, member, ask.directorate, concerning, request.stage)
    assert explained.route.rule_key == request.rule_key
    assert explained.handler.post == request.owner_post
    assert {r.post for r in explained.copied if r.post is not None} == set(request.advisers.all())


def _concerning_of(council, member, ask):
    from access_requests.selectors import presumptions, request_conflicts, request_facts

    try:
        found = request_conflicts(member=member, ask=ask)
    except ValidationError:
        return None
    facts = request_facts(member=member, ask=ask, has_interest=bool(found))
    return CONCERNING[presumptions.presume(facts, presumptions.rulebook_for(council)).presumption]


def _explain(council, member, directorate, concerning, stage):
    ctx = explainer.explainer_context(
        council=council,
        directorate=directorate,
        subject_post=None,
        case_type="access_request",
        raiser_member=member,
    )
    facts = routing.Facts("access_request", "member", concerning, stage)
    return explainer.explain(council=council, facts=facts, ctx=ctx, query={})
