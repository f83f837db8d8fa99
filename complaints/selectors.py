"""Reads for complaints: the route a complaint would take, lists filtered by permission, the
lens each party sees a complaint through, and the quarterly summary's figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When

from complaints import permissions as perms
from complaints.models import Complaint, Determination, QuarterlySummary
from complaints.states import (
    LEVEL_FALLBACKS,
    MEMBER_CONDUCT_LEVELS,
    Kind,
    Level,
    Status,
)
from protocol_portal.casework import lenses
from protocol_portal.casework.conflicts import Matter, conflicts_for
from protocol_portal.casework.determinations import source_rows
from protocol_portal.casework.exports import csv_safe
from protocol_portal.casework.permissions import objects_for
from protocol_portal.casework.services import timeline_for
from protocol_portal.org import protocol_settings, routing
from protocol_portal.org.models import (
    SENIOR_KINDS,
    CaseType,
    Council,
    Member,
    MemberRoleKind,
    Person,
    Post,
    PostKind,
)
from protocol_portal.org.routing import (
    FIRST_STAGE,
    MEMBER_ROLE_KINDS,
    Facts,
    Route,
    RoutingError,
)
from protocol_portal.org.services import (
    RoutedRef,
    RoutePreview,
    RoutingContext,
    members_for,
    post_for,
    route_for,
)

MAX_STAGE_SKIPS = 3


class ComplaintRoutingError(ValidationError):
    """The council's rules name nobody who can handle this complaint."""


@dataclass(frozen=True)
class RoutePlan:
    """Where a complaint goes at a stage, and a plain-English account of why."""

    council: Council
    raised_by: str
    level: str
    routed_as: str
    stage: str
    route: Route
    handler_post: Post | None
    handler_member: Member | None
    handler_person: Person
    copied_posts: tuple[Post, ...]
    copied_members: tuple[Member, ...]
    deadline_days: int
    deadline_calendar: str
    explanation: str
    handler_notes: tuple[str, ...] = field(default=())  # handler side only (conflicts)
    next_step: NextStep | None = None  # where it goes if the complainant is not satisfied
    copied_titles: tuple[str, ...] = field(default=())  # each copy's role in words
    conflicted: frozenset[int] = field(default=frozenset())  # passed over: never granted sight
    copies_by_ref: tuple[RoutedRef, ...] = field(default=())  # who each rule copy reaches

    @property
    def protocol_silent(self) -> bool:
        return self.route.source.strip() == DEFAULT_SOURCE

    @property
    def source_cited(self) -> str:
        return cited(self.route.source)

    @property
    def informal_first(self) -> str:
        return self.route.informal_first if self.stage == FIRST_STAGE else ""

    @property
    def handler_title(self) -> str:
        return handler_title(self.handler_post, self.handler_member, self.route.handler.kind)


def handler_title(post: Post | None, member: Member | None, kind: str) -> str:
    """The handler's role in words (a post title, or a member role and group; never a name)."""
    if post is not None:
        return post.title
    if kind == "standards_committee":
        return "Chair of the Standards Committee"
    label = MemberRoleKind(kind).label if kind in MemberRoleKind.values else kind
    group = member.group if member is not None else None
    return f"{label}, {group}" if group is not None and kind in ("group_leader", "whip") else label


def level_for(*, kind: str, subject_post: Post | None, subject_member: Member | None) -> str:
    """The routing level of the person complained about: their post, or their member role."""
    if kind == Kind.CODE_OF_CONDUCT:
        return Level.CODE_OF_CONDUCT
    if kind == Kind.PROTOCOL_BREACH:
        return Level.PROTOCOL_BREACH
    if kind == Kind.OFFICER_APPROACH:
        return Level.OFFICER_APPROACH  # 001 §5.3.3.2
    if kind == Kind.COMPLAINT_ABOUT_MEMBER:
        if subject_member is not None and any(
            r.kind == MemberRoleKind.GROUP_LEADER for r in subject_member.roles.all()
        ):
            return Level.GROUP_LEADER
        return Level.MEMBER
    if subject_post is None:
        return Level.OFFICER
    if subject_post.kind == PostKind.CHIEF_EXECUTIVE:
        return Level.CHIEF_EXECUTIVE
    if subject_post.kind == PostKind.MONITORING_OFFICER:
        return Level.MONITORING_OFFICER
    if subject_post.kind in SENIOR_KINDS:
        return Level.DIRECTOR
    return Level.OFFICER


