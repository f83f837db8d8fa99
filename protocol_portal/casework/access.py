"""Who may see and do what on a case, derived from the case itself: the one access policy.

Each case type declares its *audiences* (`AccessSpec.audiences`): a function of the case as it
stands now — the raiser, the post handling it and that post's line managers, the council's
triage team, copied members and posts, the Monitoring Officer where the protocol says — each with
what it may do (`perms`, the codenames the views check: "view_enquiry", "act_on_enquiry", ...).
Some audiences are not a function of the case's columns but of what happened to it (the posts a
chaser escalated to, say): services *record* them (`access_record`) and they last until the case
is passed on, unless the spec keeps them (`kept_on_handover`).

`access_sync` writes the derived audiences into `CaseAccess` rows, each with the moment it began
and the moment it ended, so:
- a page asks one indexed question (`perms_for`), and a list one semi-join (`visible`);
- passing a case on ends the old handler's and their managers' sight in the same transaction,
  with no row revoked by hand;
- who could see a case, from when to when, stays on record (`access_history`) for the
  Monitoring Officer.

Nobody acts on a case they raised: a person who is in a case's raiser audience holds only what
the raiser holds, whatever post they also hold (a councillor who is also a post-holder, F13).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete

from protocol_portal.casework.compiled import Compiled
from protocol_portal.casework.lookups import contains_pattern, written
from protocol_portal.casework.models import CaseAccess, RetentionAction, RetentionRecord
from protocol_portal.casework.rows import rows_insert
from protocol_portal.org.models import Person, Post

RAISER = "raiser"
HANDLER = "handler"
LINE_MANAGER = "line_manager"


@dataclass(frozen=True)
class Audience:
    """One group of people with one set of permissions on a case.

    `posts` are post ids (whoever holds the post, now or later, is in the audience); `people` are
    person ids. `line` adds the posts' line managers, nearest first, as the `line_manager`
    audience with `line_perms` (default: the same permissions)."""

    name: str
    perms: frozenset[str]
    posts: tuple[int, ...] = ()
    people: tuple[int, ...] = ()
    line: bool = False
    line_perms: frozenset[str] | None = None


@dataclass(frozen=True)
class AccessSpec:
    label: str  # "enquiries.Enquiry"
    audiences: Callable[[Model], Iterable[Audience]]
    # Audiences services record as things happen (not derived from the case's columns), and
    # those of them that survive a hand-over.
    recorded: frozenset[str] = frozenset()
    kept_on_handover: frozenset[str] = frozenset()
    # Every permission a superuser holds (the site admin), as guardian's backend gave them.
    all_perms: frozenset[str] = frozenset()
    # Posts that may never be an audience of this case (nor reach it as a line manager).
    barred_posts: Callable[[Model], frozenset[int]] | None = None
    # The cases whose audiences read who holds a post (a post barred because of its holder, a
    # vacant post whose deputy stands in), given a post that changed hands: (post, person id
    # before, person id after) -> cases to derive again (`access_follow_holder`).
    follows_holders: Callable[[Post, int | None, int | None], Iterable[Model]] | None = None


_specs: dict[str, AccessSpec] = {}


def declare(spec: AccessSpec) -> None:
    _specs[spec.label] = spec
    post_delete.connect(
        _case_deleted, sender=spec.label, dispatch_uid=f"case-access-deleted:{spec.label}"
    )


def _case_deleted(sender, instance, **kwargs) -> None:
    """A case deleted (by retention, say) takes its access record with it."""
    CaseAccess.objects.filter(case_type=_content_type(sender), case_id=instance.pk).delete()


def spec_of(obj_or_model) -> AccessSpec | None:
    return _specs.get(obj_or_model._meta.label)


def governed(model) -> bool:
    """Whether this model's access is derived here (else it is an explicit guardian grant)."""
    return model._meta.label in _specs


def _content_type(model) -> ContentType:
    if isinstance(model, str):
        from django.apps import apps

        model = apps.get_model(model)
    return ContentType.objects.get_for_model(model)


def codenames(*perms: str) -> frozenset[str]:
    """The codenames of permissions named "app.codename" (what audiences and rows hold)."""
    return frozenset(perm.rpartition(".")[2] for perm in perms)


def _encode(perms: Iterable[str]) -> str:
    return "," + ",".join(sorted(set(perms))) + ","


def _decode(perms: str) -> frozenset[str]:
    return frozenset(p for p in perms.split(",") if p)


