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
        # Told by the rule: the group leader is a member, so is not given the request.
        "mo": codes(perms.VIEW_ADVICE),
    }
    assert set(advice.notified_posts.all()) == {org.posts["lds"]}


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
