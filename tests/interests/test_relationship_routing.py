"""Relationship declarations reach whoever each council's protocol names, and nobody else.

First against rules written in the test from the protocol texts (tests/interests/factories.py,
RELATIONSHIP_RULES), then against the real council files in fixtures/councils/.
"""

from __future__ import annotations

import pytest

from interests import services
from interests.models import Nature
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.org.models import (
    SENIOR_KINDS,
    Member,
    MemberRole,
    MemberRoleKind,
    Person,
    Post,
    PostKind,
)
from protocol_portal.org.services import post_set_holder
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db


def declare(org, declarer, other):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person(declarer) if isinstance(declarer, str) else declarer,
        other_person=org.person(other) if isinstance(other, str) else other,
        nature=Nature.FAMILY,
        since=None,
        details="",
        as_of=AS_OF,
    )


def notified(rel) -> tuple[str | None, set[str], set[str]]:
    """(handler post slug, notified post slugs, notified member usernames)."""
    return (
        rel.owner_post.slug if rel.owner_post else None,
        {p.slug for p in rel.notified_posts.all()},
        {m.person.username for m in rel.notified_members.all()},
    )


def recipients(rel) -> set[str]:
    message = OutboxMessage.objects.get(key=f"relationship:{rel.pk}:declared")
    return set(message.recipients.values_list("username", flat=True))


# ---------------------------------------------------------------- rules from the protocol text


def test_000_member_declares_to_the_monitoring_officer(make_org):
    org = make_org("000")
    rel = declare(org, "red_member", "officer_housing")
    assert notified(rel) == ("mo", {"mo"}, set())
    assert rel.rule_source == "000 §10.4"
    assert recipients(rel) == {org.person("red_member").username, org.person("mo").username}


def test_000_officer_declares_to_the_monitoring_officer(make_org):
    org = make_org("000")
    rel = declare(org, "officer_housing", "red_member")
    assert notified(rel) == ("mo", {"mo"}, set())


def test_000_the_monitoring_officer_declaring_goes_to_the_deputy(make_org):
    org = make_org("000")
    rel = declare(org, "mo", "red_member")
    assert notified(rel) == ("dmo", {"dmo"}, set())
    assert recipients(rel) == {org.person("mo").username, org.person("dmo").username}


def test_001_member_declares_to_the_chief_executive_and_their_own_group_leader(make_org):
    org = make_org("001")
    rel = declare(org, "red_member", "officer_housing")
    assert notified(rel) == ("ce", {"ce"}, {org.person("red_leader").username})
    assert rel.rule_source == "001 §5.3.1.1"
    assert org.person("blue_leader").username not in recipients(rel)


def test_001_officer_declares_to_their_director_of_service(make_org):
    org = make_org("001")
    rel = declare(org, "officer_housing", "red_member")
    assert rel.declarer_level == "officer"
    assert notified(rel) == ("dir-housing", {"dir-housing"}, set())


def test_001_a_director_declares_to_the_chief_executive(make_org):
    org = make_org("001")
    rel = declare(org, "dir_finance", "blue_member")
    assert rel.declarer_level == "director"
    assert notified(rel) == ("ce", {"ce"}, set())


def test_001_the_chief_executive_declares_to_every_group_leader(make_org):
    org = make_org("001")
    rel = declare(org, "ce", "blue_member")
    assert rel.declarer_level == "chief_executive"
    handler, posts, members = notified(rel)
    assert handler is None
    assert posts == set()
    assert members == {org.person("red_leader").username, org.person("blue_leader").username}
    assert recipients(rel) == {
        org.person("ce").username,
        org.person("red_leader").username,
        org.person("blue_leader").username,
    }


def test_001_chief_executive_case_group_leaders_may_decide(make_org):
    org = make_org("001")
    rel = declare(org, "ce", "blue_member")
    assert org.person("red_leader").has_perm("interests.decide_relationship", rel)
    assert not org.person("red_member").has_perm("interests.view_relationship", rel)


def test_001_member_related_to_the_chief_executive_goes_to_the_deputy(make_org):
    org = make_org("001")
    rel = declare(org, "red_member", "ce")
    assert notified(rel)[0] == "dce"


@pytest.mark.parametrize("protocol", ["002", "003"])
@pytest.mark.parametrize("declarer", ["red_member", "officer_housing", "dir_housing", "ce"])
def test_002_and_003_everyone_declares_to_the_monitoring_officer(make_org, protocol, declarer):
    org = make_org(protocol)
    rel = declare(org, declarer, "blue_member" if declarer != "red_member" else "officer_finance")
    assert notified(rel) == ("mo", {"mo"}, set())
    assert rel.rule_source == {"002": "002 §24", "003": "003 §13"}[protocol]


def test_004_member_declares_to_the_chief_executive_and_their_party_whip(make_org):
    org = make_org("004")
    rel = declare(org, "blue_member", "officer_housing")
    assert notified(rel) == ("ce", {"ce"}, {org.person("blue_whip").username})
    assert rel.rule_source == "004 §3.2"


def test_004_officer_declares_to_the_chief_executive(make_org):
    org = make_org("004")
    rel = declare(org, "officer_finance", "blue_member")
    assert notified(rel) == ("ce", {"ce"}, set())


def test_a_council_without_a_relationship_rule_falls_back_to_the_monitoring_officer(make_org):
    org = make_org("003")
    org.council.routing_rules.all().delete()
    rel = declare(org, "red_member", "officer_housing")
    assert notified(rel)[0] == "mo"
    assert "default" in rel.rule_source


