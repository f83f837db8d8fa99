"""Who may see and act on relationships and interests (granted by services, checked by views).

Declarations are seen by the declarer, the posts and members notified, and the Monitoring
Officer — never by other members or groups (000 §7.19 in spirit; 004 §3.2: the Chief Executive
decides how far a relationship is disclosed). A confidential advice request is seen only by the
member and the advising post (001 §5.3.6.1).
"""

from __future__ import annotations

from collections.abc import Iterable

from protocol_portal.casework.permissions import grant_to_person, grant_to_posts
from protocol_portal.org.models import Person, Post

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


def grant(perms: Iterable[str], obj, *, posts: Iterable[Post] = (), people: Iterable[Person] = ()):
    """Grant perms on obj to posts (through their groups) and to people directly."""
    codenames = [perm.split(".", 1)[1] for perm in perms]
    posts = [p for p in posts if p is not None]
    if posts:
        grant_to_posts(codenames, posts, obj)
    for person in {p.pk: p for p in people if p is not None}.values():
        grant_to_person(codenames, person, obj)
