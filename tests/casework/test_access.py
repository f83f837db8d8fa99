"""Access derived from the case (casework.access), proved on enquiries: the audiences, what each
may see and do, hand-overs that end sight, the record of who could see a case and when, and a
state machine checking that the people who can see an enquiry are exactly those the protocol
says, whatever happened to it.

The findings of the December 2026 security probe each have a test here that failed before the
policy was derived from the case: F3 (a former owner keeps sight and can close), F4 (a copied
member of another group reads the resident's reference), F13 (a member who also holds the
handling post answers their own enquiry)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from enquiries import services, tallies
from enquiries.permissions import ACT, ATTACHMENTS, FOLLOW_UP, VIEW, allowed, can
from enquiries.selectors import enquiries_visible_to
from protocol_portal.casework.access import access_history, access_sync
from protocol_portal.casework.models import CaseAccess, Notice, OutboxMessage
from protocol_portal.org.models import Person, Post, PostKind
from protocol_portal.org.services import post_set_holder
from tests.casework.lifecycle import LIFECYCLE, TALLY, CaseMachine
from tests.conftest import LONDON, build_org
from tests.enquiries.helpers import log
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/enquiries/"


def api(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_each_audience_holds_what_the_protocol_gives_it(org, as_of):
    enquiry = log(org, as_of)
    assert enquiry.owner_post == org.housing_officer
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.opponent, actor=org.raiser.person, as_of=as_of
    )
    officer = {VIEW, ACT, ATTACHMENTS}
    expected = {
        org.raiser.person: {VIEW, ATTACHMENTS, FOLLOW_UP},
        org.housing_officer.holder: officer,
        org.housing_manager.holder: officer,  # the handler's line of management
        org.housing_director.holder: officer,
        org.ce.holder: officer,
        org.triage.holder: officer,  # member services
        org.mo.holder: set(),  # only once referred to them (000 §7.2b)
        org.opponent.person: {VIEW},  # copied with the raiser's permission: no personal data
        org.colleague.person: set(),  # same ward and group: never without a copy (000 §7.19)
        org.housing_officer_2.holder: set(),  # same team, not handling it
        org.env_director.holder: set(),
    }
    for person, perms in expected.items():
        assert allowed(Person.objects.get(pk=person.pk), enquiry) == perms, person


def test_the_inactive_the_anonymous_and_strangers_hold_nothing(org, as_of):
    enquiry = log(org, as_of)
    inactive = org.housing_officer.holder
    inactive.is_active = False
    inactive.save()
    assert allowed(inactive, enquiry) == frozenset()
    assert allowed(AnonymousUser(), enquiry) == frozenset()
    assert allowed(PersonFactory(), enquiry) == frozenset()
    root = PersonFactory(is_superuser=True, is_staff=True)
    assert {VIEW, ACT, ATTACHMENTS, FOLLOW_UP} <= allowed(root, enquiry)


def test_what_a_reader_holds_is_one_query(org, as_of, django_assert_num_queries):
    enquiry = log(org, as_of)
    with django_assert_num_queries(1):
        allowed(org.housing_manager.holder, enquiry)


def test_f3_passing_an_enquiry_on_ends_the_former_owners_sight(org, as_of):
    """F3: passed to another directorate, the enquiry is no longer the former owner's or their
    managers' to read or close; the new owner's line takes it up."""
    enquiry = log(org, as_of)
    reference = enquiry.reference
    services.enquiry_reassign(
        enquiry=enquiry,
        to_post=org.env_officer,
        reason="not housing: it is the bins",
        actor=org.housing_officer.holder,
        as_of=as_of,
    )
    for former in (org.housing_officer, org.housing_manager, org.housing_director):
        client = api(former.holder)
        assert client.get(f"{API}{reference}/").status_code == 404
        closing = client.post(f"{API}{reference}/close/", {"reason": "x"}, "application/json")
        assert closing.status_code == 404
        assert not enquiries_visible_to(user=former.holder).filter(pk=enquiry.pk).exists()
    for now in (org.env_officer, org.env_director, org.triage, org.ce):
        assert can(now.holder, ACT, enquiry), now
    assert can(org.raiser.person, VIEW, enquiry)


def test_f3_the_record_shows_who_could_see_it_and_until_when(org, as_of):
    enquiry = log(org, as_of)
    later = as_of + timedelta(days=1)
    services.enquiry_reassign(
        enquiry=enquiry,
        to_post=org.env_officer,
        reason="bins",
        actor=org.housing_officer.holder,
        as_of=later,
    )
    rows = {
        (r.audience, r.post_id or r.person_id): (r.since, r.until) for r in access_history(enquiry)
    }
    assert rows[("handler", org.housing_officer.pk)] == (as_of, later)
    assert rows[("line_manager", org.housing_manager.pk)] == (as_of, later)
    assert rows[("handler", org.env_officer.pk)] == (later, None)
    assert rows[("raiser", org.raiser.person_id)] == (as_of, None)


def test_escalation_posts_see_it_until_it_is_passed_on(org, as_of):
    enquiry = log(org, as_of)
    rung = org.ladder[-1]
    services.enquiry_on_rung(enquiry, rung, [org.env_director], as_of)
    assert can(org.env_director.holder, ACT, enquiry)
    services.enquiry_reassign(
        enquiry=enquiry,
        to_post=org.housing_officer_2,
        reason="workload",
        actor=org.housing_manager.holder,
        as_of=as_of + timedelta(hours=1),
    )
    assert not can(org.env_director.holder, VIEW, enquiry)
    assert can(org.housing_officer_2.holder, ACT, enquiry)


def test_f4_a_copied_member_never_sees_the_residents_reference(org, as_of):
    """F4: a member of another group, copied in by the raiser, reads the enquiry but not the
    resident's reference or attachments, on the page or through the API."""
    secret = "RES-SECRET-12345 NI AB123456C"
    enquiry = log(org, as_of, resident_reference=secret)
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.opponent, actor=org.raiser.person, as_of=as_of
    )
    copied = api(org.opponent.person)
    detail = copied.get(f"{API}{enquiry.reference}/")
    assert detail.status_code == 200
    assert detail.json()["resident_reference"] == ""
    assert detail.json()["attachments"] == []
    page = copied.get(f"/enquiries/{enquiry.reference}/")
    assert page.status_code == 200
    assert secret not in page.content.decode()
    # Those handling it, and the member, still see it.
    for person in (org.raiser.person, org.housing_officer.holder):
        assert api(person).get(f"{API}{enquiry.reference}/").json()["resident_reference"] == secret
        assert secret in api(person).get(f"/enquiries/{enquiry.reference}/").content.decode()


