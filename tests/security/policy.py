"""The authorisation policy as data: role × relation to the case × case state × action.

This table is the written policy. `docs/security/permissions.md` is generated from it
(`python -m tests.security.policy > docs/security/permissions.md`) and a test keeps the two
identical; `test_permission_matrix.py` drives every cell through the browser and the API.

Each role names a person by their relation to the case ("owner: the post the case is routed to").
`GRANTS[role]` is what that person holds in every state ("*") and, where it differs, in a given
state. `ACTIONS[action]` is (the permission it needs, the states in which it goes through). A cell
is then:

- `allow`  — the request is authorised and carried out;
- `refuse` — authorised, but the case's status does not allow it: a clear message (a form with
  the error in the browser, 400/409 with the reason in the API), nothing changed;
- `deny`   — not authorised: 404 where the person may not read the case (its existence is not
  confirmed), 403 (or 404) where they may read it but not do this; anonymous visitors are sent
  to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALLOW, REFUSE, DENY = "allow", "refuse", "deny"


@dataclass(frozen=True)
class CaseTypePolicy:
    name: str
    states: tuple[str, ...]
    roles: dict[str, str]  # role: relation to the case, in words
    grants: dict[str, dict[str, frozenset[str]]]  # role: {"*" or state: permissions}
    actions: dict[str, tuple[str, frozenset[str]]]  # action: (permission, states it proceeds)
    # action: the only states where it can be asked for at all (a released document exists only
    # on a granted request); every other action can be asked for in every state.
    applies: dict[str, frozenset[str]] = field(default_factory=dict)

    def applicable(self, action: str, state: str) -> bool:
        return state in self.applies.get(action, frozenset(self.states))

    def perms(self, role: str, state: str) -> frozenset[str]:
        table = self.grants.get(role, {})
        return table.get(state, table.get("*", frozenset()))

    def expected(self, role: str, state: str, action: str) -> str:
        perm, proceeds = self.actions[action]
        held = self.perms(role, state)
        if not any(p in held for p in perm.split("|")):
            return DENY
        return ALLOW if state in proceeds else REFUSE

    def cells(self):
        for state in self.states:
            for role in self.roles:
                for action in self.actions:
                    if self.applicable(action, state):
                        yield role, state, action, self.expected(role, state, action)


def _f(*items: str) -> frozenset[str]:
    return frozenset(items)


NONE = _f()

# --------------------------------------------------------------------------- enquiries
E_STATES = (
    "received",
    "in_progress",
    "awaiting_member",
    "referred_mo",
    "foi",
    "responded",
    "referred_complaint",
    "closed",
)
E_OPEN = _f("received", "in_progress", "awaiting_member", "referred_mo", "foi")
E_ALL = _f(*E_STATES)
E_OFFICER = _f("view", "act", "attachments")
E_MEMBER = _f("view", "attachments", "follow_up")

ENQUIRIES = CaseTypePolicy(
    name="enquiries",
    states=E_STATES,
    roles={
        "raiser": "member: raised the enquiry",
        "copied_member": "member: copied in by the raiser",
        "colleague": "member: same ward and group as the raiser",
        "opponent": "member: another ward and political group",
        "owner": "officer: holds the post the enquiry is routed to",
        "peer_officer": "officer: same team as the owner",
        "line_manager": "officer: the owner's manager (and so on up the line)",
        "triage": "officer: member services (triage) team",
        "monitoring_officer": "officer: Monitoring Officer",
        "former_owner": "officer: had the enquiry before it was passed to another directorate",
        "post_holding_member": "member: also holds a member services post",
        "two_councils": "member here, and an officer of another council",
        "foreign_officer": "officer of another council",
        "anonymous": "not signed in",
    },
    grants={
        "raiser": {"*": E_MEMBER},
        "post_holding_member": {"*": E_OFFICER},
        "copied_member": {"*": _f("view")},
        "owner": {"*": E_OFFICER},
        "line_manager": {"*": E_OFFICER},
        "triage": {"*": E_OFFICER},
        # Routed to them: the MO determines access (000 §7.2b); the Complaints Team (and its line,
        # the MO) takes complaint referrals (002 §76).
        "monitoring_officer": {"referred_mo": E_OFFICER, "referred_complaint": E_OFFICER},
    },
    actions={
        "view": ("view", E_ALL),
        "export": ("view", E_ALL),
        "attachment": ("attachments", E_ALL),
        "accept": ("act", _f("received", "in_progress", "referred_mo")),
        "clarify": ("act", _f("received", "in_progress", "awaiting_member")),
        "respond": ("act", _f("received", "in_progress", "referred_mo", "foi", "responded")),
        "close": ("act", E_ALL),
        "reassign": ("act", E_OPEN),
        "refer-complaint": ("act", _f("received", "in_progress", "referred_complaint")),
        "refer-access": ("act", _f("received", "in_progress", "referred_mo")),
        "flags": ("act", E_OPEN),
        "reply": ("follow_up", _f("awaiting_member", "in_progress")),
        "share": ("follow_up", E_ALL),
        # Fields: the resident's reference is for those handling the enquiry and its member; an
        # officer's internal notes (why it was passed on) for officers acting on it.
        "resident-reference": ("attachments", E_ALL),
        "internal-timeline": ("act", E_ALL),
        "reopen": ("act|follow_up", _f("received", "responded", "closed")),
    },
)

# --------------------------------------------------------------------------- complaints
C_STATES = (
    "received",
    "acknowledged",
    "investigating",
    "outcome_issued",
    "escalated",  # the complainant was not satisfied: passed on to the Chief Executive's stage
    "closed",
    "withdrawn",
)
C_ALL = _f(*C_STATES)
C_HANDLER = _f("view", "act", "disciplinary")

COMPLAINTS = CaseTypePolicy(
    name="complaints",
    states=C_STATES,
    roles={
        "complainant": "member: raised the concern",
        "subject": "officer: the person complained about (nothing released to them)",
        "handler": "officer: holds the first stage's handling post (the subject's Director)",
        "line_manager": "officer: the handler's line manager (Chief Executive; handles the next "
        "stage)",
        "copied_post": "officer: a post the first stage's rule copies in (head of HR)",
        "investigator": "officer: the manager nominated to investigate",
        "monitoring_officer": "officer: Monitoring Officer (sees a complaint past its first stage)",
        "other_member": "member: another political group",
        "unrelated_officer": "officer: a colleague of the subject",
        "foreign_officer": "officer of another council",
        "anonymous": "not signed in",
    },
    grants={
        "complainant": {"*": _f("view", "respond")},
        # Passed on to the next stage, the complaint is no longer the first stage's handler
        # side's to see (casework.access): the handler, their investigator and the copies.
        "handler": {"*": C_HANDLER, "escalated": NONE},
        # The handler's line of management sees everything but does not act (README table); at
        # the Chief Executive's stage the Chief Executive handles it.
        "line_manager": {"*": _f("view", "disciplinary"), "escalated": C_HANDLER},
        "copied_post": {"*": _f("view"), "escalated": NONE},
        "investigator": {"investigating": _f("view", "disciplinary")},
        "monitoring_officer": {"escalated": _f("view")},
    },
    actions={
        "view": ("view", C_ALL),
        "acknowledge": ("act", _f("received", "acknowledged", "escalated")),
        "nominate": ("act", _f("acknowledged", "investigating")),
        # Repeating a step is a no-op (STYLE habit 4): giving the outcome again goes through.
        "outcome": ("act", _f("acknowledged", "investigating", "outcome_issued")),
        "disciplinary": ("act", C_ALL),
        "respond": ("respond", _f("outcome_issued", "closed")),
        "withdraw": (
            "respond",
            _f("received", "acknowledged", "investigating", "escalated", "withdrawn"),
        ),
        "release": ("act", C_ALL),
    },
)

# --------------------------------------------------------------------------- interests
# Five kinds of case share one council (protocol 001) and one cast. Who holds what never changes
# with the status (the four case types derive it from whom the rule told, interests.permissions;
# register entries hold explicit grants): the status only decides whether a move goes through.
I_ROLES = {
    "member": "member: made the declaration, keeps the register, gave the notice, asked",
    "group_leader": "member: leader of the member's political group",
    "same_group_member": "member: another member of the same group",
    "other_member": "member: another political group",
    "chief_executive": "officer: Chief Executive",
    "monitoring_officer": "officer: Monitoring Officer",
    "related_person": "officer: the other party to the relationship",
    "unrelated_officer": "officer: in another directorate",
    "foreign_officer": "officer of another council",
    "anonymous": "not signed in",
}

R_STATES = ("declared", "decided", "ended", "withdrawn")
RELATIONSHIPS = CaseTypePolicy(
    name="relationships",
    states=R_STATES,
    roles=I_ROLES,
    grants={
        "member": {"*": _f("view", "change")},
        # 001 §5.3.1.1: a member tells the Chief Executive and their group leader; the MO is told.
        "chief_executive": {"*": _f("view", "decide")},
        "group_leader": {"*": _f("view")},
        "monitoring_officer": {"*": _f("view")},
    },
    actions={
        "view": ("view", _f(*R_STATES)),
        "decide": ("decide", _f("declared", "decided")),
        "end": ("change", _f("declared", "decided", "ended")),
        "withdraw": ("change", _f("declared", "withdrawn")),
    },
)

REGISTER = CaseTypePolicy(
    name="register_entries",
    states=("registered", "removed"),
    roles=I_ROLES,
    grants={
        "member": {"*": _f("view", "change")},
        "monitoring_officer": {"*": _f("view", "sensitivity")},
    },
    actions={
        "view": ("view", _f("registered", "removed")),
        "remove": ("change", _f("registered", "removed")),
        # Whether details are withheld (s.32) may be decided on a removed entry too: it is not
        # published, so the decision only matters for the history.
        "sensitivity": ("sensitivity", _f("registered", "removed")),
    },
)

RETURNS = CaseTypePolicy(
    name="register_returns",
    states=("open", "submitted", "cancelled"),
    roles=I_ROLES,
    grants={
        "member": {"*": _f("view", "change")},
        # Localism Act 2011 s.30(1): the Monitoring Officer keeps the register (the default).
        "monitoring_officer": {"*": _f("view")},
    },
    actions={
        "view": ("view", _f("open", "submitted", "cancelled")),
        "submit": ("change", _f("open", "submitted")),
    },
)

NOTICES = CaseTypePolicy(
    name="acting_against_notices",
    states=("submitted", "acknowledged", "withdrawn"),
    roles=I_ROLES,
    grants={
        "member": {"*": _f("view", "change")},
        "monitoring_officer": {"*": _f("view", "acknowledge")},  # 002 §111
    },
    actions={
        "view": ("view", _f("submitted", "acknowledged", "withdrawn")),
        "acknowledge": ("acknowledge", _f("submitted", "acknowledged")),
        # The member will not act after all; withdrawing again is a no-op.
        "withdraw": ("change", _f("submitted", "withdrawn")),
    },
)

ADVICE = CaseTypePolicy(
    name="advice_requests",
    states=("requested", "advised", "withdrawn"),
    roles=I_ROLES,
    grants={
        "member": {"*": _f("view", "change")},
        "monitoring_officer": {"*": _f("view", "advise")},  # 002 §89 (the default)
    },
    actions={
        "view": ("view", _f("requested", "advised", "withdrawn")),
        "advise": ("advise", _f("requested", "advised")),
        "withdraw": ("change", _f("requested", "withdrawn")),
    },
)

# --------------------------------------------------------------------------- access requests
# A Part 5.3 council (protocol 001, its reviewed file fixtures/councils/part-5-3.yaml): the
# Director holding the information decides, advised by the Legal and Democratic Services
# Manager (§5.3.8.4); a presumed request (Part I papers, §5.3.8.2) is granted by the Director
# or referred with reasons to the next stage; a dispute goes to the Chief Executive, whose
# decision is final (§5.3.8.4). The Monitoring Officer and their deputy see every request;
# nobody else — no other member or group leader (000 §7.19) — learns that it exists.
A_STATES = (
    "submitted_presumed",  # Part I papers: a statutory right, with the Director
    "submitted",  # contract information: must justify, with the Director
    "referred",  # presumed, referred by the Director to the Chief Executive
    "granted",  # granted by the Director, a document released
    "refused",  # refused by the Director, with grounds: may be disputed
    "disputed",  # refused, disputed: with the Chief Executive
    "refused_final",  # the Chief Executive refused the dispute: final
    "foi",  # handled under FOI
    "withdrawn",
)
A_ALL = _f(*A_STATES)
A_DISPUTE_STAGE = ("referred", "disputed", "refused_final")
A_DECIDER = _f("view", "decide", "release")

ACCESS_REQUESTS = CaseTypePolicy(
    name="access_requests",
    states=A_STATES,
    roles={
        "requester": "member: asked to see the information",
        "same_group_member": "member: the requester's political group",
        "group_leader": "member: Leader of the council and of the requester's group",
        "other_member": "member: another political group",
        "holder": "officer: Director holding the information (decides at the first stage)",
        "holder_staff": "officer: Head of Service under that Director",
        "other_director": "officer: Director of another directorate",
        "adviser": "officer: Legal and Democratic Services Manager, advising (001 §5.3.8.4)",
        "chief_executive": "officer: Chief Executive (hears a referral or a dispute)",
        "monitoring_officer": "officer: Monitoring Officer",
        "deputy_monitoring_officer": "officer: Deputy Monitoring Officer",
        "foi_team": "officer: the Customer Feedback and Information Team (answers FOI)",
        "foreign_officer": "officer of another council",
        "anonymous": "not signed in",
    },
    grants={
        "requester": {"*": _f("view", "respond")},
        # The Director keeps the right to release once the request goes on; deciding passes to
        # the Chief Executive (services._reroute revokes it).
        "holder": {"*": A_DECIDER} | dict.fromkeys(A_DISPUTE_STAGE, _f("view", "release")),
        "adviser": {"*": _f("view")},
        "chief_executive": dict.fromkeys(A_DISPUTE_STAGE, A_DECIDER),
        "monitoring_officer": {"*": _f("view")},
        "deputy_monitoring_officer": {"*": _f("view")},
    },
    actions={
        "view": ("view", A_ALL),
        "list": ("view", A_ALL),
        "grant": ("decide", _f("submitted_presumed", "submitted", "referred", "disputed")),
        # The holder cannot refuse a presumed need to know: they refer it (001 §5.3.8.4).
        "refuse": ("decide", _f("submitted", "referred", "disputed")),
        # Only a presumed request is referred; referring again is a no-op.
        "refer": ("decide", _f("submitted_presumed", "referred")),
        # A dispute's outcome is final; disputing again while it is with the CE is a no-op.
        "dispute": ("respond", _f("refused", "disputed")),
        "withdraw": (
            "respond",
            _f("submitted_presumed", "submitted", "referred", "disputed", "withdrawn"),
        ),
        "foi": (
            "respond|decide",
            _f("submitted_presumed", "submitted", "referred", "refused", "refused_final", "foi"),
        ),
        "release": ("release", _f("granted")),
        "download": ("view", _f("granted")),
        "access_log": ("release", A_ALL),
    },
    applies={"download": _f("granted")},
)

# The FOI request a need-to-know request becomes (FOIA s.10), answered by the council's `foi`
# rule's post: the requester and that team see it; nobody else is told of it.
FOI_REQUESTS = CaseTypePolicy(
    name="foi_requests",
    states=("open", "answered"),
    roles=ACCESS_REQUESTS.roles,
    grants={
        "requester": {"*": _f("view")},
        "foi_team": {"*": _f("view", "answer")},
    },
    actions={
        "view": ("view", _f("open", "answered")),
        "list": ("view", _f("open", "answered")),
        "answer": ("answer", _f("open", "answered")),
    },
)

POLICIES: dict[str, CaseTypePolicy] = {
    p.name: p
    for p in (
        ENQUIRIES,
        COMPLAINTS,
        RELATIONSHIPS,
        REGISTER,
        RETURNS,
        NOTICES,
        ADVICE,
        ACCESS_REQUESTS,
        FOI_REQUESTS,
    )
}


def render_markdown() -> str:
    """The policy as Markdown: per case type and state, rows are roles and columns actions."""
    mark = {ALLOW: "✔", REFUSE: "–", DENY: "✘", None: "·"}
    out = [
        "# Authorisation policy",
        "",
        "Generated from `tests/security/policy.py` (do not edit by hand: run",
        "`python -m tests.security.policy > docs/security/permissions.md`). The test",
        "`tests/security/test_permission_matrix.py` drives every cell below through both the",
        "browser views and the API and fails on any unexpected allow or deny.",
        "",
        "✔ allowed and done · – authorised, but the case's status does not allow it (a clear",
        "message, nothing changes) · ✘ denied: 404 when the person may not read the case (its",
        "existence is not confirmed), 403 when they may read it but not do this; anonymous",
        "visitors are sent to sign in. · the action cannot be asked for in that state (there is",
        "nothing to ask it of).",
        "",
    ]
    total = 0
    for policy in POLICIES.values():
        out += [f"## {policy.name}", "", "| role | relation to the case |", "| --- | --- |"]
        out += [f"| {role} | {relation} |" for role, relation in policy.roles.items()]
        out += ["", "| action | needs | goes through in |", "| --- | --- | --- |"]
        for action, (perm, proceeds) in policy.actions.items():
            states = ", ".join(s for s in policy.states if s in proceeds)
            out.append(f"| {action} | {perm.replace('|', ' or ')} | {states} |")
        for action, only in policy.applies.items():
            states = ", ".join(s for s in policy.states if s in only)
            out += ["", f"{action} can be asked for only in: {states}."]
        out.append("")
        for state in policy.states:
            actions = list(policy.actions)
            out += [f"### {policy.name}: {state}", ""]
            out.append("| role | " + " | ".join(actions) + " |")
            out.append("| --- |" + " :-: |" * len(actions))
            for role in policy.roles:
                row = [
                    mark[policy.expected(role, state, a) if policy.applicable(a, state) else None]
                    for a in actions
                ]
                total += sum(policy.applicable(a, state) for a in actions)
                out.append(f"| {role} | " + " | ".join(row) + " |")
            out.append("")
    out.append(f"{total} cells in all.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(render_markdown())
