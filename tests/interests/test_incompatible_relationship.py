"""004 §3.4 (the unnumbered paragraph after §3.3): "a close relationship between a member and a
senior officer of second tier and above ... is incompatible with the high standards of public
life ... a member could not be expected to remain in office". Beyond the §3.5 warning, the
declaration is flagged to the Monitoring Officer."""

from __future__ import annotations

from datetime import date

import pytest

from interests import services
from interests.models import Nature
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db


def declare(org, a, b, nature):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person(a),
        other_person=org.person(b),
        nature=nature,
        since=date(2020, 1, 1),
        details="",
        as_of=AS_OF,
    )


@pytest.mark.parametrize(
    ("declarer", "other"),
    [
        ("red_member", "dir_housing"),  # a Director reporting to the Chief Executive: 2nd tier
        ("red_member", "ce"),  # the head of paid service
        ("dir_finance", "blue_member"),  # declared by the officer
    ],
)
def test_a_close_relationship_with_a_second_tier_officer_is_flagged_to_the_mo(
    make_org, declarer, other
):
    org = make_org("004")
    rel = declare(org, declarer, other, Nature.CLOSE_FRIENDSHIP)
    assert rel.flag_source == "004 §3.4"
    assert "incompatible" in rel.flag
    assert org.posts["mo"] in rel.notified_posts.all()
    message = OutboxMessage.objects.get(key=f"relationship:{rel.pk}:flagged")
    assert list(message.recipients.all()) == [org.person("mo")]
    assert "004 §3.4" in message.body
    assert CaseEvent.objects.filter(case_id=rel.pk, kind="flagged").exists()


@pytest.mark.parametrize(
    ("declarer", "other", "nature"),
    [
        ("red_member", "officer_housing", Nature.FAMILY),  # fourth tier
        ("red_member", "hos_housing", Nature.PARTNER),  # third tier
        ("red_member", "dir_housing", Nature.BUSINESS),  # not a close relationship
        ("hos_housing", "dir_housing", Nature.FAMILY),  # two officers
    ],
)
def test_other_relationships_get_only_the_warning(make_org, declarer, other, nature):
    org = make_org("004")
    rel = declare(org, declarer, other, nature)
    assert (rel.flag, rel.flag_source) == ("", "")
    assert not OutboxMessage.objects.filter(key=f"relationship:{rel.pk}:flagged").exists()


def test_a_council_whose_protocol_says_nothing_flags_nothing(make_org):
    org = make_org("001")
    rel = declare(org, "red_member", "dir_housing", Nature.PARTNER)
    assert rel.flag == ""
