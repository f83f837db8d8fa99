"""Held-out scenarios for issue 5, written from the protocol texts (shared/protocols/), run on
every real council's file with its demo people through the JSON API.

- A member related to a Director tries to handle a complaint about that Director: the conflict
  check blocks it, citing the paragraph that says "must not" (or, where the council's protocol
  has none, the rule that nobody judges a case about someone close to them).
- A member with a land interest asks to see the matter's papers: the conflict check flags it
  (a warning: 000 §7.7 "only the same access as a private individual", 002 §81 "access may be
  refused"), through the API and through the kernel hook the need-to-know app calls.
- Each council's relationship notification routing, the Chief Executive being the officer
  included; the register's 28-day deadline, its reminder and chaser with a frozen clock; and
  sensitive interests withheld from the public register page.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from interests.models import RegisterReturn, Relationship
from interests.serializers import WITHHELD_STATEMENT
from interests.tasks import open_new_member_returns
from protocol_portal.casework.conflicts import Matter, conflicts_for, is_blocked
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.services import local_morning
from protocol_portal.casework.tasks import sweep_due_chasers
from protocol_portal.org import council_files
from protocol_portal.org.calendars import _council_calendar
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, MemberRoleKind, Post
from tests.interests.conftest import LONDON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_fast_passwords")]

SLUGS = [
    "hackney",
    "part-5-3",
    "south-oxfordshire",
    "southwark",
    "tower-hamlets",
    "vale-of-white-horse",
]
MO = "monitoring_officer"  # the council's Monitoring Officer post, whatever its slug
AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)

# A Director, and an ordinary officer, of each council.
DIRECTOR = {
    "hackney": "director-housing",
    "part-5-3": "director-housing-communities",
    "south-oxfordshire": "deputy-chief-executive-place",
    "southwark": "strategic-director-housing",
    "tower-hamlets": "director-housing",
    "vale-of-white-horse": "deputy-chief-executive-place",
}
OFFICER = {
    "hackney": "housing-officer",
    "part-5-3": "housing-officer",
    "south-oxfordshire": "planning-officer",
    "southwark": "housing-officer",
    "tower-hamlets": "housing-options-officer",
    "vale-of-white-horse": "planning-officer",
}

# A member related to a Director may not handle a complaint about them: the paragraph cited.
COMPLAINT_BLOCK = {
    # "a Member should not sit on a body or participate in any decision which directly affects
    # the officer on a personal basis" (000 §10.5).
    "tower-hamlets": "000 §10.5",
    # Members "must not take part in the appointment or dismissal of Directors of Service and
    # above if they are in any way related" (001 §5.3.2.2); a complaint may lead to the
    # disciplinary procedures (001 §5.3.3.3).
    "part-5-3": "001 §5.3.2.2",
    # Conflicts of interest are avoided or mitigated, the Monitoring Officer consulted (002 §24).
    "south-oxfordshire": "002 §24",
    "vale-of-white-horse": "002 §24",
    # Close relationships are declared and contact avoided where possible (003 §13).
    "southwark": "003 §13",
    # "Members must not sit on a Council body ... responsible for any employee to whom they are
    # married, the partner or otherwise closely related" (004 §3.3).
    "hackney": "004 §3.3",
}

# A member with an interest in the matter asks for its papers: flagged, not blocked.
ACCESS_FLAG = {
    "tower-hamlets": "000 §7.7",
    "part-5-3": "001 §5.3.8.5",  # silent on own interests: 000 §7.7 / 002 §81 by default
    "south-oxfordshire": "002 §81",
    "vale-of-white-horse": "002 §81",
    "southwark": "003 §52",  # silent on own interests: 000 §7.7 / 002 §81 by default
    "hackney": "004 §12.10",
}


# Who is told of a declared relationship: (handler post slug or MO or None, members told).
# Members told are "group_leader" (their own group's), "whip" (their own), "all_group_leaders".
def expected_routing(slug: str, who: str):
    return {
        # Declared openly; the Monitoring Officer informed where it might be seen to influence
        # (000 §10.4) — for members and officers alike, the Chief Executive included.
        "tower-hamlets": {"member": (MO, ()), "officer": (MO, ()), "ce": (MO, ())},
        # Member → the Chief Executive and their group leader; officer → their Director of
        # Service; the Chief Executive → the group leaders (001 §5.3.1.1).
        "part-5-3": {
            "member": ("chief-executive", ("group_leader",)),
            "officer": ("director-housing-communities", ()),
            "ce": (None, ("all_group_leaders",)),
        },
        # "The Monitoring Officer should be consulted" (002 §24).
        "south-oxfordshire": {"member": (MO, ()), "officer": (MO, ()), "ce": (MO, ())},
        "vale-of-white-horse": {"member": (MO, ()), "officer": (MO, ()), "ce": (MO, ())},
        # "openly declared" (003 §13), to whom is silent: the Monitoring Officer by default.
        "southwark": {"member": (MO, ()), "officer": (MO, ()), "ce": (MO, ())},
        # To the Chief Executive, and members to their party whip too (004 §3.2). Where the
        # officer is the Chief Executive the protocol is silent: the Monitoring Officer.
        "hackney": {
            "member": ("chief-executive", ("whip",)),
            "officer": ("chief-executive", ()),
            "ce": (MO, ()),
        },
    }[slug][who]


def load(slug: str) -> Council:
    _council_calendar.cache_clear()
    council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    return Council.objects.get(slug=slug)


def post(council: Council, slug: str) -> Post:
    if slug == MO:
        return Post.objects.select_related("holder").get(council=council, kind=MO)
    return Post.objects.select_related("holder").get(council=council, slug=slug)


def plain_members(council: Council) -> list[Member]:
    return list(
        Member.objects.filter(council=council, group__isnull=False)
        .exclude(
            roles__kind__in=[
                MemberRoleKind.GROUP_LEADER,
                MemberRoleKind.LEADER,
                MemberRoleKind.WHIP,
            ]
        )
        .select_related("person", "group")
        .order_by("pk")
    )


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def declare(council, declarer, other) -> Relationship:
    with time_machine.travel(AS_OF, tick=False):
        response = api(declarer).post(
            "/api/v1/interests/relationships/",
            {
                "council": council.slug,
                "other_person": other.pk,
                "nature": "family",
                "since": "2019-06-01",
                "details": "Brother-in-law.",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    return Relationship.objects.get(pk=response.json()["id"])


def check(asker, council, person, **matter) -> dict:
    response = api(asker).post(
        "/api/v1/interests/conflict-check/",
        {"council": council.slug, "person": person.pk, **matter},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


# ---- a member related to a Director tries to handle a complaint about them ----------------


@pytest.mark.parametrize("slug", SLUGS)
def test_a_member_related_to_a_director_is_blocked_from_a_complaint_about_them(slug):
    council = load(slug)
    director = post(council, DIRECTOR[slug])
    member = plain_members(council)[0]
    declare(council, member.person, director.holder)
    by_person = check(
        member.person, council, member.person, kind="complaint", people=[director.holder_id]
    )
    by_post = check(member.person, council, member.person, kind="complaint", posts=[director.pk])
    for answer in (by_person, by_post):
        assert answer["conflicted"] is True
        assert answer["blocking"] is True
        [conflict] = answer["conflicts"]
        assert COMPLAINT_BLOCK[slug] in conflict["source"], conflict
        assert "must not" in conflict["reason"] or "should not" in conflict["reason"]
    # The complaints app asks the same question through the kernel hook.
    matter = Matter(council, "complaint", people=frozenset({director.holder_id}))
    assert is_blocked(person=member.person, matter=matter)
    # An officer may check only their own act: asking about the member is refused and says
    # nothing of the member's declarations.
    officer_view = api(post(council, OFFICER[slug]).holder).post(
        "/api/v1/interests/conflict-check/",
        {
            "council": slug,
            "person": member.person_id,
            "kind": "complaint",
            "people": [director.holder_id],
        },
        format="json",
    )
    assert officer_view.status_code == 403
    assert director.holder.last_name not in officer_view.content.decode()
    # Another member is not conflicted, and may not ask about the first.
    other = plain_members(council)[1]
    clear = check(
        other.person, council, other.person, kind="complaint", people=[director.holder_id]
    )
    assert clear == {"conflicted": False, "blocking": False, "conflicts": []}
    denied = api(other.person).post(
        "/api/v1/interests/conflict-check/",
        {"council": slug, "person": member.person_id, "kind": "complaint"},
        format="json",
    )
    assert denied.status_code == 403


# ---- a member with a land interest asks to see the matter's papers ------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_a_member_with_a_land_interest_asking_for_the_papers_is_flagged(slug):
    council = load(slug)
    member, other = plain_members(council)[:2]
    with time_machine.travel(AS_OF, tick=False):
        registered = api(member.person).post(
            "/api/v1/interests/register-entries/",
            {
                "council": slug,
                "category": "land",
                "description": "Freehold of my home, 14 Orchard Way, Anytown AB1 2CD",
                "sensitive_requested": True,
                "sensitive_reason": "Risk of intimidation.",
            },
            format="json",
        )
    assert registered.status_code == 201, registered.content
    papers = "Cabinet report (exempt): proposed disposal of council land adjoining 14 Orchard Way"
    answer = check(member.person, council, member.person, kind="access_request", description=papers)
    assert answer["conflicted"] is True
    assert answer["blocking"] is False  # flagged, not blocked: the officer deciding weighs it
    [conflict] = answer["conflicts"]
    assert conflict["source"].startswith(ACCESS_FLAG[slug])
    assert "private individual" in conflict["reason"]
    assert "14 orchard way" in conflict["reason"]
    if slug in ("part-5-3", "southwark"):
        assert "silent" in conflict["reason"]
    # By postcode alone, however spaced.
    by_postcode = check(
        member.person, council, member.person, kind="access_request", description="Site AB12CD"
    )
    assert by_postcode["conflicted"] is True
    # The need-to-know app's call: a Matter of kind "access_request" whose description is what
    # is asked for and why (access_requests/selectors.py request_conflicts).
    matter = Matter(
        council=council,
        kind="access_request",
        directorate_id=post(council, DIRECTOR[slug]).directorate_id,
        description=f"{papers}\nI need it for my ward.",
    )
    [found] = conflicts_for(person=member.person, matter=matter)
    assert found.blocking is False
    assert found.source == conflict["source"]
    # Another member, and the same member on unrelated papers, are not flagged.
    assert conflicts_for(person=other.person, matter=matter) == []
    unrelated = Matter(council=council, kind="access_request", description="Leisure strategy")
    assert conflicts_for(person=member.person, matter=unrelated) == []


# ---- relationship notification routing, the Chief Executive being the officer included -----


def _told(council, slug, rel: Relationship, declarer_member: Member | None) -> None:
    who = {"member": "member", "officer": "officer", "chief_executive": "ce"}[
        "member" if rel.declared_as == "member" else rel.declarer_level
    ]
    handler, roles = expected_routing(slug, who)
    expected_posts = {post(council, handler).pk} if handler else set()
    expected_members: set[int] = set()
    for role in roles:
        if role == "all_group_leaders":
            expected_members |= set(
                Member.objects.filter(
                    council=council, roles__kind=MemberRoleKind.GROUP_LEADER
                ).values_list("pk", flat=True)
            )
        else:
            expected_members |= set(
                Member.objects.filter(
                    council=council, group=declarer_member.group, roles__kind=role
                ).values_list("pk", flat=True)
            )
    assert {p.pk for p in rel.notified_posts.all()} == expected_posts
    assert {m.pk for m in rel.notified_members.all()} == expected_members
    assert rel.owner_post_id == (post(council, handler).pk if handler else None)
    # One message to the declarer and everyone told, listing them all: no silent copies.
    message = OutboxMessage.objects.get(key=f"relationship:{rel.pk}:declared")
    people = set(message.recipients.values_list("pk", flat=True))
    assert rel.declarer_id in people
    if handler:
        assert post(council, handler).holder_id in people
    assert rel.other_person_id not in people or rel.other_person_id in expected_members


@pytest.mark.parametrize("slug", SLUGS)
def test_relationship_declarations_are_notified_as_each_protocol_says(slug):
    council = load(slug)
    member = plain_members(council)[0]
    officer = post(council, OFFICER[slug]).holder
    ce = post(council, "chief-executive").holder
    by_member = declare(council, member.person, officer)
    _told(council, slug, by_member, member)
    by_officer = declare(council, officer, plain_members(council)[1].person)
    _told(council, slug, by_officer, None)
    by_ce = declare(council, ce, plain_members(council)[2].person)
    assert by_ce.declarer_level == "chief_executive"
    _told(council, slug, by_ce, None)
    # The Chief Executive never receives their own declaration.
    assert by_ce.owner_post is None or by_ce.owner_post.holder_id != ce.pk
    detail = api(ce).get(f"/api/v1/interests/relationships/{by_ce.pk}/").json()
    if slug == "hackney":
        assert detail["rule_source"] == "default (the protocol is silent)"
    else:
        assert detail["rule_source"].startswith(council.protocol)
    # Declarations are seen by the declarer, those told and the MO; never by other members.
    outsider = plain_members(council)[3]
    for rel in (by_member, by_officer, by_ce):
        url = f"/api/v1/interests/relationships/{rel.pk}/"
        assert api(outsider.person).get(url).status_code == 404
        assert api(post(council, MO).holder).get(url).status_code == 200


# ---- the register's deadline, reminder and chaser, with a frozen clock --------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_a_new_members_register_deadline_reminder_and_chaser(slug):
    council = load(slug)
    member = plain_members(council)[0]
    member.took_office_on = date(2026, 5, 8)  # a Friday: day 1 of 28 (Localism Act s.30(1))
    member.save()
    with time_machine.travel(datetime(2026, 5, 8, 9, tzinfo=LONDON), tick=False):
        open_new_member_returns()
    ret = RegisterReturn.objects.get(member=member, kind="initial")
    assert ret.due_on == date(2026, 6, 4)
    assert ret.next_action_at == local_morning(date(2026, 5, 28))  # 7 calendar days before
    key = f"interests.RegisterReturn:{ret.pk}:"

    def sent() -> list[str]:
        return sorted(
            OutboxMessage.objects.filter(key__startswith=key).values_list("rung", flat=True)
        )

    with time_machine.travel(datetime(2026, 5, 28, 6, tzinfo=LONDON), tick=False):
        sweep_due_chasers()
    assert sent() == []
    with time_machine.travel(datetime(2026, 5, 28, 7, 5, tzinfo=LONDON), tick=False):
        sweep_due_chasers()
        sweep_due_chasers()  # exactly once however often the sweep runs
    assert sent() == ["reminder"]
    with time_machine.travel(datetime(2026, 6, 5, 7, 5, tzinfo=LONDON), tick=False):
        sweep_due_chasers()
    assert sent() == ["overdue", "reminder"]
    overdue = OutboxMessage.objects.get(key__startswith=key, rung="overdue")
    told = set(overdue.recipients.values_list("pk", flat=True))
    assert told == {member.person_id, post(council, MO).holder_id}
    ret.refresh_from_db()
    assert ret.breached_on == date(2026, 6, 5)


# ---- sensitive interests withheld from the public register --------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_sensitive_interests_are_withheld_from_the_public_register(client, slug):
    council = load(slug)
    member = plain_members(council)[0]
    mo = post(council, MO).holder
    entries = {}
    with time_machine.travel(AS_OF, tick=False):
        for key, sensitive in (("open", False), ("secret", True)):
            response = api(member.person).post(
                "/api/v1/interests/register-entries/",
                {
                    "council": slug,
                    "category": "land" if sensitive else "employment",
                    "description": "Flat 2, 9 Hidden Lane"
                    if sensitive
                    else "Teacher, Acme Academy",
                    "sensitive_requested": sensitive,
                    "sensitive_reason": "Stalking risk." if sensitive else "",
                },
                format="json",
            )
            assert response.status_code == 201, response.content
            entries[key] = response.json()["id"]

    def published() -> tuple[str, dict]:
        page = client.get(reverse("interests:register-public", args=[slug]))
        assert page.status_code == 200
        data = APIClient().get(f"/api/v1/interests/public-register/{slug}/").json()
        return page.content.decode(), data

    # Withheld from the moment of asking, before the Monitoring Officer decides.
    for _ in range(2):
        html, data = published()
        assert "Teacher, Acme Academy" in html
        assert "Hidden Lane" not in html
        assert WITHHELD_STATEMENT in html
        assert "Hidden Lane" not in str(data)
        mine = next(m for m in data["members"] if m["name"] == member.person.get_full_name())
        withheld = [i for i in mine["interests"] if i["withheld"]]
        assert withheld == [{"withheld": True, "category": None, "details": WITHHELD_STATEMENT}]
        with time_machine.travel(AS_OF, tick=False):
            agreed = api(mo).post(
                f"/api/v1/interests/register-entries/{entries['secret']}/sensitivity/",
                {"agreed": True},
                format="json",
            )
        assert agreed.status_code == 200, agreed.content
