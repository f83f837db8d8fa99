"""Where an enquiry with some facts goes, for the routing explainer: the code real enquiries
are routed by (`plan_enquiry`, `plan_enquiry_stage`, `copies_for`), so the explainer's answer
is the route a real enquiry takes (issue 13: one routing code path)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from enquiries.services.placement import EnquiryRoutingError, Placement, copies_for, plan_enquiry
from enquiries.services.stages import plan_enquiry_stage
from protocol_portal.org import routing
from protocol_portal.org.models import CalendarKind, Council
from protocol_portal.org.services import RoutedRef, RoutePreview, RoutingContext


def enquiry_context(council: Council, ctx: RoutingContext) -> RoutingContext:
    """The routing context a real enquiry has: its council, directorate, service area and the
    member asking; nothing else of the explainer's imagined case."""
    return RoutingContext(
        council=council,
        directorate=ctx.directorate,
        raiser_member=ctx.raiser_member,
        exclude=ctx.exclude,
        service_area_slug=ctx.service_area_slug,
        case_type="enquiry",
    )


def _route(placement: Placement) -> routing.Route:
    handler = placement.handler or routing.PostRef(placement.post.kind)
    return routing.Route(
        rule_key=placement.rule_key,
        handler=handler,
        copied=placement.copied,
        deadline_days=placement.deadline_days,
        deadline_calendar=placement.deadline_calendar or CalendarKind.WORKING,
        next_stage=placement.next_stage,
        informal_first="",
        source=placement.source,
        note=placement.note,
    )


def enquiry_route_preview(council: Council, facts: routing.Facts, ctx: RoutingContext):
    """Where an enquiry with these facts goes; the facts' `concerning` is the enquiry's one
    routing value (`concerning_for` of its flags, by the council's precedence)."""
    ctx = enquiry_context(council, ctx)
    if facts.stage == routing.FIRST_STAGE:
        try:
            placement = plan_enquiry(ctx=ctx, concerning=facts.concerning)
        except EnquiryRoutingError as exc:  # every candidate vacant: no 500 in the explainer
            raise ValidationError(str(exc)) from exc
    else:
        placement = plan_enquiry_stage(ctx=ctx, concerning=facts.concerning, stage=facts.stage)
    member_id = ctx.raiser_member.pk if ctx.raiser_member is not None else None
    copied = tuple(
        RoutedRef(ref, post=post, members=members)
        for ref, post, members in copies_for(placement, ctx, member_id=member_id)
    )
    route = _route(placement)
    return RoutePreview(
        route=route,
        handler=RoutedRef(route.handler, post=placement.post),
        copied=copied,
    )
