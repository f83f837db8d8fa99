"""Shared factory_boy factories for the organisation: councils, posts, people, members, rules.

General on purpose, so every case app's tests can build the org they need. A post created with
a holder gets its permission group with the holder in it (the org signal does that); to change
a holder later use `org.services.post_set_holder`.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from protocol_portal.org.models import (
    CalendarKind,
    CaseType,
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
    ServiceArea,
    Ward,
)


class CouncilFactory(DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.replace('-', ' ').title()} Council")
    protocol = "000"


class DirectorateFactory(DjangoModelFactory):
    class Meta:
        model = Directorate

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"directorate-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea

    directorate = factory.SubFactory(DirectorateFactory)
    council = factory.SelfAttribute("directorate.council")
    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")


class PostFactory(DjangoModelFactory):
    """A held post by default; pass `holder=None` for a vacancy."""

    class Meta:
        model = Post

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"post-{n}")
    title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    kind = PostKind.OFFICER
    directorate = None
    holder = factory.SubFactory(PersonFactory)
    line_manager = None
    deputy = None


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"ward-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class PoliticalGroupFactory(DjangoModelFactory):
    class Meta:
        model = PoliticalGroup

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    council = factory.SubFactory(CouncilFactory)
    person = factory.SubFactory(PersonFactory)
    ward = factory.SubFactory(WardFactory, council=factory.SelfAttribute("..council"))
    group = factory.SubFactory(PoliticalGroupFactory, council=factory.SelfAttribute("..council"))


class MemberRoleFactory(DjangoModelFactory):
    class Meta:
        model = MemberRole

    member = factory.SubFactory(MemberFactory)
    kind = MemberRoleKind.GROUP_LEADER


class RoutingRuleFactory(DjangoModelFactory):
    """An enquiry rule from members by default; set concerning, handler_kind and handler_of."""

    class Meta:
        model = RoutingRule

    council = factory.SubFactory(CouncilFactory)
    key = factory.Sequence(lambda n: f"rule-{n}")
    case_type = CaseType.ENQUIRY
    raised_by = "member"
    concerning = "any"
    stage = "first"
    handler_kind = PostKind.MEMBER_SERVICES
    handler_of = "council"
    copied = factory.LazyFunction(list)
    deadline_days = None
    source = "default"


class ChaserRungFactory(DjangoModelFactory):
    class Meta:
        model = ChaserRung

    council = factory.SubFactory(CouncilFactory)
    case_type = CaseType.ENQUIRY
    key = factory.Sequence(lambda n: f"rung-{n}")
    order = factory.Sequence(lambda n: n)
    offset_working_days = 0
    notify = factory.LazyFunction(lambda: ["assignee"])
    source = "default"


# The portal's default enquiry ladder (shared/protocols/README.md, "Defaults").
DEFAULT_ENQUIRY_LADDER = (
    ("reminder", -2, ["assignee"]),
    ("chase", 1, ["assignee", "assignee_line_manager"]),
    ("escalate-director", 3, ["director"]),
    ("escalate-chief-executive", 10, ["chief_executive"]),
)


def ladder_create(
    council: Council, case_type: str = CaseType.ENQUIRY, rungs=DEFAULT_ENQUIRY_LADDER
):
    """Create a chaser ladder for the council: (key, offset in working days, notify) per rung."""
    return [
        ChaserRungFactory(
            council=council,
            case_type=case_type,
            key=key,
            order=order,
            offset_working_days=offset,
            notify=list(notify),
        )
        for order, (key, offset, notify) in enumerate(rungs)
    ]


# Need-to-know rules in the shape of Tower Hamlets' (000 §7.2): the Director holding the
# information decides, the Monitoring Officer decides "no right" and hears disputes; FOI goes to
# an officer of the directorate holding it on the FOI calendar.
ACCESS_REQUEST_RULES = (
    ("access-request-presumed", "presumed", "first", PostKind.DIRECTOR, "case_directorate"),
    ("access-request-must-justify", "must_justify", "first", PostKind.DIRECTOR, "case_directorate"),
    ("access-request-no-right", "no_right", "first", PostKind.MONITORING_OFFICER, "council"),
    ("access-request-dispute", "any", "dispute", PostKind.MONITORING_OFFICER, "council"),
)


def access_request_rules_create(council: Council) -> list[RoutingRule]:
    """Routing rules for need-to-know requests and FOI, for a factory-built council."""
    rules = [
        RoutingRuleFactory(
            council=council,
            key=key,
            case_type=CaseType.ACCESS_REQUEST,
            concerning=concerning,
            stage=stage,
            handler_kind=kind,
            handler_of=of,
            deadline_days=10,
            next_stage="dispute" if stage == "first" and concerning != "no_right" else "",
            source="T §7",
        )
        for key, concerning, stage, kind, of in ACCESS_REQUEST_RULES
    ]
    rules.append(
        RoutingRuleFactory(
            council=council,
            key="foi",
            case_type=CaseType.FOI,
            raised_by="any",
            handler_kind=PostKind.OFFICER,
            handler_of="case_directorate",
            deadline_days=20,
            deadline_calendar=CalendarKind.FOI,
            source="T §7.20",
        )
    )
    return rules
