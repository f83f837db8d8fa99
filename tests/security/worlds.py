"""Worlds for the security tests: one case per state for each case type, the people standing in
each relation to it, and how each action is asked for through the browser and through the API.

Built with the services (never by writing rows), so every grant is the one production makes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from protocol_portal.org.models import PostKind
from tests.factories import CouncilFactory, MemberFactory, PersonFactory, PostFactory

LONDON = ZoneInfo("Europe/London")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Call:
    """One HTTP request: GET or POST, a form (browser) or JSON (API) body."""

    method: str
    url: str
    data: dict | None = None
    api: bool = False
    # For a list: the text (a reference) that shows the case is listed; a list that leaves it out
    # counts as "hidden", as a 404 would for the case itself.
    listed: str | None = None

    def send(self, client: Client):
        if self.method == "GET":
            return client.get(self.url)
        if self.api:
            return client.generic(
                self.method, self.url, json.dumps(self.data or {}), "application/json"
            )
        return client.generic(
            self.method,
            self.url,
            _urlencode(self.data or {}),
            "application/x-www-form-urlencoded",
        )


def _urlencode(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


@dataclass
class World:
    """People by role, cases by state, and how to ask for each action."""

    people: dict[str, Any]
    cases: dict[str, Any]
    browser: Any  # (action, case) -> Call | None
    api: Any  # (action, case) -> Call | None
    extra: dict = field(default_factory=dict)


def foreign_council():
    """Another council with a Chief Executive and a member: they are entitled to nothing here.
    Built once per database, so several worlds can share it."""
    from protocol_portal.org.models import Member, Post

    council = CouncilFactory(slug="elsewhere", name="Elsewhere Council")
    ce = Post.objects.filter(council=council, slug="elsewhere-ce").first()
    member = Member.objects.filter(council=council).first()
    if ce is not None and member is not None:
        return SimpleNamespace(council=council, ce=ce, member=member)
    ce = PostFactory(
        council=council,
        slug="elsewhere-ce",
        title="Elsewhere Chief Executive",
        kind=PostKind.CHIEF_EXECUTIVE,
        holder=PersonFactory(username="elsewhere-ce"),
    )
    member = MemberFactory(council=council, person=PersonFactory(username="elsewhere-member"))
    return SimpleNamespace(council=council, ce=ce, member=member)


# --------------------------------------------------------------------------- classification


def classify(response, *, api: bool) -> str:
    """What the response says happened: done, refused, forbidden, hidden, login, or error."""
    code = response.status_code
    if code == 404:
        return "hidden"
    if code in (401, 403):
        if api and code == 401 or (code == 403 and _anonymous_api(response)):
            return "login"
        return "forbidden"
    if code in (301, 302, 303):
        return "login" if "/login/" in response["Location"] else "done"
    if code >= 500:
        return "error"
    if api:
        return "done" if code < 300 else "refused"
    if code == 200 and response.wsgi_request.method == "GET":
        return "done"
    return "refused"


def _anonymous_api(response) -> bool:
    user = getattr(response.wsgi_request, "user", None)
    return user is not None and not user.is_authenticated


def expected_outcomes(decision: str, *, can_view: bool, anonymous: bool) -> set[str]:
    if anonymous:
        return {"login"}
    if decision == "allow":
        return {"done"}
    if decision == "refuse":
        return {"refused"}
    return {"forbidden", "hidden"} if can_view else {"hidden"}


def run_rolled_back(call: Call, client: Client, *, audit=None):
    """Send the request inside a savepoint that is always rolled back: every cell starts from
    the same world. `audit(case)` is measured before and after, inside the savepoint."""
    with transaction.atomic():
        before = audit() if audit else None
        try:
            response = call.send(client)
        except Exception as exc:  # a 500: the test client re-raises the view's exception
            response = SimpleNamespace(status_code=500, exc=exc)
        trail = audit(before) if audit else None
        transaction.set_rollback(True)
    return response, trail


def audit_of(case, actor):
    """Measure the case's audit trail: (history rows, last history user, timeline events by the
    actor). Called with no argument it returns the baseline; with one, what was added since."""
    from django.contrib.contenttypes.models import ContentType

    from protocol_portal.casework.models import CaseEvent

    model = type(case)
    content_type = ContentType.objects.get_for_model(model)

    def measure(baseline=None):
        history = model.history.filter(id=case.pk)
        top = history.order_by("-history_id").values_list("history_id", "history_user_id").first()
        events = CaseEvent.objects.filter(case_type=content_type, case_id=case.pk)
        now = (history.count(), top, events.count(), events.filter(actor=actor).count())
        if baseline is None:
            return now
        added = now[0] - baseline[0]
        return {
            "history": added,
            "history_user": now[1][1] if added and now[1] else None,
            "events": now[2] - baseline[2],
            "events_by_actor": now[3] - baseline[3],
        }

    return measure


# --------------------------------------------------------------------------- enquiries


RESIDENT_REFERENCE = "RES-SECRET-12345"
INTERNAL_NOTE = "INTERNAL-NOTE-7731"
FIELDS = {"resident-reference": RESIDENT_REFERENCE, "internal-timeline": INTERNAL_NOTE}


def enquiries_world(as_of: datetime, settings, tmp_path) -> World:  # noqa: C901 (one table)
    from enquiries import services
    from protocol_portal.casework.access import access_sync
    from tests.conftest import build_org
    from tests.enquiries.helpers import log

    settings.MEDIA_ROOT = str(tmp_path)
    org = build_org()
    away = foreign_council()
    cases = {}
    for state in (
        "received",
        "in_progress",
        "awaiting_member",
        "referred_mo",
        "foi",
        "responded",
        "referred_complaint",
        "closed",
    ):
        upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
        enquiry = log(
            org,
            as_of,
            attachments=[upload],
            subject=f"Boiler {state}",
            resident_reference=RESIDENT_REFERENCE,
        )
        services.enquiry_share_with_member(
            enquiry=enquiry, member=org.south_member, actor=org.raiser.person, as_of=as_of
        )
        # Passed to another directorate and back: its officers are former owners now.
        for to in (org.env_officer, org.housing_officer):
            services.enquiry_reassign(
                enquiry=enquiry,
                to_post=to,
                reason=f"{INTERNAL_NOTE} to {to.title}",
                actor=org.triage.holder,
                as_of=as_of,
            )
        owner = enquiry.owner_post.holder
        step = {
            "in_progress": lambda e, o=owner: services.enquiry_accept(
                enquiry=e, actor=o, as_of=as_of
            ),
            "awaiting_member": lambda e, o=owner: services.enquiry_request_clarification(
                enquiry=e, question="Which flat?", actor=o, as_of=as_of
            ),
            "referred_mo": lambda e, o=owner: services.enquiry_refer_access(
                enquiry=e, note="Access in doubt", actor=o, as_of=as_of
            ),
            "foi": lambda e, o=owner: services.enquiry_refer_foi(
                enquiry=e, note="FOI", actor=o, as_of=as_of
            ),
            "responded": lambda e, o=owner: services.enquiry_respond(
                enquiry=e, response="Fixed.", actor=o, as_of=as_of
            ),
            "referred_complaint": lambda e, o=owner: services.enquiry_refer_complaint(
                enquiry=e, note="A complaint", actor=o, as_of=as_of
            ),
            "closed": lambda e, o=owner: services.enquiry_close(
                enquiry=e, reason="Done", actor=o, as_of=as_of
            ),
        }.get(state)
        if step:
            step(enquiry)
        enquiry.refresh_from_db()
        assert enquiry.status == state, (state, enquiry.status)
        cases[state] = enquiry
    first = cases["received"]
    owner_post = first.owner_post
    desk = PostFactory(
        council=org.council,
        slug="member-services-2",
        title="Member Services Officer",
        kind=PostKind.MEMBER_SERVICES,
        holder=PersonFactory(username="cllr-and-officer"),
    )
    MemberFactory(council=org.council, ward=org.north, group=org.blue, person=desk.holder)
    two_hats = PersonFactory(username="two-councils")
    MemberFactory(council=org.council, ward=org.south, group=org.blue, person=two_hats)
    PostFactory(
        council=away.council, slug="elsewhere-officer", kind=PostKind.OFFICER, holder=two_hats
    )
    for enquiry in cases.values():  # the new desk joins each enquiry's triage audience
        access_sync(enquiry, as_of=as_of)
    peer = next(p for p in (org.housing_officer, org.housing_officer_2) if p.pk != owner_post.pk)
    people = {
        "raiser": org.raiser.person,
        "copied_member": org.south_member.person,
        "colleague": org.colleague.person,
        "opponent": org.opponent.person,
        "owner": owner_post.holder,
        "peer_officer": peer.holder,
        "line_manager": org.housing_manager.holder,
        "triage": org.triage.holder,
        "monitoring_officer": org.mo.holder,
        "former_owner": org.env_officer.holder,
        "post_holding_member": desk.holder,
        "two_councils": two_hats,
        "foreign_officer": away.ce.holder,
        "anonymous": None,
    }
    payload = {
        "clarify": {"question": "Which flat is it?"},
        "respond": {"response": "We have fixed it."},
        "close": {"reason": "Resolved."},
        "refer-complaint": {"note": "Reads as a complaint."},
        "refer-foi": {"note": "Reads as FOI."},
        "refer-access": {"note": "Access in doubt."},
        "reply": {"text": "Flat 2."},
        "reopen": {"reason": "Still broken."},
    }

    def browser(action: str, enquiry) -> Call:
        ref = enquiry.reference
        if action in FIELDS:
            return Call("GET", f"/enquiries/{ref}/", listed=FIELDS[action])
        if action == "view":
            return Call("GET", f"/enquiries/{ref}/")
        if action == "export":
            return Call("GET", f"/enquiries/{ref}/export.csv")
        if action == "attachment":
            return Call("GET", f"/enquiries/{ref}/attachments/{enquiry.attachments.get().pk}/")
        data = dict(payload.get(action, {}))
        if action == "reassign":
            data = {"to_post": peer.pk, "reason": "Their patch."}
        elif action == "flags":
            data = {"is_policy": "on", "urgency": "routine"}
        elif action == "involved":
            data = {"officer": org.env_officer.holder.pk}
        elif action == "share":
            data = {"member": org.colleague.pk}
        if action == "reopen":
            return Call("POST", f"/enquiries/{ref}/reopen/", data)
        return Call("POST", f"/enquiries/{ref}/{action}/", data)

    def api(action: str, enquiry) -> Call | None:
        base = f"/api/v1/enquiries/{enquiry.reference}/"
        if action in FIELDS:
            return Call("GET", base, api=True, listed=FIELDS[action])
        if action == "view":
            return Call("GET", base, api=True)
        if action == "export":
            return None  # the API's read is the retrieve above; the CSV is a browser page
        if action == "attachment":
            return Call("GET", f"{base}attachments/{enquiry.attachments.get().pk}/", api=True)
        data = dict(payload.get(action, {}))
        if action == "reassign":
            data = {"to_post": peer.slug, "reason": "Their patch."}
        elif action == "flags":
            data = {"is_policy": True, "urgency": "routine"}
        elif action == "involved":
            data = {"officer": org.env_officer.holder.username}
        elif action == "share":
            data = {"member": org.colleague.person.username}
        return Call("POST", f"{base}{action}/", data, api=True)

    return World(people, cases, browser, api, extra={"org": org, "away": away})


WORLDS = {"enquiries": enquiries_world}


# --------------------------------------------------------------------------- complaints


def complaints_world(as_of: datetime, settings, tmp_path) -> World:
    from complaints import services
    from complaints.states import Kind
    from tests.complaints.factories import build_complaint_org

    o = build_complaint_org()
    away = foreign_council()
    handler = o.director.holder

    def raise_one(n: int):
        return services.complaint_raise(
            council=o.council,
            raiser=o.complainant.person,
            kind=Kind.CONCERN_ABOUT_OFFICER,
            subject_post=o.officer,
            summary=f"Rude on the phone ({n})",
            details="The officer was rude when I rang.",
            as_of=as_of,
        )

    def ack(c):
        return services.complaint_acknowledge(
            complaint=c,
            actor=handler,
            intent="needs_time",
            message="We are looking into it.",
            outcome_due_on=as_of.date().replace(day=20),
            as_of=as_of,
        )

    def outcome(c):
        return services.complaint_give_outcome(
            complaint=c,
            actor=handler,
            outcome="upheld",
            reasons="It happened.",
            action_taken=True,
            disciplinary_notes="",
            as_of=as_of,
        )

    steps = {
        "received": [],
        "acknowledged": [ack],
        "investigating": [
            ack,
            lambda c: services.complaint_nominate_investigator(
                complaint=c, actor=handler, investigator_post=o.manager, as_of=as_of
            ),
        ],
        "outcome_issued": [ack, outcome],
        "escalated": [
            ack,
            outcome,
            lambda c: services.complaint_respond(
                complaint=c, actor=o.complainant.person, choice="escalate", reason="", as_of=as_of
            ),
        ],
        "closed": [
            ack,
            outcome,
            lambda c: services.complaint_respond(
                complaint=c, actor=o.complainant.person, choice="satisfied", reason="", as_of=as_of
            ),
        ],
        "withdrawn": [
            lambda c: services.complaint_withdraw(
                complaint=c, actor=o.complainant.person, reason="Sorted", as_of=as_of
            )
        ],
    }
    cases = {}
    for n, (state, chain) in enumerate(steps.items()):
        complaint = raise_one(n)
        for step in chain:
            step(complaint)
            complaint.refresh_from_db()
        assert complaint.status == state, (state, complaint.status)
        cases[state] = complaint
    people = {
        "complainant": o.complainant.person,
        "subject": o.officer.holder,
        "handler": handler,
        "line_manager": o.ce.holder,
        "copied_post": o.hr.holder,
        "investigator": o.manager.holder,
        "monitoring_officer": o.mo.holder,
        "other_member": o.blue_member.person,
        "unrelated_officer": o.officer_2.holder,
        "foreign_officer": away.ce.holder,
        "anonymous": None,
    }
    browser_paths = {
        "acknowledge": "acknowledge",
        "nominate": "investigator",
        "outcome": "outcome",
        "disciplinary": "disciplinary",
        "respond": "respond",
        "withdraw": "withdraw",
        "release": "release",
    }
    api_paths = {
        "acknowledge": "acknowledge",
        "nominate": "nominate-investigator",
        "outcome": "outcome",
        "disciplinary": "disciplinary-notes",
        "respond": "respond",
        "withdraw": "withdraw",
        "release": "release-to-subject",
    }
    form = {
        "acknowledge": {
            "intent": "needs_time",
            "message": "On it.",
            "outcome_due_on": "2026-03-27",
        },
        "nominate": {"investigator_post": o.officer_2.line_manager_id},
        "outcome": {"outcome": "upheld", "reasons": "It happened.", "action_taken": "yes"},
        "disciplinary": {"notes": "Spoken to."},
        "respond": {"choice": "satisfied"},
        "withdraw": {"reason": "Sorted."},
        "release": {"text": "An allegation that you were rude."},
    }
    json_body = dict(form) | {
        "outcome": {"outcome": "upheld", "reasons": "It happened.", "action_taken": True}
    }

    def browser(action: str, complaint) -> Call:
        if action == "view":
            return Call("GET", f"/complaints/{complaint.pk}/")
        return Call("POST", f"/complaints/{complaint.pk}/{browser_paths[action]}/", form[action])

    def api(action: str, complaint) -> Call:
        base = f"/api/v1/complaints/{complaint.reference}/"
        if action == "view":
            return Call("GET", base, api=True)
        return Call("POST", f"{base}{api_paths[action]}/", json_body[action], api=True)

    return World(people, cases, browser, api, extra={"org": o, "away": away})


WORLDS["complaints"] = complaints_world


# --------------------------------------------------------------------------- interests


def interests_cast(as_of: datetime):
    """A protocol-001 council with its relationship rules, and the person in each role."""
    from tests.interests.factories import add_relationship_rules, build_org

    o = build_org(slug="interestshire", protocol="001", took_office_on=as_of.date())
    add_relationship_rules(o)
    away = foreign_council()
    people = {
        "member": o.person("red_member"),
        "group_leader": o.person("red_leader"),
        "same_group_member": o.person("red_other"),
        "other_member": o.person("blue_member"),
        "chief_executive": o.person("ce"),
        "monitoring_officer": o.person("mo"),
        "related_person": o.person("officer_housing"),
        "unrelated_officer": o.person("officer_finance"),
        "foreign_officer": away.ce.holder,
        "anonymous": None,
    }
    return o, away, people


def _interests_world(cases, o, away, people, browser_calls, api_calls) -> World:
    def browser(action: str, case) -> Call | None:
        made = browser_calls.get(action)
        return made(case) if made else None

    def api(action: str, case) -> Call | None:
        made = api_calls.get(action)
        return made(case) if made else None

    return World(people, cases, browser, api, extra={"org": o, "away": away})


def relationships_world(as_of: datetime, settings, tmp_path, cast=None) -> World:
    from interests import services
    from interests.models import Nature

    o, away, people = cast or interests_cast(as_of)
    member, ce = people["member"], people["chief_executive"]

    def declare(other):
        return services.relationship_declare(
            council=o.council,
            declarer=member,
            other_person=other,
            nature=Nature.FAMILY,
            since=None,
            details="My brother.",
            as_of=as_of,
        )

    # One active declaration per pair: the closed ones first, then the decided one with the
    # same officer; the open declaration names another officer.
    related, other = people["related_person"], o.person("hos_housing")
    cases = {}
    cases["withdrawn"] = services.relationship_withdraw(
        relationship=declare(related), actor=member, reason="In error", as_of=as_of
    )
    cases["ended"] = services.relationship_end(
        relationship=declare(related), actor=member, reason="Moved away", as_of=as_of
    )
    cases["decided"] = services.relationship_decide(
        relationship=declare(related), actor=ce, decision="Noted", mitigations="", as_of=as_of
    )
    cases["declared"] = declare(other)
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state, (state, case.status)
    page = "/interests/relationships/{}/"
    base = "/api/v1/interests/relationships/{}/"
    browser = {
        "view": lambda c: Call("GET", page.format(c.pk)),
        "decide": lambda c: Call(
            "POST", page.format(c.pk), {"decide": "1", "decision": "Noted.", "mitigations": ""}
        ),
        "end": lambda c: Call("POST", page.format(c.pk) + "end/", {"reason": "Over."}),
        "withdraw": lambda c: Call("POST", page.format(c.pk) + "withdraw/", {"reason": "Error."}),
    }
    api = {
        "view": lambda c: Call("GET", base.format(c.pk), api=True),
        "decide": lambda c: Call(
            "POST", base.format(c.pk) + "decide/", {"decision": "Noted."}, api=True
        ),
        "end": lambda c: Call("POST", base.format(c.pk) + "end/", {"reason": "Over."}, api=True),
        "withdraw": lambda c: Call(
            "POST", base.format(c.pk) + "withdraw/", {"reason": "Error."}, api=True
        ),
    }
    return _interests_world(cases, o, away, people, browser, api)


def register_entries_world(as_of: datetime, settings, tmp_path, cast=None) -> World:
    from interests import services

    o, away, people = cast or interests_cast(as_of)
    member = o.members["red_member"]

    def register(n):
        return services.interest_register(
            member=member,
            actor=member.person,
            category="land",
            description=f"Home {n}",
            sensitive_requested=True,
            sensitive_reason="Threats from a neighbour.",
            as_of=as_of,
        )

    removed = register(1)
    services.interest_remove(interest=removed, actor=member.person, as_of=as_of)
    cases = {"registered": register(2), "removed": removed}
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state, (state, case.status)
    page = "/interests/register/interests/{}/"
    base = "/api/v1/interests/register-entries/{}/"
    browser = {
        "remove": lambda c: Call("POST", page.format(c.pk) + "remove/", {}),
        "sensitivity": lambda c: Call(
            "POST", page.format(c.pk) + "sensitivity/", {"agreed": "yes"}
        ),
    }
    api = {
        "view": lambda c: Call("GET", base.format(c.pk), api=True),
        "remove": lambda c: Call("POST", base.format(c.pk) + "remove/", {}, api=True),
        "sensitivity": lambda c: Call(
            "POST", base.format(c.pk) + "sensitivity/", {"agreed": True}, api=True
        ),
    }
    return _interests_world(cases, o, away, people, browser, api)


def register_returns_world(as_of: datetime, settings, tmp_path, cast=None) -> World:
    from datetime import timedelta

    from interests import services

    o, away, people = cast or interests_cast(as_of)
    member = o.members["red_member"]

    def open_one(days_ago):
        return services.register_return_open(
            member=member,
            kind="change",
            trigger_on=as_of.date() - timedelta(days=days_ago),
            as_of=as_of,
        )

    cases = {"open": open_one(1), "submitted": open_one(2), "cancelled": open_one(3)}
    services.register_return_submit(ret=cases["submitted"], actor=member.person, as_of=as_of)
    services.register_return_cancel(
        ret=cases["cancelled"], actor=people["monitoring_officer"], reason="Left", as_of=as_of
    )
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state, (state, case.status)
    browser = {
        "submit": lambda c: Call("POST", f"/interests/register/returns/{c.pk}/submit/", {}),
    }
    base = "/api/v1/interests/returns/{}/"
    api = {
        "view": lambda c: Call("GET", base.format(c.pk), api=True),
        "submit": lambda c: Call("POST", base.format(c.pk) + "submit/", {}, api=True),
    }
    return _interests_world(cases, o, away, people, browser, api)


def acting_against_notices_world(as_of: datetime, settings, tmp_path, cast=None) -> World:
    from interests import services
    from interests.models import ActorKind, Capacity

    o, away, people = cast or interests_cast(as_of)
    member, mo = o.members["red_member"], people["monitoring_officer"]

    def notify(n):
        return services.acting_against_notify(
            member=member,
            actor=member.person,
            acting_party=ActorKind.SPOUSE_PARTNER,
            acting_party_name="Sam",
            capacity=Capacity.PRIVATE,
            action=f"Judicial review {n}",
            as_of=as_of,
        )

    cases = {"submitted": notify(1), "acknowledged": notify(2), "withdrawn": notify(3)}
    services.acting_against_acknowledge(
        notice=cases["acknowledged"], actor=mo, response="Noted", as_of=as_of
    )
    services.acting_against_withdraw(notice=cases["withdrawn"], actor=member.person, as_of=as_of)
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state, (state, case.status)
    browser = {
        "view": lambda c: Call("GET", f"/interests/acting-against/{c.pk}/"),
        "acknowledge": lambda c: Call(
            "POST", f"/interests/acting-against/{c.pk}/", {"response": "Noted."}
        ),
        "withdraw": lambda c: Call("POST", f"/interests/acting-against/{c.pk}/withdraw/", {}),
    }
    base = "/api/v1/interests/acting-against-notices/{}/"
    api = {
        "view": lambda c: Call("GET", base.format(c.pk), api=True),
        "acknowledge": lambda c: Call(
            "POST", base.format(c.pk) + "acknowledge/", {"response": "Noted."}, api=True
        ),
        "withdraw": lambda c: Call("POST", base.format(c.pk) + "withdraw/", {}, api=True),
    }
    return _interests_world(cases, o, away, people, browser, api)


def advice_requests_world(as_of: datetime, settings, tmp_path, cast=None) -> World:
    from interests import services

    o, away, people = cast or interests_cast(as_of)
    member, mo = people["member"], people["monitoring_officer"]

    def ask(n):
        return services.advice_request(
            council=o.council, requester=member, question=f"Declare {n}?", as_of=as_of
        )

    cases = {"requested": ask(1), "advised": ask(2), "withdrawn": ask(3)}
    services.advice_give(request=cases["advised"], actor=mo, advice="Yes.", as_of=as_of)
    services.advice_withdraw(request=cases["withdrawn"], actor=member, as_of=as_of)
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state, (state, case.status)
    browser = {
        "view": lambda c: Call("GET", f"/interests/advice/{c.pk}/"),
        "advise": lambda c: Call("POST", f"/interests/advice/{c.pk}/", {"advice": "Declare it."}),
        "withdraw": lambda c: Call("POST", f"/interests/advice/{c.pk}/withdraw/", {}),
    }
    base = "/api/v1/interests/advice-requests/{}/"
    api = {
        "view": lambda c: Call("GET", base.format(c.pk), api=True),
        "advise": lambda c: Call(
            "POST", base.format(c.pk) + "advise/", {"advice": "Declare it."}, api=True
        ),
        "withdraw": lambda c: Call("POST", base.format(c.pk) + "withdraw/", {}, api=True),
    }
    return _interests_world(cases, o, away, people, browser, api)


WORLDS.update(
    relationships=relationships_world,
    register_entries=register_entries_world,
    register_returns=register_returns_world,
    acting_against_notices=acting_against_notices_world,
    advice_requests=advice_requests_world,
)


def raise_conduct_complaint(o, *, as_of: datetime | None = None):
    """A code-of-conduct complaint about a member (the Standards summary lists these)."""
    from complaints import services
    from complaints.states import Kind
    from tests.security.conftest import AS_OF

    return services.complaint_raise(
        council=o.council,
        raiser=o.officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.blue_member,
        summary="Bullying at committee",
        details="Shouted at an officer.",
        as_of=as_of or AS_OF,
    )


# --------------------------------------------------------------------------- access requests


def access_cast(as_of: datetime, settings):
    """The Part 5.3 council from its reviewed file (protocol 001: the Director holding the
    information decides, advised by Legal and Democratic Services; disputes go to the Chief
    Executive, §5.3.8.4), its demo people, and the person in each role."""
    from protocol_portal.org import council_files
    from protocol_portal.org.calendars import _council_calendar
    from protocol_portal.org.demo import seed_demo
    from protocol_portal.org.models import Committee, Council, Directorate, Member, Post

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _council_calendar.cache_clear()
    council_files.load([council_files.COUNCILS_DIR / "part-5-3.yaml"])
    seed_demo()
    council = Council.objects.get(slug="part-5-3")
    away = foreign_council()

    def holder(slug):
        return Post.objects.get(council=council, slug=slug).holder

    def member(username):
        return Member.objects.select_related("person").get(
            council=council, person__username=f"part-5-3.{username}"
        )

    requester = member("cllr-riverside-1")  # Conservative, on the Planning Committee
    people = {
        "requester": requester.person,
        "same_group_member": member("cllr-meadowbank-2").person,
        "group_leader": member("cllr-abbey-1").person,
        "other_member": member("cllr-castle-1").person,
        "holder": holder("director-housing-communities"),
        "holder_staff": holder("head-of-housing"),
        "other_director": holder("director-environment"),
        "adviser": holder("legal-democratic-services-manager"),
        "chief_executive": holder("chief-executive"),
        "monitoring_officer": holder("monitoring-officer"),
        "deputy_monitoring_officer": holder("deputy-monitoring-officer"),
        "foi_team": holder("complaints-information-team"),
        "foreign_officer": away.ce.holder,
        "anonymous": None,
    }
    return SimpleNamespace(
        council=council,
        away=away,
        people=people,
        requester=requester,
        housing=Directorate.objects.get(council=council, slug="housing-communities"),
        planning=Committee.objects.get(council=council, slug="planning-committee"),
    )


def access_asks(cast):
    """Part I papers of the requester's own committee (a statutory right, 001 §5.3.8.2), and a
    contract's terms (the member must satisfy the Director, §5.3.8.4)."""
    from access_requests.selectors import Ask
    from access_requests.states import Part, Purpose

    presumed = Ask(
        what="Planning Committee report on the depot site",
        directorate=cast.housing,
        purpose=Purpose.COMMITTEE,
        justification="It is on the Planning Committee's agenda.",
        for_meeting=True,
        committee=cast.planning,
        part=Part.PART_1,
    )
    justify = Ask(
        what="The repairs contract with its prices",
        directorate=cast.housing,
        purpose=Purpose.OTHER,
        justification="Residents report repairs are late; I need the terms to press for them.",
        contract_information=True,
    )
    return presumed, justify


