"""The routing explainer: which rule applies to some facts, and who it reaches today.

Read-only, and one code path with real cases: where a case app registers a route preview
(`casework.registry.CaseTypeSpec.route_preview`: complaints' `complaint_route_plan`, with its
level fallbacks, stage skips, stand-ins and the person concerned answering first; enquiries'
`plan_enquiry`; need-to-know and FOI requests' `route_reach`), the explainer shows what it
returns. Otherwise the rule comes from `route_for` and the people from
`post_for` and `members_for` with the case type and service area in the context (the council's
`officer_for` setting), as need-to-know requests are routed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import QuerySet

from protocol_portal.casework import registry
from protocol_portal.org import routing
from protocol_portal.org.models import (
    CalendarKind,
    CaseType,
    Council,
    Directorate,
    Member,
    MemberRoleKind,
    Post,
    PostKind,
    RoutingRule,
)
from protocol_portal.org.services import (
    RoutedRef,
    RoutePreview,
    RoutingContext,
    members_for,
    post_for,
    route_for,
)
from protocol_portal.web.forms import RAISED_BY_LABELS, value_label

RELATION_LABELS = {
    "council": "for the whole council",
    "case_directorate": "in the directorate the case is about",
    "subject_directorate": "in the directorate of the person concerned",
    "subject_line_manager": "line manager of the person concerned",
    "raiser_directorate": "in the directorate of the officer who raised it",
    "raiser_line_manager": "line manager of the officer who raised it",
    "raiser_group": "in the political group of the member who raised it",
    "subject_group": "in the political group of the member concerned",
    "all_groups": "in every political group",
}
DIRECTORATE_RELATIONS = {"case_directorate", "subject_directorate", "raiser_directorate"}
_KIND_LABELS = {
    **dict(PostKind.choices),
    **dict(MemberRoleKind.choices),
    "standards_committee": "Chair of the Standards Committee",
}
_DEADLINE_UNITS = {
    CalendarKind.WORKING: ("council working day", "council working days"),
    CalendarKind.CALENDAR: ("calendar day", "calendar days"),
    CalendarKind.FOI: ("FOI working day", "FOI working days (any UK bank holiday excluded)"),
}


RULE_TABLE_HEAD = ["Rule", "Raised by", "Concerning", "Stage", "Handled by", "Time limit", "Source"]


@dataclass(frozen=True)
class Resolved:
    """One handler or copy of a route: what the rule names and who that is today."""

    ref: routing.PostRef
    kind_label: str
    relation_label: str
    is_member_role: bool
    post: Post | None = None
    members: tuple[Member, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    route: routing.Route
    case_type_label: str
    handler: Resolved
    copied: tuple[Resolved, ...]
    deadline: str
    next_stage_query: str
    told: str = ""  # what the person raising such a case is told, where the case type says


def councils_for_explainer(*, user) -> QuerySet[Council]:
    """The councils whose routing a person may explain: every council for an administrator;
    for member services, who route enquiries daily, the councils where they hold that post."""
    if user.is_staff:
        return Council.objects.order_by("name")
    held = Post.objects.filter(holder_id=user.pk, kind=PostKind.MEMBER_SERVICES)
    return Council.objects.filter(pk__in=held.values("council_id")).order_by("name")


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, value_label(kind))


def deadline_text(days: int | None, calendar: str) -> str:
    if days is None:
        return "No time limit in this rule"
    one, many = _DEADLINE_UNITS.get(calendar, ("day", "days"))
    return f"{days} {one if days == 1 else many}"


def explainer_context(
    *,
    council: Council,
    directorate: Directorate | None,
    subject_post: Post | None,
    case_type: str = "",
    service_area_slug: str = "",
    raiser_post: Post | None = None,
    subject_member: Member | None = None,
    raiser_member: Member | None = None,
) -> RoutingContext:
    """The routing context an imagined case has.

    A picked directorate stands for the directorate the case is about and for the directorate
    of the person concerned or of the officer raising it: an unsaved stand-in post placed in
    it lets `post_for` follow the same path it follows for a real person there.
    """
    stand_in = (
        Post(council=council, directorate=directorate, kind=PostKind.OFFICER, slug="explainer")
        if directorate is not None
        else None
    )
    if directorate is None and subject_post is not None:
        directorate = subject_post.directorate
    return RoutingContext(
        council=council,
        directorate=directorate,
        subject_post=subject_post or stand_in,
        raiser_post=raiser_post or stand_in,
        subject_member=subject_member,
        raiser_member=raiser_member,
        case_type=case_type,
        service_area_slug=service_area_slug,
    )


def _unresolved_note(ref: routing.PostRef, ctx: RoutingContext) -> str:
    if ref.of == "subject_line_manager" and (
        ctx.subject_post is None or ctx.subject_post.pk is None
    ):
        return (
            "Depends on the person concerned: pick their post in the facts of the case to see "
            "who this is."
        )
    if ref.of == "raiser_line_manager":
        return "Depends on the officer who raises the case: their own line manager."
    return (
        "Nobody today: no post of this kind, or the post, its deputy and everyone above it "
        "are vacant. Fill the post in the admin."
    )


def explain(
    *, council: Council, facts: routing.Facts, ctx: RoutingContext, query: dict[str, str]
) -> Explanation:
    """Explain the route for these facts as a real case is routed; raises
    `routing.RoutingError` when no rule applies, `ValidationError` when nobody can handle it."""
    preview = route_preview(council=council, facts=facts, ctx=ctx)
    route = preview.route
    next_query = urlencode({**query, "stage": route.next_stage}) if route.next_stage else ""
    return Explanation(
        route=route,
        case_type_label=dict(CaseType.choices).get(facts.case_type, facts.case_type),
        handler=_resolved(preview.handler, ctx),
        copied=tuple(_resolved(one, ctx) for one in preview.copied),
        deadline=deadline_text(route.deadline_days, route.deadline_calendar),
        next_stage_query=next_query,
        told=preview.explanation,
    )


def route_preview(*, council: Council, facts: routing.Facts, ctx: RoutingContext) -> RoutePreview:
    """Where a case with these facts goes: the case app's own routing where it registers one
    (`route_preview`), else the rule and the posts and members it names in this context."""
    ctx = replace(ctx, case_type=ctx.case_type or facts.case_type)
    preview = registry.route_preview_for(facts.case_type)
    if preview is not None:
        return preview(council, facts, ctx)
    route = route_for(council=council, facts=facts)
    return RoutePreview(
        route=route,
        handler=_routed(route.handler, ctx),
        copied=tuple(_routed(ref, ctx) for ref in route.copied),
    )


def _routed(ref: routing.PostRef, ctx: RoutingContext) -> RoutedRef:
    if ref.kind in routing.MEMBER_ROLE_KINDS:
        return RoutedRef(ref, members=tuple(members_for(ref, ctx)))
    return RoutedRef(ref, post=post_for(ref, ctx))


def _resolved(one: RoutedRef, ctx: RoutingContext) -> Resolved:
    """What the explainer shows for a handler or copy the case's routing reached."""
    ref = one.ref
    base = {
        "ref": ref,
        "kind_label": kind_label(ref.kind),
        "relation_label": RELATION_LABELS.get(ref.of, value_label(ref.of)),
    }
    if ref.kind in routing.MEMBER_ROLE_KINDS:
        note = ""
        if ref.of in ("raiser_group", "subject_group") and ctx.raiser_member is None:
            note = "On a real case only the one in the member’s own group is involved."
        if not one.members:
            note = "Nobody on this case: no member holds this role, or none in the group."
        return Resolved(**base, is_member_role=True, members=one.members, note=note)
    post = one.post
    note = ""
    if post is None:
        note = _unresolved_note(ref, ctx)
    elif ref.of in DIRECTORATE_RELATIONS and ctx.directorate is None:
        note = (
            "No directorate picked, so this is the council-wide post: pick a directorate in "
            "the facts of the case."
        )
    elif post.kind != ref.kind:
        note = "Stands in: no filled post of exactly the kind the rule names, so this post acts."
    return Resolved(**base, is_member_role=False, post=post, note=note)