def _first_route(council: Council, raised_by: str, levels: list[str], stage: str):
    for level in levels:
        try:
            return level, route_for(
                council=council, facts=Facts(CaseType.COMPLAINT, raised_by, level, stage)
            )
        except RoutingError:
            continue
    return None, None


def subject_responds_rules(council: Council) -> frozenset[str]:
    """Rule keys at whose stage the person complained about responds (`subject_responds_first`
    setting; 003 §69)."""
    return frozenset(protocol_settings.setting(council, "subject_responds_first"))


def stand_in_for(council: Council, rule_key: str) -> routing.PostRef | None:
    """Who acts when the rule's handler cannot (`stand_in` setting), or None."""
    ref = (protocol_settings.setting(council, "stand_in") or {}).get(rule_key)
    if not ref:
        return None
    return routing.PostRef(ref.get("kind", ""), ref.get("of", "council"), ref.get("post", ""))


def _resolve_handler(route: Route, ctx: RoutingContext, matter: Matter, notes: list[str]):
    """The acting handler post or member, passing over anyone conflicted (recorded in notes)."""
    exclude = set(ctx.exclude)
    for _ in range(12):
        here = replace(ctx, exclude=frozenset(exclude))
        post, member = None, None
        if route.handler.kind in MEMBER_ROLE_KINDS:
            found = members_for(route.handler, here)
            member = found[0] if found else None
            person = member.person if member else None
        else:
            post = post_for(route.handler, here)
            person = post.holder if post else None
        if person is None:
            return None, None, exclude
        found_conflicts = conflicts_for(person=person, matter=matter)
        if not found_conflicts:
            return post, member, exclude
        exclude.add(person.pk)
        reasons = "; ".join(f"{c.reason} ({c.source})" for c in found_conflicts)
        where = post.title if post else str(member)
        notes.append(f"{person} ({where}) passed over: {reasons}.")
    return None, None, exclude


def _copies(route: Route, ctx: RoutingContext, handler_person_id: int):
    """The posts and members copied in, each copy's role in words (never a name), and who each
    of the rule's copies reaches (for the routing explainer)."""
    posts: list[Post] = []
    members: list[Member] = []
    labels: list[str] = []
    by_ref: list[RoutedRef] = []
    for ref in route.copied:
        if ref.kind in MEMBER_ROLE_KINDS:
            reached = []
            for member in members_for(ref, ctx):
                if member.person_id != handler_person_id and member not in members:
                    members.append(member)
                    reached.append(member)
                    labels.append(handler_title(None, member, ref.kind))
            by_ref.append(RoutedRef(ref, members=tuple(reached)))
        else:
            post = post_for(ref, ctx)
            if post is not None and post.holder_id != handler_person_id and post not in posts:
                posts.append(post)
                labels.append(post.title)
                by_ref.append(RoutedRef(ref, post=post))
            else:
                by_ref.append(RoutedRef(ref))
    return tuple(posts), tuple(members), tuple(labels), tuple(by_ref)


DEFAULT_SOURCE = "default"
DEFAULT_CITATION = "the portal's default, because the protocol is silent"


def cited(source: str) -> str:
    """A rule's source as the complainant reads it: the paragraph, or a plain statement that the
    protocol is silent and the portal's (admin-configurable) default applies."""
    return DEFAULT_CITATION if source.strip() == DEFAULT_SOURCE else source


@dataclass(frozen=True)
class NextStep:
    """Who a complaint goes to if the complainant is not satisfied (None: the final stage)."""

    stage: str
    handler_title: str
    source: str


