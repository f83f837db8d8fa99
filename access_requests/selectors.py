"""Reads for need-to-know requests: the facts the presumption engine needs, the plan a request
would follow (presumption, determiner, deadline) before anything is written, what each person
may see, and the lists they see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from access_requests import permissions as perms
from access_requests import presumptions
from access_requests.models import AccessRequest, Decision, FoiRequest, Release
from access_requests.states import CONCERNING, OPEN_STATUSES, Presumption, Purpose
from protocol_portal.casework import access, lenses
from protocol_portal.casework.conflicts import Conflict, Matter, conflicts_for
from protocol_portal.casework.determinations import source_rows
from protocol_portal.casework.permissions import objects_for
from protocol_portal.casework.services import timeline_for
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import (
    MONITORING_KINDS,
    CalendarKind,
    CaseType,
    Committee,
    Council,
    Directorate,
    Member,
    MemberRoleKind,
    Person,
    Post,
    PostKind,
    Ward,
)
from protocol_portal.org.routing import MEMBER_ROLE_KINDS, Facts, PostRef, Route, RoutingError
from protocol_portal.org.services import (
    RoutedRef,
    RoutePreview,
    RoutingContext,
    members_for,
    post_for,
    route_for,
)

MATTER_KIND = "access_request"  # the conflict check's matter kind (interests/conflicts.py)


@dataclass(frozen=True)
class Ask:
    """What the member says about the request (form or API input)."""

    what: str
    directorate: Directorate
    purpose: str
    justification: str = ""
    for_meeting: bool = False
    committee: Committee | None = None
    meeting_date: date | None = None
    part: str = ""
    within_terms_of_reference: bool = False
    matter_ward: Ward | None = None
    third_party_personal_data: bool = False
    contract_information: bool = False
    property_transaction: bool = False
    other_group_papers: bool = False
    report_to_group: bool = False
    personal_records: bool = False
    draft_policy_papers: bool = False


@dataclass(frozen=True)
class Plan:
    """How a request will be treated, who decides, by when, and why — before it is written."""

    council: Council
    member: Member
    result: presumptions.Result
    stage: str
    route: Route
    handler_post: Post
    holder_post: Post | None
    advisers: tuple[Post, ...]
    consultees: tuple[Member, ...]
    due_on: date
    conflicts: tuple[Conflict, ...] = field(default=())

    @property
    def concerning(self) -> str:
        return CONCERNING[self.result.presumption]

    @property
    def handler_title(self) -> str:
        return self.handler_post.title

    @property
    def presumed(self) -> bool:
        return self.result.presumed

    @property
    def presumption_label(self) -> str:
        return Presumption(self.result.presumption).label

    @property
    def explanation(self) -> str:
        advised = (
            f", advised by the {', '.join(p.title for p in self.advisers)}" if self.advisers else ""
        )
        who = (
            "can be granted by the holder without a determination"
            if self.presumed
            else "goes to the determiner"
        )
        return (
            f"{self.presumption_label} ({self.result.source}): {self.result.reason} "
            f"It {who}: the {self.handler_title}{advised} ({self.route.source}), "
            f"who should decide by {self.due_on:%-d %B %Y}."
        )


def member_of(*, user: Person, council: Council) -> Member | None:
    return (
        Member.objects.filter(council=council, person=user)
        .select_related("ward", "group", "council")
        .first()
    )


def member_context(*, member: Member) -> dict:
    """What the portal knows about the member, to fill in the request form."""
    committees = list(member.committees.order_by("name"))
    portfolio = list(
        Directorate.objects.filter(
            memberrole__member=member, memberrole__kind=MemberRoleKind.CABINET_MEMBER
        ).distinct()
    )
    if portfolio:
        purpose = Purpose.PORTFOLIO
    elif any(c.is_scrutiny for c in committees):
        purpose = Purpose.SCRUTINY
    elif committees:
        purpose = Purpose.COMMITTEE
    else:
        purpose = Purpose.WARD
    return {
        "committees": committees,
        "scrutiny": [c for c in committees if c.is_scrutiny],
        "portfolio_directorates": portfolio,
        "ward": member.ward,
        "purpose": purpose,
        "directorate": portfolio[0] if portfolio else None,
    }


def request_facts(*, member: Member, ask: Ask, has_interest: bool) -> presumptions.Facts:
    """The facts the presumption engine needs, from the ask and the member's roles."""
    committee_ids = set(member.committees.values_list("pk", flat=True))
    on_scrutiny = member.committees.filter(is_scrutiny=True).exists()
    covers = member.roles.filter(
        kind=MemberRoleKind.CABINET_MEMBER, portfolio_directorates=ask.directorate
    ).exists()
    committee = ask.committee if ask.for_meeting else None
    return presumptions.Facts(
        for_meeting=ask.for_meeting,
        part=ask.part if ask.for_meeting else "",
        committee_is_executive=bool(committee and committee.is_executive),
        member_on_committee=bool(committee and committee.pk in committee_ids),
        member_on_scrutiny=on_scrutiny,
        within_terms_of_reference=ask.within_terms_of_reference,
        purpose=ask.purpose,
        ward_is_members=bool(ask.matter_ward and ask.matter_ward.pk == member.ward_id),
        ward_elsewhere=bool(ask.matter_ward and ask.matter_ward.pk != member.ward_id),
        portfolio_covers=covers,
        third_party_personal_data=ask.third_party_personal_data,
        contract_information=ask.contract_information,
        property_transaction=ask.property_transaction,
        other_group_papers=ask.other_group_papers,
        report_to_group=ask.report_to_group,
        personal_records=ask.personal_records,
        draft_policy_papers=ask.draft_policy_papers,
        member_in_administration=bool(member.group_id and member.group.is_administration),
        has_interest=has_interest,
    )


