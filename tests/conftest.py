"""Common fixtures: a small council built from factories, and a frozen moment to act at.

`org` is a namespace with the council, its directorates, service areas, posts (each held by a
person), wards, political groups, members, enquiry routing rules and the default chaser ladder:

    chief-executive ─┬ monitoring-officer ─┬ member-services (triage)
                     │                     └ complaints-team
                     ├ housing-director ── housing-manager ─┬ housing-officer
                     │                                      └ housing-officer-2
                     └ environment-director ── environment-officer

Members: `raiser` (North ward, Red group), `colleague` (North, Red), `opponent` (South, Blue),
`south_member` (South, Red).
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from protocol_portal.org.models import PostKind
from tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    MemberFactory,
    PersonFactory,
    PoliticalGroupFactory,
    PostFactory,
    RoutingRuleFactory,
    ServiceAreaFactory,
    WardFactory,
    ladder_create,
)

LONDON = ZoneInfo("Europe/London")

# The enquiry rules the org fixture installs: concerning → (handler kind, of).
ENQUIRY_RULES = {
    "routine": (PostKind.OFFICER, "case_directorate"),
    "policy": (PostKind.DIRECTOR, "case_directorate"),
    "urgent": (PostKind.DIRECTOR, "case_directorate"),
    "cross_directorate": (PostKind.CHIEF_EXECUTIVE, "council"),
    "legal_proceedings": (PostKind.DIRECTOR, "case_directorate"),
    "access_in_doubt": (PostKind.MONITORING_OFFICER, "council"),
    "complaint_referral": (PostKind.COMPLAINTS_TEAM, "council"),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """seed_demo sets a password for every demo person, and the real hasher is slow on purpose
    (about a third of a second each): tests hash with MD5, production never does."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the API's throttling counts requests there per
    person id, and ids repeat from test to test (each test's database is rolled back)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def as_of() -> datetime:
    """Monday 2 March 2026, 10:00 UK time: the moment tests act at unless they move it."""
    return datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def _post(council, slug, kind, directorate=None, manager=None, holder=None):
    return PostFactory(
        council=council,
        slug=slug,
        title=slug.replace("-", " ").title(),
        kind=kind,
        directorate=directorate,
        line_manager=manager,
        holder=holder or PersonFactory(username=slug),
    )


def build_org(*, rules: dict | None = ENQUIRY_RULES, ladder: bool = True) -> SimpleNamespace:
    council = CouncilFactory(slug="testshire", name="Testshire Council")
    o = SimpleNamespace(council=council)
    o.chief_exec_dir = DirectorateFactory(
        council=council, slug="chief-executives", name="Chief Executive's"
    )
    o.housing = DirectorateFactory(council=council, slug="housing", name="Housing")
    o.environment = DirectorateFactory(council=council, slug="environment", name="Environment")
    o.repairs = ServiceAreaFactory(directorate=o.housing, slug="repairs", name="Housing repairs")
    o.waste = ServiceAreaFactory(directorate=o.environment, slug="waste", name="Waste")
    o.policy_area = ServiceAreaFactory(directorate=o.chief_exec_dir, slug="policy", name="Policy")

    o.ce = _post(council, "chief-executive", PostKind.CHIEF_EXECUTIVE, o.chief_exec_dir)
    o.mo = _post(council, "monitoring-officer", PostKind.MONITORING_OFFICER, o.chief_exec_dir, o.ce)
    o.triage = _post(council, "member-services", PostKind.MEMBER_SERVICES, o.chief_exec_dir, o.mo)
    o.complaints = _post(
        council, "complaints-team", PostKind.COMPLAINTS_TEAM, o.chief_exec_dir, o.mo
    )
    o.housing_director = _post(council, "housing-director", PostKind.DIRECTOR, o.housing, o.ce)
    o.housing_manager = _post(
        council, "housing-manager", PostKind.MANAGER, o.housing, o.housing_director
    )
    o.housing_officer = _post(
        council, "housing-officer", PostKind.OFFICER, o.housing, o.housing_manager
    )
    o.housing_officer_2 = _post(
        council, "housing-officer-2", PostKind.OFFICER, o.housing, o.housing_manager
    )
    o.env_director = _post(council, "environment-director", PostKind.DIRECTOR, o.environment, o.ce)
    o.env_officer = _post(
        council, "environment-officer", PostKind.OFFICER, o.environment, o.env_director
    )

    o.north = WardFactory(council=council, slug="north", name="North")
    o.south = WardFactory(council=council, slug="south", name="South")
    o.red = PoliticalGroupFactory(council=council, slug="red", name="Red Group")
    o.blue = PoliticalGroupFactory(council=council, slug="blue", name="Blue Group")

    def member(username, ward, group):
        return MemberFactory(
            council=council, ward=ward, group=group, person=PersonFactory(username=username)
        )

    o.raiser = member("cllr-raiser", o.north, o.red)
    o.colleague = member("cllr-colleague", o.north, o.red)
    o.opponent = member("cllr-opponent", o.south, o.blue)
    o.south_member = member("cllr-south", o.south, o.red)

    o.rules = {}
    for concerning, (kind, of) in (rules or {}).items():
        o.rules[concerning] = RoutingRuleFactory(
            council=council,
            key=f"enquiry-{concerning.replace('_', '-')}",
            concerning=concerning,
            handler_kind=kind,
            handler_of=of,
            deadline_days=10,
            source="test",
        )
    o.ladder = ladder_create(council) if ladder else []
    return o


@pytest.fixture
def org(db) -> SimpleNamespace:
    """A small council with posts, members, enquiry rules and the default ladder."""
    return build_org()


@pytest.fixture
def council(org):
    return org.council
