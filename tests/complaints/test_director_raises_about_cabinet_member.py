"""001 §5.3.4.3: where a Director's duties conflict with a Cabinet member's wishes, "the matter
should be referred to the Chief Executive". Part 5.3's rule sends an officer's complaint about a
member to the Director of the raiser's directorate (§5.3.3.4); when the raiser is that Director,
the route passes over them to their line manager, the Chief Executive. (The route does not
depend on the member's role, so any member stands in for the Cabinet member.)"""

import pytest

from complaints import services
from complaints.states import Kind
from protocol_portal.org.models import Member, MemberRoleKind, Post, PostKind
from tests.complaints.factories import AS_OF
from tests.complaints.test_councils import load

pytestmark = pytest.mark.django_db


def test_a_director_at_odds_with_a_cabinet_member_goes_to_the_chief_executive():
    council = load("part-5-3")
    director = (
        Post.objects.filter(council=council, kind=PostKind.DIRECTOR, holder__isnull=False)
        .order_by("slug")
        .first()
    )
    assert director.line_manager.kind == PostKind.CHIEF_EXECUTIVE
    member = (
        Member.objects.filter(council=council)
        .exclude(roles__kind__in=[MemberRoleKind.GROUP_LEADER, MemberRoleKind.LEADER])
        .order_by("pk")
        .first()
    )
    complaint = services.complaint_raise(
        council=council,
        raiser=director.holder,
        kind=Kind.COMPLAINT_ABOUT_MEMBER,
        subject_member=member,
        summary="Asked to act against the constitution",
        details="The Cabinet member wants a decision the law does not allow.",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.owner_post == director.line_manager
    assert complaint.handler_person != director.holder
