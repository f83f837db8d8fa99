"""Where an enquiry goes: the council's routing rules, copies, flags and re-routing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from enquiries import confidentiality
from enquiries.models import CopyReason, Enquiry, EnquiryCopy, WardNotice
from enquiries.services.base import LOCKED_WITH
from enquiries.services.clock import _due_recompute
from enquiries.states import CLOCK_RUNNING, CONCERNING_PRECEDENCE, Urgency
from protocol_portal.casework import plumbing
from protocol_portal.casework.access import access_sync
from protocol_portal.casework.placing import placed
from protocol_portal.casework.services import holders
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org import protocol_settings, routing
from protocol_portal.org.models import CalendarKind, Member, Person, Post, PostKind
from protocol_portal.org.services import RoutingContext, members_for, post_for, rule_rows_for

# Where the portal sends these when the council has no rule naming them: a catch-all ("any")
# rule was not written with them in mind, and each carries a protocol duty of its own. The
# council's own protocol is silent here (a council whose protocol speaks has a rule), so the
# route cites "default", never another council's paragraph; README.md, "Portal defaults", says
# which paragraph each default is modelled on (000 §13.5, 000 §7.2b, 002 §76).
SPECIAL_DEFAULTS: dict[str, tuple[routing.PostRef, str]] = {
    "legal_proceedings": (routing.PostRef(PostKind.DIRECTOR, "case_directorate"), "default"),
    "access_in_doubt": (routing.PostRef(PostKind.MONITORING_OFFICER, "council"), "default"),
    "complaint_referral": (routing.PostRef(PostKind.COMPLAINTS_TEAM, "council"), "default"),
}
# When nothing else resolves to a held post.
LAST_RESORT = (
    routing.PostRef(PostKind.MEMBER_SERVICES, "council"),
    routing.PostRef(PostKind.CHIEF_EXECUTIVE, "council"),
)


class EnquiryRoutingError(LookupError):
    """No post can take the enquiry (every candidate vacant or excluded)."""


@dataclass(frozen=True)
class Placement:
    """Where an enquiry goes and why."""

    post: Post
    rule_key: str
    source: str
    note: str
    deadline_days: int | None
    deadline_calendar: str
    copied: tuple[routing.PostRef, ...] = ()
    stage: str = routing.FIRST_STAGE
    next_stage: str = ""
    # The post the rule (or the portal default) names, which `post` holds today.
    handler: routing.PostRef | None = None


def precedence_for(council) -> tuple[str, ...]:
    """The council's order of enquiry flags, first wins (`enquiry_precedence` setting; the
    portal default is CONCERNING_PRECEDENCE)."""
    if council is None:
        return CONCERNING_PRECEDENCE
    return tuple(protocol_settings.setting(council, "enquiry_precedence"))


def concerning_for(
    *,
    relates_to_legal_proceedings: bool,
    urgency: str,
    is_cross_directorate: bool,
    is_policy: bool,
    is_complex: bool = False,
    is_protocol_advice: bool = False,
    council=None,
) -> str:
    """The one routing `concerning` value for a set of flags, by the council's precedence
    (by default legal proceedings > urgent > cross-directorate > policy > routine; Hackney puts
    cross-directorate first, 004 §12.5)."""
    flags = {
        "legal_proceedings": relates_to_legal_proceedings,
        "urgent": urgency == Urgency.URGENT,
        "cross_directorate": is_cross_directorate,
        "policy": is_policy,
        # Only where the council's precedence lists it (002 §31).
        "complex": is_complex,
        # Only where the council's precedence lists it (004 §17.1).
        "protocol_advice": is_protocol_advice,
        "routine": True,
    }
    return next(value for value in precedence_for(council) if flags.get(value))


def offers_flag(council, flag: str) -> bool:
    """Whether the council's protocol has this optional enquiry flag (its precedence lists it,
    protocol_settings.ENQUIRY_OPTIONAL_FLAGS)."""
    return flag in precedence_for(council)


def _context(enquiry: Enquiry, exclude: Iterable[int]) -> RoutingContext:
    return RoutingContext(
        council=enquiry.council,
        directorate=enquiry.directorate,
        raiser_member=enquiry.member,
        exclude=frozenset(exclude),
        service_area_slug=enquiry.service_area.slug if enquiry.service_area_id else "",
        case_type="enquiry",
    )


def _placement(
    rule: routing.Route | routing.RuleRow, post: Post, stage: str = routing.FIRST_STAGE
) -> Placement:
    return Placement(
        post=post,
        rule_key=getattr(rule, "rule_key", getattr(rule, "key", "")),
        source=rule.source,
        note=rule.note,
        deadline_days=rule.deadline_days,
        deadline_calendar=rule.deadline_calendar,
        copied=rule.copied,
        stage=stage,
        next_stage=rule.next_stage or "",
        handler=rule.handler,
    )


def _default_placement(ref: routing.PostRef, source: str, ctx: RoutingContext) -> Placement | None:
    post = post_for(ref, ctx)
    if post is None:
        return None
    return Placement(
        post=post,
        rule_key="",
        source=source,
        note="",
        deadline_days=None,
        deadline_calendar=CalendarKind.WORKING,
        handler=ref,
    )


def route_enquiry(*, enquiry: Enquiry, concerning: str, exclude: Iterable[int] = ()) -> Placement:
    """The post an enquiry goes to under the council's rules (`plan_enquiry` in the enquiry's
    routing context)."""
    return plan_enquiry(
        ctx=_context(enquiry, exclude), concerning=concerning, reference=enquiry.reference
    )


def plan_enquiry(*, ctx: RoutingContext, concerning: str, reference: str = "") -> Placement:
    """Where an enquiry with this routing context goes (no writes): what real enquiries and the
    routing explainer both call.

    A flag the council has no rule for falls to the next one down the precedence (an urgent
    enquiry at a council with only a routine rule goes the routine way). Legal proceedings,
    access in doubt and complaint referrals need a rule naming them; without one they go to
    the portal's default (Director, Monitoring Officer, Complaints Team). Vacant posts pass to
    the deputy or up the line; officers in `exclude` (involved in legal proceedings,
    000 §13.5) are passed over.
    """
    rows = rule_rows_for(council=ctx.council, case_type="enquiry")
    order = precedence_for(ctx.council)
    chain = order[order.index(concerning) :] if concerning in order else (concerning,)
    for value in chain:
        facts = routing.Facts("enquiry", "member", value, routing.FIRST_STAGE)
        try:
            route = routing.resolve(rows, facts)
        except routing.RoutingError:
            route = None
        winner = next((r for r in rows if route and r.key == route.rule_key), None)
        if value in SPECIAL_DEFAULTS and (winner is None or winner.concerning != value):
            ref, source = SPECIAL_DEFAULTS[value]
            placement = _default_placement(ref, source, ctx)
            if placement is not None:
                return placement
            continue
        if route is not None:
            post = post_for(route.handler, ctx)
            if post is not None:
                return _placement(route, post)
    for ref in LAST_RESORT:
        placement = _default_placement(ref, "no held post for the rule (portal fallback)", ctx)
        if placement is not None:
            return placement
    raise EnquiryRoutingError(
        f"No post can take {reference or 'the enquiry'}: every candidate is vacant."
    )


def _complaints_placement(enquiry: Enquiry, exclude: Iterable[int]) -> Placement:
    """The Complaints Team post: the council's complaint_referral rule that names it, else the
    portal default (002 §76)."""
    ctx = _context(enquiry, exclude)
    for row in rule_rows_for(council=enquiry.council, case_type="enquiry"):
        if row.concerning == "complaint_referral" and row.handler.kind == PostKind.COMPLAINTS_TEAM:
            post = post_for(row.handler, ctx)
            if post is not None:
                return _placement(row, post, row.stage)
    return route_enquiry(enquiry=enquiry, concerning="complaint_referral", exclude=exclude)


def copies_for(
    placement: Placement, ctx: RoutingContext, *, member_id: int | None
) -> list[tuple[routing.PostRef, Post | None, tuple[Member, ...]]]:
    """Who the rule's copies reach (no writes): each copy's post, or the members holding its
    role, leaving out the handling post and the member who asked (002 §85)."""
    reached: list[tuple[routing.PostRef, Post | None, tuple[Member, ...]]] = []
    for ref in placement.copied:
        if ref.kind in routing.MEMBER_ROLE_KINDS:
            members = tuple(m for m in members_for(ref, ctx) if m.pk != member_id)
            reached.append((ref, None, members))
            continue
        post = post_for(ref, ctx)
        if post is not None and post.pk == placement.post.pk:
            post = None
        reached.append((ref, post, ()))
    return reached


def _copy_in(enquiry: Enquiry, placement: Placement, *, as_of: datetime) -> list[str]:
    """Record and grant the rule's copies; every copy shows on the enquiry (002 §85)."""
    ctx = _context(enquiry, ())
    names: list[str] = []
    for _ref, post, members in copies_for(placement, ctx, member_id=enquiry.member_id):
        for member in members:
            _, created = EnquiryCopy.objects.get_or_create(
                enquiry=enquiry,
                member=member,
                defaults={
                    "reason": CopyReason.RULE,
                    "source": placement.source,
                    "created_at": as_of,
                },
            )
            if created:
                names.append(str(member))
        if post is None:
            continue
        _, created = EnquiryCopy.objects.get_or_create(
            enquiry=enquiry,
            post=post,
            defaults={"reason": CopyReason.RULE, "source": placement.source, "created_at": as_of},
        )
        if created:
            names.append(post.title)
    return names


