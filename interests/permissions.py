"""Who may see and act on relationships and interests: the audiences of each case type.

The four case types (declarations of relationships, register returns, acting-against notices,
advice requests) derive their audiences from the case as it stands (casework.access, ADR 0005):
the person who raised it, the post the council's rule sent it to, the posts and members the rule
told, and the Monitoring Officer — never other members or groups (000 §7.19 in spirit; 004 §3.2:
the Chief Executive decides how far a relationship is disclosed). A confidential advice request
is seen only by the member and the advising post (001 §5.3.6.1). Who sees a case does not change
with its status: a withdrawn or decided declaration stays on record for the same people, and its
status only decides whether a move goes through.

Register entries (`Interest`) are not cases: the member and the Monitoring Officer hold explicit
grants on them (ADR 0005, "Still guardian").
"""

from __future__ import annotations

from collections.abc import Iterable

from protocol_portal.casework import access
from protocol_portal.casework.access import AccessSpec, Audience, codenames
from protocol_portal.casework.permissions import grant_to_person, grant_to_posts
from protocol_portal.org.models import Person, Post, PostKind

VIEW_RELATIONSHIP = "interests.view_relationship"
CHANGE_RELATIONSHIP = "interests.change_relationship"  # the declarer: withdraw or end
DECIDE_RELATIONSHIP = "interests.decide_relationship"  # the receiving officer (or group leaders)

VIEW_INTEREST = "interests.view_interest"
CHANGE_INTEREST = "interests.change_interest"  # the member: remove
DECIDE_SENSITIVITY = "interests.decide_sensitivity_interest"  # the Monitoring Officer

VIEW_RETURN = "interests.view_registerreturn"
CHANGE_RETURN = "interests.change_registerreturn"  # the member: submit

VIEW_NOTICE = "interests.view_actingagainstnotice"
CHANGE_NOTICE = "interests.change_actingagainstnotice"  # the member: withdraw
ACKNOWLEDGE_NOTICE = "interests.acknowledge_actingagainstnotice"

VIEW_ADVICE = "interests.view_advicerequest"
CHANGE_ADVICE = "interests.change_advicerequest"  # the requester: withdraw
ADVISE = "interests.advise_advicerequest"

# Audience names beside the kernel's raiser and handler (shown on the access record).
DECIDING_MEMBER = "deciding_member"  # group leaders who receive a declaration (001 §5.3.1.1)
COPIED_POST = "copied_post"
COPIED_MEMBER = "copied_member"
MONITORING = "monitoring"
# Posts or people that held a grant before audiences were derived and that no audience derives
# (kept by the data migration, interests 0004), so nobody lost sight of a case by the change.
GRANTED_BEFORE = "granted_before"

DECLARER_PERMS = codenames(VIEW_RELATIONSHIP, CHANGE_RELATIONSHIP)
RECEIVER_PERMS = codenames(VIEW_RELATIONSHIP, DECIDE_RELATIONSHIP)
RELATIONSHIP_READ = codenames(VIEW_RELATIONSHIP)

RETURN_MEMBER_PERMS = codenames(VIEW_RETURN, CHANGE_RETURN)
RETURN_READ = codenames(VIEW_RETURN)

NOTICE_MEMBER_PERMS = codenames(VIEW_NOTICE, CHANGE_NOTICE)
NOTICE_RECEIVER_PERMS = codenames(VIEW_NOTICE, ACKNOWLEDGE_NOTICE)
NOTICE_READ = codenames(VIEW_NOTICE)

ADVICE_REQUESTER_PERMS = codenames(VIEW_ADVICE, CHANGE_ADVICE)
ADVISER_PERMS = codenames(VIEW_ADVICE, ADVISE)
ADVICE_READ = codenames(VIEW_ADVICE)


def monitoring_posts(case) -> tuple[int, ...]:
    """The Monitoring Officer's post (its deputy or line manager while vacant), as routed."""
    from protocol_portal.org.routing import PostRef
    from protocol_portal.org.services import RoutingContext, post_for

    post = post_for(PostRef(PostKind.MONITORING_OFFICER), RoutingContext(council=case.council))
    return (post.pk,) if post is not None else ()


def _copied_posts(case) -> tuple[int, ...]:
    """The posts the council's rule told besides the one handling the case."""
    notified = case.notified_posts.values_list("pk", flat=True)
    return tuple(pk for pk in notified if pk != case.owner_post_id)


def _people(members) -> tuple[int, ...]:
    return tuple(members.values_list("person_id", flat=True))


def _copied_people(case) -> tuple[int, ...]:
    """The members the council's rule copied (routing never copies the one who raised it)."""
    return _people(case.notified_members)


def relationship_audiences(relationship) -> list[Audience]:
    """A declaration is seen by the declarer (who may withdraw or end it), the receiving
    officer or the group leaders the rule names (who record the decision), the posts and
    members told, and the Monitoring Officer (000 §10.4, 001 §5.3.1.1, 002 §24, 003 §13,
    004 §3.2)."""
    deciding = set(_people(relationship.deciding_members))
    return [
        Audience("raiser", DECLARER_PERMS, people=(relationship.declarer_id,)),
        Audience("handler", RECEIVER_PERMS, posts=(relationship.owner_post_id,)),
        Audience(DECIDING_MEMBER, RECEIVER_PERMS, people=tuple(deciding)),
        Audience(COPIED_POST, RELATIONSHIP_READ, posts=_copied_posts(relationship)),
        Audience(
            COPIED_MEMBER,
            RELATIONSHIP_READ,
            people=tuple(p for p in _people(relationship.notified_members) if p not in deciding),
        ),
        Audience(MONITORING, RELATIONSHIP_READ, posts=monitoring_posts(relationship)),
    ]


