"""Services on real councils: presumed grants, referral, refusal grounds, FOI on the UK-wide
calendar across bank holidays, release with conditions, the access log, and the chasers."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from access_requests import presumptions, services
from access_requests.models import AccessRequest, Decision, ReleaseOpening
from access_requests.selectors import Ask
from access_requests.states import Ground, Outcome, Part, Purpose, Status
from protocol_portal.casework.chasers import chaser_fire
from protocol_portal.casework.models import CaseEvent, OutboxMessage
from protocol_portal.casework.registry import spec_for
from protocol_portal.casework.transitions import TransitionError
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, LONDON, load

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submit(council, member, ask, as_of=AS_OF, **kw) -> AccessRequest:
    return services.access_request_submit(
        council=council, requester=member.person, ask=ask, as_of=as_of, **kw
    )


def _part_one(council) -> Ask:
    return Ask(
        what="Cabinet report on the housing strategy",
        directorate=h.housing(council),
        purpose=Purpose.OTHER,
        justification="For the Council debate.",
        for_meeting=True,
        committee=h.cabinet(council),
        part=Part.PART_1,
    )


def test_part_i_papers_are_a_statutory_right_granted_by_the_holder():
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = _submit(council, member, _part_one(council))
    assert request.presumption == "statutory_right"
    assert request.presumption_source == "000 §7.6(i)"
    assert request.owner_post.slug == "director-housing"
    decision = services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.GRANTED,
        reasons="Public papers.",
        as_of=AS_OF,
    )
    request.refresh_from_db()
    assert request.status == Status.GRANTED
    assert not decision.is_dispute
    assert request.next_action_at is None
    # Repeating is loud: nothing left to decide.
    with pytest.raises(ValidationError):
        services.access_request_decide(
            request=request,
            actor=request.owner_post.holder,
            outcome=Outcome.GRANTED,
            reasons="Again.",
            as_of=AS_OF,
        )


def test_holder_cannot_refuse_a_presumed_request_but_refers_it_to_the_determiner():
    council = load("south-oxfordshire")
    member = h.scrutiny_member(council)
    request = _submit(council, member, h.scrutiny_ask(council))
    assert request.presumption == "prima_facie"
    assert request.owner_post.slug == "planning-officer"
    with pytest.raises(ValidationError) as err:
        services.access_request_decide(
            request=request,
            actor=request.owner_post.holder,
            outcome=Outcome.REFUSED,
            grounds=[Ground.ULTERIOR],
            reasons="Party political.",
            as_of=AS_OF,
        )
    assert "refer" in str(err.value)
    request = services.access_request_refer(
        request=request,
        actor=request.owner_post.holder,
        reasons="The purpose looks solely party political (002 §80).",
        as_of=AS_OF,
    )
    assert request.status == Status.REFERRED
    assert (request.stage, request.owner_post.slug) == (
        "monitoring-officer",
        "head-of-legal-and-democratic",
    )
    # The referring officer can no longer decide; the Monitoring Officer can.
    planning = h.post(council, "planning-officer").holder
    assert not planning.has_perm("access_requests.decide_accessrequest", request)
    mo = request.owner_post.holder
    assert mo.has_perm("access_requests.decide_accessrequest", request)
    decision = services.access_request_decide(
        request=request,
        actor=mo,
        outcome=Outcome.REFUSED,
        grounds=[Ground.ULTERIOR, Ground.DISPROPORTIONATE],
        reasons="Solely party political; and a large collation for marginal benefit.",
        as_of=AS_OF,
    )
    assert decision.ground_sources == ["002 §80; 002 §81", "002 §83"]
    assert not decision.is_final  # the member may still dispute to the Chief Executive


@pytest.mark.parametrize(
    ("ground", "protocol", "source"),
    [
        (Ground.FISHING, "000", "000 §7.11"),
        (Ground.ULTERIOR, "000", "000 §7.11; 000 §7.8"),
        (Ground.OWN_INTEREST, "002", "002 §81"),
        (Ground.HOSTILE_PROCEEDINGS, "002", "002 §81"),
        (Ground.DISPROPORTIONATE, "002", "002 §83"),
        (Ground.CONFIDENTIAL, "004", "004 §12.3"),
        (Ground.OTHER_GROUP, "000", "000 §7.14"),
        (Ground.PERSONAL_RECORDS, "000", "000 §7.13"),
        (Ground.HOSTILE_PROCEEDINGS, "003", "003 §52 (common-law need to know)"),
        # The audit's bad citations 1–4: each now cites what the paragraph says, or "default"
        # where the protocol is silent (README.md, "Portal defaults").
        (Ground.FISHING, "001", "001 §5.3.8.4"),
        (Ground.OTHER_GROUP, "001", "default"),
        (Ground.PERSONAL_RECORDS, "001", "default"),
        (Ground.OTHER_GROUP, "003", "default"),
        (Ground.PERSONAL_RECORDS, "002", "default"),
        (Ground.PERSONAL_RECORDS, "003", "default"),
        (Ground.PERSONAL_RECORDS, "004", "default"),
        (Ground.DISPROPORTIONATE, "004", "default"),
    ],
)
def test_every_refusal_ground_cites_its_paragraph(ground, protocol, source):
    assert presumptions.ground_source(ground, h.council_of(protocol)) == source


def test_refusal_needs_grounds_and_reasons():
    council = load("hackney")
    member = h.backbencher(council)
    request = _submit(council, member, h.group_ask(council))
    with pytest.raises(ValidationError) as err:
        services.access_request_decide(
            request=request,
            actor=request.owner_post.holder,
            outcome=Outcome.REFUSED,
            reasons="",
            as_of=AS_OF,
        )
    assert set(err.value.message_dict) == {"grounds", "reasons"}
    assert not Decision.objects.exists()


def test_member_may_ask_for_foi_and_is_told_the_date():
    council = load("southwark")
    member = h.backbencher(council)
    request = _submit(council, member, h.group_ask(council), wants_foi=True)
    assert request.status == Status.FOI
    foi = request.foi
    # Southwark's file names the officer for FOI requests whichever department holds the
    # information (settings: officer_for; 003 §58).
    assert foi.owner_post.slug == "information-governance-officer"
    assert foi.rule_source == "003 §58–60"
    told = OutboxMessage.objects.get(key=f"access_requests.AccessRequest:{request.pk}:foi")
    assert "20 working days" in told.body
    assert "003 §58–60" in told.body
    assert member.person.has_perm("access_requests.view_foirequest", foi)


def test_foi_clock_runs_on_the_uk_wide_calendar_across_bank_holidays():
    """FOIA s.10(6): any UK bank holiday is excluded; receipt is day 0."""
    council = load("tower-hamlets")
    member = h.backbencher(council)
    # Received Wednesday 1 April 2026: Good Friday (3rd) and Easter Monday (6th) are skipped.
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=LONDON), tick=False):
        from django.utils import timezone

        request = _submit(council, member, h.group_ask(council), as_of=timezone.now())
        foi = services.access_request_to_foi(
            request=request,
            actor=request.owner_post.holder,
            reason="Not need-to-know: another group's papers.",
            as_of=timezone.now(),
        )
    assert foi.received_on == date(2026, 4, 1)
    assert foi.due_on == date(2026, 5, 1)
    # Received Monday 2 March 2026: St Patrick's Day (17th, Northern Ireland only) is skipped
    # on the FOI clock although the council's own (England and Wales) calendar works it.
    other = _submit(council, member, h.group_ask(council))
    foi = services.access_request_to_foi(
        request=other, actor=member.person, reason="I ask for FOI.", as_of=AS_OF
    )
    assert foi.due_on == date(2026, 3, 31)
    assert other.due_on == date(2026, 3, 16)  # the need-to-know clock: council working days


def _granted(council):
    member = h.backbencher(council)
    request = _submit(council, member, h.contract_ask(council))
    services.access_request_decide(
        request=request,
        actor=request.owner_post.holder,
        outcome=Outcome.PARTLY_GRANTED,
        grounds=[Ground.CONFIDENTIAL],
        reasons="Prices are commercially sensitive.",
        as_of=AS_OF,
    )
    return member, AccessRequest.objects.get(pk=request.pk)


def test_release_with_conditions_is_marked_and_every_opening_logged():
    council = load("tower-hamlets")
    member, request = _granted(council)
    holder = h.post(council, "director-housing").holder
    with pytest.raises(ValidationError) as err:
        services.release_create(request=request, actor=holder, title="The contract", as_of=AS_OF)
    assert "redactions" in err.value.message_dict
    release = services.release_create(
        request=request,
        actor=holder,
        title="The contract",
        redactions="Unit prices: commercially sensitive (000 §7.12).",
        upload=SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf"),
        as_of=AS_OF,
    )
    assert release.marking.startswith("Confidential")
    assert release.marking_source == "000 §7.16"
    assert "000 §7.16" in release.conditions
    # Stored under MEDIA_ROOT (outside the web root), served only through a checked view.
    assert release.file.path.startswith(str(settings.MEDIA_ROOT))
    services.release_open(release=release, person=member.person, as_of=AS_OF)
    assert ReleaseOpening.objects.filter(release=release, person=member.person).count() == 1


def test_a_renamed_file_is_refused():
    council = load("tower-hamlets")
    _, request = _granted(council)
    with pytest.raises(ValidationError) as err:
        services.release_create(
            request=request,
            actor=request.owner_post.holder,
            title="x",
            redactions="y",
            upload=SimpleUploadedFile(
                "evil.pdf", b"MZ\x90\x00binary", content_type="application/pdf"
            ),
            as_of=AS_OF,
        )
    assert "not really a PDF" in " ".join(err.value.message_dict["file"])


def test_a_release_takes_the_same_file_types_as_an_enquiry_attachment():
    """One upload rule for the kernel (protocol_portal/casework/files.py): a budget spreadsheet
    may be released, as a member may attach one; text must be UTF-8, as for attachments."""
    council = load("tower-hamlets")
    _, request = _granted(council)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    release = services.release_create(
        request=request,
        actor=request.owner_post.holder,
        title="Budget lines",
        redactions="Supplier names: commercially sensitive.",
        upload=SimpleUploadedFile("budget.xlsx", package.getvalue()),
        as_of=AS_OF,
    )
    assert release.content_type.endswith("spreadsheetml.sheet")
    with pytest.raises(ValidationError) as err:
        services.release_create(
            request=request,
            actor=request.owner_post.holder,
            title="Notes",
            redactions="None.",
            upload=SimpleUploadedFile("notes.txt", b"caf\xe9 latin-1 \xff\xfe"),
            as_of=AS_OF,
        )
    assert "not really a TXT" in " ".join(err.value.message_dict["file"])


def test_withdraw_twice_is_a_no_op_and_a_withdrawn_request_cannot_be_disputed():
    council = load("tower-hamlets")
    member = h.backbencher(council)
    request = _submit(council, member, h.group_ask(council))
    services.access_request_withdraw(request=request, actor=member.person, reason="", as_of=AS_OF)
    services.access_request_withdraw(request=request, actor=member.person, reason="", as_of=AS_OF)
    assert CaseEvent.objects.filter(kind="withdrawn", case_id=request.pk).count() == 1
    with pytest.raises(TransitionError):
        services.access_request_dispute(
            request=request, actor=member.person, reasons="x", as_of=AS_OF
        )


def test_a_late_sweep_escalates_once_and_skips_the_stale_rungs():
    """The beat was down past every rung: the sweep sends only the rung due now (the Chief
    Executive's escalation), once, and the reminder and chase are recorded as skipped."""
    council = load("south-oxfordshire")
    member = h.backbencher(council)
    request = _submit(council, member, h.ward_ask(council, member))
    assert request.due_on == date(2026, 3, 16)
    assert request.next_action_at == datetime(2026, 3, 12, 7, 0, tzinfo=LONDON)  # 2 days before
    spec = spec_for("access_requests.AccessRequest")
    ce = h.post(council, "chief-executive").holder
    assert not ce.has_perm("access_requests.view_accessrequest", request)
    late = datetime(2026, 3, 20, 8, 0, tzinfo=LONDON)
    fired = [chaser_fire(spec=spec, pk=request.pk, as_of=late) for _ in range(4)]
    assert fired == ["escalate-chief-executive", None, None, None]
    request.refresh_from_db()
    assert request.breached_on == date(2026, 3, 20)
    assert ce.has_perm("access_requests.view_accessrequest", request)
    keys = set(
        OutboxMessage.objects.filter(
            rung__in=["reminder", "chase", "escalate-chief-executive"]
        ).values_list("key", flat=True)
    )
    assert len(keys) == 1


def test_interest_never_leaves_a_request_presumed():
    book = h.book("000")
    facts = presumptions.Facts(purpose=Purpose.WARD, ward_is_members=True, has_interest=True)
    result = presumptions.presume(facts, book)
    assert not result.presumed  # no right at all, since 000 §7.7 (test_protocol_fidelity)
    assert result.source.startswith("000 §7.7")
