"""Every legal move happens once (repeats are no-ops), every illegal one is loud, and each
change records who and why in the history."""

from __future__ import annotations

from datetime import date

import pytest

from interests import services
from interests.models import ActorKind, Capacity, Nature, ReturnKind
from interests.states import (
    ADVICE_TRANSITIONS,
    INTEREST_TRANSITIONS,
    NOTICE_TRANSITIONS,
    RELATIONSHIP_TRANSITIONS,
    RETURN_TRANSITIONS,
    AdviceStatus,
    InterestStatus,
    NoticeStatus,
    RelationshipStatus,
    ReturnStatus,
)
from protocol_portal.casework.models import OutboxMessage
from protocol_portal.casework.transitions import TransitionError
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("table", "status"),
    [
        (RELATIONSHIP_TRANSITIONS, RelationshipStatus),
        (INTEREST_TRANSITIONS, InterestStatus),
        (RETURN_TRANSITIONS, ReturnStatus),
        (NOTICE_TRANSITIONS, NoticeStatus),
        (ADVICE_TRANSITIONS, AdviceStatus),
    ],
)
def test_every_status_has_a_row_and_every_move_stays_in_the_table(table, status):
    assert set(table) == set(status.values)
    assert all(targets <= set(status.values) for targets in table.values())


# ---------------------------------------------------------------- relationships


@pytest.fixture
def rel(org):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.PARTNER,
        since=date(2024, 1, 1),
        details="",
        as_of=AS_OF,
    )


def decide(org, rel):
    return services.relationship_decide(
        relationship=rel,
        actor=org.person("ce"),
        decision="Noted",
        mitigations="Not on the housing appointments panel",
        as_of=AS_OF,
    )


def test_declared_to_decided_records_who_and_why(org, rel):
    decide(org, rel)
    last = rel.history.first()
    assert (rel.status, last.history_user, last.history_change_reason) == (
        "decided",
        org.person("ce"),
        "decision recorded",
    )
    assert rel.history.last().history_user == org.person("red_member")


def test_deciding_twice_is_a_no_op(org, rel):
    decide(org, rel)
    decide(org, rel)
    assert rel.history.count() == 2
    assert OutboxMessage.objects.filter(key=f"relationship:{rel.pk}:decided").count() == 1


@pytest.mark.parametrize("first_decide", [False, True])
def test_a_declared_or_decided_relationship_can_end(org, rel, first_decide):
    if first_decide:
        decide(org, rel)
    services.relationship_end(
        relationship=rel, actor=org.person("red_member"), reason="", as_of=AS_OF
    )
    assert (rel.status, rel.ended_on) == ("ended", date(2026, 6, 2))
    assert rel.closed_at == AS_OF


def test_a_declaration_can_be_withdrawn_before_a_decision(org, rel):
    services.relationship_withdraw(
        relationship=rel, actor=org.person("red_member"), reason="Wrong person", as_of=AS_OF
    )
    assert rel.status == "withdrawn"


@pytest.mark.parametrize(
    ("setup", "move"),
    [
        ("decide", "withdraw"),
        ("end", "decide"),
        ("withdraw", "end"),
        ("withdraw", "decide"),
    ],
)
def test_illegal_relationship_moves_are_loud(org, rel, setup, move):
    actions = {
        "decide": lambda: decide(org, rel),
        "end": lambda: services.relationship_end(
            relationship=rel, actor=org.person("red_member"), reason="over", as_of=AS_OF
        ),
        "withdraw": lambda: services.relationship_withdraw(
            relationship=rel, actor=org.person("red_member"), reason="error", as_of=AS_OF
        ),
    }
    actions[setup]()
    with pytest.raises(TransitionError, match="cannot become"):
        actions[move]()


# ---------------------------------------------------------------- interests and returns


def test_an_interest_is_removed_once(org):
    member = org.members["red_member"]
    item = services.interest_register(
        member=member, actor=member.person, category="land", description="Home", as_of=AS_OF
    )
    services.interest_remove(interest=item, actor=member.person, as_of=AS_OF)
    services.interest_remove(interest=item, actor=member.person, as_of=AS_OF)
    assert (item.status, item.removed_on) == ("removed", date(2026, 6, 2))
    assert item.history.count() == 2


@pytest.fixture
def ret(org):
    return services.register_return_open(
        member=org.members["red_member"],
        kind=ReturnKind.CHANGE,
        trigger_on=date(2026, 6, 1),
        as_of=AS_OF,
    )