def register_return_audiences(ret) -> list[Audience]:
    """A return is the member's duty (they confirm it); the post keeping the register (the
    Monitoring Officer by default, Localism Act 2011 s.30(1)) and anyone the council's rule
    copies follow it."""
    return [
        Audience("raiser", RETURN_MEMBER_PERMS, people=(ret.member.person_id,)),
        Audience("handler", RETURN_READ, posts=(ret.owner_post_id,)),
        Audience(COPIED_POST, RETURN_READ, posts=_copied_posts(ret)),
        Audience(COPIED_MEMBER, RETURN_READ, people=_people(ret.notified_members)),
    ]


def notice_audiences(notice) -> list[Audience]:
    """Written notice before acting against the council goes to the post the rule names, which
    acknowledges it, with the posts copied and the Monitoring Officer (002 §110-111). A member
    the council's rule copies it to (a group leader) is informed, and reads it: 002 §85 allows
    correspondence to be copied to another member where that is necessary, "for instance ...
    to raise a matter with a Group Leader", provided it is made clear to the member — no
    silent copies; the notice's timeline and the member's email name everyone told. Reading is
    all they do: they neither acknowledge nor withdraw it."""
    return [
        Audience("raiser", NOTICE_MEMBER_PERMS, people=(notice.member.person_id,)),
        Audience("handler", NOTICE_RECEIVER_PERMS, posts=(notice.owner_post_id,)),
        Audience(COPIED_POST, NOTICE_READ, posts=_copied_posts(notice)),
        Audience(COPIED_MEMBER, NOTICE_READ, people=_copied_people(notice)),
        Audience(MONITORING, NOTICE_READ, posts=monitoring_posts(notice)),
    ]


def advice_audiences(request) -> list[Audience]:
    """A request for advice is seen by the person asking and the advising post; unless it is
    confidential, also by the posts and members copied (001 §5.3.9.2: correspondence between an
    officer and a member "may be made available to others unless it is agreed that it should be
    kept confidential"; the members read it, nothing more) and the Monitoring Officer. A
    confidential request is seen by the member and the advising post only (001 §5.3.6.1; 002
    §40: not copied to any other member without the member's permission)."""
    audiences = [
        Audience("raiser", ADVICE_REQUESTER_PERMS, people=(request.requester_id,)),
        Audience("handler", ADVISER_PERMS, posts=(request.owner_post_id,)),
    ]
    if not request.confidential:
        audiences += [
            Audience(COPIED_POST, ADVICE_READ, posts=_copied_posts(request)),
            Audience(COPIED_MEMBER, ADVICE_READ, people=_copied_people(request)),
            Audience(MONITORING, ADVICE_READ, posts=monitoring_posts(request)),
        ]
    return audiences


def _follows_monitoring(label: str):
    """The cases of this type a post changing hands moves: when a post on the Monitoring
    Officer's line fell vacant or was filled, whoever acts for the Monitoring Officer changes
    (its deputy, up its line), so every case of the council the Monitoring Officer sees."""

    def follows(post: Post, before: int | None, after: int | None):
        from django.apps import apps

        from protocol_portal.org.services import monitoring_chain

        model = apps.get_model(label)
        if (before is None) == (after is None) or post.pk not in monitoring_chain(post.council_id):
            return model.objects.none()
        return model.objects.filter(council_id=post.council_id)

    return follows


# Nothing here is handed over (no case type of this app passes a case from one post to
# another), so the audiences recorded by the data migration stay until the case is deleted.
_KEPT = frozenset({GRANTED_BEFORE})

RELATIONSHIP_ACCESS = AccessSpec(
    label="interests.Relationship",
    follows_holders=_follows_monitoring("interests.Relationship"),
    audiences=relationship_audiences,
    recorded=_KEPT,
    kept_on_handover=_KEPT,
    all_perms=DECLARER_PERMS | RECEIVER_PERMS,
)
RETURN_ACCESS = AccessSpec(
    label="interests.RegisterReturn",
    audiences=register_return_audiences,
    recorded=_KEPT,
    kept_on_handover=_KEPT,
    all_perms=RETURN_MEMBER_PERMS,
)
NOTICE_ACCESS = AccessSpec(
    label="interests.ActingAgainstNotice",
    follows_holders=_follows_monitoring("interests.ActingAgainstNotice"),
    audiences=notice_audiences,
    recorded=_KEPT,
    kept_on_handover=_KEPT,
    all_perms=NOTICE_MEMBER_PERMS | NOTICE_RECEIVER_PERMS,
)
ADVICE_ACCESS = AccessSpec(
    label="interests.AdviceRequest",
    follows_holders=_follows_monitoring("interests.AdviceRequest"),
    audiences=advice_audiences,
    recorded=_KEPT,
    kept_on_handover=_KEPT,
    all_perms=ADVICE_REQUESTER_PERMS | ADVISER_PERMS,
)


def can(user: Person, perm: str, obj) -> bool:
    """The one check (casework.permissions.check_perm answers the same)."""
    return access.can(user, perm, obj)


def grant(perms: Iterable[str], obj, *, posts: Iterable[Post] = (), people: Iterable[Person] = ()):
    """Grant perms on a register entry to posts (through their groups) and to people directly
    (register entries are not cases: see the module docstring)."""
    codenames = [perm.split(".", 1)[1] for perm in perms]
    posts = [p for p in posts if p is not None]
    if posts:
        grant_to_posts(codenames, posts, obj)
    for person in {p.pk: p for p in people if p is not None}.values():
        grant_to_person(codenames, person, obj)
