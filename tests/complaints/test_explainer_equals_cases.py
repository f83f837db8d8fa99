"""One routing code path (issue 13, deliverable 5): on every council's file, for any complaint
anyone could raise there, the routing explainer's answer is the route the real complaint takes:
the rule, the handler, who is copied, and what the complainant is told. That includes the
council settings real complaints obey (officer_for, subject_responds_first, stand_in), level
fallbacks, a declared relationship passing the handler over, and later stages.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints import services
from complaints.models import Complaint
from complaints.selectors import ComplaintRoutingError, level_for
from complaints.services import _next_plan
from complaints.states import Kind
from interests import services as interests
from protocol_portal.org import routing
from protocol_portal.org.models import Member, Post
from protocol_portal.web import explainer
from tests.complaints.factories import AS_OF
from tests.complaints.test_held_out import SLUGS, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _explained(council, *, raised_by, level, stage, raiser_post, raiser_member, subject):
    subject_post, subject_member = subject
    ctx = explainer.explainer_context(
        council=council,
        directorate=None,
        subject_post=subject_post,
        raiser_post=raiser_post,
        subject_member=subject_member,
        raiser_member=raiser_member,
        case_type="complaint",
    )
    facts = routing.Facts("complaint", raised_by, level, stage)
    return explainer.explain(council=council, facts=facts, ctx=ctx, query={})


def _same_route(explained, *, rule_key, post, member, copied_posts, copied_people, told):
    assert explained.route.rule_key == rule_key
    assert explained.handler.post == post
    assert explained.handler.members == ((member,) if member is not None else ())
    assert {r.post for r in explained.copied if r.post is not None} == set(copied_posts)
    assert {m.person for r in explained.copied for m in r.members} == set(copied_people)
    assert explained.told == told


@st.composite
def complaints(draw, council_id: int):
    """Someone of the council raising a complaint of a kind they may raise, about someone."""
    posts = list(
        Post.objects.filter(council_id=council_id, holder__isnull=False)
        .select_related("holder")
        .order_by("slug")
    )
    members = list(Member.objects.filter(council_id=council_id).order_by("pk"))
    kind = draw(st.sampled_from(list(Kind.values)))
    if (
        kind == Kind.CONCERN_ABOUT_OFFICER
        or draw(st.booleans())
        and kind != (Kind.COMPLAINT_ABOUT_MEMBER)
    ):
        raiser = draw(st.sampled_from(members)).person
    else:
        raiser = draw(st.sampled_from(posts)).holder
    if kind == Kind.CONCERN_ABOUT_OFFICER:
        subject = draw(st.sampled_from([p for p in posts if p.holder_id != raiser.pk]))
        return kind, raiser, subject, None, draw(st.booleans())
    subject = draw(st.sampled_from([m for m in members if m.person_id != raiser.pk]))
    return kind, raiser, None, subject, draw(st.booleans())


@pytest.mark.parametrize("slug", SLUGS)
def test_the_explainer_routes_every_complaint_as_the_real_case_is_routed(slug):
    council = load(slug)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=complaints(council.pk))
    def check(case):
        kind, raiser, subject_post, subject_member, conflicted = case
        with transaction.atomic():
            _check_one(council, kind, raiser, subject_post, subject_member, conflicted)
            transaction.set_rollback(True)

    check()


def _check_one(council, kind, raiser, subject_post, subject_member, conflicted):
    try:
        plan, facts = services.complaint_preview(
            council=council,
            raiser=raiser,
            kind=kind,
            subject_post=subject_post,
            subject_member=subject_member,
        )
    except ComplaintRoutingError as exc:
        _nobody_either(council, kind, raiser, subject_post, subject_member, exc)
        return
    except ValidationError:
        return  # nobody may raise this complaint: there is no route to compare
    if conflicted and plan.handler_person.pk not in (raiser.pk, facts["subject_person"].pk):
        # The handler the rule reaches declares a relationship with the person concerned.
        interests.relationship_declare(
            council=council,
            declarer=plan.handler_person,
            other_person=facts["subject_person"],
            nature="family",
            since=date(2020, 1, 1),
            details="Sibling.",
            as_of=AS_OF,
        )
    try:
        complaint = services.complaint_raise(
            council=council,
            raiser=raiser,
            kind=kind,
            subject_post=subject_post,
            subject_member=subject_member,
            summary="s",
            details="d",
            informal_attempted=True,
            as_of=AS_OF,
        )
    except ComplaintRoutingError as exc:
        _nobody_either(council, kind, raiser, subject_post, subject_member, exc)
        return
    explained = _explain_case(council, facts, routing.FIRST_STAGE)
    _same_route(
        explained,
        rule_key=complaint.rule_key,
        post=complaint.owner_post,
        member=complaint.handler_member,
        copied_posts=complaint.copied_posts.all(),
        copied_people=complaint.copied_people.all(),
        told=complaint.route_explanation,
    )
    _check_next_stage(council, complaint, facts)


def _nobody_either(council, kind, raiser, subject_post, subject_member, exc):
    """Nobody can handle the real complaint: the explainer says the same, shows no handler."""
    raised_by, raiser_member, raiser_post = services._raiser_roles(kind, raiser, council)
    subject, subject_post, subject_member = services._subject(
        kind, council, raiser, subject_post, subject_member
    )
    facts = {
        "raised_by": raised_by,
        "raiser_member": raiser_member,
        "raiser_post": raiser_post,
        "subject_post": subject_post,
        "subject_member": subject_member,
        "level": level_for(kind=kind, subject_post=subject_post, subject_member=subject_member),
    }
    with pytest.raises(ComplaintRoutingError) as explained:
        _explain_case(council, facts, routing.FIRST_STAGE)
    assert explained.value.messages == exc.messages


def _check_next_stage(council, complaint: Complaint, facts):
    """The stage a dissatisfied (or upheld) complaint moves to, as the explainer shows it."""
    if not complaint.next_stage:
        return
    try:
        plan = _next_plan(complaint, complaint.next_stage)
    except ValidationError:
        return
    explained = _explain_case(council, facts, complaint.next_stage)
    _same_route(
        explained,
        rule_key=plan.route.rule_key,
        post=plan.handler_post,
        member=plan.handler_member,
        copied_posts=plan.copied_posts,
        copied_people=[m.person for m in plan.copied_members],
        told=plan.explanation,
    )


def _explain_case(council, facts, stage):
    return _explained(
        council,
        raised_by=facts["raised_by"],
        level=facts["level"],
        stage=stage,
        raiser_post=facts["raiser_post"],
        raiser_member=facts["raiser_member"],
        subject=(facts["subject_post"], facts["subject_member"]),
    )