def _next_step(council, raised_by, used, route: Route, ctx: RoutingContext) -> NextStep | None:
    if not route.next_stage:
        return None
    _, nxt = _first_route(council, raised_by, [used], route.next_stage)
    if nxt is None:  # pragma: no cover - validated on load: next stages always have a rule
        return None
    post, member = None, None
    if nxt.handler.kind in MEMBER_ROLE_KINDS:
        found = members_for(nxt.handler, ctx)
        member = found[0] if found else None
    else:
        post = post_for(nxt.handler, ctx)
    return NextStep(route.next_stage, handler_title(post, member, nxt.handler.kind), nxt.source)


def _copies_sentence(labels: tuple[str, ...]) -> str:
    if not labels:
        return "Nobody else is copied."
    listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    return f"It is copied to the {listed}, and you are told so: there are no silent copies."


def _explain(
    *,
    level,
    routed_as,
    route,
    handler_title,
    skipped,
    named,
    subject_id,
    copies,
    next_step,
    upheld_moves_on=False,
    stand_in_source="",
) -> str:
    """Plain words for the complainant: which route, why, the paragraph it rests on, who is
    copied, and where it goes if they are not satisfied."""
    parts = []
    if routed_as != level:
        parts.append(
            f"The protocol names no separate route for a complaint about {Level(level).label}, "
            f"so the route for {Level(routed_as).label} applies."
        )
    if route.source.strip() == DEFAULT_SOURCE:
        parts.append(
            f"The protocol is silent on a complaint about {Level(routed_as).label}, so the "
            "portal's default applies (the council's administrator can change it)."
        )
    if skipped:
        parts.append(skipped)
    if named is not None and named.title != handler_title:
        why = (
            "is the person the complaint is about"
            if named.holder_id == subject_id
            else "cannot act on it"
        )
        instead = (
            f"so the council's protocol has the {handler_title} act instead "
            f"({cited(stand_in_source)})."
            if stand_in_source
            else f"so it goes to the {handler_title}, who acts for that post."
        )
        parts.append(f"The rule names the {named.title}, who {why}, {instead}")
    parts.append(f"It is handled by the {handler_title} under {cited(route.source)}.")
    parts.append(copies)
    if route.note:
        parts.append(route.note)
    if next_step is not None and upheld_moves_on:
        parts.append(
            f"If the complaint is upheld, it goes to the "
            f"{next_step.stage.replace('-', ' ')} stage: the {next_step.handler_title} "
            f"({cited(next_step.source)})."
        )
    elif next_step is not None:
        parts.append(
            f"If you are not satisfied with the outcome, it goes to the "
            f"{next_step.stage.replace('-', ' ')} stage: the {next_step.handler_title} "
            f"({cited(next_step.source)})."
        )
    else:
        parts.append(
            "This is the final stage: the protocol names no further stage, so if you are not "
            "satisfied with the outcome you can close the complaint and record that."
        )
    return " ".join(parts)


def _skip_sentence(route: Route, ctx: RoutingContext, subject_id: int) -> str:
    """Why a stage was passed over, in words that never say who is conflicted or why."""
    nxt = route.next_stage.replace("-", " ")
    named = (
        None
        if route.handler.kind in MEMBER_ROLE_KINDS
        else post_for(route.handler, replace(ctx, exclude=frozenset()))
    )
    if named is not None and named.holder_id == subject_id:
        return (
            f"The stage under {cited(route.source)} would be handled by the person concerned, "
            f"so the protocol's next stage ({nxt}) applies."
        )
    who = f"The {named.title}" if named is not None else "The person the rule names"
    return (
        f"{who}, who handles this stage under {cited(route.source)}, cannot act on it, and "
        f"nobody acts for that post, so the protocol's next stage ({nxt}) applies."
    )


