"""The chaser ladder: each open case's next rung, fired exactly once (DESIGN layer 5)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from protocol_portal.casework.models import Case
from protocol_portal.casework.registry import CaseTypeSpec, all_specs
from protocol_portal.casework.services import (
    clock_schedule,
    event_record,
    holders,
    ladder_for,
    outbox_write,
)
from protocol_portal.org.models import ChaserRung, Post, PostKind
from protocol_portal.org.routing import PostRef
from protocol_portal.org.services import RoutingContext, acting_post, post_for


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


def rung_posts(*, case: Case, rung: ChaserRung) -> list[Post]:
    """The posts a rung notifies, past vacancies: assignee, their manager, Director, CE..."""
    owner = case.owner_post
    exclude = case.chaser_excluded_people()
    ctx = RoutingContext(
        council=case.council,
        # The directorate the case is about (an enquiry's service area), else the owner's: a
        # case held by a council-wide team still escalates to the Director concerned.
        directorate=getattr(case, "directorate", None) or (owner.directorate if owner else None),
        exclude=exclude,
    )
    posts: list[Post] = []
    for token in rung.notify:
        if token == "assignee" and owner is not None:
            post = acting_post(owner, exclude=exclude)
        elif token == "assignee_line_manager" and owner is not None and owner.line_manager:
            post = acting_post(owner.line_manager, exclude=exclude)
        elif token == "director":
            post = post_for(PostRef(PostKind.DIRECTOR, "case_directorate"), ctx)
        elif token in PostKind.values:
            post = post_for(PostRef(token, "council"), ctx)
        else:
            post = None
        if post is not None and post not in posts:
            posts.append(post)
    return posts


def _lock_due(model, pk: int, as_of: datetime):
    cases = model.objects.select_related("council", "owner_post__directorate").filter(
        pk=pk, next_action_at__lte=as_of
    )
    if connection.features.has_select_for_update_skip_locked:
        # Another worker holding the row is already firing this rung: leave it to them.
        cases = cases.select_for_update(skip_locked=True, of=("self",))
    return cases.first()


def chaser_fire(*, spec: CaseTypeSpec, pk: int, as_of: datetime) -> str | None:
    """Fire the case's due rung once: outbox message, timeline line, next rung scheduled.

    Returns the rung key fired, or None if nothing was due (gone, closed, paused, taken).
    """
    with transaction.atomic():
        case = _lock_due(spec.model, pk, as_of)
        if case is None:
            return None
        ladder = ladder_for(council=case.council, case_type=case.CASE_TYPE)
        if case.next_rung >= len(ladder):
            case.next_action_at = None
            case.save(update_fields=["next_action_at"])
            return None
        rung = ladder[case.next_rung]
        posts = rung_posts(case=case, rung=rung)
        people = holders(posts)
        if "raiser" in rung.notify and getattr(case, "raiser_person", None) is not None:
            people.append(case.raiser_person)
        key = f"{spec.label}:{case.pk}:{case.clock_cycle}:{rung.key}"
        written = outbox_write(
            key=key,
            council=case.council,
            case=case,
            subject=f"{case.reference}: {rung.key.replace('-', ' ')} (due {case.due_on:%d %B %Y})",
            body=(
                f"{case.reference} is due on {case.due_on:%d %B %Y}. "
                f"This is the '{rung.key}' step of the council's chaser ladder ({rung.source})."
            ),
            recipients=people,
            at=as_of,
            rung=rung.key,
        )
        if written is not None:
            names = ", ".join(post.title for post in posts) or "nobody (all posts vacant)"
            event_record(
                case=case,
                at=as_of,
                actor=None,
                kind=f"chaser:{rung.key}",
                summary=f"Chaser '{rung.key}' sent to {names}",
                detail=rung.source,
                visible_to_raiser=False,
            )
            if spec.on_rung is not None:
                spec.on_rung(case, rung, posts, as_of)
        case.next_rung += 1
        clock_schedule(case=case, ladder=ladder)
        case._change_reason = f"chaser {rung.key}"
        case.save()
        return rung.key
