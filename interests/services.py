"""Writes for relationships and interests. Keyword-only, atomic, named <entity>_<verb>.

Every write records who and why on the history row (`_history_user`, `_change_reason`), adds a
timeline line, and writes its notifications to the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interests import permissions as perms
from interests import selectors
from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    DeclaredAs,
    Interest,
    InterestCategory,
    Nature,
    RegisterReturn,
    Relationship,
    ReturnKind,
)
from interests.states import (
    ADVICE_TRANSITIONS,
    INTEREST_TRANSITIONS,
    NOTICE_TRANSITIONS,
    RELATIONSHIP_TRANSITIONS,
    RETURN_TRANSITIONS,
    AdviceStatus,
    InterestStatus,
    NoticeStatus,
    RelationshipStatus,
    ReturnStatus,
)
from protocol_portal.casework import plumbing
from protocol_portal.casework.conflicts import Conflict, Matter
from protocol_portal.casework.placing import placed, recorded
from protocol_portal.casework.services import (
    clock_start,
    event_record,
    outbox_write,
    reference_next,
)
from protocol_portal.org import routing
from protocol_portal.org.models import (
    CalendarKind,
    CaseType,
    ChaserRung,
    Council,
    Member,
    Person,
    Post,
    PostKind,
)
from protocol_portal.org.protocol_settings import setting
from protocol_portal.org.services import RoutingContext, members_for, post_for, route_for

# Localism Act 2011 s.30(1): "before the end of 28 days beginning with the day on which the
# person becomes a member" — the day itself is day 1, so the last day is that day + 27.
REGISTER_WINDOW_DAYS = 28


def register_window_days(council: Council) -> int:
    """Days (calendar, beginning with the day itself) a member has to register: the deadline
    of the council's `interest-registration` rule — council data, editable with its history —
    else the statutory 28 (Localism Act 2011 s.30(1))."""
    try:
        route = route_for(
            council=council,
            facts=routing.Facts(CaseType.INTEREST, raised_by="member", concerning="registration"),
        )
    except routing.RoutingError:
        return REGISTER_WINDOW_DAYS
    return route.deadline_days or REGISTER_WINDOW_DAYS


# How far back the new-member scan looks for members without an initial return; older members
# are handled by the Monitoring Officer opening a return by hand (no surprise overdue chasers).
NEW_MEMBER_SCAN_DAYS = 90

# The chaser ladder applied when a council's file has no rungs for case type "interest":
# a reminder a week before the deadline to the member, and on the day after it to the member
# and the Monitoring Officer. Written as ordinary ChaserRung rows (source "default") so the
# admin can change them.
DEFAULT_INTEREST_LADDER = (
    ("reminder", -7, ["raiser"]),
    ("overdue", 1, ["raiser", "monitoring_officer"]),
)
DEFAULT_LADDER_SOURCE = "default (Localism Act 2011 s.30(1))"


def _start_case(
    case,
    *,
    council: Council,
    as_of: datetime,
    actor: Person | None,
    reason: str,
    received_on: date | None = None,
):
    """Give a new case its reference and receipt date and save it (history: created)."""
    today = plumbing.today(as_of)
    case.council = council
    case.received_on = received_on or today
    case.reference = reference_next(
        council=council, prefix=type(case).REFERENCE_PREFIX, year=today.year
    )
    plumbing.save(case, actor=actor, reason=reason)
    return case


# ---------------------------------------------------------------- routing


@dataclass
class Recipients:
    """Who a case goes to under the council's rule: one handler, copies, and why."""

    rule_key: str
    source: str
    handler_post: Post | None = None
    handler_members: list[Member] = field(default_factory=list)
    copied_posts: list[Post] = field(default_factory=list)
    copied_members: list[Member] = field(default_factory=list)

    @property
    def posts(self) -> list[Post]:
        return [p for p in [self.handler_post, *self.copied_posts] if p is not None]

    @property
    def members(self) -> list[Member]:
        return [*self.handler_members, *self.copied_members]

    def people(self) -> list[Person]:
        found = [p.holder for p in self.posts if p.holder is not None]
        found += [m.person for m in self.members]
        return list({p.pk: p for p in found}.values())


def _placed_with(
    case,
    found: Recipients,
    *,
    actor: Person,
    as_of: datetime,
    kind: str,
    summary: str,
    detail: str | None = None,
) -> None:
    """The case goes to those the council's rule names (`found`): its posts and members are
    notified of it, and so may see it (`placing.placed`), and the timeline says so, citing the
    rule unless given other `detail`."""
    case.notified_posts.set(found.posts)
    case.notified_members.set(found.members)
    detail = found.source if detail is None else detail
    placed(case, actor=actor, as_of=as_of, kind=kind, summary=summary, detail=detail)