def facts_in_words(facts: routing.Facts) -> str:
    case_type = dict(CaseType.choices).get(facts.case_type, facts.case_type)
    if not case_type.startswith("Freedom"):
        case_type = case_type[:1].lower() + case_type[1:]
    raiser = RAISED_BY_LABELS.get(facts.raised_by, value_label(facts.raised_by)).lower()
    return (
        f"{case_type} raised by {raiser}, concerning “{value_label(facts.concerning).lower()}”, "
        f"at the “{value_label(facts.stage).lower()}” stage"
    )


def rule_tables(
    *, council: Council, rules: Sequence[RoutingRule], applied_key: str | None
) -> list[dict]:
    """The council's rules, one table per case type, for components/table.html.

    Each rule's name links to the explainer filled in with that rule's facts.
    """
    type_labels = dict(CaseType.choices)
    tables: dict[str, list[list]] = {}
    for rule in rules:
        query = urlencode(
            {
                "council": council.slug,
                "case_type": rule.case_type,
                "raised_by": rule.raised_by,
                "concerning": rule.concerning,
                "stage": rule.stage,
            }
        )
        key_cell = {
            "text": rule.key,
            "href": f"?{query}#result",
            "visually_hidden": "(explain this rule)",
            "tag": "Applies" if rule.key == applied_key else "",
            "tag_colour": "green",
        }
        tables.setdefault(rule.case_type, []).append(
            [
                key_cell,
                value_label(rule.raised_by),
                value_label(rule.concerning),
                value_label(rule.stage),
                f"{kind_label(rule.handler_kind)}, {RELATION_LABELS.get(rule.handler_of, '')}",
                deadline_text(rule.deadline_days, rule.deadline_calendar),
                # Keep "004 §12.3" together; a list of paragraphs may wrap at its "; ".
                rule.source.replace(" §", "\u00a0§"),
            ]
        )
    order = list(type_labels)
    return [
        {
            "caption": f"{type_labels.get(case_type, case_type)} ({len(rows)} "
            f"rule{'s' if len(rows) != 1 else ''})",
            "rows": rows,
        }
        for case_type, rows in sorted(
            tables.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    ]
