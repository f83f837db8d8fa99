"""Held-out scenarios for issue 4, written from the protocol texts (shared/protocols/), run on
every real council's file with its demo people, through the JSON API and the browser pages.

For each council: a member complaining about a Director, a member complaining about the Chief
Executive, and an officer complaining about a group leader — the handler post, who is copied,
the next stage if the complainant is not satisfied, and the paragraph the route explanation
cites. Where a protocol is silent the portal routes to its default (the Monitoring Officer,
copied to the head of HR, for the Chief Executive) and says plainly that the protocol is silent.

Then, on every council: escalation on dissatisfaction, a conflicted handler passed over,
issued determinations that cannot be edited but only superseded with a reason, who may see a
complaint, and the Standards Committee's quarterly summary (no names; CSV; chart).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Complaint, Determination, IssuedDeterminationError
from complaints.states import Kind
from interests import services as interests
from protocol_portal.casework.services import timeline_for
from protocol_portal.org import council_files
from protocol_portal.org.calendars import _council_calendar
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council, Member, MemberRoleKind, Post
from tests.complaints.factories import AS_OF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "_fast_passwords")]

SLUGS = [
    "hackney",
    "part-5-3",
    "south-oxfordshire",
    "southwark",
    "tower-hamlets",
    "vale-of-white-horse",
]
CHAIR_OF_STANDARDS = "Chair of the Standards Committee"


@dataclass(frozen=True)
class Expect:
    """What the protocol text says: handler post, copied posts (and member roles), the next
    stage and who handles it (None: final), the paragraph cited, and whether it is silent."""

    handler: str
    paragraph: str
    copied: frozenset[str] = frozenset()
    copied_roles: frozenset[str] = frozenset()
    next_stage: str | None = None
    next_handler: str | None = None  # a post slug, or CHAIR_OF_STANDARDS
    subject_responds: bool = False  # the person complained about answers first (003 §69)
    upheld_moves_on: bool = False  # the next stage follows an upheld outcome (003 §66)
    silent: bool = False
    stage: str = "first"


# ---- a member complaining about a Director ------------------------------------------------
# council: [(the Director complained about, what the protocol says)]
ABOUT_DIRECTOR = {
    # "a concern about an officer ... to the Chief Executive where it involves a Director
    # personally" (000 §5 'As a Member' b); "Any concern about a Corporate Director should be
    # raised privately with the Chief Executive" (000 §14.2). No further stage is named.
    "tower-hamlets": [
        ("director-housing", Expect("chief-executive", "000 §14.2")),
        ("corporate-director-housing-regeneration", Expect("chief-executive", "000 §14.2")),
    ],
    # "approach the relevant Director or the Chief Executive, as appropriate" (001 §5.3.3.3).
    "part-5-3": [("director-housing-communities", Expect("chief-executive", "001 §5.3.3.3"))],
    # A formal complaint about an officer is lodged in writing with the Chief Executive
    # (002 §105). The Deputy Chief Executives are the Directors of the shared staff.
    "south-oxfordshire": [("deputy-chief-executive-place", Expect("chief-executive", "002 §105"))],
    "vale-of-white-horse": [
        ("deputy-chief-executive-place", Expect("chief-executive", "002 §105"))
    ],
    # A chief officer → the chief executive for informal review (003 §68), the last stage.
    # This scenario first expected §70's report to the leader to follow; the text does not say
    # so. §70 follows §69, the chief executive's own answer to a complaint about them: "Where a
    # complaint relates to the chief executive ... The chief executive will provide the member
    # with a written response to their complaint" (§69). "If the member remains dissatisfied
    # with the response of the chief executive s/he will notify the monitoring officer and the
    # head of human resources in writing and they will prepare a report for consideration by
    # the leader of the council" (§70). For a chief officer §68 ends with the chief executive:
    # "If the matter is not resolved at this preliminary stage or in cases of serious
    # complaints, the chief executive, taking appropriate advice will consider whether any
    # formal process under the council's employment procedures ... is appropriate" (§68).
    "southwark": [
        (subject, Expect("chief-executive", "003 §68"))
        for subject in ("strategic-director-housing", "director-of-strategy-and-communications")
    ],
    # "the relevant service director and/or the Chief Executive" (004 §16.1): the Director
    # cannot deal with a complaint about themselves. §11.6's next step is the Chief Executive,
    # who already has it, so this is the final stage.
    "hackney": [
        ("director-housing", Expect("chief-executive", "004 §16.1")),
        ("corporate-director-neighbourhoods-housing", Expect("chief-executive", "004 §16.1")),
    ],
}

# ---- a member complaining about the Chief Executive ---------------------------------------
ABOUT_CHIEF_EXECUTIVE = {
    # "Any concern about the Chief Executive should be raised privately with the Monitoring
    # Officer" (000 §14.2).
    "tower-hamlets": Expect("monitoring-officer", "000 §14.2"),
    # Silent: §5.3.3.3 names the relevant Director or the Chief Executive. Default: the
    # Monitoring Officer, copied to the head of HR.
    "part-5-3": Expect("monitoring-officer", "", copied=frozenset({"head-of-hr"}), silent=True),
    # The Deputy Chief Executive – Transformation and Operations (the HR lead), copied to the
    # Monitoring Officer (002 §106).
    "south-oxfordshire": Expect(
        "deputy-chief-executive-operations",
        "002 §106",
        copied=frozenset({"head-of-legal-and-democratic"}),
    ),
    "vale-of-white-horse": Expect(
        "deputy-chief-executive-operations",
        "002 §106",
        copied=frozenset({"head-of-legal-and-democratic"}),
    ),
    # §69: the chief executive gives the member a written response; still dissatisfied, §70:
    # the monitoring officer and the head of HR, reporting to the leader.
    "southwark": Expect(
        "chief-executive",
        "003 §69",
        next_stage="leader-report",
        next_handler="director-of-legal-and-democratic-services",
        subject_responds=True,
    ),
    # Silent (§11 and §16.1 end with the Chief Executive). Default: the Monitoring Officer,
    # copied to the head of HR.
    "hackney": Expect("monitoring-officer", "", copied=frozenset({"head-of-hr"}), silent=True),
}

# ---- an officer complaining about a group leader ------------------------------------------
# council: (the officer raising it, what the protocol says)
OFFICER_ABOUT_GROUP_LEADER = {
    # Informally through a senior manager, else the Monitoring Officer (000 §14.1).
    "tower-hamlets": ("housing-options-officer", Expect("monitoring-officer", "000 §14.1")),
    # "raise the matter with their Director or the Chief Executive"; if sufficiently serious,
    # the Standards Committee (001 §5.3.3.4).
    "part-5-3": (
        "housing-officer",
        Expect(
            "director-housing-communities",
            "001 §5.3.3.4",
            next_stage="standards-committee",
            next_handler=CHAIR_OF_STANDARDS,
        ),
    ),
    # "If the complaint is against a political group leader then it should be referred to the
    # Chief Executive who will decide the best course of action" (002 §108).
    "south-oxfordshire": ("planning-officer", Expect("chief-executive", "002 §108")),
    "vale-of-white-horse": ("planning-officer", Expect("chief-executive", "002 §108")),
    # Informally via a senior manager, else the monitoring officer; upheld → the chief
    # executive (003 §66).
    "southwark": (
        "housing-officer",
        Expect(
            "director-of-legal-and-democratic-services",
            "003 §66",
            next_stage="chief-executive",
            next_handler="chief-executive",
            upheld_moves_on=True,
        ),
    ),
    # A possible Code or protocol breach → the Monitoring Officer, who may refer it to the
    # Standards Committee (004 §15.2, §15.4).
    "hackney": (
        "housing-officer",
        Expect(
            "monitoring-officer",
            "004 §15.2",
            next_stage="standards-committee",
            next_handler=CHAIR_OF_STANDARDS,
        ),
    ),
}

DIRECTOR_CASES = [
    pytest.param(slug, subject, expect, id=f"{slug}:{subject}")
    for slug, rows in sorted(ABOUT_DIRECTOR.items())
    for subject, expect in rows
]


def load(slug: str) -> Council:
    _council_calendar.cache_clear()
    council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    return Council.objects.get(slug=slug)


def post(council: Council, slug: str) -> Post:
    return Post.objects.select_related("holder").get(council=council, slug=slug)


def plain_member(council: Council, *, but_not=()) -> Member:
    return (
        Member.objects.filter(council=council)
        .exclude(
            roles__kind__in=[
                MemberRoleKind.GROUP_LEADER,
                MemberRoleKind.LEADER,
                MemberRoleKind.WHIP,
                MemberRoleKind.COMMITTEE_CHAIR,
            ]
        )
        .exclude(pk__in=[m.pk for m in but_not])
        .order_by("pk")
        .first()
    )


def a_group_leader(council: Council) -> Member:
    return (
        Member.objects.filter(council=council, roles__kind=MemberRoleKind.GROUP_LEADER)
        .exclude(roles__kind=MemberRoleKind.LEADER)
        .order_by("pk")
        .first()
        or Member.objects.filter(council=council, roles__kind=MemberRoleKind.GROUP_LEADER)
        .order_by("pk")
        .first()
    )


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def expected_copies(council: Council, expect: Expect) -> set[str]:
    return {post(council, slug).title for slug in expect.copied} | set(expect.copied_roles)


def next_handler_title(council: Council, expect: Expect) -> str:
    if expect.next_handler == CHAIR_OF_STANDARDS:
        return CHAIR_OF_STANDARDS
    return post(council, expect.next_handler).title


def check_preview(council, body: dict, expect: Expect) -> None:
    """The API's preview says who handles it, who is copied, where it goes next, and why."""
    handler = post(council, expect.handler)
    assert body["handler_post"] == expect.handler, body
    assert body["handler"] == handler.title
    assert body["stage"] == expect.stage
    assert set(body["copied_to"]) == expected_copies(council, expect), body["copied_to"]
    assert (body["next_stage"] or None) == expect.next_stage
    explanation = body["explanation"]
    assert handler.title in explanation
    assert body["protocol_silent"] is expect.silent
    if expect.silent:
        assert body["source"] == "default"
        assert "The protocol is silent" in explanation
        assert "portal's default applies" in explanation
    else:
        assert expect.paragraph in body["source"], body["source"]
        assert expect.paragraph.split(" ", 1)[1] in explanation, explanation
        assert "silent" not in explanation.split("It is handled by")[0]
    if expect.next_stage:
        title = next_handler_title(council, expect)
        assert body["next_stage_handler"] == title
        if expect.upheld_moves_on:
            assert "If the complaint is upheld, it goes to the" in explanation
        else:
            assert "If you are not satisfied with the outcome, it goes to the" in explanation
        assert title in explanation
    else:
        assert body["next_stage_handler"] == ""
        assert "This is the final stage" in explanation
    for title in expected_copies(council, expect):
        assert title in explanation
    if not expect.copied and not expect.copied_roles:
        assert "Nobody else is copied." in explanation