def _default_route(kind: str, source: str) -> routing.Route:
    return routing.Route(
        rule_key="default",
        handler=routing.PostRef(kind, "council"),
        copied=(),
        deadline_days=None,
        deadline_calendar=CalendarKind.CALENDAR,
        next_stage="",
        informal_first="",
        source=source,
    )


def _resolve(ref: routing.PostRef, ctx: RoutingContext) -> tuple[Post | None, list[Member]]:
    if ref.kind in routing.MEMBER_ROLE_KINDS:
        if ref.of == "raiser_group" and ctx.raiser_member is None:
            return None, []
        if ref.of == "subject_group" and ctx.subject_member is None:
            return None, []
        return None, members_for(ref, ctx)
    return post_for(ref, ctx), []


def recipients_for(
    *, council: Council, facts: routing.Facts, ctx: RoutingContext, default_source: str
) -> Recipients:
    """Apply the council's routing rule; with no rule (or nobody to act) the MO receives it."""
    try:
        route = route_for(council=council, facts=facts)
    except routing.RoutingError:
        route = _default_route(PostKind.MONITORING_OFFICER, default_source)
    source = route.source
    if source.strip() == "default":
        # The council's rule is the portal's default because its protocol is silent: say so.
        source = "default (the protocol is silent)"
    found = Recipients(rule_key=route.rule_key, source=source)
    found.handler_post, found.handler_members = _resolve(route.handler, ctx)
    for ref in route.copied:
        post, members = _resolve(ref, ctx)
        if post is not None and post not in found.posts:
            found.copied_posts.append(post)
        found.copied_members.extend(m for m in members if m not in found.members)
    if found.handler_post is None and not found.handler_members:
        mo = post_for(routing.PostRef(PostKind.MONITORING_OFFICER), ctx)
        found.handler_post = mo
        found.source = f"{found.source}; nobody to act, so the Monitoring Officer (default)"
        if mo in found.copied_posts:
            found.copied_posts.remove(mo)
    return found


def _names(recipients: Recipients) -> str:
    parts = [f"{p.title} ({p.holder})" for p in recipients.posts if p.holder is not None]
    parts += [
        f"Cllr {m.person} ({', '.join(r.get_kind_display() for r in m.roles.all())})"
        for m in recipients.members
    ]
    return "; ".join(parts) or "nobody (every post is vacant)"


# ---------------------------------------------------------------- relationships


def _declarer_facts(
    *, council: Council, declarer: Person
) -> tuple[str, Member | None, Post | None]:
    member = selectors.member_of(person=declarer, council=council)
    if member is not None:
        return DeclaredAs.MEMBER, member, None
    post = selectors.main_post(person=declarer, council=council)
    if post is not None:
        return DeclaredAs.OFFICER, None, post
    raise ValidationError({"council": "You are neither a member nor an officer of this council."})


