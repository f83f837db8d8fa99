"""Integrity the database itself enforces: each invariant written as a constraint, and each
constraint shown to refuse a row that breaks it (IntegrityError), whatever code wrote the row.

Case clock (every case type, `Case.Meta.constraints`): due, paused and breach dates never before
receipt; a closed or paused case is never due a chaser. Outbox: one message per business key
(one chaser per rung per clock cycle), one notice per recipient, sent only after an attempt.
Plus: unique reference counters, one active determination per complaint, one copy per post,
one register return per member, kind and trigger date.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Determination
from complaints.states import DeterminationOutcome, Kind
from enquiries.models import EnquiryCopy
from interests import services as interest_services
from interests.models import ReturnKind
from protocol_portal.casework.models import Case, Notice, OutboxMessage, ReferenceCounter
from protocol_portal.casework.services import outbox_write
from tests.complaints.factories import AS_OF, build_complaint_org
from tests.conftest import build_org
from tests.enquiries.helpers import log
from tests.interests.conftest import AS_OF as INTERESTS_AS_OF
from tests.interests.factories import build_org as build_interests_org

pytestmark = pytest.mark.django_db

CASE_RULES = [
    "due_not_before_received",
    "paused_not_before_received",
    "breach_not_before_received",
    "closed_not_chased",
    "paused_not_chased",
]
# Case types whose app has not yet taken the shared constraints (none: every case type has).
PENDING: set[str] = set()


def _breaks(rule: str, case) -> dict:
    """The update that breaks one case-clock rule."""
    before = case.received_on - timedelta(days=1)
    now = timezone.now()
    return {
        "due_not_before_received": {"due_on": before},
        "paused_not_before_received": {"clock_paused_on": before, "next_action_at": None},
        "breach_not_before_received": {"breached_on": before},
        "closed_not_chased": {"closed_at": now, "next_action_at": now},
        "paused_not_chased": {"clock_paused_on": case.received_on, "next_action_at": now},
    }[rule]


def _refused(queryset, **values) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        queryset.update(**values)


def _an_enquiry():
    org = build_org()
    return org, log(org, timezone.now())


def _a_complaint():
    o = build_complaint_org()
    complaint = complaint_services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.officer,
        summary="Rude on the phone",
        details="Details",
        as_of=AS_OF,
    )
    return o, complaint


@pytest.mark.parametrize("rule", CASE_RULES)
@pytest.mark.parametrize("make", [_an_enquiry, _a_complaint], ids=["enquiry", "complaint"])
def test_case_clock_rules_are_database_constraints(make, rule):
    _, case = make()
    rows = type(case).objects.filter(pk=case.pk)
    _refused(rows, **_breaks(rule, case))
    # The row as the services left it satisfies every rule.
    case.refresh_from_db()
    case.full_clean(validate_unique=False)


def test_every_case_type_carries_the_case_clock_constraints(capsys):
    concrete = [
        m for m in apps.get_models() if issubclass(m, Case) and m._meta.app_label not in PENDING
    ]
    missing = {
        m._meta.label: [
            r
            for r in CASE_RULES
            if f"{m._meta.app_label}_{m._meta.model_name}_{r}"
            not in {c.name for c in m._meta.constraints}
        ]
        for m in concrete
    }
    missing = {label: rules for label, rules in missing.items() if rules}
    with capsys.disabled():
        print(
            f"\nintegrity: {len(concrete)} case types x {len(CASE_RULES)} clock constraints; "
            f"pending apps {sorted(PENDING)}"
        )
    assert len(concrete) >= 6
    assert missing == {}


def test_one_chaser_per_rung_per_cycle_and_one_notice_per_recipient():
    org, enquiry = _an_enquiry()
    now = timezone.now()
    key = f"enquiries.Enquiry:{enquiry.pk}:0:reminder"
    first = outbox_write(
        key=key,
        council=org.council,
        case=enquiry,
        subject="s",
        body="b",
        recipients=[org.housing_officer.holder],
        at=now,
        rung="reminder",
    )
    # The service turns the second write into a no-op; the table itself refuses it too.
    again = dict(key=key, council=org.council, subject="s", body="b", created_at=now)
    assert (
        outbox_write(
            key=key, council=org.council, case=enquiry, subject="s", body="b", recipients=[], at=now
        )
        is None
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        OutboxMessage.objects.create(**again)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Notice.objects.create(message=first, person=org.housing_officer.holder)
    # Sent is never recorded without an attempt.
    _refused(OutboxMessage.objects.filter(pk=first.pk), sent_at=now, attempts=0)


def test_reference_counters_and_enquiry_copies_are_unique():
    org, enquiry = _an_enquiry()
    counter = ReferenceCounter.objects.get(council=org.council)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReferenceCounter.objects.create(
            council=org.council, prefix=counter.prefix, year=counter.year
        )
    now = timezone.now()
    EnquiryCopy.objects.create(enquiry=enquiry, post=org.mo, reason="rule", created_at=now)
    with transaction.atomic(), pytest.raises(IntegrityError):
        EnquiryCopy.objects.create(enquiry=enquiry, post=org.mo, reason="rule", created_at=now)
    with transaction.atomic(), pytest.raises(IntegrityError):
        EnquiryCopy.objects.create(enquiry=enquiry, reason="rule", created_at=now)


def test_one_active_determination_per_complaint():
    o, complaint = _a_complaint()
    issued = dict(
        complaint=complaint,
        outcome=DeterminationOutcome.values[0],
        reasons="Reasons",
        issued_at=AS_OF,
        issued_by=o.mo.holder,
    )
    Determination.objects.create(**issued)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Determination.objects.create(**issued)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Determination.objects.create(**{**issued, "reasons": ""})


def test_one_register_return_per_member_kind_and_trigger():
    org = build_interests_org(slug="testshire", protocol="001")
    ret = interest_services.register_return_open(
        member=org.members["red_member"],
        kind=ReturnKind.CHANGE,
        trigger_on=date(2026, 6, 1),
        as_of=INTERESTS_AS_OF,
    )
    ret.pk = None
    ret.reference = f"{ret.reference}-COPY"
    with transaction.atomic(), pytest.raises(IntegrityError):
        ret.save()
