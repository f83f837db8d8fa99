"""Stateful test of the need-to-know lifecycle on the real councils' rules: random sequences of
the services — decide (grant, partly grant, refuse), refer, dispute, withdraw, FOI, release,
open a released document, answer the FOI, time passing and the chaser sweep — asked for by a
random person and carried out only when the page would let that person do it.

After every step: the status agrees with the decisions recorded (and the FOI request, the
releases, the clock); nobody decides their own request, and a dispute is never decided by whoever
made the refusal disputed; due dates never run backwards; and every change of the request
leaves exactly one history entry, attributed to whoever made it (nothing for a no-op).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule, run_state_machine_as_test

from access_requests import permissions as perms
from access_requests import services
from access_requests.models import AccessRequest, Decision, ReleaseOpening
from access_requests.selectors import Ask, consultable_members
from access_requests.states import OPEN_STATUSES, FoiStatus, Ground, Outcome, Part, Purpose, Status
from protocol_portal.org.models import Member, Person, Post, PostKind
from tests.access_requests import helpers as h
from tests.access_requests.conftest import AS_OF, load
from tests.casework.lifecycle import LIFECYCLE, TALLY, CaseMachine

pytestmark = pytest.mark.django_db

# Like the other lifecycles (tests/casework/lifecycle.py: HYPOTHESIS_PROFILE=ci-deep deepens the
# calendar, not these), with a few more steps: a request may be referred, decided, disputed,
# decided again, released and opened before it settles.
STATE_MACHINE = settings(LIFECYCLE, stateful_step_count=25)

# Mostly well-formed, sometimes blank: a blank reason is refused and must change nothing.
TEXT = st.sampled_from(["Needed for the Planning Committee.", "Reasons given in full.", "", "  "])
# The moves that end a request (FOI, withdrawal) are mostly asked for without a reason, or by
# someone who may not, so that most sequences go on to decisions, disputes and releases.
RARELY = st.sampled_from(["", "  ", "", "Not need-to-know: please use FOI."])
# None: the grounds the outcome needs (none to grant, one to refuse or withhold).
GROUNDS = st.one_of(st.none(), st.lists(st.sampled_from([*Ground.values, "nonsense"]), max_size=3))
ROLES = ["requester", "owner", "holder", "chief_executive", "monitoring_officer", "other_member"]


def actors(likely: str):
    """Who asks, most often the person who would: the page decides whether they may
    (`permissions.can`, as the views and the API do)."""
    return st.sampled_from([likely, likely, likely, *ROLES])


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


ASKS = {
    "presumed": lambda council, member: _part_one(council),
    "must_justify": lambda council, member: h.ward_ask(council, member),
    "contract": lambda council, member: h.contract_ask(council),
    "no_right": lambda council, member: h.group_ask(council),
}


def _blank(name: str):
    """The page's form requires a reason even where the service does not (withdrawal)."""
    from django.core.exceptions import ValidationError

    raise ValidationError({"reasons": f"Give your reasons ({name})."})


