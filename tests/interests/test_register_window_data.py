"""The register's window is the council's data: the deadline of its `interest-registration`
rule (fixtures/councils/*.yaml), not a constant in Python (audit: "interest-registration
deadline (28c). Not read: interests/services.py hard-codes REGISTER_WINDOW_DAYS = 28")."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from interests import services
from protocol_portal.org.models import RoutingRule
from tests.interests.conftest import LONDON
from tests.interests.factories import add_member

pytestmark = pytest.mark.django_db


def _registration_rule(org, days: int) -> None:
    RoutingRule.objects.create(
        council=org.council,
        key="interest-registration",
        case_type="interest",
        raised_by="member",
        concerning="registration",
        handler_kind="monitoring_officer",
        handler_of="council",
        deadline_days=days,
        deadline_calendar="calendar",
        source="test §1",
    )


def test_the_window_follows_the_councils_registration_rule(org):
    _registration_rule(org, 21)
    took_office = date(2026, 5, 8)
    member = add_member(org, "newbie", took_office_on=took_office)
    ret = services.register_return_open_initial(
        member=member, as_of=datetime(2026, 5, 8, 10, 0, tzinfo=LONDON)
    )
    # 21 days beginning with 8 May: the last is 28 May.
    assert ret.due_on == date(2026, 5, 28)


def test_without_a_rule_the_statutory_28_days_apply(org):
    # Localism Act 2011 s.30(1): "before the end of 28 days beginning with the day".
    assert services.register_window_days(org.council) == 28


def test_an_interest_registered_after_the_councils_window_is_late(org):
    _registration_rule(org, 14)
    member = org.members["red_member"]
    interest = services.interest_register(
        member=member,
        category="employment",
        description="Consultant, Acme Ltd",
        actor=member.person,
        as_of=datetime(2026, 6, 20, 10, 0, tzinfo=LONDON),
        became_aware_on=date(2026, 6, 1),  # day 14 is 14 June
    )
    assert interest.late


def test_a_council_counting_from_the_day_of_receipt_still_gives_the_full_28_days(org):
    # "before the end of 28 days beginning with the day on which the person becomes a member"
    # (Localism Act 2011 s.30(1)): the council's clock_day_one must not take a day off. Found by
    # the synthetic seventh council (tests/councils), whose clocks count from receipt.
    org.council.protocol_settings = {"clock_day_one": {"value": "receipt_day", "source": "x §1"}}
    org.council.save()
    took_office = date(2026, 5, 8)
    member = add_member(org, "newbie", took_office_on=took_office)
    ret = services.register_return_open_initial(
        member=member, as_of=datetime(2026, 5, 8, 10, 0, tzinfo=LONDON)
    )
    assert ret.due_on == date(2026, 6, 4)  # day 1 is 8 May, day 28 is 4 June
