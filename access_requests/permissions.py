"""Who may do what to a need-to-know request: the grants services make, and the one check.

A request is seen by the member who made it, the post holding the information, the determiner
and the posts advising them, the Monitoring Officer, and the Chief Executive once disputed or
chased — never by another member or group (000 §7.19). Grants go through
`casework.permissions` (to a post's group, so whoever holds the post has them).
"""

from __future__ import annotations

from protocol_portal.casework import access
from protocol_portal.casework.access import AccessSpec, Audience, codenames
from protocol_portal.casework.permissions import check_perm
from protocol_portal.org.models import MONITORING_KINDS, Person, Post

VIEW = "access_requests.view_accessrequest"
DECIDE = "access_requests.decide_accessrequest"
RELEASE = "access_requests.release_accessrequest"
RESPOND = "access_requests.respond_to_accessrequest"
FOI_VIEW = "access_requests.view_foirequest"
FOI_ANSWER = "access_requests.answer_foirequest"


def can(user: Person, perm: str, obj) -> bool:
    """The one check views and the API make (casework.permissions.check_perm)."""
    return check_perm(user, perm, obj)


REQUESTER_PERMS = codenames(VIEW, RESPOND)
HANDLER_PERMS = codenames(VIEW, DECIDE, RELEASE)
HOLDER_PERMS = codenames(VIEW, RELEASE)
READ = codenames(VIEW)
FORMER_HANDLER = "former_handler"
ESCALATED = "escalated"


def _monitoring(council_id: int) -> tuple[int, ...]:
    return tuple(
        Post.objects.filter(council_id=council_id, kind__in=MONITORING_KINDS).values_list(
            "pk", flat=True
        )
    )


def audiences(request) -> list[Audience]:
    """A need-to-know request is seen by the member who made it, the post deciding it now, the
    post holding the information (which releases it), the posts advising the decider and the
    Monitoring Officer — never another member or group (000 §7.19; 002 §79–80)."""
    return [
        Audience("raiser", REQUESTER_PERMS, people=(request.requester_person_id,)),
        Audience("handler", HANDLER_PERMS, posts=(request.owner_post_id,)),
        Audience("holder", HOLDER_PERMS, posts=(request.holder_post_id,)),
        Audience("adviser", READ, posts=tuple(request.advisers.values_list("pk", flat=True))),
        Audience("monitoring", READ, posts=_monitoring(request.council_id)),
    ]


ACCESS = AccessSpec(
    label="access_requests.AccessRequest",
    audiences=audiences,
    # A decider the request was passed on from (a dispute, a referral) keeps sight of it and may
    # still release what it decided; posts a chaser went to keep sight of it.
    recorded=frozenset({FORMER_HANDLER, ESCALATED}),
    kept_on_handover=frozenset({FORMER_HANDLER, ESCALATED}),
    all_perms=HANDLER_PERMS | REQUESTER_PERMS,
)

FOI_READ = codenames(FOI_VIEW)
FOI_HANDLER_PERMS = codenames(FOI_VIEW, FOI_ANSWER)


def foi_audiences(foi) -> list[Audience]:
    """An FOI request opened from a need-to-know request: the requester and the post answering."""
    return [
        Audience("raiser", FOI_READ, people=(foi.requester_person_id,)),
        Audience("handler", FOI_HANDLER_PERMS, posts=(foi.owner_post_id,)),
    ]


FOI_ACCESS = AccessSpec(
    label="access_requests.FoiRequest",
    audiences=foi_audiences,
    recorded=frozenset({ESCALATED}),
    kept_on_handover=frozenset({ESCALATED}),
    all_perms=FOI_HANDLER_PERMS,
)


def passed_on(request, post: Post | None, *, as_of) -> None:
    """The decider a request was passed on from keeps sight of it and may release it."""
    if post is not None:
        access.access_record(
            [(request, [post])], audience=FORMER_HANDLER, perms=HOLDER_PERMS, as_of=as_of
        )


def escalated_to(case, posts, *, perms, as_of) -> None:
    access.access_record([(case, posts)], audience=ESCALATED, perms=perms, as_of=as_of)