def _validate_declaration(
    *, council: Council, declarer: Person, other_person: Person, since: date | None, today: date
) -> None:
    errors: dict[str, str] = {}
    if other_person.pk == declarer.pk:
        errors["other_person"] = "Choose the other person in the relationship, not yourself."
    elif not selectors.people_in_council(council=council).filter(pk=other_person.pk).exists():
        errors["other_person"] = f"{other_person} is not a member or officer of {council}."
    elif selectors.active_relationship_exists(council=council, a=declarer, b=other_person):
        errors["other_person"] = (
            f"A relationship with {other_person} is already declared; end it before declaring "
            "a new one."
        )
    if since is not None and since > today:
        errors["since"] = "The date the relationship began must be today or in the past."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def relationship_declare(
    *,
    council: Council,
    declarer: Person,
    other_person: Person,
    nature: str,
    since: date | None,
    details: str,
    as_of: datetime,
) -> Relationship:
    """Declare a close relationship to whoever the council's rule names (000 §10.4,
    001 §5.3.1.1, 002 §24, 003 §13, 004 §3.2)."""
    if nature not in Nature.values:
        raise ValidationError({"nature": "Choose the nature of the relationship."})
    today = plumbing.today(as_of)
    _validate_declaration(
        council=council, declarer=declarer, other_person=other_person, since=since, today=today
    )
    declared_as, member, post = _declarer_facts(council=council, declarer=declarer)
    level = selectors.declarer_level(post)
    ctx = RoutingContext(
        council=council,
        directorate=post.directorate if post else None,
        raiser_post=post,
        raiser_member=member,
        subject_post=selectors.main_post(person=other_person, council=council),
        subject_member=selectors.member_of(person=other_person, council=council),
        exclude=frozenset({declarer.pk, other_person.pk}),
    )
    found = recipients_for(
        council=council,
        facts=routing.Facts(CaseType.RELATIONSHIP, raised_by=declared_as, concerning=level),
        ctx=ctx,
        default_source="000 §10.4 (default: the Monitoring Officer)",
    )
    flag = _incompatible(council, declarer, other_person, nature)
    relationship = Relationship(
        flag=" ".join(str(flag["text"]).split()) if flag else "",
        flag_source=str(flag["source"]) if flag else "",
        declarer=declarer,
        declared_as=declared_as,
        declarer_member=member,
        declarer_post=post,
        declarer_level=level,
        other_person=other_person,
        nature=nature,
        since=since,
        details=details.strip(),
        owner_post=found.handler_post,
        rule_key=found.rule_key,
        rule_source=found.source,
    )
    _start_case(relationship, council=council, as_of=as_of, actor=declarer, reason="declared")
    flagged_to = _monitoring_officers(council) if flag else []
    relationship.notified_posts.set([*found.posts, *flagged_to])
    relationship.notified_members.set(found.members)
    relationship.deciding_members.set(found.handler_members)
    summary = f"Relationship declared; notified {_names(found)} ({found.source})"
    placed(relationship, actor=declarer, as_of=as_of, kind="declared", summary=summary)
    recipients = [declarer, *found.people()]
    outbox_write(
        key=f"relationship:{relationship.pk}:declared",
        council=council,
        case=relationship,
        subject=f"{relationship.reference}: relationship declared by {declarer}",
        body=(
            f"{declarer} has declared a {relationship.get_nature_display().lower()} relationship "
            f"with {other_person}. Under the council's protocol ({found.source}) this is notified "
            f"to: {_names(found)}. Everyone listed receives this message; there are no silent "
            "copies."
        ),
        recipients=recipients,
        at=as_of,
        rung="declared",
    )
    if flag:
        _flag_to_monitoring_officer(relationship, flagged_to, as_of=as_of)
    return relationship


def _incompatible(council: Council, declarer: Person, other_person: Person, nature: str):
    from interests.conflicts import incompatible

    return incompatible(
        council, member_side=declarer, officer_side=other_person, nature=nature
    ) or incompatible(council, member_side=other_person, officer_side=declarer, nature=nature)


def _monitoring_officers(council: Council) -> list[Post]:
    return list(Post.objects.filter(council=council, kind=PostKind.MONITORING_OFFICER))


def _flag_to_monitoring_officer(relationship: Relationship, posts: list[Post], *, as_of) -> None:
    """004 §3.4: beyond the §3.5 warning, the Monitoring Officer is told that the protocol
    regards this relationship as incompatible with office."""
    summary = f"Flagged to the Monitoring Officer: {relationship.flag} ({relationship.flag_source})"
    event_record(case=relationship, at=as_of, actor=None, kind="flagged", summary=summary)
    holders = [p.holder for p in posts if p.holder_id]
    outbox_write(
        key=f"relationship:{relationship.pk}:flagged",
        council=relationship.council,
        case=relationship,
        subject=f"{relationship.reference}: a relationship the protocol regards as incompatible",
        body=(
            f"{relationship.declarer} has declared a "
            f"{relationship.get_nature_display().lower()} relationship with "
            f"{relationship.other_person}. Under the council's protocol "
            f"({relationship.flag_source}) {relationship.flag}."
        ),
        recipients=holders,
        at=as_of,
        rung="flagged",
    )


@transaction.atomic
def relationship_decide(
    *, relationship: Relationship, actor: Person, decision: str, mitigations: str, as_of: datetime
) -> Relationship:
    """The receiving officer records a decision and any mitigations, e.g. the member stands
    down from an appointments panel (001 §5.3.2.2, 004 §3.2)."""
    if not decision.strip():
        raise ValidationError({"decision": "Enter the decision."})
    plumbing.lock_fresh(relationship)
    if not plumbing.move(relationship, RelationshipStatus.DECIDED, table=RELATIONSHIP_TRANSITIONS):
        return relationship
    relationship.status = RelationshipStatus.DECIDED
    relationship.decision = decision.strip()
    relationship.mitigations = mitigations.strip()
    relationship.decided_by = actor
    relationship.decided_at = as_of
    recorded(
        relationship,
        actor=actor,
        as_of=as_of,
        reason="decision recorded",
        kind="decided",
        summary=f"Decision recorded by {actor}",
        detail=relationship.mitigations,
    )
    outbox_write(
        key=f"relationship:{relationship.pk}:decided",
        council=relationship.council,
        case=relationship,
        subject=f"{relationship.reference}: decision on your declaration",
        body=f"Decision: {relationship.decision}\n\nMitigations: {relationship.mitigations or '-'}",
        recipients=[relationship.declarer],
        at=as_of,
        rung="decided",
    )
    return relationship