def access_requests_build(as_of: datetime, cast) -> dict:
    """One request per state of the policy, made through the services."""
    from access_requests import services
    from access_requests.states import Ground, Outcome

    people = cast.people
    requester, director, ce = people["requester"], people["holder"], people["chief_executive"]
    presumed, justify = access_asks(cast)

    def submit(ask, n):
        ask = type(ask)(**{**ask.__dict__, "what": f"{ask.what} ({n})"})
        return services.access_request_submit(
            council=cast.council, requester=requester, ask=ask, as_of=as_of
        )

    def decide(request, actor, outcome):
        grounds = [Ground.FISHING] if outcome == Outcome.REFUSED else []
        services.access_request_decide(
            request=request,
            actor=actor,
            outcome=outcome,
            grounds=grounds,
            reasons=f"Decided: {outcome}.",
            as_of=as_of,
        )

    def dispute(request):
        services.access_request_dispute(
            request=request, actor=requester, reasons="I sit on the panel.", as_of=as_of
        )

    cases = {
        "submitted_presumed": submit(presumed, 1),
        "submitted": submit(justify, 2),
        "referred": submit(presumed, 3),
        "granted": submit(justify, 4),
        "refused": submit(justify, 5),
        "disputed": submit(justify, 6),
        "refused_final": submit(justify, 7),
        "foi": submit(justify, 8),
        "withdrawn": submit(justify, 9),
    }
    services.access_request_refer(
        request=cases["referred"], actor=director, reasons="Is it exempt?", as_of=as_of
    )
    decide(cases["granted"], director, Outcome.GRANTED)
    services.release_create(
        request=cases["granted"],
        actor=director,
        title="Repairs contract",
        upload=SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf"),
        as_of=as_of,
    )
    for state in ("refused", "disputed", "refused_final"):
        decide(cases[state], director, Outcome.REFUSED)
    for state in ("disputed", "refused_final"):
        dispute(cases[state])
    decide(cases["refused_final"], ce, Outcome.REFUSED)
    services.access_request_to_foi(
        request=cases["foi"], actor=requester, reason="Please treat it as FOI.", as_of=as_of
    )
    services.access_request_withdraw(
        request=cases["withdrawn"], actor=requester, reason="No longer needed.", as_of=as_of
    )
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state.split("_")[0], (state, case.status)
    assert cases["submitted_presumed"].is_presumed
    assert not cases["submitted"].is_presumed
    assert cases["refused_final"].dispute_final
    assert not cases["refused"].dispute_final
    return cases


