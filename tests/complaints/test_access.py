"""Who may see a complaint, derived from the complaint as it stands (casework.access, issue 12).

Scenario: a member's concern about a housing officer, handled by the housing Director (whose line
manager is the Chief Executive), copied to the head of HR; if the member is not satisfied it goes
to the Chief Executive's stage. Each test here failed while complaints were explicit guardian
grants: grants only grew, so the first stage's handler side kept sight of a complaint passed on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from complaints import permissions as perms
from complaints import services
from complaints.selectors import complaints_visible_to, mo_desk
from complaints.states import DeterminationOutcome, Kind, Status
from protocol_portal.casework.access import access_history
from protocol_portal.casework.conflicts import Conflict, register_checker, unregister_checker
from protocol_portal.casework.models import CaseAccess
from protocol_portal.org.models import Person, PostKind
from tests.complaints.factories import AS_OF, _rule
from tests.complaints.test_services import acknowledge, give_outcome, raise_about_officer

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints/"
HANDLER = {perms.VIEW, perms.ACT, perms.DISCIPLINARY}
HANDLER_SIDE = {perms.VIEW, perms.DISCIPLINARY}


def api(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def holds(person, complaint) -> set[str]:
    return set(perms.allowed(Person.objects.get(pk=person.pk), complaint))


def investigated(o, complaint, *, on=None):
    return services.complaint_nominate_investigator(
        complaint=complaint,
        actor=o.director.holder,
        investigator_post=o.manager,
        as_of=on or AS_OF + timedelta(days=1),
    )


def escalate(o, complaint, *, on):
    return services.complaint_respond(
        complaint=complaint, actor=o.complainant.person, choice="escalate", as_of=on
    )


def test_each_audience_holds_what_the_grants_gave_it(corg):
    complaint = investigated(corg, acknowledge(corg, raise_about_officer(corg)))
    expected = {
        corg.complainant.person: {perms.VIEW, perms.RESPOND},
        corg.director.holder: HANDLER,
        corg.ce.holder: HANDLER_SIDE,  # the handler's line of management
        corg.manager.holder: HANDLER_SIDE,  # nominated to investigate (003 §67)
        corg.hr.holder: {perms.VIEW},  # copied in by the rule
        corg.officer.holder: set(),  # the person complained about
        corg.mo.holder: set(),  # not on this route, and still at its first stage
        corg.officer_2.holder: set(),
        corg.blue_member.person: set(),
    }
    for person, held in expected.items():
        assert holds(person, complaint) == held, person


def test_a_complaint_passed_on_ends_the_old_handler_sides_sight_and_right_to_act(corg):
    complaint = give_outcome(corg, investigated(corg, acknowledge(corg, raise_about_officer(corg))))
    escalated = escalate(corg, complaint, on=AS_OF + timedelta(days=4))
    assert (escalated.status, escalated.owner_post) == (Status.ESCALATED, corg.ce)
    former = (corg.director, corg.manager, corg.hr)  # handler, investigator, the old copy
    for post in former:
        client = api(post.holder)
        assert client.get(f"{API}{complaint.reference}/").status_code == 404, post
        answer = client.post(
            f"{API}{complaint.reference}/acknowledge/",
            {"intent": "will_act", "message": "Mine.", "outcome_due_on": "2026-03-27"},
            content_type="application/json",
        )
        assert answer.status_code == 404, post
        assert not complaints_visible_to(user=post.holder).filter(pk=complaint.pk).exists()
        assert holds(post.holder, complaint) == set(), post
    assert holds(corg.ce.holder, complaint) == HANDLER
    assert holds(corg.complainant.person, complaint) == {perms.VIEW, perms.RESPOND}
    # Past its first stage the complaint is on the Monitoring Officer's desk.
    assert holds(corg.mo.holder, complaint) == {perms.VIEW}
    assert complaint in mo_desk(user=corg.mo.holder)
    escalated.refresh_from_db()
    assert escalated.investigator_post is None


def test_access_history_shows_who_could_see_it_and_until_when(corg):
    later = AS_OF + timedelta(days=4)
    complaint = give_outcome(corg, investigated(corg, acknowledge(corg, raise_about_officer(corg))))
    escalate(corg, complaint, on=later)
    rows = {
        (r.audience, r.post_id or r.person_id): (r.since, r.until)
        for r in access_history(complaint)
    }
    assert rows[("handler", corg.director.pk)] == (AS_OF, later)
    assert rows[("line_manager", corg.ce.pk)] == (AS_OF, later)
    assert rows[("copied_post", corg.hr.pk)] == (AS_OF, later)
    assert rows[("investigator", corg.manager.pk)] == (AS_OF + timedelta(days=1), later)
    assert rows[("handler", corg.ce.pk)] == (later, None)
    assert rows[("monitoring", corg.mo.pk)] == (later, None)
    assert rows[("raiser", corg.complainant.person_id)] == (AS_OF, None)
    # The Monitoring Officer reads the record; the Director it was passed on from does not.
    page = api(corg.mo.holder).get(f"/case-access/{complaint.reference}/")
    assert page.status_code == 200
    assert "Housing Director" in page.content.decode()
    assert api(corg.director.holder).get(f"/case-access/{complaint.reference}/").status_code == 404


def test_the_subject_never_sees_it_even_as_the_handlers_line_manager(corg):
    # About the Chief Executive: their deputy acts, and the deputy's line manager is the subject.
    complaint = raise_about_officer(corg, post=corg.ce, informal_attempted=True)
    assert complaint.owner_post == corg.dce
    assert holds(corg.dce.holder, complaint) == HANDLER
    assert holds(corg.ce.holder, complaint) == set()
    # Not when a chaser reaches the subject's post either.
    services.complaint_on_rung(complaint, corg.ladder[-1], [corg.ce, corg.mo], AS_OF)
    assert holds(corg.ce.holder, complaint) == set()
    assert holds(corg.mo.holder, complaint) == {perms.VIEW}
    assert not CaseAccess.objects.filter(case_id=complaint.pk, post=corg.ce).exists()


def test_the_subject_never_sees_it_as_the_monitoring_officer(corg):
    """A concern about the Monitoring Officer, escalated: the desk is their deputy's, and the
    record of who could see it is not the subject's to read."""
    _rule(
        corg.council,
        "c-member-mo",
        "member",
        "monitoring_officer",
        "first",
        PostKind.DEPUTY_CHIEF_EXECUTIVE,
        next_stage="chief-executive",
        source="T §11",
    )
    complaint = raise_about_officer(corg, post=corg.mo)
    assert complaint.owner_post == corg.dce
    by = corg.dce.holder
    complaint = give_outcome(corg, acknowledge(corg, complaint, by=by), by=by)
    escalated = escalate(corg, complaint, on=AS_OF + timedelta(days=4))
    assert escalated.stage_number == 2
    assert holds(corg.mo.holder, escalated) == set()
    assert holds(corg.dmo.holder, escalated) == {perms.VIEW}
    assert not mo_desk(user=corg.mo.holder).filter(pk=complaint.pk).exists()
    assert api(corg.mo.holder).get(f"/case-access/{complaint.reference}/").status_code == 404
    assert api(corg.dmo.holder).get(f"/case-access/{complaint.reference}/").status_code == 200
    # Released to them, the subject reads what was released, and nothing else.
    services.complaint_release_to_subject(
        complaint=escalated, actor=corg.ce.holder, text="An allegation.", as_of=AS_OF
    )
    assert holds(corg.mo.holder, escalated) == {perms.VIEW_RELEASED}