def _relationship_close(
    *, relationship: Relationship, actor: Person, target: str, why: str, as_of: datetime
) -> Relationship:
    plumbing.lock_fresh(relationship)
    if not plumbing.move(relationship, target, table=RELATIONSHIP_TRANSITIONS):
        return relationship
    relationship.status = target
    relationship.closed_at = as_of
    if target == RelationshipStatus.ENDED:
        relationship.ended_on = plumbing.today(as_of)
    recorded(
        relationship,
        actor=actor,
        as_of=as_of,
        reason=why,
        kind=target,
        summary=f"{RelationshipStatus(target).label} by {actor}",
        detail=why,
    )
    return relationship


@transaction.atomic
def relationship_end(
    *, relationship: Relationship, actor: Person, reason: str, as_of: datetime
) -> Relationship:
    """The relationship is over: it no longer raises conflicts from today."""
    return _relationship_close(
        relationship=relationship,
        actor=actor,
        target=RelationshipStatus.ENDED,
        why=reason.strip() or "relationship ended",
        as_of=as_of,
    )


@transaction.atomic
def relationship_withdraw(
    *, relationship: Relationship, actor: Person, reason: str, as_of: datetime
) -> Relationship:
    """Withdraw a declaration made in error (only before a decision is recorded)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the declaration is withdrawn."})
    return _relationship_close(
        relationship=relationship,
        actor=actor,
        target=RelationshipStatus.WITHDRAWN,
        why=reason.strip(),
        as_of=as_of,
    )


# ---------------------------------------------------------------- the register


def _validate_interest(
    *,
    council: Council,
    category: str,
    description: str,
    value_pounds: int | None,
    donor: str,
    became_aware_on: date,
    today: date,
    sensitive_requested: bool,
    sensitive_reason: str,
) -> None:
    errors: dict[str, str] = {}
    if category not in InterestCategory.values:
        errors["category"] = "Choose the kind of interest."
    if not description.strip():
        errors["description"] = "Describe the interest."
    if category == InterestCategory.GIFT:
        threshold = council.gifts_threshold_pounds
        if value_pounds is None:
            errors["value_pounds"] = "Enter the estimated value of the gift or hospitality."
        elif value_pounds < threshold:
            errors["value_pounds"] = (
                f"Gifts and hospitality worth less than £{threshold} are not registered at "
                f"{council}."
            )
        if not donor.strip():
            errors["donor"] = "Say who gave the gift or hospitality."
    if became_aware_on > today:
        errors["became_aware_on"] = "The date must be today or in the past."
    if sensitive_requested and not sensitive_reason.strip():
        errors["sensitive_reason"] = (
            "Say why disclosure could lead to you, or someone connected with you, being "
            "subject to violence or intimidation."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interest_register(
    *,
    member: Member,
    actor: Person,
    category: str,
    description: str,
    as_of: datetime,
    whose: str = "member",
    names: str = "",
    value_pounds: int | None = None,
    donor: str = "",
    received_on: date | None = None,
    became_aware_on: date | None = None,
    sensitive_requested: bool = False,
    sensitive_reason: str = "",
) -> Interest:
    """Enter an interest on the member's register; late if more than 28 days after becoming
    aware (Localism Act 2011 s.30(1); 004 §2.2.8)."""
    council = member.council
    today = plumbing.today(as_of)
    aware = became_aware_on or today
    _validate_interest(
        council=council,
        category=category,
        description=description,
        value_pounds=value_pounds,
        donor=donor,
        became_aware_on=aware,
        today=today,
        sensitive_requested=sensitive_requested,
        sensitive_reason=sensitive_reason,
    )
    interest = Interest(
        council=council,
        member=member,
        category=category,
        whose=whose,
        description=description.strip(),
        names=names.strip(),
        value_pounds=value_pounds if category == InterestCategory.GIFT else None,
        donor=donor.strip(),
        received_on=received_on,
        became_aware_on=aware,
        registered_on=today,
        late=today > aware + timedelta(days=register_window_days(council) - 1),
        sensitive_requested=sensitive_requested,
        sensitive_reason=sensitive_reason.strip(),
    )
    plumbing.save(interest, actor=actor, reason="registered")
    mo = selectors.monitoring_officer_post(council=council)
    perms.grant([perms.VIEW_INTEREST, perms.CHANGE_INTEREST], interest, people=[member.person])
    perms.grant([perms.VIEW_INTEREST, perms.DECIDE_SENSITIVITY], interest, posts=[mo])
    ask = (
        " The member asks for it to be treated as sensitive (s.32)." if sensitive_requested else ""
    )
    outbox_write(
        key=f"interest:{interest.pk}:registered",
        council=council,
        case=None,
        subject=f"Register of interests: {member} registered an interest",
        body=f"{member} registered: {interest.get_category_display()}.{ask}",
        recipients=[mo.holder] if mo is not None and mo.holder is not None else [],
        at=as_of,
        rung="registered",
    )
    return interest


@transaction.atomic
def interest_remove(*, interest: Interest, actor: Person, as_of: datetime) -> Interest:
    """Take an interest the member no longer holds off the register (history keeps it)."""
    plumbing.lock_fresh(interest)
    if not plumbing.move(interest, InterestStatus.REMOVED, table=INTEREST_TRANSITIONS):
        return interest
    interest.status = InterestStatus.REMOVED
    interest.removed_on = plumbing.today(as_of)
    plumbing.save(interest, actor=actor, reason="removed from the register")
    return interest


@transaction.atomic
def interest_sensitivity_decide(
    *, interest: Interest, actor: Person, agreed: bool, as_of: datetime
) -> Interest:
    """The Monitoring Officer agrees (or not) that disclosure could lead to violence or
    intimidation; if agreed the public register says only that details are withheld (s.32)."""
    if not interest.sensitive_requested:
        raise ValidationError({"agreed": "The member has not asked for this to be withheld."})
    if interest.sensitive_agreed is agreed:
        return interest
    interest.sensitive_agreed = agreed
    plumbing.save(
        interest, actor=actor, reason="sensitive: agreed" if agreed else "sensitive: refused"
    )
    outbox_write(
        key=f"interest:{interest.pk}:sensitivity:{'agreed' if agreed else 'refused'}",
        council=interest.council,
        case=None,
        subject="Register of interests: your request to withhold details",
        body=(
            "The Monitoring Officer agreed the details are withheld from the published register."
            if agreed
            else "The Monitoring Officer did not agree the interest is sensitive: its details "
            "will be published."
        ),
        recipients=[interest.member.person],
        at=as_of,
        rung="sensitivity",
    )
    return interest


# ---------------------------------------------------------------- register returns (the clock)


@transaction.atomic
def interest_ladder_ensure(*, council: Council) -> list[ChaserRung]:
    """The council's chaser ladder for interests; the default one if its file has none."""
    ladder = list(ChaserRung.objects.filter(council=council, case_type=CaseType.INTEREST))
    if ladder:
        return ladder
    rungs = [
        ChaserRung(
            council=council,
            case_type=CaseType.INTEREST,
            key=key,
            order=order,
            offset_working_days=offset,
            notify=notify,
            source=DEFAULT_LADDER_SOURCE,
        )
        for order, (key, offset, notify) in enumerate(DEFAULT_INTEREST_LADDER)
    ]
    try:
        with transaction.atomic():
            return ChaserRung.objects.bulk_create(rungs)
    except IntegrityError:  # another process wrote them first
        return list(ChaserRung.objects.filter(council=council, case_type=CaseType.INTEREST))