def management_line_ids(post_id: int) -> list[int]:
    """The post's line managers, nearest first (a cycle in the chart stops the walk)."""
    line: list[int] = []
    seen = {post_id}
    managers = dict(Post.objects.filter(council__posts=post_id).values_list("pk", "line_manager"))
    manager = managers.get(post_id)
    while manager is not None and manager not in seen:
        line.append(manager)
        seen.add(manager)
        manager = managers.get(manager)
    return line


@dataclass
class _Want:
    rows: dict[tuple[str, str, int], frozenset[str]] = field(default_factory=dict)

    def add(self, audience: str, kind: str, holder: int, perms: frozenset[str]) -> None:
        key = (audience, kind, holder)
        self.rows[key] = self.rows.get(key, frozenset()) | perms


def derived(
    obj: Model, *, barred: frozenset[int] | None = None
) -> dict[tuple[str, str, int], frozenset[str]]:
    """The audiences the spec derives from the case as it stands: (audience, "post" or
    "person", id) → permissions."""
    spec = spec_of(obj)
    want = _Want()
    if barred is None:
        barred = _barred(spec, obj)
    for audience in spec.audiences(obj):
        for post in audience.posts:
            if post is None or post in barred:
                continue
            want.add(audience.name, "post", post, audience.perms)
            if audience.line:
                for manager in management_line_ids(post):
                    if manager not in barred:
                        perms = audience.line_perms or audience.perms
                        want.add(LINE_MANAGER, "post", manager, perms)
        for person in audience.people:
            if person is not None:
                want.add(audience.name, "person", person, audience.perms)
    return want.rows


def _barred(spec, obj: Model) -> frozenset[int]:
    return frozenset(spec.barred_posts(obj)) if spec.barred_posts else frozenset()


def _key(row: CaseAccess) -> tuple[str, str, int]:
    if row.post_id is not None:
        return (row.audience, "post", row.post_id)
    return (row.audience, "person", row.person_id)


def access_sync(obj: Model, *, as_of: datetime) -> None:
    """Make the case's open access rows what its audiences say now: rows no longer derived end
    at `as_of`, new ones begin. Recorded audiences end when the handler changes (a hand-over),
    unless the spec keeps them; a recorded row of a post the case now bars ends at once (an
    officer found to be involved in legal proceedings loses the escalation that reached them).
    Call it after every change that can move an audience."""
    spec = spec_of(obj)
    content_type = _content_type(type(obj))
    barred = _barred(spec, obj)
    want = derived(obj, barred=barred)
    open_rows = list(
        CaseAccess.objects.filter(case_type=content_type, case_id=obj.pk, until__isnull=True)
    )
    # A handler is a post or, for a case a member handles (a complaint with the Standards
    # Committee's chair, say), a person: either changing is a hand-over.
    handlers_before = {_key(r) for r in open_rows if r.audience == HANDLER}
    handlers_now = {key for key in want if key[0] == HANDLER}
    handed_over = bool(handlers_before) and handlers_before != handlers_now
    ending: list[int] = []
    have: dict[tuple[str, str, int], frozenset[str]] = {}
    for row in open_rows:
        key = _key(row)
        if row.audience in spec.recorded:
            kept = not handed_over or row.audience in spec.kept_on_handover
            if kept and row.post_id not in barred:
                have[key] = _decode(row.perms)
                continue
        elif want.get(key) == _decode(row.perms):
            have[key] = want[key]
            continue
        ending.append(row.pk)
    if ending:
        CaseAccess.objects.filter(pk__in=ending).update(until=as_of)
    _open(obj, content_type, {k: v for k, v in want.items() if have.get(k) != v}, as_of=as_of)


def access_narrow(obj: Model, *, as_of: datetime) -> int:
    """End the open rows the case no longer derives, opening none; the number ended. For a case
    anonymised under retention: anonymising takes people off a case (its raiser and copies
    point at a placeholder or at nobody), it never adds anyone. So the person rows of those
    removed end, posts that kept the case keep it (a recorded post too), and a post barred
    while the case named the person behind the bar (the officer complained about) stays
    without it, although the link that barred it is gone."""
    spec = spec_of(obj)
    if spec is None:
        return 0
    want = derived(obj)
    rows = CaseAccess.objects.filter(
        case_type=_content_type(type(obj)), case_id=obj.pk, until__isnull=True
    )
    ending = [
        row.pk
        for row in rows
        if _key(row) not in want and not (row.audience in spec.recorded and row.post_id)
    ]
    if ending:
        CaseAccess.objects.filter(pk__in=ending).update(until=as_of)
    return len(ending)