@pytest.fixture
def ce_conflicted(corg):
    def checker(person, matter):
        if person.pk == corg.ce.holder_id and corg.officer.holder_id in matter.people:
            return [Conflict(person.pk, "related to the officer concerned", "T §10", True)]
        return []

    register_checker(checker)
    yield
    unregister_checker(checker)


def test_anyone_passed_over_for_a_conflict_is_barred_at_every_later_stage(corg, ce_conflicted):
    """The Chief Executive, related to the officer, is passed over at the Chief Executive's
    stage (their deputy acts); they never see the complaint, though the deputy reports to them
    and a chaser reaches their post."""
    complaint = give_outcome(corg, acknowledge(corg, raise_about_officer(corg)))
    assert holds(corg.ce.holder, complaint) == HANDLER_SIDE  # not a candidate yet
    escalated = escalate(corg, complaint, on=AS_OF + timedelta(days=4))
    assert escalated.owner_post == corg.dce
    assert set(escalated.passed_over.all()) == {corg.ce.holder}
    assert holds(corg.ce.holder, escalated) == set()
    services.complaint_on_rung(escalated, corg.ladder[-1], [corg.ce], AS_OF + timedelta(days=9))
    assert holds(corg.ce.holder, escalated) == set()
    assert holds(corg.dce.holder, escalated) == HANDLER


