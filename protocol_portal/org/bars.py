"""Relationship bars at the act: a seat on a committee or an appointment panel, a member role.

What a related member must not do is the council file's `relationship_bars` (the interests app
reads them in its conflict check, registered with the kernel hook); this module asks that hook
at the moment of the act, wherever it happens — the admin's forms, the services below, and a
signal for any other code path (`org.signals`). A bar blocks the act with its paragraph; where
the council file allows (`override: true`), the Monitoring Officer may let it go ahead with a
recorded reason (`BarOverride`, kept with its history).

Only the member's own act is in question, and the message names only the member's own
relationship and the paragraph, as the conflict check tells the member themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from protocol_portal.casework.conflicts import Conflict, Matter, conflicts_for
from protocol_portal.org.models import (
    MONITORING_KINDS,
    AppointmentPanel,
    BarAct,
    BarOverride,
    Committee,
    Council,
    Directorate,
    Member,
    MemberRole,
    Person,
    Post,
)

NOT_OVERRIDABLE = (
    "The council's protocol does not let the Monitoring Officer override this ({source})."
)


def _staff(council: Council, directorate_ids: Iterable[int], everyone: bool) -> frozenset[int]:
    posts = Post.objects.filter(holder__isnull=False)
    posts = (
        posts.filter(council=council)
        if everyone
        else posts.filter(directorate_id__in=directorate_ids)
    )
    return frozenset(posts.values_list("holder_id", flat=True))


def committee_matter(
    committee: Committee,
    *,
    directorates: Iterable[Directorate] | None = None,
    everyone: bool | None = None,
) -> Matter:
    """A seat on the committee concerns the staff it is responsible for (004 §3.3, 000 §10.5)."""
    ids = [d.pk for d in directorates] if directorates is not None else None
    if ids is None:
        ids = (
            list(committee.staff_directorates.values_list("pk", flat=True)) if committee.pk else []
        )
    everyone = committee.responsible_for_all_staff if everyone is None else everyone
    return Matter(
        council=committee.council,
        kind=BarAct.COMMITTEE_MEMBERSHIP,
        people=_staff(committee.council, ids, everyone),
        committee_id=committee.pk,
    )


def role_matter(
    *,
    council: Council,
    kind: str,
    directorates: Iterable[Directorate] = (),
    committee: Committee | None = None,
) -> Matter:
    """A member role concerns the staff of its portfolio's directorates, and a chair's the
    staff of their committee (004 §3.3: "a Cabinet role responsible for any employee")."""
    people = set(_staff(council, [d.pk for d in directorates], False))
    if committee is not None:
        people |= committee_matter(committee).people
    return Matter(
        council=council,
        kind=BarAct.MEMBER_ROLE,
        people=frozenset(people),
        committee_id=committee.pk if committee else None,
        role=kind,
    )


def panel_matter(panel: AppointmentPanel, *, candidates: Iterable[Person] | None = None) -> Matter:
    """A panel concerns its post (its holder, for a dismissal) and its candidates (001 §5.3.2.2,
    002 §46)."""
    if candidates is None:
        candidates = panel.candidates.all() if panel.pk else []
    return Matter(
        council=panel.council,
        kind=BarAct.APPOINTMENT,
        people=frozenset(p.pk for p in candidates),
        posts=frozenset({panel.post_id}) if panel.post_id else frozenset(),
    )


def _override_for(member: Member, matter: Matter) -> BarOverride | None:
    if member.pk is None:
        return None
    found = BarOverride.objects.filter(member=member, act=matter.kind)
    if matter.kind == BarAct.MEMBER_ROLE:
        found = found.filter(role_kind=matter.role)
        if matter.committee_id:
            found = found.filter(committee_id=matter.committee_id)
    elif matter.kind == BarAct.COMMITTEE_MEMBERSHIP:
        found = found.filter(committee_id=matter.committee_id)
    return found.first()


def _panel_override(member: Member, panel: AppointmentPanel) -> BarOverride | None:
    if member.pk is None or panel.pk is None:
        return None
    return BarOverride.objects.filter(member=member, act=BarAct.APPOINTMENT, panel=panel).first()


def barring(member: Member, matter: Matter, *, panel: AppointmentPanel | None = None):
    """The bars that stop this member's act: the blocking conflicts not overridden."""
    if not matter.people and not matter.posts:
        return []
    blocking = [c for c in conflicts_for(person=member.person, matter=matter) if c.blocking]
    if not blocking:
        return []
    override = _panel_override(member, panel) if panel else _override_for(member, matter)
    if override is not None and all(c.overridable for c in blocking):
        return []
    return blocking


def message(member: Member, what: str, conflicts: list[Conflict]) -> str:
    """Plain English, with the paragraph: why the member may not do it, and whether the
    Monitoring Officer may let it go ahead."""
    sources = "; ".join(dict.fromkeys(c.source for c in conflicts))
    reasons = " ".join(c.reason for c in conflicts)
    tail = (
        " The Monitoring Officer may override this with a recorded reason."
        if all(c.overridable for c in conflicts)
        else ""
    )
    return f"{member} may not {what} ({sources}). {reasons}{tail}"


def check_committee_seats(committee: Committee, members: Iterable[Member], **scope) -> list[str]:
    matter = committee_matter(committee, **scope)
    what = f"sit on {committee}"
    return [message(m, what, found) for m in members if (found := barring(m, matter))]


