"""Writes and ORM-bound lookups for the organisation: routing to real posts, vacancies, closures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import Group
from django.db import transaction

from protocol_portal.org import routing
from protocol_portal.org.models import (
    ClosureDay,
    Council,
    Directorate,
    Member,
    MemberRoleKind,
    Person,
    Post,
    PostKind,
    RoutingRule,
)

# Stand-ins when the exact kind is missing in a directorate (e.g. a council with Corporate
# Directors but no Directors).
_KIND_FALLBACKS: dict[str, tuple[str, ...]] = {
    PostKind.DIRECTOR: (PostKind.CORPORATE_DIRECTOR, PostKind.HEAD_OF_SERVICE),
    PostKind.CORPORATE_DIRECTOR: (PostKind.DIRECTOR,),
    PostKind.HEAD_OF_SERVICE: (PostKind.MANAGER, PostKind.DIRECTOR),
    PostKind.DEPUTY_MONITORING_OFFICER: (PostKind.MONITORING_OFFICER,),
    PostKind.DEPUTY_CHIEF_EXECUTIVE: (PostKind.CHIEF_EXECUTIVE,),
}


def rule_row(rule: RoutingRule) -> routing.RuleRow:
    return routing.RuleRow(
        key=rule.key,
        case_type=rule.case_type,
        raised_by=rule.raised_by,
        concerning=rule.concerning,
        stage=rule.stage,
        handler=routing.PostRef(rule.handler_kind, rule.handler_of, rule.handler_post),
        copied=tuple(
            routing.PostRef(c["kind"], c.get("of", "council"), c.get("post", ""))
            for c in rule.copied
        ),
        deadline_days=rule.deadline_days,
        deadline_calendar=rule.deadline_calendar,
        next_stage=rule.next_stage,
        informal_first=rule.informal_first,
        source=rule.source,
        note=rule.note,
    )


def rule_rows_for(*, council: Council, case_type: str | None = None) -> list[routing.RuleRow]:
    """The council's routing rules as pure rows (one query)."""
    rules = RoutingRule.objects.filter(council=council)
    if case_type:
        rules = rules.filter(case_type=case_type)
    return [rule_row(rule) for rule in rules]


def routing_rules_validate(*, council: Council, replacing: RoutingRule | None = None) -> list[str]:
    """Problems the council's rules would have with `replacing` saved (dead ends, cycles, kinds)."""
    rows = [
        rule_row(rule)
        for rule in RoutingRule.objects.filter(council=council)
        if replacing is None or rule.pk != replacing.pk
    ]
    if replacing is not None:
        rows.append(rule_row(replacing))
    posts = list(Post.objects.filter(council=council).values_list("kind", "slug"))
    return routing.validate(rows, {k for k, _ in posts}, {s for _, s in posts})


def route_for(*, council: Council, facts: routing.Facts) -> routing.Route:
    """Where a case with these facts goes under the council's rules."""
    return routing.resolve(rule_rows_for(council=council, case_type=facts.case_type), facts)


@dataclass(frozen=True)
class RoutingContext:
    """The people and places a rule's relations are resolved against."""

    council: Council
    directorate: Directorate | None = None
    subject_post: Post | None = None
    raiser_post: Post | None = None
    raiser_member: Member | None = None
    subject_member: Member | None = None
    exclude: frozenset[int] = field(default=frozenset())  # person ids who must not handle
    # What the case is about, for the council's `officer_for` setting: which officer of the
    # directorate handles a service area or a kind of case.
    service_area_slug: str = ""
    case_type: str = ""


@dataclass(frozen=True)
class RoutedRef:
    """One handler or copy a rule names, and who it reaches on this case."""

    ref: routing.PostRef
    post: Post | None = None
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class RoutePreview:
    """Where a case with some facts goes, as a real case of that type would be routed: the rule
    applied (after the case type's own fallbacks and stage skips), its handler and copies, and
    what the person raising it is told. A case app computes it with the code its cases run
    (`casework.registry.CaseTypeSpec.route_preview`), so the routing explainer shows the same."""

    route: routing.Route
    handler: RoutedRef
    copied: tuple[RoutedRef, ...] = ()
    explanation: str = ""