def _place(enquiry: Enquiry, placement: Placement) -> None:
    """Point the enquiry at the placement (saved by the caller, then `_grant_placement`)."""
    enquiry.owner_post = placement.post
    enquiry.route_rule_key = placement.rule_key
    enquiry.route_source = placement.source
    enquiry.route_note = placement.note
    enquiry.route_deadline_days = placement.deadline_days
    enquiry.stage = placement.stage
    enquiry.next_stage = placement.next_stage


def _grant_placement(enquiry: Enquiry, placement: Placement, *, as_of: datetime) -> list[str]:
    """Record the rule's copies, then bring the enquiry's audiences up to date: the handling
    post and its management line may act, the copies may read, and whoever it was passed from
    no longer sees it (casework.access)."""
    copies = _copy_in(enquiry, placement, as_of=as_of)
    access_sync(enquiry, as_of=as_of)
    return copies


def _routed_summary(placement: Placement, copies: Sequence[str]) -> str:
    rule = f"rule {placement.rule_key}, " if placement.rule_key else ""
    summary = f"Routed to {placement.post.title} ({rule}{placement.source})"
    if copies:
        summary += f"; copied to {', '.join(copies)}"
    return summary


# --------------------------------------------------------------------------- flags and routing


def _involved_ids(enquiry: Enquiry) -> frozenset[int]:
    return frozenset(enquiry.involved_officers.values_list("pk", flat=True))


