"""Who may see and act on a complaint: its audiences, derived from the complaint as it stands.

A complaint is seen by the person who raised it, the post handling the current stage (or the
member who handles it: a group leader, the whip, the chair of the Standards Committee) and that
post's line of management, the manager nominated to investigate it, the posts and members the
stage is copied to, the Monitoring Officer once it has gone past its first stage, and posts a
chaser went to (recorded) — no one else. The person complained about sees only what the handler
releases to them (000 §5; 003 §67), and neither they nor anyone passed over for a conflict is
ever an audience, even as a line manager or as the Monitoring Officer (their posts are barred).
Passing a complaint on to its next stage ends the old handler's, their managers', the old
investigator's, the old copies' and the chased posts' sight (casework.access).
"""

from __future__ import annotations

from protocol_portal.casework import access
from protocol_portal.casework.access import AccessSpec, Audience, codenames
from protocol_portal.casework.permissions import check_perm
from protocol_portal.org import protocol_settings
from protocol_portal.org.models import Person, Post, PostKind
from protocol_portal.org.routing import PostRef
from protocol_portal.org.services import RoutingContext, post_for

VIEW = "complaints.view_complaint"
ACT = "complaints.act_on_complaint"
DISCIPLINARY = "complaints.view_disciplinary_complaint"
RESPOND = "complaints.respond_to_complaint"
VIEW_RELEASED = "complaints.view_released_complaint"
DETERMINE = "complaints.determine_complaint"
VIEW_SUMMARY = "complaints.view_quarterlysummary"

RAISER_PERMS = codenames(VIEW, RESPOND)
HANDLER_PERMS = codenames(VIEW, ACT, DISCIPLINARY)
# The handler's line of management and a nominated investigator see everything, act on nothing.
HANDLER_SIDE_PERMS = codenames(VIEW, DISCIPLINARY)
READ = codenames(VIEW)
RELEASED_PERMS = codenames(VIEW_RELEASED)
ESCALATED = "escalated"
LABEL = "complaints.Complaint"


def can(user: Person, perm: str, obj) -> bool:
    """The one check views and the API make (casework.permissions.check_perm)."""
    return check_perm(user, perm, obj)


def allowed(user: Person, complaint) -> frozenset[str]:
    """Every complaint permission the user holds ("complaints.<codename>"), in one query."""
    return frozenset(f"complaints.{codename}" for codename in access.perms_for(user, complaint))


def barred_people(complaint) -> frozenset[int]:
    """The person complained about and everyone passed over for a conflict at any stage; the
    person complained about is not barred at a stage where they give their own response
    (003 §69, the council's `subject_responds_first` setting), and is again at the next."""
    passed = set(complaint.passed_over.values_list("pk", flat=True))
    responds = complaint.rule_key in protocol_settings.setting(
        complaint.council, "subject_responds_first"
    )
    if responds and complaint.handler_person_id == complaint.subject_person_id:
        return frozenset(passed)
    return frozenset({complaint.subject_person_id, *passed})


def barred_posts(complaint) -> frozenset[int]:
    """Posts held by a barred person: never an audience, even as a line manager, the Monitoring
    Officer or a post a chaser reaches."""
    return frozenset(
        Post.objects.filter(holder__in=barred_people(complaint)).values_list("pk", flat=True)
    )


def _monitoring_officer(complaint, barred: frozenset[int]) -> int | None:
    """The post acting for the council's Monitoring Officer, past anyone barred (their deputy
    when the Monitoring Officer is the person complained about)."""
    ctx = RoutingContext(council=complaint.council, exclude=barred)
    post = post_for(PostRef(PostKind.MONITORING_OFFICER, "council"), ctx)
    return post.pk if post is not None else None


def audiences(complaint) -> list[Audience]:
    """The complaint's audiences now (004 §11.3–11.6, §15.2–15.5; 003 §67–70; 000 §14)."""
    barred = barred_people(complaint)
    handler_perms = HANDLER_PERMS | (
        codenames(DETERMINE) if complaint.determination_required else frozenset()
    )
    found = [Audience(access.RAISER, RAISER_PERMS, people=(complaint.raiser_person_id,))]
    if complaint.owner_post_id is not None:
        found.append(
            Audience(
                access.HANDLER,
                handler_perms,
                posts=(complaint.owner_post_id,),
                line=True,
                line_perms=HANDLER_SIDE_PERMS,
            )
        )
    elif complaint.handler_person_id not in barred:
        found.append(Audience(access.HANDLER, handler_perms, people=(complaint.handler_person_id,)))
    found.append(
        Audience("investigator", HANDLER_SIDE_PERMS, posts=(complaint.investigator_post_id,))
    )
    found.append(
        Audience(
            "copied_post", READ, posts=tuple(complaint.copied_posts.values_list("pk", flat=True))
        )
    )
    people = set(complaint.copied_people.values_list("pk", flat=True)) - barred
    found.append(Audience("copied_member", READ, people=tuple(sorted(people))))
    if complaint.stage_number > 1:
        # Escalated complaints appear on the Monitoring Officer's desk.
        found.append(Audience("monitoring", READ, posts=(_monitoring_officer(complaint, barred),)))
    if complaint.released_to_subject:
        found.append(Audience("released", RELEASED_PERMS, people=(complaint.subject_person_id,)))
    return found


def follows_holders(post: Post, before: int | None, after: int | None):
    """The complaints a post changing hands moves: those about, or passing over, its old or new
    holder (the post is barred while they hold it — the person complained about who takes the
    handler's line manager's post does not see the complaint); and, when the post fell vacant
    or was filled on the Monitoring Officer's line, the complaints the Monitoring Officer (or
    whoever now acts for them) sees."""
    from django.db.models import Q

    from complaints.models import Complaint
    from protocol_portal.org.services import monitoring_chain

    people = [p for p in (before, after) if p is not None]
    found = Q(subject_person__in=people) | Q(passed_over__in=people)
    if (before is None) != (after is None) and post.pk in monitoring_chain(post.council_id):
        found |= Q(council_id=post.council_id, stage_number__gt=1)
    return Complaint.objects.filter(found).distinct()


ACCESS = AccessSpec(
    label=LABEL,
    audiences=audiences,
    # Posts a chaser went to see the complaint until it goes on to its next stage.
    recorded=frozenset({ESCALATED}),
    all_perms=HANDLER_PERMS | RAISER_PERMS | RELEASED_PERMS | codenames(DETERMINE),
    barred_posts=barred_posts,
    follows_holders=follows_holders,
)


def escalated_to(complaint, posts, *, as_of) -> None:
    """Posts a chaser reached may see the complaint (not act on it) until its next stage."""
    access.access_record([(complaint, posts)], audience=ESCALATED, perms=READ, as_of=as_of)