def request_conflicts(*, member: Member, ask: Ask) -> list[Conflict]:
    """The member's own interests in the matter, from the conflict check (000 §7.7, 002 §81)."""
    matter = Matter(
        council=member.council,
        kind=MATTER_KIND,
        people=frozenset(),
        directorate_id=ask.directorate.pk,
        committee_id=ask.committee.pk if ask.committee else None,
        description=f"{ask.what}\n{ask.justification}",
    )
    return conflicts_for(person=member.person, matter=matter)


def _route(council: Council, concerning: str, stage: str) -> Route:
    try:
        return route_for(
            council=council,
            facts=Facts(
                case_type=CaseType.ACCESS_REQUEST,
                raised_by="member",
                concerning=concerning,
                stage=stage,
            ),
        )
    except RoutingError as exc:
        raise ValidationError(
            f"{council.name}'s rules name nobody for this request ({exc})."
        ) from exc


def route_posts(
    *,
    council: Council,
    route: Route,
    directorate: Directorate | None,
    exclude: frozenset[int],
    case_type: str = "access_request",
) -> tuple[Post, tuple[Post, ...], tuple[Member, ...]]:
    """The handler post, the posts advising, and members consulted, for a route (`route_reach`)."""
    handler, copied = route_reach(
        council=council, route=route, directorate=directorate, exclude=exclude, case_type=case_type
    )
    advisers = tuple(one.post for one in copied if one.post is not None)
    consultees = tuple(member for one in copied for member in one.members)
    return handler.post, advisers, consultees


def route_reach(
    *,
    council: Council,
    route: Route,
    directorate: Directorate | None,
    exclude: frozenset[int],
    case_type: str = "access_request",
) -> tuple[RoutedRef, tuple[RoutedRef, ...]]:
    """Who a route's handler and each copy reach (no writes): what real requests and the routing
    explainer both call. "An officer of the directorate" is the one the council's `officer_for`
    setting names for the case type; a copy reaching the handler or an earlier copy's post
    reaches nobody more."""
    ctx = RoutingContext(
        council=council, directorate=directorate, exclude=exclude, case_type=case_type
    )
    handler = post_for(route.handler, ctx)
    if handler is None:
        raise ValidationError(
            f"Nobody holds the post {council.name}'s rules name ({route.handler}, "
            f"{route.source}): ask Member Services."
        )
    seen: list[Post] = []
    copied: list[RoutedRef] = []
    for ref in route.copied:
        if ref.kind in MEMBER_ROLE_KINDS:
            copied.append(RoutedRef(ref, members=tuple(members_for(ref, ctx))))
            continue
        post = post_for(ref, ctx)
        if post is not None and post != handler and post not in seen:
            seen.append(post)
            copied.append(RoutedRef(ref, post=post))
        else:
            copied.append(RoutedRef(ref))
    return RoutedRef(route.handler, post=handler), tuple(copied)