def _reroute(enquiry: Enquiry, *, actor, as_of, why: str) -> None:
    placement = route_enquiry(
        enquiry=enquiry, concerning=enquiry.concerning, exclude=_involved_ids(enquiry)
    )
    changed = placement.post.pk != enquiry.owner_post_id
    _place(enquiry, placement)
    if enquiry.clock_calendar != CalendarKind.FOI:
        enquiry.clock_limit_days = placement.deadline_days or enquiry.council.enquiry_working_days
        _due_recompute(enquiry)
    plumbing.save(enquiry, actor=actor, reason=why)
    copies = _grant_placement(enquiry, placement, as_of=as_of)
    plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="rerouted",
        summary=f"{why}. {_routed_summary(placement, copies)}",
        to_raiser=False,
    )
    if changed:
        plumbing.tell(
            enquiry,
            key=f"rerouted:{enquiry.owner_post_id}:{as_of.isoformat()}",
            subject="enquiry routed to you",
            body=why,
            recipients=holders([placement.post]),
            as_of=as_of,
        )


OPTIONAL_FLAG_FIELDS = {"complex": "is_complex", "protocol_advice": "is_protocol_advice"}
NOT_OFFERED = {
    "is_complex": "The council's protocol has no separate route for complex matters.",
    "is_protocol_advice": "The council's protocol names nobody to advise on the protocol itself.",
}


def optional_flags_check(council, values: dict, current=None) -> None:
    """An optional flag set where the council's protocol does not have it is refused."""
    for flag, field in OPTIONAL_FLAG_FIELDS.items():
        already = current is not None and getattr(current, field)
        if values.get(field) and not already and not offers_flag(council, flag):
            raise ValidationError({field: NOT_OFFERED[field]})