def _registration_handler(member: Member) -> Recipients:
    return recipients_for(
        council=member.council,
        facts=routing.Facts(CaseType.INTEREST, raised_by="member", concerning="registration"),
        ctx=RoutingContext(
            council=member.council, raiser_member=member, exclude=frozenset({member.person_id})
        ),
        default_source="default (Localism Act 2011 s.30(1): the Monitoring Officer)",
    )


@transaction.atomic
def register_return_open(
    *,
    member: Member,
    kind: str,
    trigger_on: date,
    as_of: datetime,
    actor: Person | None = None,
    note: str = "",
) -> RegisterReturn:
    """Open the member's duty to register by trigger_on + 27 days (28 days beginning with the
    trigger day — Localism Act 2011 s.30(1)); opening the same trigger twice is a no-op."""
    if kind not in ReturnKind.values:
        raise ValidationError({"kind": "Choose initial, change or annual."})
    existing = RegisterReturn.objects.filter(member=member, kind=kind, trigger_on=trigger_on)
    if existing.exists():
        return existing.get()
    council = member.council
    interest_ladder_ensure(council=council)
    found = _registration_handler(member)
    ret = RegisterReturn(
        member=member,
        kind=kind,
        trigger_on=trigger_on,
        owner_post=found.handler_post,
        note=note.strip(),
        council=council,
    )
    # Day 1 is the trigger day itself ("beginning with the day", s.30(1)), whatever the
    # council's `clock_day_one`: counted from the day after, the clock runs 27 days on; counted
    # from the day itself (receipt_day), 28 — never a day short.
    window = register_window_days(council)
    clock_start(
        case=ret,
        received_on=trigger_on,
        days=window if setting(council, "clock_day_one") == "receipt_day" else window - 1,
        calendar=CalendarKind.CALENDAR,
    )
    _start_case(
        ret,
        council=council,
        as_of=as_of,
        actor=actor,
        reason=f"{kind} return opened",
        received_on=trigger_on,
    )
    _placed_with(
        ret,
        found,
        actor=actor,
        as_of=as_of,
        kind="opened",
        summary=f"{ret.get_kind_display()}: due {ret.due_on:%-d %B %Y}",
    )
    outbox_write(
        key=f"register-return:{ret.pk}:opened",
        council=council,
        case=ret,
        subject=f"{ret.reference}: register your interests by {ret.due_on:%-d %B %Y}",
        body=(
            f"{ret.get_kind_display()}. Please register or re-confirm your interests with the "
            f"Monitoring Officer by {ret.due_on:%-d %B %Y} ({found.source})."
        ),
        recipients=[member.person],
        at=as_of,
        rung="opened",
    )
    return ret