def test_f13_nobody_acts_on_an_enquiry_they_raised(org, as_of):
    """F13: a councillor who also holds the post the enquiry goes to may follow it as its member
    but never accept, answer or close it."""
    post_set_holder(post=org.triage, holder=org.raiser.person)
    post_set_holder(post=org.housing_officer, holder=org.raiser.person)
    enquiry = log(org, as_of)
    assert enquiry.owner_post.holder_id == org.raiser.person_id
    assert allowed(org.raiser.person, enquiry) == {VIEW, ATTACHMENTS, FOLLOW_UP}
    client = api(org.raiser.person)
    for action in ("accept", "close"):
        response = client.post(f"{API}{enquiry.reference}/{action}/", {}, "application/json")
        assert response.status_code == 403, action
    answered = client.post(
        f"{API}{enquiry.reference}/respond/", {"response": "my own answer"}, "application/json"
    )
    assert answered.status_code == 403
    assert can(org.housing_manager.holder, ACT, enquiry)  # the line above them can


def test_involved_officers_never_see_it_whoever_in_their_team_holds_it(org, as_of):
    """000 §13.5: an officer involved in the proceedings never handles the enquiry, and does not
    regain sight as the line manager of whoever in their team takes it."""
    enquiry = log(org, as_of, relates_to_legal_proceedings=True)
    manager = org.housing_manager.holder
    services.enquiry_mark_involved(
        enquiry=enquiry, officer=manager, actor=org.triage.holder, as_of=as_of
    )
    # Such an enquiry is not passed down to the team at all (000 §13.5: "the appropriate
    # Director or Corporate Director"); placed with a team member all the same (by an admin's
    # correction), the officer involved still does not see it.
    with pytest.raises(ValidationError, match="000 §13.5"):
        services.enquiry_reassign(
            enquiry=enquiry,
            to_post=org.housing_officer,
            reason="the officer can answer on process",
            actor=org.triage.holder,
            as_of=as_of,
        )
    enquiry.owner_post = org.housing_officer
    enquiry.save()
    access_sync(enquiry, as_of=as_of)
    assert can(org.housing_officer.holder, ACT, enquiry)
    assert not can(manager, VIEW, enquiry)
    assert can(org.housing_director.holder, VIEW, enquiry)