def complaint_route_plan(
    *,
    council: Council,
    raised_by: str,
    level: str,
    raiser: Person,
    subject: Person,
    raiser_post: Post | None = None,
    raiser_member: Member | None = None,
    subject_post: Post | None = None,
    subject_member: Member | None = None,
    stage: str = FIRST_STAGE,
    routed_as: str | None = None,
) -> RoutePlan:
    """Where the council's rules send this complaint, never to the person it is about nor to
    anyone with a conflicting declared relationship or interest (routing rules; conflicts hook)."""
    levels = [routed_as] if routed_as else [level, *LEVEL_FALLBACKS.get(level, ())]
    matter = Matter(council, "complaint", people=frozenset({raiser.pk, subject.pk}))
    ctx = RoutingContext(
        council=council,
        subject_post=subject_post,
        raiser_post=raiser_post,
        raiser_member=raiser_member,
        subject_member=subject_member,
        exclude=frozenset({raiser.pk, subject.pk}),
    )
    notes: list[str] = []
    skipped = ""
    stood_in = False
    for _ in range(MAX_STAGE_SKIPS):
        used, route = _first_route(council, raised_by, levels, stage)
        if route is None:
            raise ComplaintRoutingError(
                f"{council.name}'s protocol names no route for a complaint by a {raised_by} "
                f"about {Level(level).label} at the {stage} stage. Ask the Monitoring Officer."
            )
        if route.rule_key in subject_responds_rules(council):
            # The person complained about answers it themselves first (003 §69: "The chief
            # executive will provide the member with a written response").
            post, member, exclude = _resolve_handler(
                route,
                replace(ctx, exclude=ctx.exclude - {subject.pk}),
                Matter(council, "complaint", people=frozenset({raiser.pk})),
                notes,
            )
            exclude.add(subject.pk)
        else:
            post, member, exclude = _resolve_handler(route, ctx, matter, notes)
        stand_in = stand_in_for(council, route.rule_key)
        if post is None and member is None and stand_in is not None:
            # The handler cannot act: whoever the council file names in their place, from the
            # paragraph it cites (`stand_in` setting; 003 §68 "may be referred").
            here = replace(ctx, exclude=frozenset(exclude))
            post, member, exclude = _resolve_handler(
                replace(route, handler=stand_in), here, matter, notes
            )
            stood_in = post is not None or member is not None
        if post is not None or member is not None:
            break
        if not route.next_stage:
            raise ComplaintRoutingError(
                f"Nobody can handle this under {route.source}: the post named is held by the "
                "person concerned or is vacant. Ask the Monitoring Officer."
            )
        skipped = _skip_sentence(route, ctx, subject.pk)
        stage, levels = route.next_stage, [used]
        ctx = replace(ctx, exclude=frozenset(exclude))  # still passed over at the next stage
    else:  # pragma: no cover - stage chains are validated as acyclic and short
        raise ComplaintRoutingError("The council's stages go on too long to route this.")
    handler_person = post.holder if post is not None else member.person
    ctx = replace(ctx, exclude=frozenset(exclude))
    copied_posts, copied_members, copy_labels, copies_by_ref = _copies(
        route, ctx, handler_person.pk
    )
    days = route.deadline_days or council.complaint_ack_days
    calendar = route.deadline_calendar if route.deadline_days else council.complaint_ack_calendar
    plan = RoutePlan(
        council=council,
        raised_by=raised_by,
        level=level,
        routed_as=used,
        stage=stage,
        route=route,
        handler_post=post,
        handler_member=member,
        handler_person=handler_person,
        copied_posts=copied_posts,
        copied_members=copied_members,
        deadline_days=days,
        deadline_calendar=calendar,
        explanation="",
        handler_notes=tuple(notes),
    )
    named = (
        None
        if route.handler.kind in MEMBER_ROLE_KINDS
        else post_for(route.handler, replace(ctx, exclude=frozenset()))
    )
    next_step = _next_step(council, raised_by, used, route, ctx)
    explanation = _explain(
        level=level,
        routed_as=used,
        route=route,
        handler_title=plan.handler_title,
        skipped=skipped,
        named=named,
        subject_id=subject.pk,
        copies=_copies_sentence(copy_labels),
        next_step=next_step,
        stand_in_source=(protocol_settings.setting_source(council, "stand_in") if stood_in else ""),
        upheld_moves_on=route.rule_key
        in protocol_settings.setting(council, "next_stage_when_upheld"),
    )
    return replace(
        plan,
        explanation=explanation,
        next_step=next_step,
        copied_titles=copy_labels,
        conflicted=frozenset(exclude) - {raiser.pk, subject.pk},
        copies_by_ref=copies_by_ref,
    )