def run_through_api(council, raiser, payload: dict, expect: Expect, subject) -> None:
    """Preview, raise, then — as the handler — acknowledge and give an outcome; the
    complainant, not satisfied, escalates to the next stage or is told it is the final one."""
    client = api(raiser)
    preview = client.post("/api/v1/complaints/preview/", payload, format="json")
    assert preview.status_code == 200, preview.content
    check_preview(council, preview.json(), expect)

    created = client.post(
        "/api/v1/complaints/",
        {**payload, "summary": "Held-out", "details": "What happened.", "informal_attempted": True},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["route_explanation"] == preview.json()["explanation"]
    assert set(body["copied_to"]) == expected_copies(council, expect)
    complaint = Complaint.objects.get(pk=body["id"])
    assert complaint.owner_post.slug == expect.handler
    assert (complaint.handler_person_id == subject.pk) is expect.subject_responds
    assert complaint.handler_person_id != raiser.pk
    assert complaint.ack_due_on is not None
    assert complaint.next_action_at is not None

    handler = api(complaint.handler_person)
    ack = handler.post(
        f"/api/v1/complaints/{complaint.reference}/acknowledge/",
        {"intent": "needs_time", "message": "Looking into it.", "outcome_due_on": "2026-03-20"},
        format="json",
    )
    assert ack.status_code == 200, ack.content
    outcome = handler.post(
        f"/api/v1/complaints/{complaint.reference}/outcome/",
        {
            "outcome": "upheld" if expect.upheld_moves_on else "not_upheld",
            "reasons": "Fault found." if expect.upheld_moves_on else "No fault found.",
            "action_taken": False,
        },
        format="json",
    )
    assert outcome.status_code == 200, outcome.content
    if expect.upheld_moves_on:
        # Upheld, it moves on by itself (003 §66); the complainant cannot move it on.
        complaint.refresh_from_db()
        assert complaint.stage == expect.next_stage
        assert complaint.handler_title == next_handler_title(council, expect)
        return
    escalate = client.post(
        f"/api/v1/complaints/{complaint.reference}/respond/",
        {"choice": "escalate", "reason": "I am not satisfied."},
        format="json",
    )
    if expect.next_stage is None:
        assert escalate.status_code == 400, escalate.content
        assert "final stage" in str(escalate.json())
        closed = client.post(
            f"/api/v1/complaints/{complaint.reference}/respond/",
            {"choice": "close", "reason": "Still not satisfied."},
            format="json",
        )
        assert closed.status_code == 200
        assert closed.json()["status"] == "closed"
        return
    assert escalate.status_code == 200, escalate.content
    complaint.refresh_from_db()
    assert complaint.stage == expect.next_stage
    assert complaint.status == "escalated"
    assert complaint.stage_number == 2
    assert complaint.handler_title == next_handler_title(council, expect)
    assert complaint.handler_person_id not in (subject.pk, raiser.pk)


def run_through_browser(client, council, raiser, form: dict, expect: Expect) -> None:
    """The browser form previews the same route, then sends it; the case page shows it."""
    client.force_login(raiser)
    data = {"council": council.pk, "summary": "Held-out", "details": "What happened.", **form}
    page = client.post(reverse("complaints:create"), {**data, "action": "preview"})
    assert page.status_code == 200
    html = page.content.decode()
    handler = post(council, expect.handler)
    assert "Where this goes, and why" in html
    assert handler.title in html
    if expect.silent:
        assert "The protocol is silent" in html
    else:
        assert expect.paragraph.split(" ", 1)[1] in html
    for title in expected_copies(council, expect):
        assert title in html
    sent = client.post(
        reverse("complaints:create"), {**data, "action": "submit", "informal_attempted": "yes"}
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    detail = client.get(sent["Location"])
    assert detail.status_code == 200
    html = detail.content.decode()
    assert handler.title in html
    if expect.next_stage:
        assert next_handler_title(council, expect) in html
    else:
        assert "this is the final stage" in html


# ---- the three scenarios, through the API and the browser ---------------------------------


def test_every_council_has_the_three_scenarios():
    assert sorted(ABOUT_DIRECTOR) == sorted(ABOUT_CHIEF_EXECUTIVE) == SLUGS
    assert sorted(OFFICER_ABOUT_GROUP_LEADER) == SLUGS


@pytest.mark.parametrize(("slug", "subject_slug", "expect"), DIRECTOR_CASES)
def test_member_complains_about_a_director(client, slug, subject_slug, expect):
    council = load(slug)
    subject = post(council, subject_slug)
    raiser = plain_member(council).person
    payload = {"council": slug, "kind": Kind.CONCERN_ABOUT_OFFICER, "subject_post": subject.pk}
    run_through_api(council, raiser, payload, expect, subject.holder)
    form = {"kind": Kind.CONCERN_ABOUT_OFFICER, "subject_post": subject.pk}
    run_through_browser(client, council, raiser, form, expect)
    assert Complaint.objects.filter(council=council, level="director").count() == 2


@pytest.mark.parametrize("slug", SLUGS)
def test_member_complains_about_the_chief_executive(client, slug):
    council = load(slug)
    expect = ABOUT_CHIEF_EXECUTIVE[slug]
    subject = post(council, "chief-executive")
    raiser = plain_member(council).person
    payload = {"council": slug, "kind": Kind.CONCERN_ABOUT_OFFICER, "subject_post": subject.pk}
    run_through_api(council, raiser, payload, expect, subject.holder)
    form = {"kind": Kind.CONCERN_ABOUT_OFFICER, "subject_post": subject.pk}
    run_through_browser(client, council, raiser, form, expect)
    complaint = Complaint.objects.filter(council=council).latest("pk")
    assert complaint.level == "chief_executive"
    # Nobody acting for the Chief Executive handles it or is copied, except where the protocol
    # has the Chief Executive answer it first (003 §69).
    assert (complaint.owner_post.kind == "chief_executive") is expect.subject_responds
    assert subject.holder not in complaint.copied_people.all()


@pytest.mark.parametrize("slug", SLUGS)
def test_officer_complains_about_a_group_leader(client, slug):
    council = load(slug)
    raiser_slug, expect = OFFICER_ABOUT_GROUP_LEADER[slug]
    leader = a_group_leader(council)
    raiser = post(council, raiser_slug).holder
    payload = {"council": slug, "kind": Kind.COMPLAINT_ABOUT_MEMBER, "subject_member": leader.pk}
    run_through_api(council, raiser, payload, expect, leader.person)
    form = {"kind": Kind.COMPLAINT_ABOUT_MEMBER, "subject_member": leader.pk}
    run_through_browser(client, council, raiser, form, expect)
    complaint = Complaint.objects.filter(council=council).latest("pk")
    assert complaint.level == "group_leader"
    assert complaint.routed_as == "group_leader"  # each council names the route, not a fallback
    assert leader.person not in complaint.copied_people.all()


# ---- conflict exclusion of a handler -------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_a_handler_related_to_the_director_is_passed_over(slug):
    council = load(slug)
    subject_slug, expect = ABOUT_DIRECTOR[slug][0]
    subject = post(council, subject_slug)
    named = post(council, expect.handler).holder
    interests.relationship_declare(
        council=council,
        declarer=named,
        other_person=subject.holder,
        nature="family",
        since=date(2020, 1, 1),
        details="Sibling.",
        as_of=AS_OF,
    )
    raiser = plain_member(council).person
    complaint = services.complaint_raise(
        council=council,
        raiser=raiser,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=subject,
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.handler_person_id not in (named.pk, subject.holder_id, raiser.pk)
    # The complainant is told only that the named post cannot act, never why.
    assert "cannot act on it" in complaint.route_explanation
    assert "family" not in complaint.route_explanation
    timeline = timeline_for(case=complaint, raiser_view=False)
    handler_side = [e.summary for e in timeline if not e.visible_to_raiser]
    assert any("passed over" in s for s in handler_side), handler_side
    # The conflicted post keeps no sight of the case.
    client = api(named)
    assert client.get(f"/api/v1/complaints/{complaint.reference}/").status_code == 404


# ---- immutability of issued determinations -----------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_determinations_cannot_be_edited_only_superseded_with_a_reason(slug):
    council = load(slug)
    raiser = plain_member(council)
    subject = plain_member(council, but_not=[raiser])
    complaint = services.complaint_raise(
        council=council,
        raiser=raiser.person,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=subject,
        summary="Possible breach",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    assert complaint.owner_post.kind == "monitoring_officer"  # every council: the MO
    mo = api(complaint.handler_person)
    assert (
        mo.post(
            f"/api/v1/complaints/{complaint.reference}/acknowledge/",
            {"intent": "needs_time", "message": "m", "outcome_due_on": "2026-03-20"},
            format="json",
        ).status_code
        == 200
    )
    issued = mo.post(
        f"/api/v1/complaints/{complaint.reference}/determine/",
        {"outcome": "informal_resolution", "reasons": "An apology was agreed."},
        format="json",
    )
    assert issued.status_code == 201, issued.content
    det_id = issued.json()["id"]
    url = f"/api/v1/complaint-determinations/{det_id}/"
    assert mo.patch(url, {"reasons": "edited"}, format="json").status_code == 405
    assert mo.put(url, {"reasons": "edited"}, format="json").status_code == 405
    assert mo.delete(url).status_code == 405
    det = Determination.objects.get(pk=det_id)
    det.reasons = "edited"
    with pytest.raises(IssuedDeterminationError):
        det.save()
    supersede = f"/api/v1/complaint-determinations/{det_id}/supersede/"
    no_reason = mo.post(
        supersede, {"outcome": "no_further_action", "reasons": "r", "why": ""}, format="json"
    )
    assert no_reason.status_code == 400
    assert "why" in no_reason.json()
    done = mo.post(
        supersede,
        {"outcome": "no_further_action", "reasons": "Resolved.", "why": "Wrong outcome recorded."},
        format="json",
    )
    assert done.status_code == 201, done.content
    old = Determination.objects.get(pk=det_id)
    assert old.reasons == "An apology was agreed."
    assert old.superseded_reason == "Wrong outcome recorded."
    assert old.superseded_by_id == done.json()["id"]
    assert complaint.determinations.filter(superseded_at__isnull=True).count() == 1


# ---- who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_visibility_of_a_complaint_about_a_director(client, slug):
    council = load(slug)
    subject_slug, _ = ABOUT_DIRECTOR[slug][0]
    subject = post(council, subject_slug)
    raiser = plain_member(council)
    other_member = plain_member(council, but_not=[raiser])
    complaint = services.complaint_raise(
        council=council,
        raiser=raiser.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=subject,
        summary="s",
        details="d",
        informal_attempted=True,
        as_of=AS_OF,
    )
    services.complaint_note_disciplinary(
        complaint=complaint,
        actor=complaint.handler_person,
        notes="Hearing on Tuesday.",
        as_of=AS_OF,
    )
    url = f"/api/v1/complaints/{complaint.reference}/"
    officer = (
        Post.objects.filter(council=council, kind="officer", holder__isnull=False)
        .exclude(holder__in=[subject.holder_id, complaint.handler_person_id])
        .first()
        .holder
    )
    seen = {
        "complainant": api(raiser.person).get(url),
        "handler": api(complaint.handler_person).get(url),
        "subject": api(subject.holder).get(url),
        "another member": api(other_member.person).get(url),
        "an unrelated officer": api(officer).get(url),
    }
    assert seen["complainant"].status_code == 200
    assert "disciplinary_notes" not in seen["complainant"].json()  # 004 §11.5
    assert seen["handler"].status_code == 200
    assert seen["handler"].json()["disciplinary_notes"] == "Hearing on Tuesday."
    for who in ("subject", "another member", "an unrelated officer"):
        assert seen[who].status_code == 404, who
    client.force_login(other_member.person)
    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    services.complaint_release_to_subject(
        complaint=complaint,
        actor=complaint.handler_person,
        text="A concern was raised.",
        as_of=AS_OF,
    )
    released = api(subject.holder).get(url)
    assert released.status_code == 200
    assert set(released.json()) >= {"subject_release_text"}
    assert "details" not in released.json()


# ---- the Standards Committee's quarterly summary -----------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_quarterly_summary_has_no_names_a_csv_and_a_chart(client, slug):
    council = load(slug)
    raiser_slug, _ = OFFICER_ABOUT_GROUP_LEADER[slug]
    leader = a_group_leader(council)
    reporter = plain_member(council)
    subject = plain_member(council, but_not=[reporter])
    raised = [
        services.complaint_raise(
            council=council,
            raiser=post(council, raiser_slug).holder,
            kind=Kind.COMPLAINT_ABOUT_MEMBER,
            subject_member=leader,
            summary="Shouted at me",
            details="d",
            informal_attempted=True,
            as_of=AS_OF,
        ),
        services.complaint_raise(
            council=council,
            raiser=reporter.person,
            kind=Kind.CODE_OF_CONDUCT,
            subject_member=subject,
            summary="Possible breach",
            details="d",
            informal_attempted=True,
            as_of=AS_OF,
        ),
    ]
    mo = Post.objects.get(council=council, kind="monitoring_officer").holder
    made = api(mo).post(
        "/api/v1/complaint-summaries/generate/",
        {"council": slug, "year": 2026, "quarter": 1},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["totals"]["count"] == 2
    assert {row["reference"] for row in body["rows"]} == {c.reference for c in raised}
    names = set()
    people = (leader.person, reporter.person, subject.person, post(council, raiser_slug).holder)
    for person in people:
        names |= {person.get_full_name(), person.last_name}
    url = f"/api/v1/complaint-summaries/{body['id']}/csv/"
    csv_text = api(mo).get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert len(rows) >= 3
    page = client
    page.force_login(mo)
    html = page.get(reverse("complaints:summary", args=[body["id"]])).content.decode()
    html = html[html.index("<main") : html.index("</main>")]  # not the signed-in header
    assert "<svg" in html
    for text in (str(body["rows"]), csv_text, html):
        for name in names:
            assert name not in text, name
    # Nobody but the MO and the CE sees it.
    assert api(reporter.person).get(f"/api/v1/complaint-summaries/{body['id']}/").status_code == 404