def test_an_escalation_ends_when_the_officer_it_reached_is_found_to_be_involved(org, as_of):
    """000 §13.5: a chaser escalated a legal-proceedings enquiry to a Director; once that
    Director is marked as involved in the proceedings, the escalation no longer lets them see
    it (it did: a recorded audience was kept until the next hand-over, barred or not)."""
    enquiry = log(org, as_of, relates_to_legal_proceedings=True)
    director = org.housing_director
    services.enquiry_on_rung(enquiry, org.ladder[0], [director], as_of)
    assert can(director.holder, VIEW, enquiry)
    services.enquiry_mark_involved(
        enquiry=enquiry, officer=director.holder, actor=org.triage.holder, as_of=as_of
    )
    assert not can(director.holder, VIEW, enquiry)
    ended = CaseAccess.objects.get(post=director, audience="escalated")
    assert ended.until == as_of


def test_an_enquiry_carries_a_handful_of_access_rows(org, as_of, capsys):
    enquiries = [log(org, as_of, subject=f"Enquiry {n}") for n in range(5)]
    rows = CaseAccess.objects.filter(until__isnull=True).count()
    with capsys.disabled():
        print(f"\n[access] open access rows per enquiry: {rows / len(enquiries):.1f}")
    assert rows / len(enquiries) <= 8


# --------------------------------------------------------------------------- the state machine


class AccessMachine(CaseMachine):
    """Random routes, hand-overs, escalations, copies, legal flags, closes and reopens; after
    every step, the people who can see the enquiry are exactly its audiences, worked out here
    from the protocol's words rather than from the policy's code."""

    label = "enquiries.Enquiry"
    org = None
    start_at = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)

    def start(self):
        self.escalated: set[int] = set()  # posts escalated to since the last hand-over
        self.chased: set[int] = set()  # people a chaser rung went to since then
        self.involved: set[int] = set()
        return log(self.org, self.now)

    def handed_over(self):
        self.escalated.clear()
        self.chased.clear()

    @rule(wait=st.booleans())
    def sweep(self, wait):
        """The kernel's sweep, noting who each rung it fires goes to: a chaser escalates the
        enquiry to them (000 §7.1)."""
        rungs = OutboxMessage.objects.filter(case_id=self.case.pk).exclude(rung="")
        before = set(rungs.values_list("pk", flat=True))
        CaseMachine.sweep(self, wait)
        fired = rungs.exclude(pk__in=before)
        self.chased |= set(
            Notice.objects.filter(message__in=fired).values_list("person", flat=True)
        )

    def posts(self):
        o = self.org
        return [o.housing_officer, o.housing_officer_2, o.housing_manager, o.env_officer, o.mo]

    @rule(index=st.integers(0, 4))
    def pass_on(self, index):
        to = self.posts()[index]
        before = self.case.owner_post_id
        if (
            self.attempt(
                "pass_on",
                lambda: services.enquiry_reassign(
                    enquiry=self.case,
                    to_post=to,
                    reason="Workload",
                    actor=self.org.triage.holder,
                    as_of=self.now,
                ),
            )
            and before != self.case.owner_post_id
        ):
            self.handed_over()

    @rule(index=st.integers(0, 4))
    def escalate(self, index):
        post = self.posts()[index]
        services.enquiry_on_rung(self.case, self.org.ladder[0], [post], self.now)
        self.escalated.add(post.pk)
        TALLY["escalate"] += 1

    @rule(member=st.sampled_from(["colleague", "opponent", "south_member"]))
    def copy(self, member):
        self.attempt(
            "copy",
            lambda: services.enquiry_share_with_member(
                enquiry=self.case,
                member=getattr(self.org, member),
                actor=self.org.raiser.person,
                as_of=self.now,
            ),
        )

    @rule()
    def legal_proceedings(self):
        before = self.case.owner_post_id
        self.attempt(
            "legal",
            lambda: services.enquiry_set_flags(
                enquiry=self.case,
                relates_to_legal_proceedings=True,
                actor=self.org.triage.holder,
                as_of=self.now,
            ),
        )
        if before != self.case.owner_post_id:
            self.handed_over()

    @rule(index=st.integers(0, 4))
    def involve(self, index):
        officer = self.posts()[index].holder
        before = self.case.owner_post_id
        if self.attempt(
            "involve",
            lambda: services.enquiry_mark_involved(
                enquiry=self.case, officer=officer, actor=self.org.triage.holder, as_of=self.now
            ),
        ):
            self.involved.add(officer.pk)
            if before != self.case.owner_post_id:
                self.handed_over()

    @rule()
    def close(self):
        self.attempt(
            "close",
            lambda: services.enquiry_close(
                enquiry=self.case, reason="Resolved", actor=self.org.triage.holder, as_of=self.now
            ),
        )

    @rule()
    def reopen(self):
        self.attempt(
            "reopen",
            lambda: services.enquiry_reopen(
                enquiry=self.case,
                reason="Still broken",
                actor=self.org.raiser.person,
                as_of=self.now,
                by_member=True,
            ),
        )

    def expected_viewers(self) -> set[int]:
        """Who the protocol lets read the enquiry now (000 §7.19, §13.5; 002 §85)."""
        e, o = self.case, self.org
        barred = self.involved if e.relates_to_legal_proceedings else set()
        people = {o.raiser.person_id}
        people |= set(
            e.copies.filter(member__isnull=False).values_list("member__person", flat=True)
        )
        posts = {o.triage.pk}  # member services sees every enquiry
        post = e.owner_post
        while post is not None:  # the handler and their line of management
            posts.add(post.pk)
            post = post.line_manager
        posts |= self.escalated
        holders = set(Post.objects.filter(pk__in=posts).values_list("holder", flat=True))
        return (people | holders | self.chased) - barred - {None}

    @invariant()
    def exactly_the_audiences_see_it(self):
        everyone = Person.objects.filter(is_active=True)
        seeing = {p.pk for p in everyone if can(p, VIEW, self.case)}
        assert seeing == self.expected_viewers()
        listed = {
            p.pk for p in everyone if enquiries_visible_to(user=p).filter(pk=self.case.pk).exists()
        }
        assert listed == seeing

    @invariant()
    def the_dashboard_totals_count_what_each_post_sees(self):
        """PostgreSQL's stored totals (enquiries.tallies) equal a count made afresh."""
        if tallies.kept():
            assert tallies.differences() == []


