"""Demo people for every loaded council: an officer in every post, members across groups,
wards and committees, and the demo logins listed in the README. Idempotent.

South Oxfordshire and Vale of White Horse share one staff: the same person holds the same post
in both councils.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org.models import (
    Committee,
    Council,
    Member,
    MemberRole,
    MemberRoleKind,
    Person,
    Post,
    PostKind,
)
from protocol_portal.org.services import post_set_holder

DEMO_PASSWORD = "demo-password-2026"
# Demo cases go back this far, so each month of the dashboards and each rung of the chaser
# ladders has something in it.
DEMO_WEEKS = 8

FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Esther",
    "Farid",
    "Grace",
    "Hugh",
    "Ines",
    "Jamal",
    "Kate",
    "Leon",
    "Maya",
    "Nikhil",
    "Olu",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Victor",
    "Wendy",
    "Xavier",
    "Yasmin",
    "Zac",
]
LAST = [
    "Adeyemi",
    "Brennan",
    "Chowdhury",
    "Doyle",
    "Evans",
    "Fraser",
    "Goldberg",
    "Hussain",
    "Ito",
    "Jones",
    "Kowalski",
    "Lindqvist",
    "Mensah",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rahman",
    "Silva",
    "Thompson",
    "Usman",
    "Vance",
    "Walsh",
    "Yilmaz",
    "Zhou",
]

# Short login names for the posts a demo visitor most wants to try.
POST_ALIASES = {
    PostKind.CHIEF_EXECUTIVE: "ce",
    PostKind.MONITORING_OFFICER: "mo",
    PostKind.MEMBER_SERVICES: "triage",
    PostKind.COMPLAINTS_TEAM: "complaints",
}


@dataclass
class DemoReport:
    people: int = 0
    members: int = 0
    logins: dict[str, list[str]] = field(default_factory=dict)
    # The moment the demo is seeded at: each case app backdates its cases from it.
    now: datetime = field(default_factory=timezone.now)
    # Demo cases made this run, by "app_label.Model"; scenarios a council's rules refused.
    cases: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    def ago(self, days: float, hour: int = 10) -> datetime:
        """`days` before the seeding day, at `hour` o'clock local time (never after now)."""
        day = timezone.localdate(self.now) - timedelta(days=int(days))
        moment = timezone.make_aware(datetime.combine(day, time(hour)))
        return min(moment, self.now - timedelta(minutes=1))

    def scenario(self, label: str, council, name: str, build: Callable, /, *args, **kwargs) -> None:
        """Run one demo scenario, `build(*args, **kwargs)`, through the services in its own
        savepoint; a council whose rules refuse it (a stage it has no route for) is noted and
        skipped, not fatal."""
        try:
            with transaction.atomic():
                build(*args, **kwargs)
        except (ValidationError, TransitionError) as exc:
            why = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.skipped.append(f"{council.slug} {label} {name}: {why}")
            return
        self.cases[label] += 1


# Case apps add demo cases after the people exist (`manage.py seed_demo` runs them; the kernel
# never imports a case app). Each hook must be idempotent.
_demo_hooks: list[Callable[[DemoReport], None]] = []


def register_demo_hook(hook: Callable[[DemoReport], None]) -> Callable[[DemoReport], None]:
    if hook not in _demo_hooks:
        _demo_hooks.append(hook)
    return hook


def run_demo_hooks(report: DemoReport) -> None:
    """Let each case app seed a few demo cases for the demo people."""
    for hook in _demo_hooks:
        hook(report)


def _name(n: int) -> tuple[str, str]:
    return FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]


def _password_hash() -> str:
    # One hash for every demo login: hashing it per person was most of seed_demo's time.
    return _hash_with(tuple(settings.PASSWORD_HASHERS))


@cache
def _hash_with(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def _person(username: str, n: int, report: DemoReport) -> Person:
    first, last = _name(n)
    person, created = Person.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.protocol-portal.invalid",
        },
    )
    if created:
        person.password = _password_hash()
        person.save(update_fields=["password"])
        report.people += 1
    return person


def _staff_prefix(council: Council) -> str:
    partner = council.shares_staff_with
    if partner is not None and partner.slug < council.slug:
        return partner.slug
    return council.slug


def _seed_officers(council: Council, report: DemoReport, counter: list[int]) -> list[str]:
    prefix = _staff_prefix(council)
    logins: list[str] = []
    director_seen = False
    for post in Post.objects.filter(council=council).order_by("slug"):
        counter[0] += 1
        person = _person(f"{prefix}.{post.slug}", counter[0], report)
        if post.holder_id != person.pk:
            post_set_holder(post=post, holder=person)
        alias = POST_ALIASES.get(post.kind)
        if alias is None and post.kind in (PostKind.DIRECTOR, PostKind.CORPORATE_DIRECTOR):
            alias = None if director_seen else "director"
            director_seen = True
        if alias:
            logins.append(f"{prefix}.{post.slug} ({alias})")
    officer = Post.objects.filter(council=council, kind=PostKind.OFFICER).order_by("slug").first()
    if officer is not None:
        logins.append(f"{prefix}.{officer.slug} (officer)")
    return logins


