"""A small council for complaint tests, built from the shared factories (read-only import).

    chief-executive (deputy: deputy-chief-executive)
      ├ deputy-chief-executive ── policy-officer
      ├ monitoring-officer (deputy: deputy-monitoring-officer) ─┬ deputy-monitoring-officer
      │                                                         └ head-of-hr
      └ housing-director ── housing-manager ─┬ housing-officer
                                             └ housing-officer-2

Members: complainant (Red), red_leader (Red group leader), red_whip (Red whip), blue_member
(Blue), blue_leader (Blue group leader), standards_chair (chair of the standards committee).

Complaint rules are test data written here, each citing a made-up paragraph "T §n"; the real
councils' rules are exercised in test_councils.py.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from protocol_portal.org.models import (
    CalendarKind,
    CaseType,
    Committee,
    MemberRole,
    MemberRoleKind,
    PostKind,
)
from tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    MemberFactory,
    PersonFactory,
    PoliticalGroupFactory,
    PostFactory,
    RoutingRuleFactory,
    WardFactory,
    ladder_create,
)

LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026, 10:00 UK time (no bank holidays that month).
AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)

COMPLAINT_LADDER = (
    ("reminder", -1, ["assignee"]),
    ("chase", 1, ["assignee", "assignee_line_manager"]),
    ("escalate-chief-executive", 3, ["chief_executive"]),
)

INFORMAL_OFFICER = "Try a senior manager first (T §5)."
INFORMAL_CE = "Raise it informally via the Leader first (T §4)."


def _rule(council, key, raised_by, concerning, stage, kind, of="council", **extra):
    defaults = {
        "deadline_days": 3,
        "deadline_calendar": CalendarKind.CALENDAR,
        "next_stage": "",
        "informal_first": "",
        "copied": [],
    }
    defaults.update(extra)
    return RoutingRuleFactory(
        council=council,
        key=key,
        case_type=CaseType.COMPLAINT,
        raised_by=raised_by,
        concerning=concerning,
        stage=stage,
        handler_kind=kind,
        handler_of=of,
        **defaults,
    )


def build_complaint_org(*, slug: str = "complainshire") -> SimpleNamespace:
    council = CouncilFactory(slug=slug, name=f"{slug.title()} Council", protocol="T")
    o = SimpleNamespace(council=council)
    o.ce_dir = DirectorateFactory(council=council, slug="chief-executives", name="CE's")
    o.housing = DirectorateFactory(council=council, slug="housing", name="Housing")
    o.legal = DirectorateFactory(council=council, slug="legal", name="Legal")

    def post(attr, slug_, kind, directorate, manager=None, **extra):
        made = PostFactory(
            council=council,
            slug=slug_,
            title=slug_.replace("-", " ").title(),
            kind=kind,
            directorate=directorate,
            line_manager=manager,
            holder=PersonFactory(
                username=f"{council.slug}.{slug_}", first_name=slug_.title(), last_name="Officer"
            ),
            **extra,
        )
        setattr(o, attr, made)
        return made

    post("ce", "chief-executive", PostKind.CHIEF_EXECUTIVE, o.ce_dir)
    post("dce", "deputy-chief-executive", PostKind.DEPUTY_CHIEF_EXECUTIVE, o.ce_dir, o.ce)
    o.ce.deputy = o.dce
    o.ce.save()
    post("policy_officer", "policy-officer", PostKind.OFFICER, o.ce_dir, o.dce)
    post("mo", "monitoring-officer", PostKind.MONITORING_OFFICER, o.legal, o.ce)
    post("dmo", "deputy-monitoring-officer", PostKind.DEPUTY_MONITORING_OFFICER, o.legal, o.mo)
    o.mo.deputy = o.dmo
    o.mo.save()
    post("hr", "head-of-hr", PostKind.HEAD_OF_HR, o.legal, o.mo)
    post("director", "housing-director", PostKind.DIRECTOR, o.housing, o.ce)
    post("manager", "housing-manager", PostKind.MANAGER, o.housing, o.director)
    post("officer", "housing-officer", PostKind.OFFICER, o.housing, o.manager)
    post("officer_2", "housing-officer-2", PostKind.OFFICER, o.housing, o.manager)

    ward = WardFactory(council=council, slug="north", name="North")
    o.red = PoliticalGroupFactory(council=council, slug="red", name="Red Group")
    o.blue = PoliticalGroupFactory(council=council, slug="blue", name="Blue Group")

    def member(attr, username, group, role=None, **role_extra):
        made = MemberFactory(
            council=council,
            ward=ward,
            group=group,
            person=PersonFactory(
                username=f"{council.slug}.{username}",
                first_name=username.title(),
                last_name="Member",
            ),
        )
        if role:
            MemberRole.objects.create(member=made, kind=role, **role_extra)
        setattr(o, attr, made)
        return made

    member("complainant", "complainant", o.red)
    member("red_leader", "red-leader", o.red, MemberRoleKind.GROUP_LEADER)
    member("red_whip", "red-whip", o.red, MemberRoleKind.WHIP)
    member("blue_member", "blue-member", o.blue)
    member("blue_leader", "blue-leader", o.blue, MemberRoleKind.GROUP_LEADER)
    o.standards = Committee.objects.create(
        council=council, slug="standards-committee", name="Standards Committee"
    )
    member(
        "standards_chair",
        "standards-chair",
        o.blue,
        MemberRoleKind.COMMITTEE_CHAIR,
        committee=o.standards,
    )

    o.rules = {
        "officer": _rule(
            council,
            "c-member-officer",
            "member",
            "officer",
            "first",
            PostKind.DIRECTOR,
            "subject_directorate",
            next_stage="chief-executive",
            source="T §1",
            copied=[{"kind": "head_of_hr", "of": "council"}],
        ),
        "director": _rule(
            council,
            "c-member-director",
            "member",
            "director",
            "first",
            PostKind.CHIEF_EXECUTIVE,
            source="T §2",
        ),
        "ce_stage": _rule(
            council,
            "c-ce-stage",
            "member",
            "any",
            "chief-executive",
            PostKind.CHIEF_EXECUTIVE,
            deadline_days=5,
            deadline_calendar=CalendarKind.WORKING,
            source="T §3",
        ),
        "chief_executive": _rule(
            council,
            "c-member-ce",
            "member",
            "chief_executive",
            "first",
            PostKind.CHIEF_EXECUTIVE,
            informal_first=INFORMAL_CE,
            source="T §4",
            copied=[{"kind": "monitoring_officer", "of": "council"}],
        ),
        "member": _rule(
            council,
            "c-officer-member",
            "officer",
            "member",
            "first",
            PostKind.MONITORING_OFFICER,
            informal_first=INFORMAL_OFFICER,
            next_stage="standards-committee",
            source="T §5",
        ),
        "group_leader": _rule(
            council,
            "c-officer-group-leader",
            "officer",
            "group_leader",
            "first",
            PostKind.CHIEF_EXECUTIVE,
            source="T §6",
        ),
        "code": _rule(
            council,
            "c-code",
            "any",
            "code_of_conduct",
            "first",
            PostKind.MONITORING_OFFICER,
            next_stage="standards-committee",
            source="T §7",
        ),
        "standards": _rule(
            council,
            "c-standards",
            "any",
            "any",
            "standards-committee",
            "standards_committee",
            deadline_days=None,
            source="T §8",
        ),
        "whip": _rule(
            council,
            "c-whip",
            "any",
            "any",
            "party-whip",
            "whip",
            "subject_group",
            copied=[{"kind": "group_leader", "of": "subject_group"}],
            deadline_days=None,
            source="T §9",
        ),
    }
    o.ladder = ladder_create(council, CaseType.COMPLAINT, COMPLAINT_LADDER)
    return o
