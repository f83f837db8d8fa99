"""Who may see each interests case, derived from the case (interests.permissions, ADR 0005): every
person of the council asked, in every status, so an audience that grows or leaks shows here.

Part 5.3 (protocol 001) unless said: a member's declaration goes to the Chief Executive, who
decides, and their group leader, who is told (§5.3.1.1); the Chief Executive's own goes to the
group leaders, who decide; the Monitoring Officer sees every declaration.
"""

from __future__ import annotations

import pytest

from interests import permissions as perms
from interests import services
from interests.models import ActorKind, Capacity, Nature
from protocol_portal.casework.access import access_history, perms_for
from tests.interests.conftest import AS_OF
from tests.interests.factories import MEMBERS, POSTS, add_rule

pytestmark = pytest.mark.django_db

EVERYONE = [key for key, *_ in POSTS] + [key for key, *_ in MEMBERS]


def audience(org, case) -> dict[str, frozenset[str]]:
    """Everyone in the council who holds anything on the case, with what they hold."""
    held = {key: perms_for(org.person(key), case) for key in EVERYONE}
    return {key: codes for key, codes in held.items() if codes}


def codes(*names: str) -> frozenset[str]:
    return frozenset(name.rpartition(".")[2] for name in names)


DECLARER = codes(perms.VIEW_RELATIONSHIP, perms.CHANGE_RELATIONSHIP)
DECIDER = codes(perms.VIEW_RELATIONSHIP, perms.DECIDE_RELATIONSHIP)
READER = codes(perms.VIEW_RELATIONSHIP)


def declare(org, declarer: str, other: str):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person(declarer),
        other_person=org.person(other),
        nature=Nature.FAMILY,
        since=None,
        details="My cousin.",
        as_of=AS_OF,
    )


def close(org, relationship, outcome: str):
    if outcome == "decided":
        return services.relationship_decide(
            relationship=relationship,
            actor=org.person("ce"),
            decision="Noted",
            mitigations="Stands down from the panel",
            as_of=AS_OF,
        )
    if outcome == "withdrawn":
        return services.relationship_withdraw(
            relationship=relationship, actor=relationship.declarer, reason="Error", as_of=AS_OF
        )
    if outcome == "ended":
        return services.relationship_end(
            relationship=relationship, actor=relationship.declarer, reason="Over", as_of=AS_OF
        )
    return relationship


@pytest.mark.parametrize("outcome", ["declared", "decided", "withdrawn", "ended"])
def test_a_members_declaration_keeps_its_audience_whatever_becomes_of_it(org, outcome):
    """001 §5.3.1.1: the Chief Executive decides, the member's group leader is told, the
    Monitoring Officer sees it. A decided or withdrawn declaration stays on record for exactly
    them — nobody gains sight of it, nobody loses it, and no access row is ended."""
    relationship = close(org, declare(org, "red_member", "officer_housing"), outcome)
    relationship.refresh_from_db()
    assert relationship.status == outcome
    assert audience(org, relationship) == {
        "red_member": DECLARER,
        "ce": DECIDER,
        "red_leader": READER,
        "mo": READER,
    }
    assert all(row.until is None for row in access_history(relationship))


@pytest.mark.parametrize("outcome", ["declared", "withdrawn"])
def test_the_chief_executives_declaration_is_decided_by_the_group_leaders(org, outcome):
    """001 §5.3.1.1: "If the officer in question is the Chief Executive, they inform the group
    leaders" — every group's leader receives it and may record the decision; no other member."""
    relationship = close(org, declare(org, "ce", "officer_housing"), outcome)
    assert set(relationship.deciding_members.all()) == {
        org.members["red_leader"],
        org.members["blue_leader"],
    }
    assert audience(org, relationship) == {
        "ce": DECLARER,
        "red_leader": DECIDER,
        "blue_leader": DECIDER,
        "mo": READER,
    }


