"""Factories and a small organisation for the interests tests (test scenarios, not fixtures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import factory

from protocol_portal.org.models import (
    ChaserRung,
    Council,
    Directorate,
    Member,
    MemberRole,
    MemberRoleKind,
    Person,
    PoliticalGroup,
    Post,
    PostKind,
    RoutingRule,
)
from protocol_portal.org.services import post_set_holder


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda p: f"{p.username}@example.org")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.LazyAttribute(lambda c: f"{c.slug.title()} Council")
    protocol = "001"


@dataclass
class Org:
    """One council: its posts (each held), two political groups and their members."""

    council: Council
    posts: dict[str, Post] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    groups: dict[str, PoliticalGroup] = field(default_factory=dict)
    directorates: dict[str, Directorate] = field(default_factory=dict)

    def person(self, key: str) -> Person:
        if key in self.posts:
            return self.posts[key].holder
        return self.members[key].person


POSTS = [
    # key, kind, directorate, line manager, deputy
    ("dce", PostKind.DEPUTY_CHIEF_EXECUTIVE, "corporate", None, None),
    ("ce", PostKind.CHIEF_EXECUTIVE, "corporate", None, "dce"),
    ("dmo", PostKind.DEPUTY_MONITORING_OFFICER, "corporate", "ce", None),
    ("mo", PostKind.MONITORING_OFFICER, "corporate", "ce", "dmo"),
    ("lds", PostKind.LEGAL_DEMOCRATIC_SERVICES, "corporate", "mo", None),
    ("dir_housing", PostKind.DIRECTOR, "housing", "ce", None),
    ("hos_housing", PostKind.HEAD_OF_SERVICE, "housing", "dir_housing", None),
    ("officer_housing", PostKind.OFFICER, "housing", "hos_housing", None),
    ("dir_finance", PostKind.DIRECTOR, "finance", "ce", None),
    ("officer_finance", PostKind.OFFICER, "finance", "dir_finance", None),
]
MEMBERS = [
    # key, group, roles
    ("red_leader", "red", [MemberRoleKind.GROUP_LEADER]),
    ("red_whip", "red", [MemberRoleKind.WHIP]),
    ("red_member", "red", []),
    ("red_other", "red", []),
    ("blue_leader", "blue", [MemberRoleKind.GROUP_LEADER]),
    ("blue_whip", "blue", [MemberRoleKind.WHIP]),
    ("blue_member", "blue", []),
]


def build_org(
    *, slug: str = "testshire", protocol: str = "001", took_office_on: date | None = None
) -> Org:
    """A council with every post held, and red and blue groups with leaders and whips."""
    council = CouncilFactory(slug=slug, name=f"{slug.title()} Council", protocol=protocol)
    org = Org(council=council)
    for key in ("corporate", "housing", "finance"):
        org.directorates[key] = Directorate.objects.create(
            council=council, slug=key, name=key.title()
        )
    for key, kind, directorate, manager, deputy in POSTS:
        post = Post.objects.create(
            council=council,
            slug=key.replace("_", "-"),
            title=key.replace("_", " ").title(),
            kind=kind,
            directorate=org.directorates[directorate],
            line_manager=org.posts.get(manager) if manager else None,
            deputy=org.posts.get(deputy) if deputy else None,
        )
        holder = PersonFactory(
            username=f"{slug}-{key}", first_name=key.split("_")[0].title(), last_name=slug.title()
        )
        org.posts[key] = post_set_holder(post=post, holder=holder)
    for key in ("red", "blue"):
        org.groups[key] = PoliticalGroup.objects.create(
            council=council, slug=key, name=f"{key.title()} Group"
        )
    for key, group, roles in MEMBERS:
        person = PersonFactory(
            username=f"{slug}-{key}", first_name=key.replace("_", " ").title(), last_name="Cllr"
        )
        member = Member.objects.create(
            council=council, person=person, group=org.groups[group], took_office_on=took_office_on
        )
        for role in roles:
            MemberRole.objects.create(member=member, kind=role)
        org.members[key] = member
    return org


def add_member(org: Org, key: str, *, group: str = "red", took_office_on=None) -> Member:
    person = PersonFactory(username=f"{org.council.slug}-{key}", first_name=key.title())
    member = Member.objects.create(
        council=org.council, person=person, group=org.groups[group], took_office_on=took_office_on
    )
    org.members[key] = member
    return member


def add_rule(
    council: Council,
    key: str,
    *,
    case_type: str,
    raised_by: str = "any",
    concerning: str = "any",
    handler: tuple[str, str],
    copied: list[tuple[str, str]] = (),
    source: str,
) -> RoutingRule:
    return RoutingRule.objects.create(
        council=council,
        key=key,
        case_type=case_type,
        raised_by=raised_by,
        concerning=concerning,
        handler_kind=handler[0],
        handler_of=handler[1],
        copied=[{"kind": k, "of": o} for k, o in copied],
        source=source,
    )


# Relationship routing written from the protocol texts (not from the fixture files).
RELATIONSHIP_RULES = {
    # 000 §10.4: close relationships are openly declared; the Monitoring Officer is told.
    "000": [
        ("rel-member", "member", "any", ("monitoring_officer", "council"), [], "000 §10.4"),
        ("rel-officer", "officer", "any", ("monitoring_officer", "council"), [], "000 §10.4"),
    ],
    # 001 §5.3.1.1: member → CE and their group leader; officer → their Director of Service or
    # the CE as appropriate; the CE → the group leaders.
    "001": [
        (
            "rel-member",
            "member",
            "any",
            ("chief_executive", "council"),
            [("group_leader", "raiser_group")],
            "001 §5.3.1.1",
        ),
        (
            "rel-officer",
            "officer",
            "officer",
            ("director", "raiser_directorate"),
            [],
            "001 §5.3.1.1",
        ),
        ("rel-director", "officer", "director", ("chief_executive", "council"), [], "001 §5.3.1.1"),
        (
            "rel-ce",
            "officer",
            "chief_executive",
            ("group_leader", "all_groups"),
            [],
            "001 §5.3.1.1",
        ),
    ],
    # 002 §24: the Monitoring Officer is consulted.
    "002": [("rel", "any", "any", ("monitoring_officer", "council"), [], "002 §24")],
    # 003 §13: openly declared; no recipient named, so the Monitoring Officer records it.
    "003": [("rel", "any", "any", ("monitoring_officer", "council"), [], "003 §13")],
    # 004 §3.2: the CE, who decides further disclosure; members also tell their party whip.
    "004": [
        (
            "rel-member",
            "member",
            "any",
            ("chief_executive", "council"),
            [("whip", "raiser_group")],
            "004 §3.2",
        ),
        ("rel-officer", "officer", "any", ("chief_executive", "council"), [], "004 §3.2"),
    ],
}


# Relationship bars and the paragraphs warnings cite, written from the protocol texts (not from
# the fixture files): the council file's `settings:`.
_FAMILY_PARTNER = ["family", "partner"]
BAR_SETTINGS = {
    # 000 §10.5: "a Member should not sit on a body or participate in any decision which directly
    # affects the officer on a personal basis".
    "000": {
        "relationship_bars": [
            {
                "acts": ["complaint", "appointment", "committee_decision", "committee_membership"],
                "override": True,
                "source": "000 §10.5",
                "text": "a Member should not sit on a body or take part in any decision which "
                "directly affects the officer personally",
            }
        ],
        "relationship_warning": "000 §10.5",
        "own_interest_papers": {"paragraph": "000 §7.7", "silent": False},
        "interest_warning": "000 §7.7",
    },
    # 001 §5.3.2.2: no part in the appointment or dismissal of a related Director or above.
    "001": {
        "relationship_bars": [
            {
                "acts": ["complaint"],
                "senior_only": True,
                "source": "001 §5.3.2.2; 001 §5.3.3.3",
                "text": "members must not take part in the dismissal of a related Director",
            },
            {
                "acts": ["appointment"],
                "senior_only": True,
                "source": "001 §5.3.2.2",
                "text": "members must not take part in the appointment of a related Director",
            },
        ],
        "relationship_warning": "001 §5.3.1.1",
        "own_interest_papers": {"paragraph": "001 §5.3.8.5", "silent": True},
        "interest_warning": "001 §5.3.6.1",
    },
    # 002 §46: "Not take part where the candidate is a close friend or relative."
    "002": {
        "relationship_bars": [
            {
                "acts": ["appointment"],
                "natures": ["family", "partner", "close_friendship"],
                "source": "002 §46",
                "text": "members do not take part in appointing a close friend or relative",
            }
        ],
        "relationship_warning": "002 §24",
        "own_interest_papers": {"paragraph": "002 §81", "silent": False},
        "interest_warning": "002 §81",
    },
    "003": {
        "relationship_warning": "003 §13",
        "own_interest_papers": {"paragraph": "003 §52", "silent": True},
    },
    # 004 §3.3: no seat on a Council body, nor a Cabinet role, responsible for an employee the
    # member is married or partnered to or closely related to; §3.4: the top two tiers.
    "004": {
        "relationship_bars": [
            {
                "acts": [
                    "complaint",
                    "appointment",
                    "committee_decision",
                    "committee_membership",
                    "member_role",
                ],
                "natures": _FAMILY_PARTNER,
                "roles": ["mayor", "leader", "deputy_leader", "cabinet_member", "committee_chair"],
                "source": "004 §3.3",
                "text": "members must not sit on a Council body, nor take a Cabinet role, "
                "responsible for a related employee",
            }
        ],
        "relationship_warning": "004 §3.5",
        "own_interest_papers": {"paragraph": "004 §12.10", "silent": False},
        "interest_warning": "004 §2.2.8",
        "incompatible_relationship": {
            "natures": ["family", "partner", "close_friendship", "other"],
            "tiers": 2,
            "source": "004 §3.4",
            "text": "the protocol regards a close relationship between a member and a senior "
            "officer of second tier and above as incompatible with the council's standards",
        },
    },
}


def add_bar_settings(council: Council, protocol: str | None = None) -> None:
    values = BAR_SETTINGS[protocol or council.protocol]
    council.protocol_settings = {
        **(council.protocol_settings or {}),
        **{key: {"value": value, "source": "test"} for key, value in values.items()},
    }
    council.save(update_fields=["protocol_settings"])


def add_relationship_rules(org: Org) -> None:
    add_bar_settings(org.council)
    for key, raised_by, concerning, handler, copied, source in RELATIONSHIP_RULES[
        org.council.protocol
    ]:
        add_rule(
            org.council,
            key,
            case_type="relationship",
            raised_by=raised_by,
            concerning=concerning,
            handler=handler,
            copied=copied,
            source=source,
        )


def add_ladder(council: Council, rungs: list[tuple[str, int, list[str]]]) -> list[ChaserRung]:
    return [
        ChaserRung.objects.create(
            council=council,
            case_type="interest",
            key=key,
            order=order,
            offset_working_days=offset,
            notify=notify,
            source="test",
        )
        for order, (key, offset, notify) in enumerate(rungs)
    ]