def access_route_preview(council: Council, facts: Facts, ctx: RoutingContext) -> RoutePreview:
    """Where a need-to-know request (or an FOI request it becomes) with these facts goes, by the
    code real requests run (`_route`/`foi_route`, then `route_reach`): the routing explainer's
    answer. The facts' `concerning` is the presumption's routing value (CONCERNING); the
    member asking never decides their own request."""
    if facts.case_type == CaseType.FOI:
        route = foi_route(council=council)
    else:
        route = _route(council, facts.concerning, facts.stage)
    member = ctx.raiser_member
    handler, copied = route_reach(
        council=council,
        route=route,
        directorate=ctx.directorate,
        exclude=frozenset({member.person_id}) if member is not None else frozenset(),
        case_type=facts.case_type,
    )
    return RoutePreview(route=route, handler=handler, copied=copied)


def holder_post_for(*, council: Council, directorate: Directorate) -> Post | None:
    """The post in charge of the directorate holding the information (Director or nearest)."""
    ctx = RoutingContext(council=council, directorate=directorate)
    return post_for(PostRef(PostKind.DIRECTOR, "case_directorate"), ctx)


def _check_ask(council: Council, ask: Ask) -> None:
    errors = {}
    if not ask.what.strip():
        errors["what"] = "Say what document or information you want to see."
    if ask.directorate is None or ask.directorate.council_id != council.pk:
        errors["directorate"] = "Choose the directorate that holds it."
    if ask.purpose not in Purpose.values:
        errors["purpose"] = "Say why you need it."
    if ask.for_meeting:
        if ask.committee is None or ask.committee.council_id != council.pk:
            errors["committee"] = "Choose the committee whose meeting it belongs to."
        if ask.part not in ("part_1", "part_2"):
            errors["part"] = "Say whether it is a Part I (public) or Part II (exempt) item."
    if ask.matter_ward is not None and ask.matter_ward.council_id != council.pk:
        errors["matter_ward"] = "Choose a ward of this council."
    if errors:
        raise ValidationError(errors)


def request_plan(*, council: Council, member: Member, ask: Ask, today: date) -> Plan:
    """How the request will be treated and why, who decides, and by when (no writes)."""
    _check_ask(council, ask)
    found = request_conflicts(member=member, ask=ask)
    facts = request_facts(member=member, ask=ask, has_interest=bool(found))
    result = presumptions.presume(facts, presumptions.rulebook_for(council))
    route = _route(council, CONCERNING[result.presumption], "first")
    handler, advisers, consultees = route_posts(
        council=council,
        route=route,
        directorate=ask.directorate,
        exclude=frozenset({member.person_id}),
    )
    due = calendar_for(council, CalendarKind.WORKING).add(today, council.need_to_know_working_days)
    return Plan(
        council=council,
        member=member,
        result=result,
        stage="first",
        route=route,
        handler_post=handler,
        holder_post=holder_post_for(council=council, directorate=ask.directorate),
        advisers=advisers,
        consultees=consultees,
        due_on=due,
        conflicts=tuple(found),
    )


def stage_route(*, request: AccessRequest, stage: str) -> Route:
    concerning = CONCERNING[request.presumption]
    return _route(request.council, concerning, stage)


def foi_route(*, council: Council) -> Route:
    try:
        return route_for(
            council=council,
            facts=Facts(case_type=CaseType.FOI, raised_by="member", concerning="any"),
        )
    except RoutingError as exc:
        raise ValidationError(f"{council.name} has no FOI route ({exc}).") from exc