# Who each protocol tells of a member's declaration, besides the declarer and the Monitoring
# Officer (who always sees it): written from the protocols, not from the rules.
TOLD = {
    "000": {},  # 000 §10.4: the Monitoring Officer
    "001": {"ce": DECIDER, "red_leader": READER},  # 001 §5.3.1.1
    "002": {},  # 002 §24: the Monitoring Officer is consulted
    "003": {},  # 003 §13
    "004": {"ce": DECIDER, "red_whip": READER},  # 004 §3.2: the CE, and the member's party whip
}


@pytest.mark.parametrize("protocol", sorted(TOLD))
def test_no_other_member_or_group_ever_sees_a_declaration(make_org, protocol):
    """Only the members the protocol names (the declarer's own group leader or whip) are told;
    another member of the group, and everyone in the other group, never see it (000 §7.19 in
    spirit), whatever becomes of the declaration."""
    org = make_org(protocol)
    relationship = declare(org, "red_member", "officer_housing")
    mo = DECIDER if protocol in ("000", "002", "003") else READER
    want = {"red_member": DECLARER, "mo": mo, **TOLD[protocol]}
    assert audience(org, relationship) == want
    close(org, relationship, "withdrawn")
    seen = audience(org, relationship)
    assert seen == want
    assert not {"red_other", "blue_leader", "blue_whip", "blue_member"} & set(seen)


def _advice_rule(org):
    """The advice rule with a copy, so that confidentiality has something to keep out."""
    add_rule(
        org.council,
        "advice",
        case_type="interest",
        raised_by="member",
        concerning="advice",
        handler=("legal_democratic_services", "council"),
        copied=[("group_leader", "raiser_group")],
        source="001 §5.3.6.1",
    )


ASKER = codes(perms.VIEW_ADVICE, perms.CHANGE_ADVICE)
ADVISER = codes(perms.VIEW_ADVICE, perms.ADVISE)


@pytest.mark.parametrize("then", ["requested", "advised", "withdrawn"])
def test_a_confidential_advice_request_is_seen_by_exactly_the_member_and_the_advising_post(
    org, then
):
    """001 §5.3.6.1: advice is confidential if the member asks — the member and the advising
    post (Legal and Democratic Services) alone, not the Monitoring Officer, not the post's line
    manager, not the group leader the rule would copy."""
    _advice_rule(org)
    advice = services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Must I declare my allotment?",
        confidential=True,
        as_of=AS_OF,
    )
    if then == "advised":
        services.advice_give(request=advice, actor=org.person("lds"), advice="No.", as_of=AS_OF)
    elif then == "withdrawn":
        services.advice_withdraw(request=advice, actor=org.person("red_member"), as_of=AS_OF)
    assert audience(org, advice) == {"red_member": ASKER, "lds": ADVISER}
    holders = {(row.person_id, row.post_id) for row in access_history(advice)}
    assert holders == {(org.person("red_member").pk, None), (None, org.posts["lds"].pk)}


def test_advice_not_asked_to_be_confidential_is_also_seen_by_those_copied_and_the_mo(org):
    """001 §5.3.9.2: correspondence between an officer and a member "may be made available to
    others unless it is agreed that it should be kept confidential" — so the group leader the
    council's rule copies a request to that the member did not ask to keep confidential is
    informed, and reads it (nothing more: no advising, no withdrawing). Before, the copy was
    named on the timeline but could not be opened."""
    _advice_rule(org)
    advice = services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Must I declare my allotment?",
        as_of=AS_OF,
    )
    assert audience(org, advice) == {
        "red_member": ASKER,
        "lds": ADVISER,
        "red_leader": codes(perms.VIEW_ADVICE),  # copied by the rule: reads it
        "mo": codes(perms.VIEW_ADVICE),
    }
    assert set(advice.notified_posts.all()) == {org.posts["lds"]}
    assert set(advice.notified_members.all()) == {org.members["red_leader"]}
    copied = [r for r in access_history(advice) if r.audience == perms.COPIED_MEMBER]
    assert [(r.person_id, r.until) for r in copied] == [(org.person("red_leader").pk, None)]