def complaint_route_preview(council: Council, facts: Facts, ctx: RoutingContext) -> RoutePreview:
    """Where a complaint with these facts goes, by `complaint_route_plan`, the code every
    complaint is routed by (the routing explainer's answer for complaints).

    The facts' `concerning` is the complaint's level; the person concerned is the holder of the
    context's subject post (or the member concerned), else, for a complaint about the Chief
    Executive or the Monitoring Officer, the holder of that post; the person raising it is the
    holder of the context's raiser post, or the raising member, or nobody in particular.
    """
    subject_post = ctx.subject_post if ctx.subject_post and ctx.subject_post.pk else None
    if subject_post is None and facts.concerning in (
        Level.CHIEF_EXECUTIVE,
        Level.MONITORING_OFFICER,
    ):
        subject_post = (
            Post.objects.filter(council=council, kind=facts.concerning)
            .select_related("holder", "directorate")
            .order_by("slug")
            .first()
        )
    raiser_post = ctx.raiser_post if ctx.raiser_post and ctx.raiser_post.pk else None
    subject = _person_of(subject_post, ctx.subject_member)
    raiser = _person_of(raiser_post, ctx.raiser_member)
    people = {
        "council": council,
        "raised_by": facts.raised_by,
        "level": facts.concerning,
        "raiser": raiser,
        "subject": subject,
        "raiser_post": raiser_post or ctx.raiser_post,
        "raiser_member": ctx.raiser_member,
        "subject_post": subject_post or ctx.subject_post,
        "subject_member": ctx.subject_member,
    }
    routed_as = None
    if facts.stage != FIRST_STAGE:
        # A later stage keeps the level the first stage was routed as, as an escalation does
        # (complaints.services._next_plan).
        try:
            routed_as = complaint_route_plan(**people).routed_as
        except ComplaintRoutingError:
            routed_as = None
    plan = complaint_route_plan(**people, stage=facts.stage, routed_as=routed_as)
    handler = RoutedRef(
        plan.route.handler,
        post=plan.handler_post,
        members=(plan.handler_member,) if plan.handler_member is not None else (),
    )
    return RoutePreview(
        route=plan.route, handler=handler, copied=plan.copies_by_ref, explanation=plan.explanation
    )


def _person_of(post: Post | None, member: Member | None) -> Person:
    """The person holding the post or the member's person; an unsaved stand-in for nobody."""
    if post is not None and post.holder_id is not None:
        return post.holder
    if member is not None:
        return member.person
    return Person()


# ---- who sees what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Lens(lenses.Lens):
    """What one person may see and do on one complaint (decided here, shown by templates)."""

    act: bool = False
    disciplinary: bool = False
    subject_only: bool = False
    determine: bool = False

    @property
    def any(self) -> bool:
        return self.view or self.subject_only


def complaint_lens(*, user: Person, complaint: Complaint) -> Lens:
    """The complainant sees route, stage, deadlines and outcome; handler-side roles also see
    disciplinary notes; the subject sees only what was released to them (004 §11.4–11.5)."""
    held = perms.allowed(user, complaint)  # one query
    if perms.VIEW not in held:
        return Lens(subject_only=complaint.released_to_subject and perms.VIEW_RELEASED in held)
    return Lens.of(
        held,
        perms.VIEW,
        act=perms.ACT,
        disciplinary=perms.DISCIPLINARY,
        respond=perms.RESPOND,
        determine=perms.DETERMINE,
    )


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(
        "council", "owner_post", "handler_person", "raiser_person"
    )


def complaints_visible_to(*, user: Person) -> QuerySet[Complaint]:
    """Complaints this person may see in full (constant queries at any volume)."""
    return objects_for(user, perms.VIEW, _base())