def register_return_open_initial(*, member: Member, as_of: datetime) -> RegisterReturn:
    """A new member registers within 28 days of taking office (Localism Act 2011 s.30(1))."""
    if member.took_office_on is None:
        raise ValidationError({"member": f"{member} has no date of taking office."})
    return register_return_open(
        member=member, kind=ReturnKind.INITIAL, trigger_on=member.took_office_on, as_of=as_of
    )


def register_returns_open_for_new_members(*, as_of: datetime) -> int:
    """Open the initial return of every member who took office recently and has none."""
    members = selectors.members_awaiting_initial_return(
        as_of_day=plumbing.today(as_of), window_days=NEW_MEMBER_SCAN_DAYS
    )
    for member in members:
        register_return_open_initial(member=member, as_of=as_of)
    return len(members)


def _anniversary(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def register_return_submit(
    *, ret: RegisterReturn, actor: Person, as_of: datetime
) -> RegisterReturn:
    """The member confirms their register is complete; the clock stops and the next annual
    re-confirmation opens, due a year after this one was."""
    plumbing.lock_fresh(ret)
    if not plumbing.move(ret, ReturnStatus.SUBMITTED, table=RETURN_TRANSITIONS):
        return ret
    today = plumbing.today(as_of)
    ret.status = ReturnStatus.SUBMITTED
    ret.submitted_at = as_of
    ret.closed_at = as_of
    ret.next_action_at = None
    if ret.due_on is not None and today > ret.due_on and ret.breached_on is None:
        ret.breached_on = ret.due_on + timedelta(days=1)
    plumbing.save(ret, actor=actor, reason="register confirmed")
    late = " (after the deadline)" if ret.breached_on else ""
    event_record(
        case=ret,
        at=as_of,
        actor=actor,
        kind="submitted",
        summary=f"Register confirmed by {actor}{late}",
    )
    if ret.owner_post is not None and ret.owner_post.holder is not None:
        outbox_write(
            key=f"register-return:{ret.pk}:submitted",
            council=ret.council,
            case=ret,
            subject=f"{ret.reference}: {ret.member} confirmed their register{late}",
            body=f"{ret.get_kind_display()} confirmed on {today:%-d %B %Y}{late}.",
            recipients=[ret.owner_post.holder],
            at=as_of,
            rung="submitted",
        )
    if ret.kind in (ReturnKind.INITIAL, ReturnKind.ANNUAL) and ret.due_on is not None:
        next_due = _anniversary(ret.due_on)
        register_return_open(
            member=ret.member,
            kind=ReturnKind.ANNUAL,
            trigger_on=next_due - timedelta(days=register_window_days(ret.council) - 1),
            as_of=as_of,
            actor=actor,
            note="Annual re-confirmation of the register.",
        )
    return ret


@transaction.atomic
def register_return_cancel(
    *, ret: RegisterReturn, actor: Person, reason: str, as_of: datetime
) -> RegisterReturn:
    """Stop a return's clock, e.g. the member has left office."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the return is cancelled."})
    plumbing.lock_fresh(ret)
    if not plumbing.move(ret, ReturnStatus.CANCELLED, table=RETURN_TRANSITIONS):
        return ret
    ret.status = ReturnStatus.CANCELLED
    ret.closed_at = as_of
    ret.next_action_at = None
    recorded(
        ret,
        actor=actor,
        as_of=as_of,
        reason=reason.strip(),
        kind="cancelled",
        summary="Return cancelled",
        detail=reason.strip(),
    )
    return ret


def register_return_on_rung(case: RegisterReturn, rung: ChaserRung, posts, as_of: datetime) -> None:
    """Chaser hook: a rung fired after the deadline marks the return as late."""
    if case.due_on is not None and case.breached_on is None and plumbing.today(as_of) > case.due_on:
        case.breached_on = case.due_on + timedelta(days=1)


# ---------------------------------------------------------------- acting against the council


@transaction.atomic
def acting_against_notify(
    *,
    member: Member,
    actor: Person,
    acting_party: str,
    capacity: str,
    action: str,
    as_of: datetime,
    acting_party_name: str = "",
    expected_on: date | None = None,
) -> ActingAgainstNotice:
    """Notify the Monitoring Officer in writing before acting, or directly supporting action,
    against the council — including by a spouse, partner, associate, employer or company of the
    member (002 §110-111)."""
    from interests.models import ActorKind, Capacity

    errors: dict[str, str] = {}
    if acting_party not in ActorKind.values:
        errors["acting_party"] = "Say who is acting against the council."
    elif acting_party != ActorKind.SELF and not acting_party_name.strip():
        errors["acting_party_name"] = "Give the name of the person or company acting."
    if capacity not in Capacity.values:
        errors["capacity"] = "Choose professional or private capacity."
    if not action.strip():
        errors["action"] = "Describe the action and which part of the council it is against."
    if errors:
        raise ValidationError(errors)
    council = member.council
    found = recipients_for(
        council=council,
        facts=routing.Facts(
            CaseType.INTEREST, raised_by="member", concerning="acting_against_council"
        ),
        ctx=RoutingContext(
            council=council, raiser_member=member, exclude=frozenset({member.person_id})
        ),
        default_source="002 §111 (default: the Monitoring Officer)",
    )
    notice = ActingAgainstNotice(
        member=member,
        acting_party=acting_party,
        acting_party_name=acting_party_name.strip(),
        capacity=capacity,
        action=action.strip(),
        expected_on=expected_on,
        owner_post=found.handler_post,
        rule_source=found.source,
    )
    _start_case(notice, council=council, as_of=as_of, actor=actor, reason="notice given")
    _placed_with(
        notice,
        found,
        actor=actor,
        as_of=as_of,
        kind="submitted",
        summary=f"Notice given to {_names(found)}",
    )
    outbox_write(
        key=f"acting-against:{notice.pk}:submitted",
        council=council,
        case=notice,
        subject=f"{notice.reference}: notice of action against the council by {member}",
        body=f"{notice.get_acting_party_display()} ({notice.get_capacity_display().lower()}): "
        f"{notice.action}",
        recipients=[member.person, *found.people()],
        at=as_of,
        rung="submitted",
    )
    return notice


@transaction.atomic
def acting_against_acknowledge(
    *, notice: ActingAgainstNotice, actor: Person, response: str, as_of: datetime
) -> ActingAgainstNotice:
    """The Monitoring Officer acknowledges the written notice (002 §111)."""
    plumbing.lock_fresh(notice)
    if not plumbing.move(notice, NoticeStatus.ACKNOWLEDGED, table=NOTICE_TRANSITIONS):
        return notice
    notice.status = NoticeStatus.ACKNOWLEDGED
    notice.acknowledged_by = actor
    notice.acknowledged_at = as_of
    notice.response = response.strip()
    notice.closed_at = as_of
    recorded(
        notice,
        actor=actor,
        as_of=as_of,
        reason="acknowledged",
        kind="acknowledged",
        summary=f"Acknowledged by {actor}",
        detail=notice.response,
    )
    outbox_write(
        key=f"acting-against:{notice.pk}:acknowledged",
        council=notice.council,
        case=notice,
        subject=f"{notice.reference}: your notice was acknowledged",
        body=notice.response or "The Monitoring Officer acknowledged your notice.",
        recipients=[notice.member.person],
        at=as_of,
        rung="acknowledged",
    )
    return notice


@transaction.atomic
def acting_against_withdraw(
    *, notice: ActingAgainstNotice, actor: Person, as_of: datetime
) -> ActingAgainstNotice:
    """The member will not act after all."""
    plumbing.lock_fresh(notice)
    if not plumbing.move(notice, NoticeStatus.WITHDRAWN, table=NOTICE_TRANSITIONS):
        return notice
    notice.status = NoticeStatus.WITHDRAWN
    notice.closed_at = as_of
    recorded(
        notice, actor=actor, as_of=as_of, reason="withdrawn", kind="withdrawn", summary="Withdrawn"
    )
    return notice


# ---------------------------------------------------------------- advice requests


@transaction.atomic
def advice_request(
    *,
    council: Council,
    requester: Person,
    question: str,
    as_of: datetime,
    matter: str = "",
    confidential: bool = False,
) -> AdviceRequest:
    """Ask for advice on declaring an interest: Legal and Democratic Services (001 §5.3.6.1) or
    the Monitoring Officer (002 §89, 004 §12.10), as the council's rule says; confidential if
    the member asks, then only they and the advising post see it."""
    if not question.strip():
        raise ValidationError({"question": "Enter your question."})
    raised_by, member, post = _declarer_facts(council=council, declarer=requester)
    found = recipients_for(
        council=council,
        facts=routing.Facts(CaseType.INTEREST, raised_by=raised_by, concerning="advice"),
        ctx=RoutingContext(
            council=council,
            raiser_member=member,
            raiser_post=post,
            directorate=post.directorate if post else None,
            exclude=frozenset({requester.pk}),
        ),
        default_source="002 §89 (default: the Monitoring Officer)",
    )
    request = AdviceRequest(
        requester=requester,
        member=member,
        question=question.strip(),
        matter=matter.strip(),
        confidential=confidential,
        owner_post=found.handler_post,
        rule_source=found.source,
    )
    _start_case(request, council=council, as_of=as_of, actor=requester, reason="advice requested")
    _placed_with(
        request,
        found,
        actor=requester,
        as_of=as_of,
        kind="requested",
        summary=f"Advice requested from {_names(found) if found.handler_post else '-'}",
        detail="Confidential at the member's request." if confidential else "",
    )
    advisers = (
        [found.handler_post.holder] if found.handler_post and found.handler_post.holder else []
    )
    outbox_write(
        key=f"advice:{request.pk}:requested",
        council=council,
        case=request,
        subject=f"{request.reference}: request for advice on declaring an interest"
        + (" (confidential)" if confidential else ""),
        body=request.question
        if not confidential
        else "A confidential request for advice is waiting for you in the portal.",
        recipients=[requester, *advisers],
        at=as_of,
        rung="requested",
    )
    return request


@transaction.atomic
def advice_give(
    *, request: AdviceRequest, actor: Person, advice: str, as_of: datetime
) -> AdviceRequest:
    """Record the advice; the member decides whether to declare (001 §5.3.6.1)."""
    if not advice.strip():
        raise ValidationError({"advice": "Enter the advice."})
    plumbing.lock_fresh(request)
    if not plumbing.move(request, AdviceStatus.ADVISED, table=ADVICE_TRANSITIONS):
        return request
    request.status = AdviceStatus.ADVISED
    request.advice = advice.strip()
    request.advised_by = actor
    request.advised_at = as_of
    request.closed_at = as_of
    recorded(
        request,
        actor=actor,
        as_of=as_of,
        reason="advice given",
        kind="advised",
        summary=f"Advice given by {actor}",
    )
    outbox_write(
        key=f"advice:{request.pk}:advised",
        council=request.council,
        case=request,
        subject=f"{request.reference}: advice on your question",
        body="Advice is waiting for you in the portal.",
        recipients=[request.requester],
        at=as_of,
        rung="advised",
    )
    return request


@transaction.atomic
def advice_withdraw(*, request: AdviceRequest, actor: Person, as_of: datetime) -> AdviceRequest:
    plumbing.lock_fresh(request)
    if not plumbing.move(request, AdviceStatus.WITHDRAWN, table=ADVICE_TRANSITIONS):
        return request
    request.status = AdviceStatus.WITHDRAWN
    request.closed_at = as_of
    recorded(
        request, actor=actor, as_of=as_of, reason="withdrawn", kind="withdrawn", summary="Withdrawn"
    )
    return request


# ---------------------------------------------------------------- the conflict check


def conflict_check(*, person: Person, matter: Matter) -> list[Conflict]:
    """Every reason this person should not act (blocking) or should think first (warning) on
    the matter: declared relationships and registered interests."""
    from interests.conflicts import check

    return check(person, matter)