def _anonymised_ids(model) -> set:
    """The ids of this type's cases that retention anonymised (their access only narrows)."""
    return set(
        RetentionRecord.objects.filter(
            case_type=_content_type(model), action=RetentionAction.ANONYMISE
        ).values_list("case_id", flat=True)
    )


def access_refresh(obj: Model, *, as_of: datetime, anonymised: set | None = None) -> None:
    """Derive the case's access again after a change outside its services (the organisation):
    `access_sync`, or for an anonymised case `access_narrow`."""
    if anonymised is None:
        anonymised = _anonymised_ids(type(obj))
    if obj.pk in anonymised:
        access_narrow(obj, as_of=as_of)
    else:
        access_sync(obj, as_of=as_of)


def access_follow_holder(
    post: Post, *, before: int | None, after: int | None, as_of: datetime
) -> int:
    """A post changed hands (or fell vacant, or was filled). Access through the post itself
    needs nothing: its rows name the post, so the new holder sees what the post sees and the
    old holder no longer does, at once. What does need deriving again are the cases whose
    audiences read who holds a post — a post barred because its holder is the person
    complained about or an officer involved in legal proceedings, a Monitoring Officer's post
    whose deputy stands in while it is vacant: each case type's spec names them
    (`follows_holders`). Returns how many cases were derived again."""
    count = 0
    for spec in _specs.values():
        if spec.follows_holders is None:
            continue
        cases = list(spec.follows_holders(post, before, after))
        if not cases:
            continue
        anonymised = _anonymised_ids(type(cases[0]))
        for obj in cases:
            access_refresh(obj, as_of=as_of, anonymised=anonymised)
            count += 1
    return count


def _posts_under(post_id: int) -> set[int]:
    """The post and every post whose line of management passes through it."""
    children: dict[int, list[int]] = {}
    for pk, manager in Post.objects.filter(council__posts=post_id).values_list(
        "pk", "line_manager"
    ):
        children.setdefault(manager, []).append(pk)
    found, stack = set(), [post_id]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return found


def access_follow_line(post_id: int, *, as_of: datetime) -> int:
    """A post's line manager changed (org admin, a council file reloaded): the line of that
    post and of every post under it changed, so the cases those posts handle are derived again
    — the new line manager sees them, the old one no longer does. Returns how many."""
    from django.apps import apps

    handled = (
        CaseAccess.objects.filter(
            until__isnull=True, audience=HANDLER, post_id__in=_posts_under(post_id)
        )
        .values_list("case_type_id", "case_id")
        .distinct()
    )
    by_type: dict[int, set[int]] = {}
    for content_type_id, case_id in handled:
        by_type.setdefault(content_type_id, set()).add(case_id)
    count = 0
    for content_type_id, ids in by_type.items():
        content_type = ContentType.objects.get_for_id(content_type_id)
        model = apps.get_model(content_type.app_label, content_type.model)
        anonymised = _anonymised_ids(model)
        for obj in model.objects.filter(pk__in=ids):
            access_refresh(obj, as_of=as_of, anonymised=anonymised)
            count += 1
    return count


def before_post_saved(sender, instance: Post, update_fields=None, **kwargs) -> None:
    """Note a post's line manager before it is saved (one query, only when it may change)."""
    if instance._state.adding or (
        update_fields is not None and "line_manager" not in update_fields
    ):
        return
    instance._line_before = (
        Post.objects.filter(pk=instance.pk).values_list("line_manager", flat=True).first()
    )


def on_post_saved(sender, instance: Post, created: bool = False, **kwargs) -> None:
    before = instance.__dict__.pop("_line_before", instance.line_manager_id)
    if not created and before != instance.line_manager_id:
        from django.utils import timezone

        access_follow_line(instance.pk, as_of=timezone.now())


def on_holder_changed(sender, post: Post, before: int | None, after: int | None, **kwargs) -> None:
    from django.utils import timezone

    access_follow_holder(post, before=before, after=after, as_of=timezone.now())


def _open(obj, content_type, rows: dict[tuple[str, str, int], frozenset[str]], *, as_of) -> None:
    if not rows:
        return
    CaseAccess.objects.bulk_create(
        [
            CaseAccess(
                case_type=content_type,
                case_id=obj.pk,
                audience=audience,
                post_id=holder if kind == "post" else None,
                person_id=holder if kind == "person" else None,
                perms=_encode(perms),
                since=as_of,
            )
            for (audience, kind, holder), perms in sorted(rows.items())
        ],
        ignore_conflicts=True,
    )


