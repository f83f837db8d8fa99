"""Who may see and act on an enquiry: its audiences, derived from the enquiry as it stands.

An enquiry is visible to its member, the post handling it now and that post's line of
management, the council's triage team (member services) and posts a chaser escalated to — no one
else; other members never (000 §7.19, 002 §92), unless the requester permits a copy (002 §85,
004 §12.7), and a copy reads the enquiry but never the resident's reference or attachments (the
form promises "only those handling the enquiry will see it"). Passing the enquiry on ends the old
handler's, their managers' and the escalation posts' sight (casework.access). Officers involved
in legal proceedings about it never see it (000 §13.5), whoever in their team holds it.
"""

from __future__ import annotations

from protocol_portal.casework import access
from protocol_portal.casework.access import AccessSpec, Audience, codenames
from protocol_portal.org.models import Person, Post, PostKind

VIEW = "enquiries.view_enquiry"
ACT = "enquiries.act_on_enquiry"
# The resident's documents and reference: personal data for those handling the enquiry.
ATTACHMENTS = "enquiries.view_enquiry_attachments"
FOLLOW_UP = "enquiries.follow_up_enquiry"


OFFICER_PERMS = codenames(VIEW, ACT, ATTACHMENTS)
MEMBER_PERMS = codenames(VIEW, ATTACHMENTS, FOLLOW_UP)
COPY_PERMS = codenames(VIEW)
ESCALATED = "escalated"
REFERRED_FROM = "referred_from"
LABEL = "enquiries.Enquiry"


def audiences(enquiry) -> list[Audience]:
    """The enquiry's audiences now (a read of the copies, the triage posts and, for legal
    proceedings, the officers involved)."""
    from enquiries.models import EnquiryCopy

    triage = list(
        Post.objects.filter(
            council_id=enquiry.council_id, kind=PostKind.MEMBER_SERVICES
        ).values_list("pk", flat=True)
    )
    copied_people, copied_posts = [], []
    for person, post in EnquiryCopy.objects.filter(enquiry=enquiry).values_list(
        "member__person", "post"
    ):
        (copied_people if person else copied_posts).append(person or post)
    return [
        Audience("raiser", MEMBER_PERMS, people=(enquiry.member.person_id,)),
        Audience("handler", OFFICER_PERMS, posts=(enquiry.owner_post_id,), line=True),
        Audience("triage", OFFICER_PERMS, posts=tuple(triage)),
        Audience("copied_member", COPY_PERMS, people=tuple(copied_people)),
        Audience("copied_post", COPY_PERMS, posts=tuple(copied_posts)),
    ]


def barred_posts(enquiry) -> frozenset[int]:
    """Posts held by officers involved in legal proceedings about the enquiry (000 §13.5):
    never an audience, even as a line manager."""
    if not enquiry.relates_to_legal_proceedings:
        return frozenset()
    return frozenset(
        Post.objects.filter(
            council_id=enquiry.council_id, holder__in=enquiry.involved_officers.values("pk")
        ).values_list("pk", flat=True)
    )


def follows_holders(post: Post, before: int | None, after: int | None):
    """The enquiries whose bar a post changing hands moves: those naming its old or new holder
    as involved in the proceedings (000 §13.5) — the post is barred while an involved officer
    holds it, and free again once they leave it."""
    from enquiries.models import Enquiry

    people = [p for p in (before, after) if p is not None]
    return Enquiry.objects.filter(
        council_id=post.council_id,
        relates_to_legal_proceedings=True,
        involved_officers__in=people,
    ).distinct()


ACCESS = AccessSpec(
    label=LABEL,
    audiences=audiences,
    recorded=frozenset({ESCALATED, REFERRED_FROM}),
    all_perms=OFFICER_PERMS | MEMBER_PERMS,
    barred_posts=barred_posts,
    follows_holders=follows_holders,
)


def can(user: Person, perm: str, enquiry) -> bool:
    """The one check every view, endpoint, attachment and export makes."""
    return access.can(user, perm, enquiry)


def allowed(user: Person, enquiry) -> frozenset[str]:
    """Every enquiry permission the user holds ("enquiries.<codename>"), in one query: a page
    reads them once to decide both whether the reader may open it and what to offer."""
    return frozenset(f"enquiries.{codename}" for codename in access.perms_for(user, enquiry))


def escalated_to(escalations, *, as_of) -> None:
    """Posts a chaser escalated to may see and act on the enquiry to get it answered, until it
    is passed on; one insert for a whole batch of (enquiry, posts)."""
    access.access_record(escalations, audience=ESCALATED, perms=OFFICER_PERMS, as_of=as_of)


def referred_from(enquiry, post: Post, *, as_of) -> None:
    """The post that referred the enquiry on (to the Monitoring Officer, the Complaints Team or
    FOI), and its line of management, keep it until it is passed on again."""
    posts = [post, *Post.objects.filter(pk__in=access.management_line_ids(post.pk))]
    access.access_record(
        [(enquiry, posts)],
        audience=REFERRED_FROM,
        perms=OFFICER_PERMS,
        as_of=as_of,
    )