def test_a_second_investigator_takes_over_the_first_ones_sight(corg):
    complaint = investigated(corg, acknowledge(corg, raise_about_officer(corg)))
    complaint = services.complaint_nominate_investigator(
        complaint=complaint,
        actor=corg.director.holder,
        investigator_post=corg.policy_officer,
        as_of=AS_OF + timedelta(days=2),
    )
    assert holds(corg.policy_officer.holder, complaint) == HANDLER_SIDE
    assert holds(corg.manager.holder, complaint) == set()


def test_a_chased_post_sees_it_until_the_next_stage(corg):
    complaint = raise_about_officer(corg)
    services.complaint_on_rung(complaint, corg.ladder[-1], [corg.dce], AS_OF + timedelta(days=9))
    assert holds(corg.dce.holder, complaint) == {perms.VIEW}
    complaint = give_outcome(corg, acknowledge(corg, complaint))
    assert holds(corg.dce.holder, complaint) == {perms.VIEW}
    escalate(corg, complaint, on=AS_OF + timedelta(days=10))
    assert holds(corg.dce.holder, complaint) == set()


def test_a_referral_to_a_member_handler_ends_the_determiners_sight(corg):
    """The Monitoring Officer determines a member's conduct; referred to the Standards
    Committee, its chair handles it in person, and the Monitoring Officer keeps only the desk's
    sight (past the first stage). A post a chaser reached at the first stage sees it no more:
    a person taking over from a post is a hand-over too (casework.access)."""
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=corg.blue_member,
        summary="Misused resources",
        details="Details.",
        as_of=AS_OF,
    )
    assert holds(corg.mo.holder, complaint) == HANDLER | {perms.DETERMINE}
    assert holds(corg.policy_officer.holder, complaint) == {perms.VIEW, perms.RESPOND}
    assert holds(corg.blue_member.person, complaint) == set()
    services.complaint_on_rung(complaint, corg.ladder[-1], [corg.dce], AS_OF)
    acknowledge(corg, complaint, by=corg.mo.holder)
    services.determination_issue(
        complaint=complaint,
        actor=corg.mo.holder,
        outcome=DeterminationOutcome.STANDARDS_COMMITTEE,
        reasons="A matter for the committee.",
        as_of=AS_OF + timedelta(days=3),
    )
    complaint.refresh_from_db()
    assert complaint.handler_person == corg.standards_chair.person
    assert holds(corg.standards_chair.person, complaint) == HANDLER
    assert holds(corg.mo.holder, complaint) == {perms.VIEW}
    assert holds(corg.dce.holder, complaint) == set()


def test_a_complaint_carries_a_handful_of_access_rows(corg, capsys):
    """One row per audience member: the complainant, the handling post, its line manager and the
    copy (the guardian grants were a row per permission: eight for the same complaint)."""
    complaint = raise_about_officer(corg)
    rows = CaseAccess.objects.filter(case_id=complaint.pk, until__isnull=True)
    assert sorted(rows.values_list("audience", flat=True)) == [
        "copied_post",
        "handler",
        "line_manager",
        "raiser",
    ]
    with capsys.disabled():
        print(f"\n[access] open access rows for a first-stage complaint: {rows.count()}")