def complaints_released_to(*, user: Person) -> QuerySet[Complaint]:
    """Complaints about this person whose handler has released what natural justice requires."""
    return objects_for(user, perms.VIEW_RELEASED, _base()).filter(released_to_subject=True)


def mo_desk(*, user: Person) -> QuerySet[Complaint]:
    """The Monitoring Officer's desk: Code of Conduct and member-conduct reports to determine,
    and complaints escalated past their first stage (004 §15.2–15.4)."""
    determinable = objects_for(user, perms.DETERMINE, Complaint.objects.all()).values("pk")
    return (
        complaints_visible_to(user=user)
        .filter(Q(pk__in=determinable) | Q(stage_number__gt=1))
        .filter(closed_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "determinations",
                queryset=Determination.objects.filter(superseded_at__isnull=True),
                to_attr="active_determinations",
            )
        )
        .order_by("due_on", "pk")
    )


def active_determination(*, complaint: Complaint) -> Determination | None:
    return complaint.determinations.filter(superseded_at__isnull=True).first()


def determinations_for(*, complaint: Complaint) -> list[Determination]:
    return list(complaint.determinations.select_related("issued_by").order_by("issued_at", "pk"))


def complaint_timeline(*, complaint: Complaint, lens: Lens):
    """Handler-side roles see every line; the complainant only lines meant for them."""
    return timeline_for(case=complaint, raiser_view=not lens.disciplinary)


def complaint_by_pk(*, pk: int) -> Complaint | None:
    return (
        _base()
        .select_related("subject_person", "subject_post", "investigator_post", "handler_member")
        .prefetch_related("copied_posts", "copied_people")
        .filter(pk=pk)
        .first()
    )


def councils_of(*, user: Person) -> QuerySet[Council]:
    """Councils where this person is a member or holds a post."""
    return (
        Council.objects.filter(Q(members__person=user) | Q(posts__holder=user))
        .distinct()
        .order_by("name")
    )


def member_of(*, user: Person, council: Council) -> Member | None:
    return Member.objects.filter(council=council, person=user).first()


def post_of(*, user: Person, council: Council) -> Post | None:
    return Post.objects.filter(council=council, holder=user).order_by("slug").first()


# ---- quarterly summary (004 §15.4) -------------------------------------------------------