def test_a_return_is_submitted_once(org, ret):
    person = org.person("red_member")
    services.register_return_submit(ret=ret, actor=person, as_of=AS_OF)
    services.register_return_submit(ret=ret, actor=person, as_of=AS_OF)
    assert ret.status == "submitted"
    assert OutboxMessage.objects.filter(key=f"register-return:{ret.pk}:submitted").count() == 1


def test_a_return_can_be_cancelled_but_then_not_submitted(org, ret):
    services.register_return_cancel(
        ret=ret, actor=org.person("mo"), reason="Left office", as_of=AS_OF
    )
    assert (ret.status, ret.next_action_at) == ("cancelled", None)
    with pytest.raises(TransitionError):
        services.register_return_submit(ret=ret, actor=org.person("red_member"), as_of=AS_OF)


def test_a_submitted_return_cannot_be_cancelled(org, ret):
    services.register_return_submit(ret=ret, actor=org.person("red_member"), as_of=AS_OF)
    with pytest.raises(TransitionError):
        services.register_return_cancel(ret=ret, actor=org.person("mo"), reason="x", as_of=AS_OF)


# ---------------------------------------------------------------- notices and advice


@pytest.fixture
def notice(org):
    return services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party=ActorKind.SPOUSE_PARTNER,
        acting_party_name="Sam",
        capacity=Capacity.PRIVATE,
        action="Judicial review of the parking scheme",
        as_of=AS_OF,
    )


def test_a_notice_is_acknowledged_once_and_then_cannot_be_withdrawn(org, notice):
    mo = org.person("mo")
    services.acting_against_acknowledge(notice=notice, actor=mo, response="Noted", as_of=AS_OF)
    services.acting_against_acknowledge(notice=notice, actor=mo, response="Again", as_of=AS_OF)
    assert (notice.status, notice.response) == ("acknowledged", "Noted")
    with pytest.raises(TransitionError):
        services.acting_against_withdraw(notice=notice, actor=org.person("red_member"), as_of=AS_OF)


def test_a_notice_can_be_withdrawn_and_then_not_acknowledged(org, notice):
    services.acting_against_withdraw(notice=notice, actor=org.person("red_member"), as_of=AS_OF)
    assert notice.status == "withdrawn"
    with pytest.raises(TransitionError):
        services.acting_against_acknowledge(
            notice=notice, actor=org.person("mo"), response="", as_of=AS_OF
        )


@pytest.fixture
def advice(org):
    return services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Do I declare?",
        as_of=AS_OF,
    )


def test_advice_is_given_once_and_then_cannot_be_withdrawn(org, advice):
    services.advice_give(request=advice, actor=org.person("mo"), advice="Yes", as_of=AS_OF)
    services.advice_give(request=advice, actor=org.person("mo"), advice="No", as_of=AS_OF)
    assert (advice.status, advice.advice) == ("advised", "Yes")
    with pytest.raises(TransitionError):
        services.advice_withdraw(request=advice, actor=org.person("red_member"), as_of=AS_OF)


def test_withdrawn_advice_cannot_be_given(org, advice):
    services.advice_withdraw(request=advice, actor=org.person("red_member"), as_of=AS_OF)
    with pytest.raises(TransitionError):
        services.advice_give(request=advice, actor=org.person("mo"), advice="Yes", as_of=AS_OF)


def _another_page_load(case):
    """The same case as a second person's page read it, before the first acted."""
    return type(case).objects.get(pk=case.pk)


def test_two_people_advising_at_once_give_the_advice_once(org, advice):
    """The second reads the request under its row lock, sees it advised and changes nothing:
    the first advice stands and is recorded once."""
    theirs = _another_page_load(advice)
    services.advice_give(request=advice, actor=org.person("mo"), advice="Yes", as_of=AS_OF)
    services.advice_give(request=theirs, actor=org.person("mo"), advice="No", as_of=AS_OF)
    assert (theirs.status, theirs.advice) == ("advised", "Yes")
    advice.refresh_from_db()
    assert advice.advice == "Yes"
    assert advice.history.filter(history_change_reason="advice given").count() == 1


def test_a_member_withdrawing_a_request_already_advised_is_refused(org, advice):
    """Withdrawing from a page read before the advice was given: the request, read again under
    its lock, is advised, and a given advice cannot be withdrawn."""
    theirs = _another_page_load(advice)
    services.advice_give(request=advice, actor=org.person("mo"), advice="Yes", as_of=AS_OF)
    with pytest.raises(TransitionError):
        services.advice_withdraw(request=theirs, actor=org.person("red_member"), as_of=AS_OF)
    advice.refresh_from_db()
    assert advice.status == "advised"
