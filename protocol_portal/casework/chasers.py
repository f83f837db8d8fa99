"""The chaser ladder: each open case's next rung, fired exactly once (DESIGN layer 5).

Rungs are fired a batch of cases at a time: one transaction locks the batch and fires every
case's rung with a fixed number of queries, whatever the batch's size (ladders, posts and their
holders, outbox, timeline, hooks, history), so the cost of a rung falls as the batch grows
(bench/README.md). `chaser_fire` is the same code with a batch of one.

A sweep sends only the rung due now. When earlier rungs' moments passed while no sweep ran
(the beat was down), they are not sent late, one stale rung per sweep: the latest rung whose
moment has come is sent, and the ones passed over are written on the case's timeline as
skipped, in one line; the case moves past them, so no later sweep sends them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from protocol_portal.casework.models import Case, CaseEvent
from protocol_portal.casework.registry import CaseTypeSpec, all_specs
from protocol_portal.casework.rows import history_rows_copy, pre_saved, rows_insert, rows_update
from protocol_portal.casework.services import (
    OutboxDraft,
    clock_schedule,
    event_row,
    holders,
    ladders_for,
    local_morning,
    outbox_write_many,
)
from protocol_portal.org.calendars import calendar_for
from protocol_portal.org.models import ChaserRung, Council, Post, PostKind
from protocol_portal.org.services import acting_post, kinds_for

# The timeline kind of the line that records rungs skipped after a missed sweep (a rung's own
# line is "chaser:<key>"; a rung key is a slug, so it cannot be this).
SKIPPED_KIND = "chasers_skipped"
# Cases fired in one transaction at most: bounds how long the batch's row locks are held and
# the size of its statements.
BATCH_MOST = 250
# A sweep is split into at least settings.CHASER_SWEEP_SPREAD batches (when it has that many
# cases; 4 unless set, as many as docker-compose's worker runs processes), so every worker
# process shares it and a worker lost mid-sweep hands only part back to the queue; more
# batches than processes would only add each batch's fixed cost...
# ...and into batches of no fewer than settings.CHASER_BATCH_LEAST cases (25 unless set): a
# batch costs about 15 ms whatever its size (its transaction, task, reads of the ladders and
# posts, delivery), which would be most of a sweep of a few dozen split four ways
# (bench/README.md).


def cases_due(*, spec: CaseTypeSpec, as_of: datetime, limit: int = 10_000) -> list[int]:
    """Ids of open cases whose next rung is due (one query on the next_action_at index)."""
    return list(
        spec.model.objects.filter(next_action_at__lte=as_of)
        .order_by("next_action_at")
        .values_list("pk", flat=True)[:limit]
    )


def due_everywhere(*, as_of: datetime) -> list[tuple[str, int]]:
    """(case type label, id) of every case due a rung, across all registered case types."""
    return [(spec.label, pk) for spec in all_specs() for pk in cases_due(spec=spec, as_of=as_of)]


def sweep_batches(
    pks: Sequence[int],
    *,
    most: int = BATCH_MOST,
    spread: int | None = None,
    least: int | None = None,
) -> list[list[int]]:
    """The due cases in batches of at most `most`, in at least `spread` batches when there are
    that many cases (settings.CHASER_SWEEP_SPREAD), none smaller than `least`
    (settings.CHASER_BATCH_LEAST) but the last."""
    spread = settings.CHASER_SWEEP_SPREAD if spread is None else spread
    least = settings.CHASER_BATCH_LEAST if least is None else least
    size = max(1, min(most, max(least, -(-len(pks) // spread))))
    return [list(pks[start : start + size]) for start in range(0, len(pks), size)]


class OrgPosts:
    """The posts of some councils, read in one query with their holders and groups and linked to
    each other (deputy, line manager) in memory: routing a rung to its posts asks nothing more.

    `of_kind` is `org.services.post_for`'s choice of a post by kind, made over these rows.
    """

    def __init__(self, posts: Iterable[Post]) -> None:
        self.by_pk: dict[int, Post] = {post.pk: post for post in posts}
        # In slug order (the query's), as `post_for` picks the first by slug.
        self.by_kind: dict[tuple[int, str], list[Post]] = defaultdict(list)
        for post in self.by_pk.values():
            self.by_kind[(post.council_id, post.kind)].append(post)
            # A deputy or manager outside these rows (another council) loads when first read.
            if post.deputy_id in self.by_pk:
                post.deputy = self.by_pk[post.deputy_id]
            if post.line_manager_id in self.by_pk:
                post.line_manager = self.by_pk[post.line_manager_id]

    @classmethod
    def load(cls, *, council_ids: Iterable[int], post_ids: Iterable[int] = ()) -> OrgPosts:
        """Every post of these councils, and these posts wherever they are (one query)."""
        posts = (
            Post.objects.filter(Q(council_id__in=set(council_ids)) | Q(pk__in=set(post_ids)))
            .select_related("holder", "group")
            .order_by("slug", "pk")
        )
        return cls(posts)

    def of_kind(self, council_id: int, kind: str, directorate_id: int | None) -> Post | None:
        """The council's post of this kind (else a stand-in kind), in the directorate if given."""
        for wanted in kinds_for(kind):
            for post in self.by_kind.get((council_id, wanted), ()):
                if directorate_id is None or post.directorate_id == directorate_id:
                    return post
        return None