def _seed_members(council: Council, report: DemoReport, counter: list[int]) -> list[str]:
    wards = list(council.wards.order_by("slug"))
    groups = sorted(council.groups.all(), key=lambda g: (not g.is_administration, g.slug))
    if not wards or not groups:
        return []
    members: list[Member] = []
    for i, ward in enumerate(wards):
        for seat in range(2):
            counter[0] += 1
            group = groups[0] if (i + seat) % 3 != 2 else groups[(i + seat) % len(groups)]
            person = _person(f"{council.slug}.cllr-{ward.slug}-{seat + 1}", counter[0], report)
            member, created = Member.objects.get_or_create(
                council=council, person=person, defaults={"ward": ward, "group": group}
            )
            report.members += int(created)
            members.append(member)
    _give_roles(council, members, groups)
    backbench = members[-1]
    return [f"{backbench.person.username} (member, {backbench.group})"] + [
        f"{m.person.username} ({r})" for m, r in _role_logins(members)
    ]


def _role(member: Member, kind: str, **extra) -> None:
    MemberRole.objects.get_or_create(member=member, kind=kind, **extra)


def _give_roles(council: Council, members: list[Member], groups) -> None:
    ruling = [m for m in members if m.group_id == groups[0].pk]
    _role(ruling[0], MemberRoleKind.LEADER)
    for group in groups:
        in_group = [m for m in members if m.group_id == group.pk]
        if in_group:
            _role(in_group[0], MemberRoleKind.GROUP_LEADER)
        if len(in_group) > 1:
            _role(in_group[1], MemberRoleKind.WHIP)
    directorates = list(council.directorates.order_by("slug"))
    for member, directorate in zip(ruling[2:], directorates, strict=False):
        role, _ = MemberRole.objects.get_or_create(
            member=member,
            kind=MemberRoleKind.CABINET_MEMBER,
            defaults={"portfolio": directorate.name},
        )
        role.portfolio_directorates.add(directorate)
    others = [m for m in members if m.group_id != groups[0].pk]
    for n, committee in enumerate(Committee.objects.filter(council=council).order_by("slug")):
        pool = ruling if committee.is_executive else members
        seats = pool[: len(directorates) + 2] if committee.is_executive else pool[n::3][:7]
        committee.members.add(*seats)
        chair = (
            (others or members)[n % len(others or members)] if committee.is_scrutiny else seats[0]
        )
        committee.members.add(chair)
        _role(chair, MemberRoleKind.COMMITTEE_CHAIR, committee=committee)


def _role_logins(members: list[Member]):
    wanted = [MemberRoleKind.LEADER, MemberRoleKind.CABINET_MEMBER]
    for kind in wanted:
        for member in members:
            if member.roles.filter(kind=kind).exists():
                yield member, kind.label
                break


@transaction.atomic
def seed_demo() -> DemoReport:
    """Give every post of every loaded council a demo holder and every ward two members."""
    report = DemoReport()
    admin, created = Person.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Portal",
            "last_name": "Administrator",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        admin.password = _password_hash()
        admin.save(update_fields=["password"])
    counter = [0]
    for council in Council.objects.select_related("shares_staff_with").order_by("slug"):
        officers = _seed_officers(council, report, counter)
        members = _seed_members(council, report, counter)
        report.logins[council.slug] = officers + members
    return report


def chasers_replay(report: DemoReport) -> int:
    """Run the chaser sweep once a day over the demo's eight weeks, as the beat would have:
    overdue demo cases get their reminders, chases and escalations on the days they fell due
    (the outbox key makes a second run send nothing twice). Returns the rungs sent."""
    from protocol_portal.casework.chasers import chasers_fire, due_everywhere
    from protocol_portal.casework.registry import spec_for

    fired = 0
    days = DEMO_WEEKS * 7
    moments = [report.ago(days - n, hour=7) + timedelta(minutes=30) for n in range(days + 1)]
    for as_of in [*moments, report.now]:
        due: dict[str, list[int]] = {}
        for label, pk in due_everywhere(as_of=as_of):
            due.setdefault(label, []).append(pk)
        for label, pks in due.items():
            fired += len(chasers_fire(spec=spec_for(label), pks=pks, as_of=as_of))
    return fired
