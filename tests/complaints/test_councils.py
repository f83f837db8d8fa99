"""Held-out scenarios on every real council's rules (fixtures/councils/*.yaml, demo people):
each complaint reaches the post the protocol text names. Expectations are written from the
protocol texts in shared/protocols/, not from the fixtures.

Where a protocol is silent the portal's fallback applies (complaints/README.md): the route for
the next level up, or the council file's explicit "default" rule, and never the person
complained about. tests/complaints/test_held_out.py runs the same scenarios through the API and
the browser.
"""

from datetime import date, timedelta

import pytest

from complaints import services
from complaints.states import Kind
from protocol_portal.org import council_files
from protocol_portal.org.calendars import _council_calendar
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, MemberRoleKind, Post
from tests.complaints.factories import AS_OF

pytestmark = pytest.mark.django_db

# council: (director-level subject post, handler; why)
ABOUT_DIRECTOR = {
    # "Any concern about a Corporate Director should be raised privately with the Chief
    # Executive" (000 §14.2); a Director personally → the Chief Executive (000 §5 b).
    "tower-hamlets": ("director-housing", "chief-executive"),
    # "the relevant Director or the Chief Executive, as appropriate" (001 §5.3.3.3).
    "part-5-3": ("director-housing-communities", "chief-executive"),
    # Formal complaints about any officer go in writing to the Chief Executive (002 §105).
    "south-oxfordshire": ("deputy-chief-executive-place", "chief-executive"),
    "vale-of-white-horse": ("deputy-chief-executive-place", "chief-executive"),
    # A chief officer → the chief executive for informal review (003 §68).
    "southwark": ("strategic-director-housing", "chief-executive"),
    # "the relevant service director and/or the Chief Executive" (004 §16.1): the Director
    # cannot handle a complaint about themselves.
    "hackney": ("director-housing", "chief-executive"),
}

# council: (handler, copied posts; why)
ABOUT_CHIEF_EXECUTIVE = {
    # "Any concern about the Chief Executive should be raised privately with the Monitoring
    # Officer" (000 §14.2).
    "tower-hamlets": ("monitoring-officer", set()),
    # Silent (§5.3.3.3 names the relevant Director or the Chief Executive): the portal's
    # default, the Monitoring Officer copied to the head of HR (fixtures/councils/part-5-3.yaml).
    "part-5-3": ("monitoring-officer", {"head-of-hr"}),
    # Lodged with the Deputy Chief Executive – Transformation and Operations, copied to the
    # Monitoring Officer (002 §106).
    "south-oxfordshire": ("deputy-chief-executive-operations", {"head-of-legal-and-democratic"}),
    "vale-of-white-horse": (
        "deputy-chief-executive-operations",
        {"head-of-legal-and-democratic"},
    ),
    # "The chief executive will provide the member with a written response to their complaint"
    # (003 §69); only if the member remains dissatisfied do the monitoring officer and the
    # head of HR report to the leader (§70).
    "southwark": ("chief-executive", set()),
    # Silent (§11 and §16.1 end with the Chief Executive): the portal's default, the Monitoring
    # Officer copied to the head of HR (fixtures/councils/hackney.yaml).
    "hackney": ("monitoring-officer", {"head-of-hr"}),
}

# council: (officer raising it, handler; why)
OFFICER_ABOUT_GROUP_LEADER = {
    # Officers complain about a member to the Monitoring Officer (000 §14.1).
    "tower-hamlets": ("housing-options-officer", "monitoring-officer"),
    # "raise the matter with their Director or the Chief Executive" (001 §5.3.3.4).
    "part-5-3": ("housing-officer", "director-housing-communities"),
    # "If the complaint is against a political group leader then it should be referred to the
    # Chief Executive" (002 §108).
    "south-oxfordshire": ("planning-officer", "chief-executive"),
    "vale-of-white-horse": ("planning-officer", "chief-executive"),
    # Informally via a senior manager, else "the council's monitoring officer" (003 §66).
    "southwark": ("housing-officer", "director-of-legal-and-democratic-services"),
    # Officers report possible breaches to the Monitoring Officer (004 §15.2).
    "hackney": ("housing-officer", "monitoring-officer"),
}