def _token_post(
    token: str, *, case: Case, owner: Post | None, org: OrgPosts, exclude: frozenset[int]
) -> Post | None:
    if token == "assignee" and owner is not None:
        return acting_post(owner, exclude=exclude)
    if token == "assignee_line_manager" and owner is not None and owner.line_manager:
        return acting_post(owner.line_manager, exclude=exclude)
    if token == "director":
        # The directorate the case is about (an enquiry's service area), else the owner's: a
        # case held by a council-wide team still escalates to the Director concerned.
        directorate_id = getattr(case, "directorate_id", None) or (
            owner.directorate_id if owner is not None else None
        )
        base = org.of_kind(case.council_id, PostKind.DIRECTOR, directorate_id)
    elif token in PostKind.values:
        base = org.of_kind(case.council_id, token, None)
    else:
        return None
    return acting_post(base, exclude=exclude) if base is not None else None


def rung_posts(*, case: Case, rung: ChaserRung, org: OrgPosts) -> list[Post]:
    """The posts a rung notifies, past vacancies: assignee, their manager, Director, CE..."""
    owner = org.by_pk.get(case.owner_post_id) if case.owner_post_id is not None else None
    exclude = case.chaser_excluded_people()
    posts: list[Post] = []
    for token in rung.notify:
        post = _token_post(token, case=case, owner=owner, org=org, exclude=exclude)
        if post is not None and post not in posts:
            posts.append(post)
    return posts


@dataclass
class _Firing:
    """One case's due rung, worked out in memory before anything is written, and the rungs
    before it that came due while no sweep ran (skipped, never sent)."""

    case: Case
    ladder: list[ChaserRung]
    rung: ChaserRung
    posts: list[Post]
    draft: OutboxDraft
    index: int
    skipped: list[tuple[ChaserRung, datetime]]


def rung_moment(case: Case, rung: ChaserRung) -> datetime:
    """When a rung of the case's ladder is due: 07:00 on its working day from the due date."""
    day = calendar_for(case.council, case.CLOCK_CALENDAR).offset(
        case.due_on, rung.offset_working_days
    )
    return local_morning(day)


def rung_due_now(case: Case, ladder: list[ChaserRung], as_of: datetime) -> int:
    """The rung to send: the last of the case's remaining rungs whose moment has come by
    `as_of` (the next rung itself when the sweep ran on time)."""
    index = case.next_rung
    if case.due_on is None:
        return index
    for later in range(case.next_rung + 1, len(ladder)):
        if rung_moment(case, ladder[later]) > as_of:
            break
        index = later
    return index


def _plan(
    spec: CaseTypeSpec, case: Case, ladder: list[ChaserRung], org: OrgPosts, as_of: datetime
) -> _Firing:
    index = rung_due_now(case, ladder, as_of)
    rung = ladder[index]
    skipped = [(r, rung_moment(case, r)) for r in ladder[case.next_rung : index]]
    posts = rung_posts(case=case, rung=rung, org=org)
    people = holders(posts)
    if "raiser" in rung.notify and getattr(case, "raiser_person", None) is not None:
        people.append(case.raiser_person)
    draft = OutboxDraft(
        key=f"{spec.label}:{case.pk}:{case.clock_cycle}:{rung.key}",
        council_id=case.council_id,
        case=case,
        subject=f"{case.reference}: {rung.key.replace('-', ' ')}, due {case.due_on:%-d %B %Y}",
        body=(
            f"{case.reference} is due on {case.due_on:%-d %B %Y}. Please deal with it by then, "
            "or tell the member why it will be late.\n\n"
            f"Why you are getting this: the council sends a {rung.key.replace('-', ' ')} at "
            f"this point ({rung.source})."
        ),
        recipients=people,
        rung=rung.key,
    )
    return _Firing(
        case=case,
        ladder=ladder,
        rung=rung,
        posts=posts,
        draft=draft,
        index=index,
        skipped=skipped,
    )


def _event(firing: _Firing, as_of: datetime) -> CaseEvent:
    names = ", ".join(post.title for post in firing.posts) or "nobody (all posts vacant)"
    return event_row(
        case=firing.case,
        at=as_of,
        actor=None,
        kind=f"chaser:{firing.rung.key}",
        summary=f"Chaser '{firing.rung.key}' sent to {names}",
        detail=firing.rung.source,
        visible_to_raiser=False,
    )


def _skipped_event(firing: _Firing, as_of: datetime) -> CaseEvent:
    """One timeline line naming the rungs passed over because the sweep did not run."""
    keys = [f"'{rung.key}'" for rung, _ in firing.skipped]
    names = keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"
    one = len(firing.skipped) == 1
    summary = (
        f"Chaser {'step' if one else 'steps'} {names} not sent: the reminder sweep did not run "
        f"when {'it was' if one else 'they were'} due, so only '{firing.rung.key}', due now, "
        "was sent"
    )
    detail = "; ".join(
        f"'{r.key}' was due {moment:%-d %B %Y %H:%M} ({r.source})" for r, moment in firing.skipped
    )
    return event_row(
        case=firing.case,
        at=as_of,
        actor=None,
        kind=SKIPPED_KIND,
        summary=summary[:300],
        detail=detail,
        visible_to_raiser=False,
    )