def quarter_bounds(day: date) -> tuple[date, date]:
    """The calendar quarter containing `day` (first and last day)."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    following = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, following - timedelta(days=1)


def previous_quarter(day: date) -> tuple[date, date]:
    start, _ = quarter_bounds(day)
    return quarter_bounds(start - timedelta(days=1))


def _outcome_label(complaint: Complaint, determination: Determination | None) -> str:
    if determination is not None:
        return determination.get_outcome_display()
    if complaint.outcome:
        return complaint.get_outcome_display()
    return "Open" if complaint.closed_at is None else complaint.get_status_display()


def summary_rows(*, council: Council, start: date, end: date) -> list[dict]:
    """Every alleged breach by a member raised in the quarter: reference, type, route, stage,
    outcome and days taken. No names (004 §15.4)."""
    complaints = (
        Complaint.objects.filter(
            council=council,
            received_on__gte=start,
            received_on__lte=end,
            level__in=MEMBER_CONDUCT_LEVELS,
        )
        .select_related("owner_post")
        .prefetch_related(
            Prefetch(
                "determinations",
                queryset=Determination.objects.filter(superseded_at__isnull=True),
                to_attr="active_determinations",
            )
        )
        .order_by("received_on", "pk")
    )
    rows = []
    for c in complaints:
        determination = c.active_determinations[0] if c.active_determinations else None
        finished = c.outcome_at or c.closed_at
        taken = (finished.date() - c.received_on).days if finished else None
        rows.append(
            {
                "reference": c.reference,
                "type": c.get_level_display(),
                "route": f"{c.rule_key} ({c.rule_source})",
                "handled_by": c.owner_post.title if c.owner_post else "a member role",
                "stage": c.stage,
                "status": c.get_status_display(),
                "outcome": _outcome_label(c, determination),
                "received_on": c.received_on.isoformat(),
                "days_taken": taken,
            }
        )
    return rows


def summary_totals(rows: list[dict]) -> dict:
    taken = [r["days_taken"] for r in rows if r["days_taken"] is not None]
    return {
        "count": len(rows),
        "by_type": dict(Counter(r["type"] for r in rows)),
        "by_outcome": dict(Counter(r["outcome"] for r in rows)),
        "by_stage": dict(Counter(r["stage"] for r in rows)),
        "open": sum(1 for r in rows if r["days_taken"] is None),
        "average_days": round(sum(taken) / len(taken), 1) if taken else None,
    }


def summaries_visible_to(*, user: Person) -> QuerySet[QuarterlySummary]:
    return objects_for(user, perms.VIEW_SUMMARY, QuarterlySummary.objects.select_related("council"))


def open_statuses() -> list[str]:
    return [s for s in Status.values if s not in (Status.CLOSED, Status.WITHDRAWN)]


SUMMARY_KINDS = (
    PostKind.MONITORING_OFFICER,
    PostKind.DEPUTY_MONITORING_OFFICER,
    PostKind.CHIEF_EXECUTIVE,
)


def summary_councils_for(*, user: Person) -> QuerySet[Council]:
    """Councils whose quarterly summary this person may generate: the MO and the CE (004 §15.4)."""
    return Council.objects.filter(posts__holder=user, posts__kind__in=SUMMARY_KINDS).distinct()


def summary_chart(*, totals: dict, width: int = 480, bar: int = 28) -> dict:
    """Bars for the summary's SVG chart (counts by type), sized here so the template only draws.
    Each type's name is on its own line above its bar, so a long name is never hidden by a bar
    and the chart (scaled to its column by CSS) fits a phone."""
    by_type = sorted((totals.get("by_type") or {}).items())
    top = max((n for _, n in by_type), default=0) or 1
    label = 26  # the line above a bar holding the type's name
    row = label + bar + 12
    scale = (width - 40) / top
    bars = [
        {
            "label": name,
            "count": n,
            "label_y": i * row + 19,
            "y": i * row + label,
            "width": round(n * scale, 1),
            "x": 0,
            "text_x": round(n * scale, 1) + 6,
            "text_y": i * row + label + bar * 0.68,
        }
        for i, (name, n) in enumerate(by_type)
    ]
    return {
        "bars": bars,
        "width": width,
        "height": max(len(bars), 1) * row,
        "bar": bar,
    }


CSV_COLUMNS = (
    ("reference", "Reference"),
    ("type", "Type"),
    ("route", "Route"),
    ("handled_by", "Handled by"),
    ("stage", "Stage"),
    ("status", "Status"),
    ("outcome", "Outcome"),
    ("received_on", "Received"),
    ("days_taken", "Days taken"),
)


SUMMARY_CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def summary_csv(*, summary: QuarterlySummary) -> bytes:
    """The quarterly summary as UTF-8 CSV with a byte-order mark, so that Excel reads "§" and
    accented names rightly; served as SUMMARY_CSV_CONTENT_TYPE."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in CSV_COLUMNS])
    for row in summary.rows:
        writer.writerow([csv_safe(row.get(key)) for key, _ in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def complaints_to_act_on(*, user: Person) -> QuerySet[Complaint]:
    """Open complaints routed to this person's posts (or to them as a member role)."""
    return (
        objects_for(user, perms.ACT, _base())
        .filter(closed_at__isnull=True)
        .order_by("due_on", "pk")
    )


def determination_rows() -> QuerySet:
    """Every Monitoring Officer's determination, current and superseded (004 §15.2–15.5), in the
    columns of the register of determinations (casework/determinations.py)."""
    return source_rows(
        Determination.objects.all(),
        key="complaint",
        case="complaint",
        result="outcome",
        made_at="issued_at",
        made_by="issued_by",
        superseded=Case(
            When(superseded_at__isnull=True, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        ),
    )
