"""`manage.py seed_demo` gives every council every case type in every state the demo claims,
made through the services (history, access rows, timeline, clocks and chasers are real), and a
second run adds nothing."""

from __future__ import annotations

from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from access_requests.models import AccessRequest, FoiRequest
from complaints.models import Complaint, Determination, QuarterlySummary
from enquiries.models import Enquiry
from interests.models import (
    ActingAgainstNotice,
    AdviceRequest,
    Interest,
    RegisterReturn,
    Relationship,
)
from protocol_portal.casework.models import CaseAccess, CaseEvent
from protocol_portal.org import council_files
from protocol_portal.org.calendars import _council_calendar
from protocol_portal.org.models import Council

pytestmark = pytest.mark.django_db

COUNCILS = sorted(p.stem for p in council_files.COUNCILS_DIR.glob("*.yaml"))
EVERYWHERE = {
    Enquiry: {
        "received",
        "in_progress",
        "awaiting_member",
        "referred_mo",
        "foi",
        "responded",
        "referred_complaint",
        "closed",
    },
    Complaint: {
        "received",
        "acknowledged",
        "investigating",
        "outcome_issued",
        "closed",
        "withdrawn",
    },
    Relationship: {"declared", "decided", "ended", "withdrawn"},
    Interest: {"registered", "removed"},
    RegisterReturn: {"open", "submitted", "cancelled"},
    ActingAgainstNotice: {"submitted", "acknowledged", "withdrawn"},
    AdviceRequest: {"requested", "advised", "withdrawn"},
    AccessRequest: {"submitted", "granted", "refused", "foi", "withdrawn"},
    FoiRequest: {"open", "answered"},
}
# Where a council's protocol has the stage. A concern about an officer escalates only where the
# protocol names a next stage or the acknowledgement was missed (Southwark 003 §70, Hackney
# 004 §11.6; Tower Hamlets by its chaser); Part 5.3's Monitoring Officer does not determine
# conduct complaints; Southwark has no one to refer a presumed request to and no dispute stage
# (003 §52–53).
EXCEPT_WHERE = {
    (Complaint, "escalated"): {"part-5-3", "south-oxfordshire", "vale-of-white-horse"},
    (AccessRequest, "referred"): {"southwark"},
    # Tower Hamlets: a refusal goes to the Monitoring Officer without a dispute (000 §7.2b).
    (AccessRequest, "disputed"): {"southwark", "tower-hamlets"},
}


def _states(model) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for slug, status in model.objects.values_list("council__slug", "status"):
        found[slug].add(status)
    return found


def _counts() -> dict[str, int]:
    models = [*EVERYWHERE, Determination, QuarterlySummary, CaseEvent, CaseAccess]
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo(settings, tmp_path):
    """One test, because seeding six councils takes a while: what the first run makes, then
    that a second run adds nothing."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _council_calendar.cache_clear()
    council_files.load()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    every_state()
    clocks_chasers_history_and_access(out.getvalue())
    second_run_adds_nothing()


def every_state():
    assert sorted(Council.objects.values_list("slug", flat=True)) == COUNCILS
    missing = []
    for model, wanted in EVERYWHERE.items():
        extra = {state for (m, state) in EXCEPT_WHERE if m is model}
        states = _states(model)
        for slug in COUNCILS:
            want = wanted | {s for s in extra if slug not in EXCEPT_WHERE[(model, s)]}
            if not want <= states[slug]:
                missing.append((model.__name__, slug, sorted(want - states[slug])))
    assert missing == []
    # The Monitoring Officer's determinations, one a referral to the Standards Committee, and
    # this quarter's summary for the committee's chart.
    outcomes = set(Determination.objects.values_list("outcome", flat=True))
    assert {"no_further_action", "standards_committee"} <= outcomes
    assert QuarterlySummary.objects.count() == len(COUNCILS)


def clocks_chasers_history_and_access(seeded: str):
    today = timezone.localdate()
    # Overdue and chased, in every council: the ladder was replayed over the eight weeks.
    for slug in COUNCILS:
        overdue = Enquiry.objects.filter(
            council__slug=slug, due_on__lt=today, status__in=["received", "in_progress"]
        )
        assert overdue.count() >= 2, slug
        chased = CaseEvent.objects.filter(
            case_id__in=overdue.values("pk"), kind__startswith="chaser:"
        ).values_list("kind", flat=True)
        assert {"chaser:reminder", "chaser:chase"} <= set(chased), slug
    # Paused for the member's clarification: no chaser is scheduled.
    paused = Enquiry.objects.filter(status="awaiting_member")
    assert paused.exists()
    assert not paused.exclude(next_action_at=None).exists()
    # Spread over the eight weeks, never in the future.
    received = Enquiry.objects.values_list("received_on", flat=True)
    assert (today - min(received)).days >= 50
    assert max(received) <= today
    # Each case has its audit history and its derived audiences (CaseAccess) from the services.
    for model in (Enquiry, AccessRequest, FoiRequest):
        kind = ContentType.objects.get_for_model(model)
        for case in model.objects.all():
            assert case.history.exists(), case
            assert CaseAccess.objects.filter(case_type=kind, case_id=case.pk).exists(), case
    # South Oxfordshire's and Southwark's references do not collide.
    references = AccessRequest.objects.values_list("reference", flat=True)
    assert len(set(references)) == len(references)
    answered = Enquiry.objects.filter(status="responded").first()
    assert answered.history.filter(history_user=answered.owner_post.holder).exists()
    # The output reports the work done and every council's logins.
    assert "cases" in seeded
    assert "chaser steps sent" in seeded
    for slug in COUNCILS:
        assert f"  {slug}: " in seeded


def second_run_adds_nothing():
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "0 people, 0 members, 0 cases" in out.getvalue()