def acting_post(post: Post, *, exclude: Iterable[int] = ()) -> Post | None:
    """The post that acts for `post`: itself if held, else its deputy, else up the line."""
    excluded = set(exclude)
    seen: set[int] = set()
    candidate: Post | None = post
    while candidate is not None and candidate.pk not in seen:
        seen.add(candidate.pk)
        if candidate.holder_id is not None and candidate.holder_id not in excluded:
            return candidate
        deputy = candidate.deputy
        if deputy is not None and deputy.holder_id is not None and deputy.holder_id not in excluded:
            return deputy
        candidate = candidate.line_manager
    return None


def monitoring_chain(council_id: int) -> frozenset[int]:
    """The posts whose holder, or vacancy, decides which post acts for the council's Monitoring
    Officer (`post_for` a Monitoring Officer: the post, its deputy, up its line)."""
    posts = {p.pk: p for p in Post.objects.filter(council_id=council_id)}
    mo = min(
        (p for p in posts.values() if p.kind == PostKind.MONITORING_OFFICER),
        key=lambda p: p.slug,
        default=None,
    )
    chain: set[int] = set()
    candidate = mo
    while candidate is not None and candidate.pk not in chain:
        chain.add(candidate.pk)
        if candidate.deputy_id is not None:
            chain.add(candidate.deputy_id)
        candidate = posts.get(candidate.line_manager_id)
    return frozenset(chain)


def kinds_for(kind: str) -> tuple[str, ...]:
    """The kind, then its stand-ins, in the order a post is looked for (here and in the chaser
    sweep's in-memory copy of the council's posts, `casework.chasers.OrgPosts`)."""
    return (kind, *_KIND_FALLBACKS.get(kind, ()))


def _post_of_kind(council: Council, kind: str, directorate: Directorate | None) -> Post | None:
    for wanted in kinds_for(kind):
        posts = Post.objects.filter(council=council, kind=wanted).select_related(
            "holder", "deputy", "line_manager"
        )
        if directorate is not None:
            posts = posts.filter(directorate=directorate)
        post = posts.order_by("slug").first()
        if post is not None:
            return post
    return None


def _officer_for(ctx: RoutingContext) -> Post | None:
    """The officer post the council's `officer_for` setting names for the case's service area,
    else for its kind of case in its directorate (`access_request@<directorate-slug>`), else for
    its kind of case; None when it names none (then the directorate's officer post)."""
    from protocol_portal.org.protocol_settings import setting

    chosen = setting(ctx.council, "officer_for") or {}
    in_directorate = (
        f"{ctx.case_type}@{ctx.directorate.slug}" if ctx.case_type and ctx.directorate else ""
    )
    for key in (ctx.service_area_slug, in_directorate, ctx.case_type):
        slug = chosen.get(key) if key else None
        if slug:
            post = (
                Post.objects.select_related("holder", "deputy", "line_manager")
                .filter(council=ctx.council, slug=slug)
                .first()
            )
            if post is not None:
                return post
    return None


def _base_post(ref: routing.PostRef, ctx: RoutingContext) -> Post | None:
    if ref.post:
        return (
            Post.objects.select_related("holder", "deputy", "line_manager")
            .filter(council=ctx.council, slug=ref.post)
            .first()
        )
    relation = ref.of
    if relation == "council":
        return _post_of_kind(ctx.council, ref.kind, None)
    if relation in ("subject_line_manager", "raiser_line_manager"):
        post = ctx.subject_post if relation.startswith("subject") else ctx.raiser_post
        return post.line_manager if post is not None else None
    if ref.kind == PostKind.OFFICER:
        chosen = _officer_for(ctx)
        if chosen is not None:
            return chosen
    directorate = {
        "case_directorate": ctx.directorate,
        "subject_directorate": ctx.subject_post.directorate if ctx.subject_post else None,
        "raiser_directorate": ctx.raiser_post.directorate if ctx.raiser_post else None,
    }.get(relation)
    if directorate is None:
        # No directorate known (e.g. the subject is the Chief Executive): the council-wide post.
        return _post_of_kind(ctx.council, ref.kind, None)
    return _post_of_kind(ctx.council, ref.kind, directorate)