def access_requests_world(as_of: datetime, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = str(tmp_path)
    cast = access_cast(as_of, settings)
    cases = access_requests_build(as_of, cast)
    reasons = {"reasons": "Given in full."}
    body = {
        "grant": {"outcome": "granted", "reasons": "Needed for the committee."},
        "refuse": {"outcome": "refused", "grounds": ["fishing"], "reasons": "Idle curiosity."},
        "refer": reasons,
        "dispute": reasons,
        "withdraw": reasons,
        "foi": reasons,
        "release": {"title": "The contract, prices redacted", "redactions": ""},
    }
    page = {"grant": "decide", "refuse": "decide"}

    def release_pk(request) -> int | None:
        release = request.releases.exclude(file="").first()
        return release.pk if release else None

    reads = {
        # action: (page path, API path) under the request; None: not asked for on that channel
        "view": ("", ""),
        "download": ("releases/{release}/", "releases/{release}/file/"),
        # The page shows the log to those releasing; the API has its own read.
        "access_log": (None, "access-log/"),
    }

    def call(action: str, request, *, api: bool) -> Call | None:
        base = (
            f"/api/v1/access-requests/{request.reference}/"
            if api
            else f"/access-requests/{request.pk}/"
        )
        if action == "list":
            url = "/api/v1/access-requests/" if api else "/access-requests/"
            return Call("GET", url, api=api, listed=request.reference)
        if action in reads:
            path = reads[action][api]
            if path is None:
                return None
            return Call("GET", base + path.format(release=release_pk(request)), api=api)
        return Call("POST", f"{base}{page.get(action, action)}/", body[action], api=api)

    def browser(action: str, request) -> Call | None:
        return call(action, request, api=False)

    def api(action: str, request) -> Call | None:
        return call(action, request, api=True)

    return World(cast.people, cases, browser, api, extra={"cast": cast, "away": cast.away})


def foi_requests_world(as_of: datetime, settings, tmp_path) -> World:
    from access_requests import services

    settings.MEDIA_ROOT = str(tmp_path)
    cast = access_cast(as_of, settings)
    _, justify = access_asks(cast)
    requester = cast.people["requester"]

    def ask_foi(n):
        ask = type(justify)(**{**justify.__dict__, "what": f"Repairs spend ({n})"})
        return services.access_request_submit(
            council=cast.council, requester=requester, ask=ask, as_of=as_of, wants_foi=True
        ).foi

    cases = {"open": ask_foi(1), "answered": ask_foi(2)}
    services.foi_answer(
        foi=cases["answered"],
        actor=cases["answered"].owner_post.holder,
        response="Attached.",
        as_of=as_of,
    )
    for state, case in cases.items():
        case.refresh_from_db()
        assert case.status == state, (state, case.status)
    assert cases["open"].owner_post.holder == cast.people["foi_team"]

    def browser(action: str, foi) -> Call:
        if action == "view":
            return Call("GET", f"/access-requests/foi/{foi.pk}/")
        if action == "list":
            return Call("GET", "/access-requests/", listed=foi.reference)
        return Call("POST", f"/access-requests/foi/{foi.pk}/answer/", {"response": "Here."})

    def api(action: str, foi) -> Call:
        base = f"/api/v1/foi-requests/{foi.pk}/"
        if action == "view":
            return Call("GET", base, api=True)
        if action == "list":
            return Call("GET", "/api/v1/foi-requests/", api=True, listed=foi.reference)
        return Call("POST", f"{base}answer/", {"response": "Here."}, api=True)

    return World(cast.people, cases, browser, api, extra={"cast": cast, "away": cast.away})


WORLDS.update(access_requests=access_requests_world, foi_requests=foi_requests_world)
