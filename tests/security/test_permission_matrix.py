"""Every cell of the authorisation policy (tests/security/policy.py), through the browser views
and the API: 0 unexpected allows, 0 unexpected denies.

Each cell runs in a savepoint that is rolled back, so every request meets the same world: one
case per state, and one person per relation to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.security import policy as p
from tests.security.worlds import audit_of, classify, expected_outcomes, run_rolled_back

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "security" / "permissions.md"


def clients_for(people: dict) -> dict[str, Client]:
    clients = {}
    for role, person in people.items():
        client = Client()
        if person is not None:
            client.force_login(person)
        clients[role] = client
    return clients


def audit_problem(trail: dict, actor) -> str:
    """Every change leaves exactly one history row attributed to the actor, or (for a change
    that writes no row of the case, such as a copy) a timeline event by the actor."""
    if trail["history"] > 1:
        return f"{trail['history']} history rows for one request"
    if trail["history"] == 1 and trail["history_user"] != actor.pk:
        return f"history row attributed to {trail['history_user']}, not {actor.pk}"
    if trail["history"] == 0 and trail["events"] and trail["events_by_actor"] < 1:
        return "timeline events not attributed to the actor"
    # Nothing recorded at all: an idempotent repeat (accepting an accepted case) is a no-op.
    return ""


@pytest.mark.parametrize("case_type", list(p.POLICIES))
def test_every_cell_of_the_policy_holds_in_the_browser_and_the_api(case_type, frozen_world, capsys):
    policy = p.POLICIES[case_type]
    world = frozen_world(case_type)
    assert set(world.people) == set(policy.roles), "every role in the policy has a person"
    assert set(world.cases) == set(policy.states), "every state in the policy has a case"
    clients = clients_for(world.people)
    wrong, cells, requests, audited = [], 0, 0, 0
    for role, state, action, decision in policy.cells():
        cells += 1
        case = world.cases[state]
        can_view = "view" in policy.perms(role, state)
        want = expected_outcomes(decision, can_view=can_view, anonymous=role == "anonymous")
        for channel, call in (
            ("browser", world.browser(action, case)),
            ("api", world.api(action, case)),
        ):
            if call is None:
                continue
            requests += 1
            actor = world.people[role]
            mutating = call.method != "GET" and decision == p.ALLOW
            audit = audit_of(case, actor) if mutating else None
            response, trail = run_rolled_back(call, clients[role], audit=audit)
            got = (
                "error" if response.status_code >= 500 else classify(response, api=channel == "api")
            )
            if got == "done" and call.listed is not None:
                # A list answers 200 to everyone: what counts is whether the case is on it.
                got = "done" if call.listed in response.content.decode() else "hidden"
            if got == "done" and trail is not None:
                audited += 1
                problem = audit_problem(trail, actor)
                if problem:
                    wrong.append(f"{role:18} {state:18} {action:16} {channel:7} audit: {problem}")
            if got not in want:
                wrong.append(
                    f"{role:18} {state:18} {action:16} {channel:7} expected {decision} "
                    f"({'/'.join(sorted(want))}) got {got} [{response.status_code} "
                    f"{call.method} {call.url}]"
                )
    with capsys.disabled():
        print(
            f"\n[permission matrix] {case_type}: {cells} cells "
            f"({len(policy.roles)} roles × {len(policy.states)} states × "
            f"{len(policy.actions)} actions, less "
            f"{len(policy.roles) * len(policy.states) * len(policy.actions) - cells} that cannot "
            f"be asked for), {requests} requests, {len(wrong)} unexpected; "
            f"{audited} state-changing requests checked for one attributed audit entry"
        )
    assert not wrong, f"{len(wrong)} unexpected outcomes:\n" + "\n".join(wrong)


def test_the_policy_cell_count_is_well_over_a_thousand(capsys):
    total = sum(len(list(policy.cells())) for policy in p.POLICIES.values())
    with capsys.disabled():
        print(f"\n[permission matrix] policy cells in all: {total}")
    assert total > 1000


def test_the_written_policy_matches_the_table():
    """docs/security/permissions.md is generated from policy.py; regenerate it when this fails:
    `python -m tests.security.policy > docs/security/permissions.md`."""
    assert DOC.read_text() == p.render_markdown()