def access_record(
    pairs: Iterable[tuple[Model, Iterable[Post | None]]],
    *,
    audience: str,
    perms: Iterable[str],
    as_of: datetime,
    people: bool = False,
) -> None:
    """Add posts to a recorded audience of each case (the posts a chaser escalated to), in one
    insert for the whole batch; a post already in that audience is left as it is, and a post
    the case bars is never added. With `people`, the holders are people instead of posts."""
    encoded = _encode(perms)
    rows = []
    for obj, holders in pairs:
        content_type = _content_type(type(obj))
        spec = spec_of(obj)
        barred = spec.barred_posts(obj) if spec.barred_posts and not people else frozenset()
        for holder in {h.pk: h for h in holders if h is not None and h.pk not in barred}.values():
            rows.append(
                CaseAccess(
                    case_type=content_type,
                    case_id=obj.pk,
                    audience=audience,
                    post_id=None if people else holder.pk,
                    person_id=holder.pk if people else None,
                    perms=encoded,
                    since=as_of,
                )
            )
    rows_insert(rows, ignore_conflicts=True)


# -- checks ------------------------------------------------------------------------------------


def _holds(person_id: int) -> Q:
    return Q(person_id=person_id) | Q(post__holder_id=person_id)


def _perms_rows(*, person: int, case_type: int, case: int) -> QuerySet:
    return CaseAccess.objects.filter(
        _holds(person),
        case_type_id=case_type,
        case_id=case,
        until__isnull=True,
    ).values_list("audience", "perms")


# Compiled once (casework.compiled): every case page and action asks it.
_PERMS_ROWS = Compiled(_perms_rows)


def perms_for(user: Person, obj: Model) -> frozenset[str]:
    """Every permission codename the user holds on this case now, in one query. Nothing is
    cached: a page that asks several questions reads the set once and asks it."""
    if not (user.is_authenticated and user.is_active) or obj.pk is None:
        return frozenset()
    spec = spec_of(obj)
    if user.is_superuser:
        return spec.all_perms
    rows = _PERMS_ROWS.rows(person=user.pk, case_type=_content_type(type(obj)).pk, case=obj.pk)
    raised = [perms for audience, perms in rows if audience == RAISER]
    return frozenset().union(*(_decode(p) for p in (raised or [p for _, p in rows])))


def can(user: Person, perm: str, obj: Model) -> bool:
    """May this user do `perm` ("enquiries.view_enquiry" or its codename) on this case?"""
    return perm.rpartition(".")[2] in perms_for(user, obj)