def post_for(ref: routing.PostRef, ctx: RoutingContext) -> Post | None:
    """The post that acts on `ref` for this case, past vacancies and excluded people."""
    post = _base_post(ref, ctx)
    if post is None:
        return None
    return acting_post(post, exclude=ctx.exclude)


def members_for(ref: routing.PostRef, ctx: RoutingContext) -> list[Member]:
    """Members holding a member role a rule names (group leader of the raiser's group, ...)."""
    kind = {"standards_committee": MemberRoleKind.COMMITTEE_CHAIR}.get(ref.kind, ref.kind)
    members = Member.objects.filter(council=ctx.council, roles__kind=kind).select_related("person")
    if ref.of in ("raiser_group", "subject_group"):
        member = ctx.raiser_member if ref.of == "raiser_group" else ctx.subject_member
        if member is None or member.group_id is None:
            return []  # an officer, or an independent member, has no group leader to tell
        members = members.filter(group_id=member.group_id)
    if ref.kind == "standards_committee":
        members = members.filter(roles__committee__slug__contains="standards")
    return [m for m in members.distinct() if m.person_id not in ctx.exclude]


@transaction.atomic
def post_set_holder(*, post: Post, holder: Person | None) -> Post:
    """Give a post to a person (or leave it vacant); the post's permission group follows."""
    from protocol_portal.org.signals import post_holder_changed

    group = post_ensure_group(post=post)
    before = post.holder_id
    if post.holder_id and post.holder_id != getattr(holder, "pk", None):
        group.user_set.remove(post.holder_id)
    post.holder = holder
    post.save(update_fields=["holder"])
    if holder is not None:
        group.user_set.add(holder)
    if before != post.holder_id:
        post_holder_changed.send(sender=Post, post=post, before=before, after=post.holder_id)
    return post


def post_ensure_group(*, post: Post) -> Group:
    """The auth group through which object permissions reach whoever holds the post."""
    if post.group_id is None:
        group, _ = Group.objects.get_or_create(name=f"post:{post.council_id}:{post.slug}")
        post.group = group
        post.save(update_fields=["group"])
        if post.holder_id:
            group.user_set.add(post.holder_id)
    return post.group


ClosureListener = Callable[[Council, date, str, Person | None], int]
_closure_listeners: list[ClosureListener] = []


def on_calendar_change(listener: ClosureListener) -> ClosureListener:
    """Register a case app's function that recomputes its open clocks for a council."""
    _closure_listeners.append(listener)
    return listener


@transaction.atomic
def closure_day_add(
    *, council: Council, day: date, reason: str, actor: Person | None
) -> tuple[ClosureDay, int]:
    """Close the council on a day; open clocks that depend on it are recomputed and noted."""
    closure, _ = ClosureDay.objects.update_or_create(
        council=council, date=day, defaults={"reason": reason}
    )
    changed = _calendar_changed(
        council=council, day=day, why=f"closure day added: {reason}", actor=actor
    )
    return closure, changed


@transaction.atomic
def closure_day_remove(*, closure: ClosureDay, actor: Person | None) -> int:
    """Reopen a day; open clocks are recomputed and noted."""
    council, day = closure.council, closure.date
    closure.delete()
    return _calendar_changed(council=council, day=day, why="closure day removed", actor=actor)


def _calendar_changed(*, council: Council, day: date, why: str, actor: Person | None) -> int:
    council.calendar_version += 1
    council._change_reason = why
    council.save(update_fields=["calendar_version"])
    return sum(listener(council, day, why, actor) for listener in _closure_listeners)