def _check_flag_change(enquiry: Enquiry, *, is_complex, is_protocol_advice, urgency) -> None:
    """A flag the council's protocol lacks, or a change of urgency that is not the officer's to
    make (002 §30), is refused."""
    from enquiries.services.stages import in_urgency_dispute, urgency_decided

    optional_flags_check(
        enquiry.council,
        {"is_complex": is_complex, "is_protocol_advice": is_protocol_advice},
        enquiry,
    )
    if urgency is None or urgency == enquiry.urgency:
        return
    if in_urgency_dispute(enquiry):
        raise ValidationError(
            {
                "urgency": f"The dispute about urgency is with the {enquiry.owner_post}, who "
                f"decides it ({enquiry.route_source})."
            }
        )
    if urgency_decided(enquiry):
        raise ValidationError(
            {"urgency": "The dispute about urgency has been decided; the decision stands."}
        )


@transaction.atomic
def enquiry_set_flags(
    *,
    enquiry: Enquiry,
    actor: Person,
    as_of: datetime,
    relates_to_legal_proceedings: bool | None = None,
    about_other_ward: bool | None = None,
    is_policy: bool | None = None,
    is_cross_directorate: bool | None = None,
    is_complex: bool | None = None,
    is_protocol_advice: bool | None = None,
    urgency: str | None = None,
    urgency_reason: str | None = None,
) -> Enquiry:
    """An officer sets the flags later; a change of route re-routes it. Whether a matter is
    urgent is the officer's judgement, but not while a dispute about it is with the officer the
    council's rule names, nor once they have decided it (002 §30)."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if not enquiry.is_open:
        raise TransitionError("Flags can only change while the enquiry is open.")
    _check_flag_change(
        enquiry, is_complex=is_complex, is_protocol_advice=is_protocol_advice, urgency=urgency
    )
    values = {
        "relates_to_legal_proceedings": relates_to_legal_proceedings,
        "about_other_ward": about_other_ward,
        "is_policy": is_policy,
        "is_cross_directorate": is_cross_directorate,
        "is_complex": is_complex,
        "is_protocol_advice": is_protocol_advice,
        "urgency": urgency,
        "urgency_reason": urgency_reason,
    }
    was_urgent = enquiry.urgency == Urgency.URGENT
    for field, value in values.items():
        # The member's reason for asking urgency stays on record when the officer judges the
        # matter not urgent: it is what a dispute is about (002 §30).
        if field == "urgency_reason" and value is not None and not value.strip():
            continue
        if value is not None:
            setattr(enquiry, field, value)
    if enquiry.urgency == Urgency.URGENT and not enquiry.urgency_reason.strip():
        raise ValidationError({"urgency_reason": "Say why the enquiry is urgent."})
    judged_not_urgent = was_urgent and enquiry.urgency != Urgency.URGENT
    told_before = enquiry.ward_notices.exists()
    concerning = concerning_for(
        relates_to_legal_proceedings=enquiry.relates_to_legal_proceedings,
        urgency=enquiry.urgency,
        is_cross_directorate=enquiry.is_cross_directorate,
        is_policy=enquiry.is_policy,
        is_complex=enquiry.is_complex,
        is_protocol_advice=enquiry.is_protocol_advice,
        council=enquiry.council,
    )
    rerouted = concerning != enquiry.concerning and enquiry.status in CLOCK_RUNNING
    enquiry.concerning = concerning
    # One history row per change: a re-route saves the new flags with the new placement.
    if rerouted:
        _reroute(enquiry, actor=actor, as_of=as_of, why=f"Now {concerning.replace('_', ' ')}")
    else:
        plumbing.save(enquiry, actor=actor, reason="flags changed")
    if judged_not_urgent:
        _tell_not_urgent(enquiry, actor=actor, as_of=as_of)
    if enquiry.about_other_ward and not told_before:
        _ward_members_tell(enquiry, as_of=as_of)
    return enquiry


def _tell_not_urgent(enquiry: Enquiry, *, actor, as_of: datetime) -> None:
    """The officer judged the matter not urgent: on the record, and the member is told how to
    dispute it where the council's protocol has a stage for that (002 §30)."""
    from enquiries.services.stages import urgent_rule

    rule = urgent_rule(enquiry)
    stage = rule.next_stage if rule is not None else ""
    plumbing.event(
        enquiry,
        as_of=as_of,
        actor=actor,
        kind="urgency_judged",
        summary="The officer judged the matter not urgent"
        + (f" ({rule.source}); either side may refer a dispute about urgency" if stage else ""),
    )
    if stage:
        plumbing.tell(
            enquiry,
            key=f"not-urgent:{as_of.isoformat()}",
            subject="the officer judged your enquiry not urgent",
            body=(
                "The officer has judged that the matter is not urgent. Members should not "
                "demand urgent responses unless the officer deems the subject urgent; if you "
                "disagree, you can refer the dispute from the enquiry's page and it will be "
                f"decided by the officer the council's protocol names ({rule.source})."
            ),
            recipients=[enquiry.member.person],
            as_of=as_of,
        )