def check_panel_seats(
    panel: AppointmentPanel, members: Iterable[Member], candidates=None
) -> list[str]:
    matter = panel_matter(panel, candidates=candidates)
    what = f"sit on {panel}"
    return [message(m, what, found) for m in members if (found := barring(m, matter, panel=panel))]


def check_role(
    member: Member, *, kind: str, directorates: Iterable[Directorate] = (), committee=None
) -> list[str]:
    matter = role_matter(
        council=member.council, kind=kind, directorates=directorates, committee=committee
    )
    label = dict(MemberRole._meta.get_field("kind").choices).get(kind, kind)
    found = barring(member, matter)
    return [message(member, f"hold the role {label}", found)] if found else []


# ---------------------------------------------------------------- the acts, as services


# A seat is asked about once: adding it runs the m2m signal that checks every seat however it
# is given (org.signals); the services only key its refusal to the field.


@transaction.atomic
def committee_member_add(*, committee: Committee, member: Member) -> None:
    """Give the member a seat, unless a relationship bar stops it."""
    try:
        committee.members.add(member)
    except ValidationError as refused:
        raise ValidationError({"members": refused.messages}) from None


@transaction.atomic
def panel_member_add(*, panel: AppointmentPanel, member: Member) -> None:
    """A seat on an appointment panel, unless a relationship bar stops it."""
    try:
        panel.members.add(member)
    except ValidationError as refused:
        raise ValidationError({"members": refused.messages}) from None


@transaction.atomic
def member_role_give(
    *,
    member: Member,
    kind: str,
    portfolio: str = "",
    directorates: Iterable[Directorate] = (),
    committee: Committee | None = None,
) -> MemberRole:
    directorates = list(directorates)
    errors = check_role(member, kind=kind, directorates=directorates, committee=committee)
    if errors:
        raise ValidationError({"kind": errors})
    role = MemberRole(member=member, kind=kind, portfolio=portfolio, committee=committee)
    role._bars_checked = True
    role.save()
    role.portfolio_directorates.set(directorates)
    return role


# ---------------------------------------------------------------- the Monitoring Officer's override


def _is_monitoring_officer(person: Person, council: Council) -> bool:
    return Post.objects.filter(
        council=council, kind__in=MONITORING_KINDS, holder=person
    ).exists() or (
        council.shares_staff_with_id is not None
        and Post.objects.filter(
            council_id=council.shares_staff_with_id, kind__in=MONITORING_KINDS, holder=person
        ).exists()
    )


def override_matter(override: BarOverride) -> Matter | None:
    member = override.member
    if override.act == BarAct.COMMITTEE_MEMBERSHIP and override.committee_id:
        return committee_matter(override.committee)
    if override.act == BarAct.APPOINTMENT and override.panel_id:
        return panel_matter(override.panel)
    if override.act == BarAct.MEMBER_ROLE and override.role_kind:
        role = (
            MemberRole.objects.filter(member=member, kind=override.role_kind)
            .prefetch_related("portfolio_directorates")
            .first()
        )
        return role_matter(
            council=member.council,
            kind=override.role_kind,
            directorates=list(role.portfolio_directorates.all()) if role else [],
            committee=override.committee,
        )
    return None


def override_problems(override: BarOverride, actor: Person) -> dict[str, list[str]]:
    """Why this override may not be recorded (empty: it may)."""
    problems: dict[str, list[str]] = {}
    if override.member_id is None:
        return {"member": ["Choose the member."]}
    if not _is_monitoring_officer(actor, override.member.council):
        problems["__all__"] = ["Only the council's Monitoring Officer may override a bar."]
    if not (override.reason or "").strip():
        problems["reason"] = ["Enter the reason for the override; it is kept on the record."]
    targets = {
        BarAct.COMMITTEE_MEMBERSHIP: ("committee", override.committee_id),
        BarAct.APPOINTMENT: ("panel", override.panel_id),
        BarAct.MEMBER_ROLE: ("role_kind", override.role_kind),
    }
    field, target = targets.get(override.act, ("act", None))
    if not target:
        problems.setdefault(field, []).append("Say which act the override is for.")
        return problems
    matter = override_matter(override)
    found = [c for c in conflicts_for(person=override.member.person, matter=matter) if c.blocking]
    if not found:
        problems.setdefault("__all__", []).append("No relationship bar stops this act.")
    elif not all(c.overridable for c in found):
        source = "; ".join(dict.fromkeys(c.source for c in found if not c.overridable))
        problems.setdefault("__all__", []).append(NOT_OVERRIDABLE.format(source=source))
    else:
        override.source = "; ".join(dict.fromkeys(c.source for c in found))[:200]
    return problems


@transaction.atomic
def bar_override_record(*, override: BarOverride, actor: Person, as_of: datetime) -> BarOverride:
    """The Monitoring Officer lets the act go ahead, with a recorded reason (audited)."""
    problems = override_problems(override, actor)
    if problems:
        raise ValidationError(problems)
    override.council = override.member.council
    override.reason = override.reason.strip()
    override.decided_by = actor
    override.decided_at = as_of
    override._change_reason = f"bar overridden ({override.source})"
    override.save()
    return override