def _hooks_run(spec: CaseTypeSpec, fired: list[_Firing], as_of: datetime) -> None:
    """The case type's own consequences of each new rung (access for the posts chased, breach):
    its batch hook if it has one, else its hook case by case."""
    if spec.on_rungs is not None:
        spec.on_rungs([(f.case, f.rung, f.posts) for f in fired], as_of)
    elif spec.on_rung is not None:
        for firing in fired:
            spec.on_rung(firing.case, firing.rung, firing.posts, as_of)


def _snapshot(case: Case) -> dict[str, object]:
    """The case's field values as loaded (its instance dict: read without the descriptors)."""
    return case.__dict__.copy()


_ABSENT = object()


def _save_with_history(model: type[Case], cases: list[Case], before: list[dict]) -> None:
    """Write what changed on each case as `save()` would (auto and derived fields included),
    in one UPDATE for the batch, and one history entry per case with its change reason."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    derived = pre_saved(fields)
    changed: set[str] = set()
    for case, old in zip(cases, before, strict=True):
        for f in derived:
            f.pre_save(case, False)  # auto_now, derived columns: what save() would store
        now = case.__dict__
        changed.update(
            f.name for f in fields if old.get(f.attname, _ABSENT) != now.get(f.attname, _ABSENT)
        )
    with transaction.atomic(savepoint=False):
        rows_update(cases, sorted(changed))
        history_rows_copy(model, cases)


def _lock_due(model: type[Case], pks: Iterable[int], as_of: datetime) -> list[Case]:
    cases = model.objects.filter(pk__in=list(pks), next_action_at__lte=as_of).order_by("pk")
    if model.CHASER_PREFETCH:
        cases = cases.prefetch_related(*model.CHASER_PREFETCH)
    if connection.features.has_select_for_update_skip_locked:
        # Another worker holding a row is already firing that rung: leave it to them.
        cases = cases.select_for_update(skip_locked=True)
    cases = list(cases)
    # Each council read once for the batch, not joined to every case: a council row carries
    # its protocol settings (several kB of JSON), decoded once per row read.
    councils = Council.objects.in_bulk({case.council_id for case in cases})
    for case in cases:
        case.council = councils[case.council_id]
    return cases


def chasers_fire(*, spec: CaseTypeSpec, pks: Iterable[int], as_of: datetime) -> dict[int, str]:
    """Fire each case's due rung once: outbox message, timeline line, next rung scheduled.
    After a missed sweep only the latest rung due is sent; those passed over are recorded on
    the timeline as skipped and never sent.

    One transaction and a fixed number of queries for the batch. Cases no longer due (gone,
    closed, paused, taken by another worker) are skipped. Returns the rung key fired, by case.
    """
    with transaction.atomic():
        cases = _lock_due(spec.model, pks, as_of)
        if not cases:
            return {}
        councils = {case.council_id for case in cases}
        ladders = ladders_for(council_ids=councils, case_type=spec.model.CASE_TYPE)
        owners = {case.owner_post_id for case in cases if case.owner_post_id is not None}
        org = OrgPosts.load(council_ids=councils, post_ids=owners)
        firings: list[_Firing] = []
        for case in cases:
            ladder = ladders[case.council_id]
            if case.next_rung < len(ladder):
                firings.append(_plan(spec, case, ladder, org, as_of))
            else:  # the ladder is done: nothing more is due (rare: a ladder shortened)
                case.next_action_at = None
                case.save(update_fields=["next_action_at"])
        if not firings:
            return {}
        before = [_snapshot(f.case) for f in firings]
        written = outbox_write_many(drafts=[f.draft for f in firings], at=as_of)
        # A message already written (a redelivered batch whose save was lost) is not repeated.
        fired = [f for f in firings if f.draft.key in written]
        rows_insert(
            [
                event
                for f in fired
                for event in ([_skipped_event(f, as_of)] if f.skipped else []) + [_event(f, as_of)]
            ]
        )
        _hooks_run(spec, fired, as_of)
        for firing in firings:
            # Past the rung sent and every rung skipped: none of them is sent later.
            firing.case.next_rung = firing.index + 1
            clock_schedule(case=firing.case, ladder=firing.ladder)
            firing.case._change_reason = f"chaser {firing.rung.key}"
        _save_with_history(spec.model, [f.case for f in firings], before)
    return {f.case.pk: f.rung.key for f in firings}


def chaser_fire(*, spec: CaseTypeSpec, pk: int, as_of: datetime) -> str | None:
    """Fire the case's due rung once: outbox message, timeline line, next rung scheduled.

    Returns the rung key fired, or None if nothing was due (gone, closed, paused, taken).
    """
    return chasers_fire(spec=spec, pks=[pk], as_of=as_of).get(pk)