@transaction.atomic
def enquiry_mark_involved(
    *, enquiry: Enquiry, officer: Person, actor: Person, as_of: datetime
) -> Enquiry:
    """Mark an officer as involved in the legal proceedings: they must never handle it
    (000 §13.5). If they hold the owner post, the enquiry is re-routed past them."""
    enquiry = plumbing.locked(enquiry, *LOCKED_WITH)
    if enquiry.involved_officers.filter(pk=officer.pk).exists():
        return enquiry
    enquiry.involved_officers.add(officer)
    placed(
        enquiry,
        actor=actor,
        as_of=as_of,
        kind="involved",
        summary=f"{officer} marked as involved in the proceedings (000 §13.5)",
        to_raiser=False,
    )
    owner = enquiry.owner_post
    if owner is not None and owner.holder_id == officer.pk and enquiry.is_open:
        _reroute(enquiry, actor=actor, as_of=as_of, why=f"{officer} is involved in the proceedings")
    return enquiry


def _ward_members_tell(enquiry: Enquiry, *, as_of: datetime) -> list[Member]:
    """Tell the members of the ward concerned, as the council's `ward_notice` setting says.

    `none` (000 §7.19, 004 §9.1.1: a request is not made known to any other member or group)
    tells nobody; `unnamed` tells them there is an enquiry about their ward and its service
    area, not who raised it; `named` also says who raised it (002 §34: the member involved
    informs the ward member). Reading it needs the requester's permission either way (002 §85).
    """
    mode = protocol_settings.setting(enquiry.council, "ward_notice")
    if mode not in ("unnamed", "named"):
        return []
    if enquiry.kept_confidential and confidentiality.member_may_choose(enquiry.council):
        # 001 §5.3.9.2: others are informed "unless it is agreed that it should be kept
        # confidential" — the member asked, so the ward's members are not told.
        return []
    source = protocol_settings.setting_source(enquiry.council, "ward_notice")
    members = list(
        Member.objects.filter(council_id=enquiry.council_id, ward_id=enquiry.ward_id)
        .exclude(pk=enquiry.member_id)
        .exclude(pk__in=WardNotice.objects.filter(enquiry=enquiry).values("member_id"))
        .select_related("person")
        .order_by("pk")
    )
    if not members:
        return []
    WardNotice.objects.bulk_create(
        [WardNotice(enquiry=enquiry, member=m, told_at=as_of) for m in members]
    )
    if mode == "named":
        body = (
            f"{enquiry.member} has raised an enquiry with the council about "
            f"{enquiry.service_area} in {enquiry.ward}, your ward ({source}). Its contents "
            f"are confidential to {enquiry.member}; ask them if you wish to see it."
        )
    else:
        body = (
            f"A councillor has raised an enquiry with the council about {enquiry.service_area} "
            f"in {enquiry.ward}, your ward ({source}). Who raised it and what it says are "
            "confidential."
        )
    for member in members:
        plumbing.tell(
            enquiry,
            key=f"ward:{member.pk}",
            subject=f"an enquiry about {enquiry.ward}",
            body=body,
            recipients=[member.person],
            as_of=as_of,
        )
    plumbing.event(
        enquiry,
        as_of=as_of,
        actor=None,
        kind="ward_told",
        summary=f"Members for {enquiry.ward} told about this enquiry: "
        + ", ".join(str(m) for m in members),
        detail=f"{source}: ward members are told when an issue in their ward is involved"
        + (" (without saying who raised it)." if mode == "unnamed" else "."),
    )
    return members