def test_the_people_who_see_an_enquiry_are_exactly_its_audiences(capsys):
    AccessMachine.org = build_org()
    TALLY.clear()
    run_state_machine_as_test(AccessMachine, settings=LIFECYCLE)
    with capsys.disabled():
        print(f"\n[access state machine] {dict(TALLY)}")
    assert TALLY["steps"] > 0


def test_the_monitoring_officer_sees_who_could_see_a_case_and_when(org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_reassign(
        enquiry=enquiry,
        to_post=org.env_officer,
        reason="bins",
        actor=org.housing_officer.holder,
        as_of=as_of + timedelta(days=1),
    )
    url = f"/case-access/{enquiry.reference}/"
    page = api(org.mo.holder).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Housing Officer" in text
    assert "Environment Officer" in text
    assert "2 March 2026" in text
    assert "3 March 2026" in text
    assert "Now" in text
    lookup = api(org.mo.holder).get("/case-access/", {"reference": enquiry.reference.lower()})
    assert lookup.status_code == 302
    assert lookup["Location"] == url
    # Nobody else may read the record, not even those handling the case.
    for person in (org.env_officer.holder, org.ce.holder, org.raiser.person):
        assert api(person).get(url).status_code == 404
    assert api(org.mo.holder).get("/case-access/NOPE-ENQ-2026-00001/").status_code == 404


def test_a_rebuild_brings_open_cases_up_to_date_with_the_organisation(org, as_of):
    from django.core.management import call_command

    from tests.factories import PostFactory

    enquiry = log(org, as_of)
    desk = PostFactory(
        council=org.council,
        slug="member-services-2",
        kind=PostKind.MEMBER_SERVICES,
        holder=PersonFactory(username="second-desk"),
    )
    assert not can(desk.holder, VIEW, enquiry)
    call_command("access_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert can(desk.holder, ACT, enquiry)
    before = CaseAccess.objects.count()
    call_command("access_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CaseAccess.objects.count() == before  # idempotent


def test_a_list_may_leave_out_the_rows_of_audiences_whose_cases_it_drops(org, as_of):
    """`visible(besides=...)` reads no row of those audiences: the handler does not find the
    enquiry they handle, its line manager and triage still do (the oversight panel's read)."""
    from protocol_portal.casework.access import HANDLER, RAISER

    enquiry = log(org, as_of)
    handler = Person.objects.get(pk=org.housing_officer.holder.pk)
    manager = Person.objects.get(pk=org.housing_manager.holder.pk)
    triage = Person.objects.get(pk=org.triage.holder.pk)
    raiser = Person.objects.get(pk=org.raiser.person.pk)
    for person in (handler, manager, triage, raiser):
        assert enquiry in enquiries_visible_to(user=person)
    assert enquiry not in enquiries_visible_to(user=handler, besides={HANDLER})
    assert enquiry not in enquiries_visible_to(user=raiser, besides={RAISER})
    assert enquiry in enquiries_visible_to(user=manager, besides={HANDLER, RAISER})
    assert enquiry in enquiries_visible_to(user=triage, besides={HANDLER, RAISER})