def test_a_vacant_handler_post_falls_to_its_deputy(make_org):
    org = make_org("004")
    post_set_holder(post=org.posts["ce"], holder=None)
    rel = declare(org, "red_member", "officer_housing")
    assert notified(rel)[0] == "dce"


# ---------------------------------------------------------------- the real council files


def _staff(council):
    """Give every post of a loaded council a holder, and each group a leader, whip and member."""
    for post in Post.objects.filter(council=council).order_by("pk"):
        holder = Person.objects.create(username=f"{council.slug}-{post.slug}")
        post_set_holder(post=post, holder=holder)
    for group in council.groups.all():
        for role in ("leader", "whip", "member"):
            person = Person.objects.create(username=f"{council.slug}-{group.slug}-{role}")
            member = Member.objects.create(council=council, person=person, group=group)
            if role != "member":
                kind = MemberRoleKind.GROUP_LEADER if role == "leader" else MemberRoleKind.WHIP
                MemberRole.objects.create(member=member, kind=kind)


def _first(council, kind, directorate=None) -> Post:
    posts = Post.objects.filter(council=council, kind=kind)
    if directorate is not None:
        posts = posts.filter(directorate=directorate)
    return posts.order_by("slug").first()


# slug → declarer → (handler post kind or "group_leaders", copied member role or None)
REAL = {
    "tower-hamlets": dict.fromkeys(
        ("member", "officer", "director", "chief_executive"), ("monitoring_officer", None)
    ),
    "part-5-3": {
        "member": ("chief_executive", "group_leader"),
        "officer": ("director", None),
        "director": ("chief_executive", None),
        "chief_executive": ("group_leaders", None),
    },
    "south-oxfordshire": dict.fromkeys(
        ("member", "officer", "director", "chief_executive"), ("monitoring_officer", None)
    ),
    "vale-of-white-horse": dict.fromkeys(
        ("member", "officer", "director", "chief_executive"), ("monitoring_officer", None)
    ),
    "southwark": dict.fromkeys(
        ("member", "officer", "director", "chief_executive"), ("monitoring_officer", None)
    ),
    "hackney": {
        "member": ("chief_executive", "whip"),
        "officer": ("chief_executive", None),
        "director": ("chief_executive", None),
        # Silent where the officer is the Chief Executive (§3.2 names only the Chief
        # Executive): the file's default rule sends it to the Monitoring Officer.
        "chief_executive": ("monitoring_officer", None),
    },
}


def _load(slug):
    from protocol_portal.org.council_files import COUNCILS_DIR, load
    from protocol_portal.org.models import Council

    load([COUNCILS_DIR / f"{slug}.yaml"])
    council = Council.objects.get(slug=slug)
    _staff(council)
    return council


def _declarers(council):
    member = Member.objects.filter(council=council, roles__isnull=True).order_by("pk").first()
    officer = _first(council, PostKind.OFFICER)
    seniors = Post.objects.filter(council=council, kind__in=SENIOR_KINDS).order_by("slug")
    director = seniors.filter(directorate=officer.directorate).first() or seniors.first()
    ce = _first(council, PostKind.CHIEF_EXECUTIVE)
    return {
        "member": (member.person, member),
        "officer": (officer.holder, officer),
        "director": (director.holder, director),
        "chief_executive": (ce.holder, ce),
    }


@pytest.mark.parametrize("slug", sorted(REAL))
def test_real_council_files_route_declarations_as_the_protocol_says(db, slug):
    council = _load(slug)
    declarers = _declarers(council)
    # Each declares a relationship with someone who is not in the way of the routing.
    other = Member.objects.filter(council=council, roles__isnull=True).order_by("-pk").first()
    for who, (handler, copied) in REAL[slug].items():
        person, own = declarers[who]
        rel = services.relationship_declare(
            council=council,
            declarer=person,
            other_person=other.person,
            nature=Nature.BUSINESS,
            since=None,
            details="",
            as_of=AS_OF,
        )
        _check_route(council, rel, person, own, handler, copied, who)


def _check_route(council, rel, person, own, handler, copied, who):
    members = list(rel.notified_members.all())
    assert rel.rule_source.split(" ")[0] in {"000", "001", "002", "003", "004", "default"}, who
    if rel.rule_source.startswith("default"):
        assert rel.rule_source == "default (the protocol is silent)", who
    if handler == "group_leaders":
        assert rel.owner_post is None, who
        leaders = Member.objects.filter(council=council, roles__kind=MemberRoleKind.GROUP_LEADER)
        assert {m.pk for m in members} == set(leaders.values_list("pk", flat=True)), who
        assert len(members) == council.groups.count(), who
        return
    if handler == "acting_for_chief_executive":
        assert rel.owner_post.holder != person, who
        assert rel.owner_post == own.deputy, who
    elif handler == "director":
        assert rel.owner_post.kind in (PostKind.DIRECTOR, PostKind.CORPORATE_DIRECTOR), who
        assert rel.owner_post.directorate == own.directorate, who
    else:
        assert rel.owner_post.kind == handler, who
    if copied is None:
        assert members == [], who
    else:
        assert [(m.group_id, list(m.roles.values_list("kind", flat=True))) for m in members] == [
            (own.group_id, [copied])
        ], who