class AccessRequestMachine(CaseMachine):
    label = "access_requests.AccessRequest"
    councils: dict = {}  # slug: Council, loaded once by the test
    start_at = AS_OF

    def start(self):
        self.opened = 0  # successful openings of released documents
        self.due_dates: list = []  # every due date the request has had, in order
        return None  # the request is made by the `ask` initialize rule

    @initialize(slug=st.sampled_from(h.SLUGS), kind=st.sampled_from(sorted(ASKS)))
    def ask(self, slug, kind):
        council = self.councils[slug]
        self.council = council
        self.requester = h.backbencher(council)
        self.other_member = (
            Member.objects.filter(council=council).exclude(pk=self.requester.pk).first()
        )
        self.case = services.access_request_submit(
            council=council,
            requester=self.requester.person,
            ask=ASKS[kind](council, self.requester),
            as_of=self.now,
        )
        self.due_dates.append(self.case.due_on)
        TALLY[f"asked:{kind}"] += 1

    # ---- who is asking, and may they ----------------------------------------------------

    def person(self, role: str) -> Person:
        """A fresh copy each time: no permission answer cached on the instance survives."""
        council, case = self.council, self.case
        found = {
            "requester": lambda: self.requester.person_id,
            "owner": lambda: case.owner_post.holder_id,
            "holder": lambda: case.holder_post.holder_id if case.holder_post else None,
            "chief_executive": lambda: (
                Post.objects.get(council=council, kind=PostKind.CHIEF_EXECUTIVE).holder_id
            ),
            "monitoring_officer": lambda: (
                Post.objects.get(council=council, kind=PostKind.MONITORING_OFFICER).holder_id
            ),
            "other_member": lambda: self.other_member.person_id,
        }[role]()
        return Person.objects.get(pk=found) if found else None

    def may(self, person: Person | None, *needs: str) -> bool:
        allowed = person is not None and any(perms.can(person, p, self.case) for p in needs)
        if not allowed:
            TALLY["denied"] += 1
        return allowed

    def act(self, name: str, actor: Person | None, call) -> bool:
        """Run one service call (CaseMachine.attempt: a refusal changes nothing); a change of
        the request leaves exactly one history entry, by the actor; a no-op leaves none."""
        history = AccessRequest.history.filter(id=self.case.pk)
        rows, before = history.count(), self._snapshot()
        done = self.attempt(name, call)
        if not done:
            TALLY[f"refused:{name}"] += 1
        added = history.count() - rows
        changed = self._snapshot() != before
        assert added == (1 if changed else 0), f"{name}: {added} history rows, changed={changed}"
        if changed:
            who = history.order_by("-history_id").values_list("history_user_id", flat=True)[0]
            assert who == (actor.pk if actor else None), f"{name}: history by {who}"
            if self.case.due_on != self.due_dates[-1]:
                self.due_dates.append(self.case.due_on)
        return done

    # ---- the rules ----------------------------------------------------------------------

    @rule(
        role=actors("owner"),
        outcome=st.sampled_from([*Outcome.values, "maybe"]),
        grounds=GROUNDS,
        reasons=TEXT,
        consult=st.sampled_from(["leader_or_chair", "leader_or_chair", "another_member", None]),
        body=st.sampled_from(["Planning Committee", ""]),
    )
    def decide(self, role, outcome, grounds, reasons, consult, body):
        actor = self.person(role)
        if not self.may(actor, perms.DECIDE):
            return
        if grounds is None:
            grounds = [] if outcome == Outcome.GRANTED else [Ground.DISPROPORTIONATE]
        consulted = {
            "leader_or_chair": consultable_members(request=self.case).first(),
            "another_member": self.other_member,
            None: None,
        }[consult]
        self.act(
            f"decide:{outcome}",
            actor,
            lambda: services.access_request_decide(
                request=self.case,
                actor=actor,
                outcome=outcome,
                grounds=grounds,
                reasons=reasons,
                consulted=consulted,
                consulted_view="Agrees." if consulted else "",
                referred_to_body=body,
                as_of=self.now,
            ),
        )

    # The same moves asked for by the person whose move it is, when it is theirs to make: so
    # that most sequences reach decisions, disputes and releases within their steps.
    @precondition(lambda self: self.case.status in OPEN_STATUSES)
    @rule(outcome=st.sampled_from([Outcome.REFUSED, *Outcome.values]))
    def owner_decides(self, outcome):
        self.decide("owner", outcome, None, "Reasons given in full.", "leader_or_chair", "Cabinet")

    @precondition(lambda self: self.case.status == Status.REFUSED)
    @rule()
    def requester_disputes(self):
        self.dispute("requester", "I need it for my ward.")

    @precondition(lambda self: self.case.status == Status.SUBMITTED and self.case.is_presumed)
    @rule()
    def owner_refers(self):
        self.refer("owner", "Is it exempt?")

    @precondition(
        lambda self: self.case.status == Status.GRANTED and not self.case.releases.exists()
    )
    @rule(redactions=TEXT)
    def holder_releases(self, redactions):
        self.release("holder", "The contract", redactions, True)

    @rule(role=actors("owner"), reasons=TEXT)
    def refer(self, role, reasons):
        actor = self.person(role)
        if self.may(actor, perms.DECIDE):
            self.act(
                "refer",
                actor,
                lambda: services.access_request_refer(
                    request=self.case, actor=actor, reasons=reasons, as_of=self.now
                ),
            )

    @rule(role=actors("requester"), reasons=TEXT)
    def dispute(self, role, reasons):
        actor = self.person(role)
        if self.may(actor, perms.RESPOND):
            self.act(
                "dispute",
                actor,
                lambda: services.access_request_dispute(
                    request=self.case, actor=actor, reasons=reasons, as_of=self.now
                ),
            )

    @rule(role=st.sampled_from(ROLES), reason=RARELY)
    def withdraw(self, role, reason):
        actor = self.person(role)
        if self.may(actor, perms.RESPOND):
            self.act(
                "withdraw",
                actor,
                lambda: services.access_request_withdraw(
                    request=self.case, actor=actor, reason=reason, as_of=self.now
                ),
            )

    @rule(role=st.sampled_from(ROLES), reason=RARELY)
    def to_foi(self, role, reason):
        actor = self.person(role)
        if self.may(actor, perms.RESPOND, perms.DECIDE):
            self.act(
                "foi",
                actor,
                lambda: services.access_request_to_foi(
                    request=self.case, actor=actor, reason=reason, as_of=self.now
                ),
            )

    @rule(role=actors("holder"), title=TEXT, redactions=TEXT, with_file=st.booleans())
    def release(self, role, title, redactions, with_file):
        actor = self.person(role)
        if not self.may(actor, perms.RELEASE):
            return
        upload = SimpleUploadedFile("contract.pdf", PDF) if with_file else None
        self.act(
            "release",
            actor,
            lambda: services.release_create(
                request=self.case,
                actor=actor,
                title=title,
                redactions=redactions,
                upload=upload,
                as_of=self.now,
            ),
        )

    @precondition(lambda self: self.case.releases.exclude(file="").exists())
    @rule(role=actors("requester"))
    def open_document(self, role):
        actor = self.person(role)
        if not self.may(actor, perms.VIEW):
            return
        release = self.case.releases.exclude(file="").first()
        if self.act(
            "open",
            actor,
            lambda: services.release_open(release=release, person=actor, as_of=self.now),
        ):
            self.opened += 1

    @precondition(lambda self: hasattr(self.case, "foi"))
    @rule(response=TEXT)
    def answer_foi(self, response):
        foi = self.case.foi
        actor = Person.objects.get(pk=foi.owner_post.holder_id)
        assert perms.can(actor, perms.FOI_ANSWER, foi), "the FOI handler may answer it"
        self.attempt(
            "foi-answer",
            lambda: services.foi_answer(foi=foi, actor=actor, response=response, as_of=self.now),
        )

    # The chaser sweep (CaseMachine.sweep) runs as the system: one history entry, by nobody.
    @rule(wait=st.booleans())
    def sweep(self, wait: bool) -> None:
        due = self.case.next_action_at
        if wait and due is not None and due > self.now:
            self.now = due
        if due is not None and due <= self.now:
            from protocol_portal.casework.chasers import chaser_fire
            from protocol_portal.casework.registry import spec_for

            self.act(
                "chaser",
                None,
                lambda: chaser_fire(spec=spec_for(self.label), pk=self.case.pk, as_of=self.now),
            )

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def status_agrees_with_the_decisions(self):
        c = self.case
        decisions = list(Decision.objects.filter(request=c).order_by("decided_at", "pk"))
        last = decisions[-1] if decisions else None
        disputes = [d for d in decisions if d.is_dispute]
        assert (c.closed_at is None) == (c.status in OPEN_STATUSES)
        if c.status not in OPEN_STATUSES:
            assert c.next_action_at is None, "a settled request is never chased"
        if c.status == Status.SUBMITTED:
            assert not decisions, "nothing decided yet"
        if c.status == Status.REFERRED:
            # Only a first refusal referred on for determination (000 §7.2b) is decided yet.
            assert all(d.outcome == Outcome.REFUSED and not d.is_final for d in decisions)
        if c.status == Status.GRANTED:
            assert last.outcome in (Outcome.GRANTED, Outcome.PARTLY_GRANTED)
        if c.status in (Status.REFUSED, Status.DISPUTED):
            assert last.outcome == Outcome.REFUSED
        if c.status == Status.DISPUTED:
            assert not last.is_final, "only a refusal that is not final is disputed"
            assert not disputes, "a dispute is heard once"
        assert len(disputes) <= 1, "a dispute's outcome is final"
        assert c.dispute_final == bool(disputes)
        assert all(d.is_final for d in disputes)
        for d in decisions:
            refused = d.outcome in (Outcome.REFUSED, Outcome.PARTLY_GRANTED)
            assert bool(d.grounds) == refused, "grounds exactly when refusing or withholding"
            assert d.reasons.strip()
        assert (c.status == Status.FOI) == hasattr(c, "foi")
        if hasattr(c, "foi") and c.foi.status == FoiStatus.ANSWERED:
            assert c.foi.response.strip()
            assert c.foi.closed_at is not None
        if c.releases.exists():
            assert c.status == Status.GRANTED, "documents are released only once granted"
        opened = ReleaseOpening.objects.filter(release__request=c).count()
        assert opened == self.opened, "every opening is logged, once"

    @invariant()
    def nobody_decides_their_own_request(self):
        c = self.case
        decisions = list(Decision.objects.filter(request=c).order_by("decided_at", "pk"))
        for d in decisions:
            assert d.decided_by_id != c.requester_person_id, "the requester never decides"
            assert not Member.objects.filter(council=c.council, person=d.decided_by_id).exists()
        for earlier, later in zip(decisions, decisions[1:], strict=False):
            if later.is_dispute:
                assert later.decided_by_id != earlier.decided_by_id, (
                    "a dispute is not decided by whoever made the refusal"
                )
        assert c.owner_post.holder_id != c.requester_person_id
        assert not perms.can(Person.objects.get(pk=c.requester_person_id), perms.DECIDE, c)

    @invariant()
    def due_dates_are_ordered(self):
        c = self.case
        assert c.due_on is not None
        assert c.due_on >= c.received_on
        assert self.due_dates == sorted(self.due_dates), "a due date never moves back"
        if c.breached_on is not None:
            assert c.breached_on > c.due_on, "breached only after the due date"
        moments = list(
            Decision.objects.filter(request=c).order_by("pk").values_list("decided_at", flat=True)
        )
        assert moments == sorted(moments)
        if hasattr(c, "foi"):
            assert c.foi.due_on >= c.foi.received_on >= c.received_on


def test_access_request_lifecycle_keeps_its_invariants(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    AccessRequestMachine.councils = {slug: load(slug) for slug in h.SLUGS}
    TALLY.clear()
    run_state_machine_as_test(AccessRequestMachine, settings=STATE_MACHINE)
    with capsys.disabled():
        print(
            f"\n[state machine] access request lifecycle: {TALLY['sequences']} sequences "
            f"({STATE_MACHINE.max_examples} examples, up to {STATE_MACHINE.stateful_step_count} "
            f"steps), {TALLY['steps']} steps carried out, {TALLY['refused']} refused, "
            f"{TALLY['denied']} denied by permission; {dict(sorted(TALLY.items()))}"
        )
    assert TALLY["steps"] > 0
    assert TALLY["denied"] > 0
