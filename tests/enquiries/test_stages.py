"""Enquiries follow the council's `next_stage` as complaints do (issue 13, deliverable 2): each
test is written from the protocol text and run on the real council files with demo people.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from enquiries import services
from enquiries.permissions import ACT, can
from enquiries.services import enquiry_create
from enquiries.states import Status, Urgency
from protocol_portal.casework.models import CaseEvent
from protocol_portal.org import council_files
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, Post, PostKind, ServiceArea
from tests.conftest import LONDON
from tests.enquiries.helpers import messages_to

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday
LATER = AS_OF + timedelta(days=2)  # Wednesday 4 March 2026


def load(slug: str) -> Council:
    council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    return Council.objects.get(slug=slug)


def area_with(council: Council, *kinds: str) -> ServiceArea:
    """A service area whose directorate has a held post of each kind."""
    for area in ServiceArea.objects.filter(council=council).order_by("slug"):
        posts = Post.objects.filter(directorate=area.directorate, holder__isnull=False)
        if all(posts.filter(kind=kind).exists() for kind in kinds):
            return area
    raise AssertionError(f"no service area with {kinds}")


def member_of(council: Council) -> Member:
    return Member.objects.filter(council=council, ward__isnull=False).order_by("pk").first()


def enquiry_at(council: Council, area: ServiceArea, **flags):
    member = member_of(council)
    return enquiry_create(
        member=member,
        subject="The council's eviction case against my constituent",
        description="How is the matter being dealt with?",
        service_area=area,
        ward=member.ward,
        actor=member.person,
        as_of=AS_OF,
        **flags,
    )


def events(enquiry, kind):
    return list(CaseEvent.objects.filter(case_id=enquiry.pk, kind=kind))


# ------------------------------------------------------------------ 000 §13.6 (Tower Hamlets)


def test_a_member_unhappy_with_a_legal_proceedings_answer_goes_to_the_corporate_director_then_mo():
    # "If a Member believes that the Council's actions or intentions are wrong, they should
    # inform the Corporate Director concerned. It must then be for the Corporate Director to
    # determine what action to take. If the Member remains unhappy with the action taken, then
    # they should refer the matter to the Council's Monitoring Officer or to the Chief
    # Executive." (000 §13.6)
    council = load("tower-hamlets")
    area = area_with(council, PostKind.DIRECTOR, PostKind.CORPORATE_DIRECTOR)
    enquiry = enquiry_at(council, area, relates_to_legal_proceedings=True)
    assert enquiry.owner_post.kind == PostKind.DIRECTOR
    director = enquiry.owner_post.holder
    services.enquiry_respond(
        enquiry=enquiry,
        response="The case is listed for May.",
        actor=director,
        as_of=AS_OF,
        process_only=True,
    )
    member = enquiry.member.person
    assert services.next_stage_for(enquiry) == "corporate-director"

    moved = services.enquiry_next_stage(
        enquiry=enquiry, reason="The council is wrong to evict.", actor=member, as_of=LATER
    )
    assert moved.stage == "corporate-director"
    assert moved.owner_post.kind == PostKind.CORPORATE_DIRECTOR
    assert moved.owner_post.directorate_id == area.directorate_id
    assert moved.route_rule_key == "enquiry-legal-proceedings-corporate-director"
    assert moved.route_source == "000 §13.6"
    assert moved.status == Status.RECEIVED
    # The stage's clock: ten working days from Wednesday 4 March 2026.
    assert moved.due_on == date(2026, 3, 18)
    assert can(moved.owner_post.holder, ACT, moved)
    assert messages_to(moved.owner_post.holder, case=moved)
    assert any("corporate director" in m.subject for m in messages_to(member, case=moved))
    [event] = events(moved, "next_stage")
    assert "000 §13.6" in event.summary
    assert event.detail == "The council is wrong to evict."

    again = services.enquiry_next_stage(
        enquiry=moved, reason="Still unhappy with the action taken.", actor=member, as_of=LATER
    )
    assert again.stage == "monitoring-officer"
    assert again.owner_post.kind == PostKind.MONITORING_OFFICER
    # The Director who answered first is no longer handling it.
    assert not can(director, ACT, again)
    with pytest.raises(ValidationError, match="last stage under 000 §13.6"):
        services.enquiry_next_stage(enquiry=again, reason="And again", actor=member, as_of=LATER)


def test_a_routine_enquiry_has_no_next_stage_where_the_rule_names_none():
    council = load("tower-hamlets")
    enquiry = enquiry_at(council, ServiceArea.objects.filter(council=council).first())
    assert services.next_stage_for(enquiry) == ""
    with pytest.raises(ValidationError, match="last stage"):
        services.enquiry_next_stage(
            enquiry=enquiry, reason="x", actor=enquiry.member.person, as_of=AS_OF
        )


# ------------------------------------------------------------------ access disputes


@pytest.mark.parametrize(
    ("slug", "first_kind", "source"),
    [
        # "Any dispute ... shall be referred to the Chief Executive" (001 §5.3.8.4).
        ("part-5-3", PostKind.DIRECTOR, "001 §5.3.8.4"),
        # "In the event of dispute the question shall be determined by the Chief Executive in
        # consultation with the Leader" (002 §79).
        ("south-oxfordshire", PostKind.MONITORING_OFFICER, "002 §79"),
        # "If there is a disagreement the Chief Executive will ensure that the request is
        # referred to the relevant body for decision" (004 §12.9).
        ("hackney", PostKind.MONITORING_OFFICER, "004 §12.9"),
    ],
)
def test_a_dispute_about_access_goes_to_the_chief_executive(slug, first_kind, source):
    council = load(slug)
    kinds = {PostKind.OFFICER, first_kind} - {PostKind.MONITORING_OFFICER}
    area = area_with(council, *sorted(kinds))
    enquiry = enquiry_at(council, area)
    officer = enquiry.owner_post.holder
    referred = services.enquiry_refer_access(
        enquiry=enquiry, note="Exempt information", actor=officer, as_of=AS_OF
    )
    assert referred.owner_post.kind == first_kind
    assert services.next_stage_for(referred) == "dispute"
    disputed = services.enquiry_next_stage(
        enquiry=referred,
        reason="I need the papers for my ward role.",
        actor=referred.member.person,
        as_of=LATER,
    )
    assert disputed.stage == "dispute"
    assert disputed.owner_post.kind == PostKind.CHIEF_EXECUTIVE
    assert source in disputed.route_source


# ------------------------------------------------------------------ 002 §30 urgency


def test_only_the_deputy_chief_executive_decides_a_dispute_about_urgency():
    # "Not demand urgent responses ... unless the subject matter is deemed by the officer to be
    # urgent. Any dispute as to urgency should be referred to the Deputy Chief Executive or
    # relevant statutory officer." (002 §30)
    council = load("south-oxfordshire")
    area = area_with(council, PostKind.OFFICER, PostKind.DEPUTY_CHIEF_EXECUTIVE)
    enquiry = enquiry_at(
        council, area, urgency=Urgency.URGENT, urgency_reason="Family without heating"
    )
    officer = enquiry.owner_post.holder
    member = enquiry.member.person
    # The officer judges it not urgent: the member is told they may dispute it.
    judged = services.enquiry_set_flags(
        enquiry=enquiry, actor=officer, as_of=AS_OF, urgency=Urgency.ROUTINE, urgency_reason=""
    )
    assert judged.urgency == Urgency.ROUTINE
    assert any("not urgent" in m.subject for m in messages_to(member, case=judged))
    assert services.may_dispute_urgency(judged)

    disputed = services.enquiry_dispute_urgency(
        enquiry=judged, reason="The family has no heating.", actor=member, as_of=LATER
    )
    assert disputed.stage == "urgency-dispute"
    assert disputed.route_rule_key == "enquiry-urgency-dispute"
    assert disputed.owner_post.kind == PostKind.DEPUTY_CHIEF_EXECUTIVE
    deputy = disputed.owner_post.holder
    # Neither side can now simply reset the flag.
    with pytest.raises(ValidationError, match="decides it"):
        services.enquiry_set_flags(
            enquiry=disputed,
            actor=deputy,
            as_of=LATER,
            urgency=Urgency.URGENT,
            urgency_reason="I say so",
        )
    with pytest.raises(ValidationError, match="Only the"):
        services.enquiry_decide_urgency(
            enquiry=disputed, urgent=False, reason="Not urgent", actor=officer, as_of=LATER
        )
    decided = services.enquiry_decide_urgency(
        enquiry=disputed, urgent=True, reason="Vulnerable household", actor=deputy, as_of=LATER
    )
    assert decided.urgency == Urgency.URGENT
    assert decided.stage == "first"
    assert decided.route_rule_key == "enquiry-urgent"
    assert events(decided, "urgency_decided")
    # The decision stands: the officer cannot reset it.
    with pytest.raises(ValidationError, match="decision stands"):
        services.enquiry_set_flags(
            enquiry=decided, actor=decided.owner_post.holder, as_of=LATER, urgency="routine"
        )


def test_no_urgency_dispute_where_the_protocol_has_no_stage_for_it():
    council = load("tower-hamlets")
    area = area_with(council, PostKind.DIRECTOR)
    enquiry = enquiry_at(council, area, urgency=Urgency.URGENT, urgency_reason="Flooding")
    assert not services.may_dispute_urgency(enquiry)
    with pytest.raises(ValidationError):
        services.enquiry_dispute_urgency(
            enquiry=enquiry, reason="x", actor=enquiry.member.person, as_of=AS_OF
        )


# ------------------------------------------------------------------ 002 §31 complex operational


def test_a_complex_operational_matter_goes_first_to_the_head_of_service():
    # "matters that are complex but predominately operational in nature should first be
    # directed to the relevant Head of Service" (002 §31).
    council = load("south-oxfordshire")
    area = area_with(council, PostKind.OFFICER, PostKind.HEAD_OF_SERVICE)
    enquiry = enquiry_at(council, area, is_complex=True)
    assert enquiry.concerning == "complex"
    assert enquiry.owner_post.kind == PostKind.HEAD_OF_SERVICE
    assert enquiry.route_rule_key == "enquiry-complex-operational"
    # An officer who finds a routine one complex flags it, and it goes to the Head of Service.
    routine = enquiry_at(council, area)
    assert routine.owner_post.kind == PostKind.OFFICER
    flagged = services.enquiry_set_flags(
        enquiry=routine, actor=routine.owner_post.holder, as_of=AS_OF, is_complex=True
    )
    assert flagged.owner_post.kind == PostKind.HEAD_OF_SERVICE


def test_the_complex_flag_is_council_data():
    council = load("tower-hamlets")
    assert not services.offers_flag(council, "complex")
    enquiry = enquiry_at(council, ServiceArea.objects.filter(council=council).first())
    with pytest.raises(ValidationError, match="no separate route"):
        services.enquiry_set_flags(
            enquiry=enquiry, actor=enquiry.owner_post.holder, as_of=AS_OF, is_complex=True
        )


# ------------------------------------------------------------------ 002 §76 is it a complaint?


def test_staff_seek_a_senior_officers_advice_before_the_complaints_team():
    # "Where a member of staff identifies that a ward member has raised an issue that they
    # believe should be regarded as a complaint, they will seek advice from a senior officer,
    # and if required then refer the matter directly to the Complaints Team." (002 §76)
    council = load("vale-of-white-horse")
    area = area_with(council, PostKind.OFFICER, PostKind.HEAD_OF_SERVICE)
    enquiry = enquiry_at(council, area)
    officer = enquiry.owner_post.holder
    advice = services.enquiry_refer_complaint(
        enquiry=enquiry,
        note="Reads as a complaint about bin collections",
        actor=officer,
        as_of=AS_OF,
    )
    assert advice.status != Status.REFERRED_COMPLAINT
    assert advice.owner_post.kind == PostKind.HEAD_OF_SERVICE
    assert advice.route_rule_key == "enquiry-complaint-referral"
    assert services.at_complaint_advice(advice)
    # The referral is "This is a complaint" again, not a generic next stage.
    assert services.next_stage_for(advice) == ""
    assert events(advice, "complaint_advice")
    head = advice.owner_post.holder
    referred = services.enquiry_refer_complaint(
        enquiry=advice, note="Yes, a complaint", actor=head, as_of=LATER
    )
    assert referred.status == Status.REFERRED_COMPLAINT
    assert referred.owner_post.kind == PostKind.COMPLAINTS_TEAM
    assert referred.stage == "complaints-team"


def test_without_an_advice_stage_a_complaint_goes_straight_to_the_complaints_team():
    council = load("tower-hamlets")
    enquiry = enquiry_at(council, ServiceArea.objects.filter(council=council).first())
    referred = services.enquiry_refer_complaint(
        enquiry=enquiry, note="", actor=enquiry.owner_post.holder, as_of=AS_OF
    )
    assert referred.status == Status.REFERRED_COMPLAINT
    assert referred.owner_post.kind == PostKind.COMPLAINTS_TEAM


# ------------------------------------------------------------------ web and API


def test_the_member_takes_a_legal_proceedings_enquiry_on_in_the_browser_and_the_api(client):
    council = load("tower-hamlets")
    area = area_with(council, PostKind.DIRECTOR, PostKind.CORPORATE_DIRECTOR)
    enquiry = enquiry_at(council, area, relates_to_legal_proceedings=True)
    member = enquiry.member.person
    client.force_login(member)
    page = client.get(f"/enquiries/{enquiry.reference}/")
    assert "Take this to the corporate director stage" in page.content.decode()
    form = client.get(f"/enquiries/{enquiry.reference}/next-stage/")
    assert form.status_code == 200
    empty = client.post(f"/enquiries/{enquiry.reference}/next-stage/", {"reason": ""})
    assert empty.status_code == 200
    assert "govuk-error-summary" in empty.content.decode()
    done = client.post(
        f"/enquiries/{enquiry.reference}/next-stage/", {"reason": "The council is wrong."}
    )
    assert done.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == "corporate-director"

    api = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/next-stage/",
        {"reason": "Still unhappy"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content
    assert api.json()["stage"] == "monitoring-officer"
    last = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/next-stage/",
        {"reason": "Again"},
        content_type="application/json",
    )
    assert last.status_code == 400
    assert "000 §13.6" in str(last.json())
    # Another member cannot find it.
    other = Member.objects.filter(council=council).exclude(pk=enquiry.member_id).first()
    client.force_login(other.person)
    hidden = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/next-stage/",
        {"reason": "x"},
        content_type="application/json",
    )
    assert hidden.status_code == 404


# ------------------------------------------------------------------ 000 §13.4 answers on process


def test_a_legal_proceedings_answer_is_confirmed_as_comments_on_process(client):
    # "the response on behalf of the Council will necessarily be limited to comments on
    # process, so as not to prejudice the proceedings" (000 §13.4).
    council = load("tower-hamlets")
    area = area_with(council, PostKind.DIRECTOR)
    enquiry = enquiry_at(council, area, relates_to_legal_proceedings=True)
    director = enquiry.owner_post.holder
    with pytest.raises(ValidationError, match="000 §13.4"):
        services.enquiry_respond(
            enquiry=enquiry, response="We will win.", actor=director, as_of=AS_OF
        )
    client.force_login(director)
    url = f"/enquiries/{enquiry.reference}/respond/"
    assert "comments only on process" in client.get(url).content.decode()
    refused = client.post(url, {"response": "We will win."})
    assert refused.status_code == 200
    assert "000 §13.4" in refused.content.decode()
    api = client.post(
        f"/api/v1/enquiries/{enquiry.reference}/respond/",
        {"response": "We will win."},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "process_only" in api.json()
    done = client.post(url, {"response": "The hearing is listed for May.", "process_only": "on"})
    assert done.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.RESPONDED
    [event] = events(enquiry, "responded")
    assert "comments only on process (000 §13.4)" in event.summary


def test_an_ordinary_answer_needs_no_confirmation():
    council = load("tower-hamlets")
    enquiry = enquiry_at(council, ServiceArea.objects.filter(council=council).first())
    answered = services.enquiry_respond(
        enquiry=enquiry, response="Fixed.", actor=enquiry.owner_post.holder, as_of=AS_OF
    )
    assert answered.status == Status.RESPONDED