def visible(
    user: Person,
    perm: str,
    queryset: QuerySet,
    *,
    besides: Iterable[str] = (),
    per_row: bool = False,
) -> QuerySet:
    """Only the cases on which the user holds `perm` now: one semi-join on the open access rows
    of the posts they hold and of them in person, each read by a partial index. Superusers get
    no bypass on lists (what a list shows is what its reader may open in their own right).

    `besides` names audiences whose rows are not read: for a list that leaves out the cases the
    reader holds through them anyway (the oversight panel leaves out their own queue, so it
    need not read the handler rows of every case they ever handled).

    `per_row`: for a list read a page at a time (queues, the API list). On PostgreSQL each case
    is then checked on its own, by at most two index probes (the post's open rows, then the
    person's), inside the scan that orders the list, so reading the first page stops after its
    rows instead of first building every id the reader may see (10,000–20,000 for a triage
    team at 100,000 enquiries: bench/README.md, "Lists that read only the page"). The default
    semi-join stays the better plan for a whole-set read, such as a dashboard's totals."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    codename = perm.rpartition(".")[2]
    besides = sorted(set(besides))
    if connection.vendor == "postgresql" and not per_row:
        return queryset.filter(pk__in=_held_ids(user, codename, queryset.model, besides))
    # Case type, permission and audiences written in, as `_held_ids` writes them: bound, a
    # plan made once for any values looked up each case's every access row and then matched the
    # post, rather than probe the post's open rows (casework/lookups.py).
    rows = CaseAccess.objects.filter(
        case_type_id__in_literal=[_content_type(queryset.model).pk],
        until__isnull=True,
        perms__contains_literal=f",{codename},",
    )
    if besides:
        rows = rows.exclude(audience__in_literal=besides)
    posts = Post.objects.filter(holder_id=user.pk).values("pk")
    through_posts = rows.filter(post_id__in=posts)
    in_person = rows.filter(person_id=user.pk)
    if connection.vendor == "postgresql":
        # EXISTS over UNION ALL: PostgreSQL cannot hash a correlated UNION, so it probes
        # `case_access_open_post_perms` / `_person_perms` (index-only) for each row it reads,
        # and stops at the first that grants.
        this_one = Q(case_id=OuterRef("pk"))
        either = (
            through_posts.filter(this_one)
            .values("pk")
            .union(in_person.filter(this_one).values("pk"), all=True)
        )
        return queryset.filter(Exists(either))
    this_one = Q(case_id=OuterRef("pk"))
    return queryset.filter(
        Q(Exists(through_posts.filter(this_one))) | Q(Exists(in_person.filter(this_one)))
    )


def sole_post(user: Person, perm: str, model: type[Model], held: Iterable[Post]) -> int | None:
    """The post through which alone the user holds `perm` on cases of this type, or None: the
    user holds exactly one post (`held`, the posts they hold) and no open access row of theirs
    in person grants it. Then what `visible` gives them is what that post's rows give, and
    totals stored per post (enquiries.tallies) are theirs (one query)."""
    held = list(held)
    if len(held) != 1 or not (user.is_authenticated and user.is_active):
        return None
    in_person = CaseAccess.objects.filter(
        case_type_id__in_literal=[_content_type(model).pk],
        until__isnull=True,
        perms__contains_literal=f",{perm.rpartition('.')[2]},",
        person_id=user.pk,
    )
    return None if in_person.exists() else held[0].pk


def governed_types() -> tuple[int, ...]:
    """The content type ids of the case types whose access is derived here (registered specs):
    what `notices_visible` reads from the database, so a read compiled once is keyed on it."""
    return tuple(_content_type(spec.label).pk for spec in _specs.values())


def _held_ids(user: Person, codename: str, model: type[Model], besides: list[str]) -> RawSQL:
    """`visible`'s semi-join on PostgreSQL: the ids of the cases of this type on which the
    user holds `codename` through an open access row of a post they hold, or of them in person
    (`besides`' audiences left out), the UNION of the two partial-index reads.

    Written out rather than built with the ORM: as two querysets it is the same statement, but
    building and compiling it cost 3 ms every time a list, panel or dashboard asked (a home page
    asks a dozen times), against under 1 ms to run it (bench/README.md, "Compiling and
    planning"). It refers to no outer table, so a list that nests it stays correct."""
    qn = connection.ops.quote_name
    access = CaseAccess._meta

    def column(model_meta, name: str) -> str:
        return qn(model_meta.get_field(name).column)

    # The case type, the permission and the audiences left out are written into the statement
    # rather than bound: they come from code, never from a request (checked below), and bound
    # they left PostgreSQL guessing. A connection prepares a statement it has run five times
    # (settings.DATABASES) and then plans it once for any values; with these three unknown it
    # took a post for 43 access rows, not the 193,000 a triage team holds at a million
    # enquiries, and read each enquiry by its key: the triage dashboard's totals in 1,190 ms
    # against 300 planned for the values (bench/README.md, "Generic plans"). Written in, they
    # make a statement per case type and permission (a handful), planned knowing them.
    for name in (codename, *besides):
        if not name.isidentifier():
            raise ValueError(f"not a permission or audience name: {name!r}")
    audiences = ""
    if besides:
        left_out = ", ".join(written(name) for name in besides)
        audiences = f" AND a.{column(access, 'audience')} NOT IN ({left_out})"
    # As the ORM's `perms__contains` matches: the codename between commas.
    common = (
        f"a.{column(access, 'case_type')} = {written(_content_type(model).pk)}"
        f" AND a.{column(access, 'until')} IS NULL"
        f" AND a.{column(access, 'perms')} LIKE {contains_pattern(f',{codename},', connection)}"
        f"{audiences}"
    )
    case_id = f"a.{column(access, 'case_id')}"
    table = qn(access.db_table)
    posts = (
        f"SELECT p.{qn(Post._meta.pk.column)} FROM {qn(Post._meta.db_table)} p"
        f" WHERE p.{column(Post._meta, 'holder')} = %s"
    )
    sql = (
        f"SELECT {case_id} FROM {table} a WHERE {common}"
        f" AND a.{column(access, 'post')} IN ({posts})"
        f" UNION SELECT {case_id} FROM {table} a WHERE {common}"
        f" AND a.{column(access, 'person')} = %s"
    )
    return RawSQL(sql, (user.pk, user.pk))


def notices_visible(user: Person) -> Q:
    """A notice about a case is shown only while its reader may still see the case: one passed
    on from them no longer lists its reference on their home page (for `Notice` rows)."""
    sees = CaseAccess.objects.filter(
        _holds(user.pk),
        case_type_id=OuterRef("message__case_type_id"),
        case_id=OuterRef("message__case_id"),
        until__isnull=True,
    )
    return (
        Q(message__case_type__isnull=True)
        | ~Q(message__case_type__in=governed_types())
        | Q(Exists(sees))
    )


def access_history(obj: Model) -> QuerySet[CaseAccess]:
    """Who could see the case, from when to when (the Monitoring Officer's view)."""
    return (
        CaseAccess.objects.filter(case_type=_content_type(type(obj)), case_id=obj.pk)
        .select_related("post__holder", "person")
        .order_by("since", "pk")
    )


AUDIENCE_WORDS = {
    RAISER: "raised it",
    HANDLER: "handling it",
    LINE_MANAGER: "line manager of a post handling it",
    "triage": "member services (triage)",
    "copied_member": "copied in (a member)",
    "copied_post": "copied in (a post)",
    "escalated": "chased or escalated to",
    "referred_from": "referred it on, kept on to answer",
    "investigator": "nominated to investigate",
    "monitoring": "the Monitoring Officer (or deputy)",
    "released": "the person complained about: only what was released to them",
    "deciding_member": "receives it and decides (a member)",
    "granted_before": "held a grant before access was derived (kept)",
}


def case_by_reference(reference: str) -> Model | None:
    """The case of any governed type with this reference (references are unique per type and
    carry the type's prefix, so at most one matches)."""
    from django.apps import apps

    for label in _specs:
        model = apps.get_model(label)
        found = model.objects.filter(reference=reference).first()
        if found is not None:
            return found
    return None


def may_read_history(user: Person, obj: Model) -> bool:
    """The Monitoring Officer (or deputy) of the case's council, or a site admin; never through
    a post the case bars (a complaint about the Monitoring Officer is not theirs to audit)."""
    from protocol_portal.org.models import PostKind

    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    spec = spec_of(obj)
    barred = spec.barred_posts(obj) if spec is not None and spec.barred_posts else frozenset()
    return (
        Post.objects.filter(
            holder_id=user.pk,
            council_id=obj.council_id,
            kind__in=(PostKind.MONITORING_OFFICER, PostKind.DEPUTY_MONITORING_OFFICER),
        )
        .exclude(pk__in=barred)
        .exists()
    )


def access_rebuild(*, as_of: datetime, labels: Iterable[str] | None = None) -> int:
    """Bring every case's audiences up to date with the organisation as it is now (a new member
    services post, a changed line manager); an anonymised case only loses rows it no longer
    derives (`access_narrow`). Returns how many cases were read."""
    from django.apps import apps

    count = 0
    for label in labels or list(_specs):
        model = apps.get_model(label)
        anonymised = _anonymised_ids(model)
        for obj in model.objects.iterator(chunk_size=500):
            access_refresh(obj, as_of=as_of, anonymised=anonymised)
            count += 1
    return count


class AccessBackend:
    """`user.has_perm(perm, case)` answers from the case's audiences, as `check_perm` does, so
    the admin and any code asking Django's way get the same answer as the views."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm: str, obj=None) -> bool:
        if obj is None or not governed(type(obj)):
            return False
        return can(user, perm, obj)


def may_view_coverage(user: Person, council) -> bool:
    """A council's coverage map (how the portal treats each paragraph of its protocol): the
    council's staff — whoever holds one of its posts — and the site admin. Members who hold no
    post, and staff of other councils, may not."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return Post.objects.filter(holder_id=user.pk, council_id=council.pk).exists()


def coverage_councils(user: Person) -> QuerySet:
    """The councils whose coverage map this person may open (see `may_view_coverage`)."""
    from protocol_portal.org.models import Council

    if not (user.is_authenticated and user.is_active):
        return Council.objects.none()
    if user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(
        Exists(Post.objects.filter(holder_id=user.pk, council_id=OuterRef("pk")))
    )