# ---- who sees what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Lens(lenses.Lens):
    """What one person may see and do on one request (decided here, shown by templates)."""

    decide: bool = False
    release: bool = False

    @property
    def officer_side(self) -> bool:
        return self.decide or self.release or (self.view and not self.respond)


def request_lens(*, user: Person, request: AccessRequest) -> Lens:
    """The member who asked may respond; the determiner decides and releases, the post holding
    the information releases; every one of them views (one query)."""
    return Lens.of(
        access.perms_for(user, request),
        perms.VIEW,
        decide=perms.DECIDE,
        release=perms.RELEASE,
        respond=perms.RESPOND,
    )


def _base() -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_related(
        "council", "owner_post", "directorate", "requester_person"
    )


def requests_visible_to(*, user: Person) -> QuerySet[AccessRequest]:
    """Requests this person may see (constant queries at any volume)."""
    return objects_for(user, perms.VIEW, _base())


def requests_to_decide(*, user: Person) -> QuerySet[AccessRequest]:
    """Open requests waiting for this person's decision or release."""
    decidable = objects_for(user, perms.DECIDE, AccessRequest.objects.all()).values("pk")
    return _base().filter(pk__in=decidable, status__in=OPEN_STATUSES).order_by("due_on", "pk")


def request_by_pk(*, pk: int) -> AccessRequest | None:
    return (
        _base()
        .select_related(
            "requester_member",
            "committee",
            "matter_ward",
            "holder_post",
        )
        .prefetch_related("advisers")
        .filter(pk=pk)
        .first()
    )


def decisions_for(*, request: AccessRequest) -> list[Decision]:
    return list(request.decisions.select_related("decided_by", "consulted__person"))


def releases_for(*, request: AccessRequest) -> list[Release]:
    return list(request.releases.select_related("released_by"))


def openings_for(*, request: AccessRequest):
    from access_requests.models import ReleaseOpening

    return list(
        ReleaseOpening.objects.filter(release__request=request)
        .select_related("person", "release")
        .order_by("-at", "-pk")[:200]
    )


def request_timeline(*, request: AccessRequest, lens: Lens):
    """Officers see every line; the member only lines meant for them."""
    return timeline_for(case=request, raiser_view=not lens.officer_side)


def foi_visible_to(*, user: Person) -> QuerySet[FoiRequest]:
    return objects_for(
        user, perms.FOI_VIEW, FoiRequest.objects.select_related("council", "owner_post")
    )


def councils_of_member(*, user: Person) -> QuerySet[Council]:
    return Council.objects.filter(members__person=user).distinct().order_by("name")


def monitoring_posts(*, council: Council) -> list[Post]:
    ctx = RoutingContext(council=council)
    posts = [post_for(PostRef(kind, "council"), ctx) for kind in MONITORING_KINDS]
    return [p for p in posts if p is not None]


def consultable_members(*, request: AccessRequest) -> QuerySet[Member]:
    """The Leader, or the Chair of the committee concerned (002 §79)."""
    q = Q(roles__kind=MemberRoleKind.LEADER)
    if request.committee_id:
        q |= Q(roles__kind=MemberRoleKind.COMMITTEE_CHAIR, roles__committee=request.committee_id)
    return (
        Member.objects.filter(council=request.council_id)
        .filter(q)
        .exclude(person=request.requester_person_id)
        .select_related("person")
        .distinct()
    )


def decision_rows() -> QuerySet:
    """Every need-to-know determination, in the columns of the register of determinations
    (casework/determinations.py). A decision is superseded once a later one on the same request
    exists (a dispute decided, a referral answered): decisions are never edited."""
    later = Decision.objects.filter(request_id=OuterRef("request_id")).filter(
        Q(decided_at__gt=OuterRef("decided_at"))
        | Q(decided_at=OuterRef("decided_at"), pk__gt=OuterRef("pk"))
    )
    return source_rows(
        Decision.objects.all(),
        key="need_to_know",
        case="request",
        result="outcome",
        made_at="decided_at",
        made_by="decided_by",
        superseded=Exists(later),
    )