SLUGS = sorted(ABOUT_DIRECTOR)


def load(slug: str) -> Council:
    _council_calendar.cache_clear()
    council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    return Council.objects.get(slug=slug)


def a_member(council: Council) -> Member:
    return (
        Member.objects.filter(council=council)
        .exclude(roles__kind__in=[MemberRoleKind.GROUP_LEADER, MemberRoleKind.LEADER])
        .order_by("pk")
        .first()
    )


def post(council: Council, slug: str) -> Post:
    return Post.objects.get(council=council, slug=slug)


def test_there_is_an_expectation_for_every_council_file():
    assert sorted(p.stem for p in council_files.COUNCILS_DIR.glob("*.yaml")) == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_member_complains_about_a_director(slug):
    council = load(slug)
    subject_slug, handler = ABOUT_DIRECTOR[slug]
    complaint = services.complaint_raise(
        council=council,
        raiser=a_member(council).person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=post(council, subject_slug),
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.level == "director"
    assert complaint.owner_post.slug == handler
    assert complaint.handler_person != complaint.subject_person
    assert complaint.due_on is not None
    assert complaint.next_action_at is not None  # the council's complaint chaser ladder runs


@pytest.mark.parametrize("slug", SLUGS)
def test_member_complains_about_the_chief_executive(slug):
    council = load(slug)
    handler, copied = ABOUT_CHIEF_EXECUTIVE[slug]
    complaint = services.complaint_raise(
        council=council,
        raiser=a_member(council).person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=post(council, "chief-executive"),
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.level == "chief_executive"
    assert complaint.owner_post.slug == handler
    assert {p.slug for p in complaint.copied_posts.all()} == copied
    if slug != "southwark":
        assert complaint.handler_person != complaint.subject_person
        return
    assert complaint.stage == "first"
    assert complaint.handler_person == complaint.subject_person
    assert complaint.next_stage == "leader-report"


@pytest.mark.parametrize("slug", SLUGS)
def test_officer_complains_about_a_group_leader(slug):
    council = load(slug)
    raiser_slug, handler = OFFICER_ABOUT_GROUP_LEADER[slug]
    leader = (
        Member.objects.filter(council=council, roles__kind=MemberRoleKind.GROUP_LEADER)
        .order_by("pk")
        .first()
    )
    complaint = services.complaint_raise(
        council=council,
        raiser=post(council, raiser_slug).holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=leader,
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.level == "group_leader"
    assert complaint.raised_by == "officer"
    assert complaint.owner_post.slug == handler


# council: acknowledgement due for a complaint raised on Friday 6 March 2026. Only Hackney's
# protocol sets the time: "within three days" (004 §11.3), calendar days. The others are silent,
# and the portal default is three working days (fixtures/councils/*.yaml, limits).
ACK_DUE_FROM_FRIDAY = {
    "hackney": date(2026, 3, 9),  # Monday: three calendar days
    "tower-hamlets": date(2026, 3, 11),  # Wednesday: three working days
    "part-5-3": date(2026, 3, 11),
    "south-oxfordshire": date(2026, 3, 11),
    "vale-of-white-horse": date(2026, 3, 11),
    "southwark": date(2026, 3, 11),
}


@pytest.mark.parametrize("slug", SLUGS)
def test_acknowledgement_is_due_on_the_council_s_calendar(slug):
    council = load(slug)
    complaint = services.complaint_raise(
        council=council,
        raiser=a_member(council).person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=post(council, ABOUT_DIRECTOR[slug][0]),
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF + timedelta(days=4),
    )
    assert complaint.ack_due_on == ACK_DUE_FROM_FRIDAY[slug]
