"""An upgrade from before access was derived, straight to today: the enquiries and need-to-know
data migrations that derive access rows (enquiries 0005, access_requests 0004) run on a database
that does not yet have the columns later migrations add (enquiries 0006, access_requests 0005:
the channel and time of receipt). They must read only the columns the database has then, and
every existing case must come out with the access rows its audiences derive."""

from __future__ import annotations

import pytest

from access_requests import services
from access_requests.models import AccessRequest
from enquiries.models import Enquiry
from protocol_portal.casework.access import derived
from protocol_portal.casework.models import CaseAccess
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load
from tests.enquiries.helpers import log
from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)


def _open_rows(case) -> set[tuple[str, str, int]]:
    return {
        (row.audience, "post" if row.post_id else "person", row.post_id or row.person_id)
        for row in CaseAccess.objects.filter(case_id=case.pk, until__isnull=True)
    }


def _round_trip(case, model, before):
    want = {(audience, kind, holder) for audience, kind, holder in derived(case)}
    assert want
    assert _open_rows(case) == want
    try:
        migrate([before])
        CaseAccess.objects.all().delete()
    finally:
        migrate_to_latest()
    again = model.objects.get(pk=case.pk)
    assert _open_rows(again) == {(a, k, h) for a, k, h in derived(again)}
    assert _open_rows(again) == want


def test_an_enquiry_from_before_access_was_derived_gets_its_rows(org, as_of):
    enquiry = log(org, as_of)
    _round_trip(enquiry, Enquiry, ("enquiries", "0004_sla_dashboard_columns"))


def test_a_need_to_know_request_from_before_access_was_derived_gets_its_rows():
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = services.access_request_submit(
        council=council, requester=member.person, ask=h.group_ask(council), as_of=AS_OF
    )
    _round_trip(request, AccessRequest, ("access_requests", "0003_draft_policy_papers"))