def test_a_register_return_is_the_members_and_the_monitoring_officers(org):
    """Localism Act 2011 s.30(1): the member registers with the Monitoring Officer."""
    ret = services.register_return_open(
        member=org.members["red_member"], kind="change", trigger_on=AS_OF.date(), as_of=AS_OF
    )
    services.register_return_submit(ret=ret, actor=org.person("red_member"), as_of=AS_OF)
    assert audience(org, ret) == {
        "red_member": codes(perms.VIEW_RETURN, perms.CHANGE_RETURN),
        "mo": codes(perms.VIEW_RETURN),
    }


def _notice(org):
    return services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party=ActorKind.SPOUSE_PARTNER,
        acting_party_name="Sam Member",
        capacity=Capacity.PROFESSIONAL,
        action="Appeal against the refusal of a licence",
        as_of=AS_OF,
    )


@pytest.mark.parametrize("then", ["notified", "acknowledged", "withdrawn"])
def test_a_group_leader_copied_on_a_notice_reads_it_and_nothing_more(org, then):
    """002 §111: the member notifies the Monitoring Officer in writing. 002 §85: copying to
    another member is allowed where necessary — "where it is to raise a matter with a Group
    Leader" — provided "this should be made clear to the original member", so no silent
    copies. A council whose rule copies the member's group leader has them informed: they are
    told (the email and the timeline name them) and read the notice, but neither acknowledge
    nor withdraw it; the other group's leader and the member's colleagues see nothing. Before,
    the group leader was emailed the notice but could not open it."""
    add_rule(
        org.council,
        "acting-against",
        case_type="interest",
        raised_by="member",
        concerning="acting_against_council",
        handler=("monitoring_officer", "council"),
        copied=[("group_leader", "raiser_group")],
        source="002 §111; 002 §85",
    )
    notice = _notice(org)
    if then == "acknowledged":
        services.acting_against_acknowledge(
            notice=notice, actor=org.person("mo"), response="Noted.", as_of=AS_OF
        )
    elif then == "withdrawn":
        services.acting_against_withdraw(notice=notice, actor=org.person("red_member"), as_of=AS_OF)
    assert audience(org, notice) == {
        "red_member": codes(perms.VIEW_NOTICE, perms.CHANGE_NOTICE),
        "mo": codes(perms.VIEW_NOTICE, perms.ACKNOWLEDGE_NOTICE),
        "red_leader": codes(perms.VIEW_NOTICE),
    }


def test_an_acting_against_notice_is_the_members_and_the_monitoring_officers(org):
    """002 §110-111: written notice to the Monitoring Officer, who acknowledges it."""
    notice = services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party=ActorKind.SELF,
        capacity=Capacity.PRIVATE,
        action="Judicial review of a planning decision",
        as_of=AS_OF,
    )
    services.acting_against_withdraw(notice=notice, actor=org.person("red_member"), as_of=AS_OF)
    assert audience(org, notice) == {
        "red_member": codes(perms.VIEW_NOTICE, perms.CHANGE_NOTICE),
        "mo": codes(perms.VIEW_NOTICE, perms.ACKNOWLEDGE_NOTICE),
    }


def test_while_the_monitoring_officers_post_is_vacant_the_deputy_sees_what_it_saw(org):
    """The Monitoring Officer sees every notice (002 §111) — whoever acts for the post: while
    it is vacant, its deputy. The deputy did not see the notices the Monitoring Officer had
    when the post fell vacant (their rows were derived while it was held); filled again, the
    deputy's stand-in sight ends and the new Monitoring Officer has the notice."""
    from protocol_portal.org.services import post_set_holder
    from tests.factories import PersonFactory

    notice = _notice(org)
    departed = org.person("mo")
    assert perms_for(org.person("dmo"), notice) == frozenset()
    post_set_holder(post=org.posts["mo"], holder=None)
    assert perms_for(org.person("dmo"), notice) == codes(perms.VIEW_NOTICE)
    assert perms_for(departed, notice) == frozenset()
    successor = PersonFactory(username="new-monitoring-officer")
    post_set_holder(post=org.posts["mo"], holder=successor)
    assert perms_for(org.person("dmo"), notice) == frozenset()
    assert perms_for(successor, notice) == codes(perms.VIEW_NOTICE, perms.ACKNOWLEDGE_NOTICE)
