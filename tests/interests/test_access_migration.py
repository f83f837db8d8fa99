"""interests 0004 turns the guardian grants the services used to make into derived access: the
columns of whom the rule told are filled from the grants, every case gets the access rows its
audiences derive, a grant no audience derives is kept (recorded `granted_before`), and the
guardian tables of the four case types are gone. The grants below are written as the old
services made them (protocol 001), not from the audiences."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from interests import permissions as perms
from interests import services
from interests.models import Nature, Relationship
from protocol_portal.casework.access import access_history, perms_for
from protocol_portal.casework.models import CaseAccess
from protocol_portal.org.services import post_ensure_group
from tests.interests.conftest import AS_OF
from tests.interests.test_audiences import EVERYONE
from tests.migrating import migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("interests", "0003_notified_and_deciding")


@pytest.fixture(autouse=True)
def _latest_afterwards():
    """Taking interests back to 0003 takes back the apps whose migrations depend on its later
    ones (access_requests), and migrating "interests" forward brings back only interests: the
    next test in this process then found access_requests without its newer columns."""
    yield
    migrate_to_latest()


def _seen(org, case) -> dict[str, frozenset[str]]:
    held = {key: perms_for(org.person(key), case) for key in EVERYONE}
    return {key: codes for key, codes in held.items() if codes}


def _grant(old_apps, model: str, case, codenames, *, posts=(), people=()):
    groups = old_apps.get_model("interests", f"{model}GroupObjectPermission")
    users = old_apps.get_model("interests", f"{model}UserObjectPermission")
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="interests", codename=codename)
        for post in posts:
            groups.objects.create(
                content_object_id=case.pk,
                permission_id=permission.pk,
                group_id=post_ensure_group(post=post).pk,
            )
        for person in people:
            users.objects.create(
                content_object_id=case.pk, permission_id=permission.pk, user_id=person.pk
            )


def test_the_migration_derives_the_audiences_from_the_grants_and_keeps_the_rest(org):
    member = services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="My cousin.",
        as_of=AS_OF,
    )
    chief = services.relationship_declare(
        council=org.council,
        declarer=org.person("ce"),
        other_person=org.person("officer_finance"),
        nature=Nature.PARTNER,
        since=None,
        details="",
        as_of=AS_OF,
    )
    advice = services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Declare?",
        confidential=True,
        as_of=AS_OF,
    )
    derived_by_services = {case: _seen(org, case) for case in (member, chief, advice)}

    # The database as it was: guardian tables, no access rows, the new columns empty.
    call_command("migrate", *BEFORE, verbosity=0)
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    CaseAccess.objects.all().delete()
    chief.deciding_members.clear()
    advice.notified_posts.clear()
    p = org.posts
    _grant(
        old_apps,
        "Relationship",
        member,
        ["view_relationship", "change_relationship"],
        people=[org.person("red_member")],
    )
    _grant(
        old_apps,
        "Relationship",
        member,
        ["view_relationship", "decide_relationship"],
        posts=[p["ce"]],
    )
    # The group leader told, the Monitoring Officer, and a post no audience derives (the
    # finance director was the Monitoring Officer's stand-in when this was declared, say).
    _grant(
        old_apps,
        "Relationship",
        member,
        ["view_relationship"],
        posts=[p["mo"], p["dir_finance"]],
        people=[org.person("red_leader")],
    )
    _grant(
        old_apps,
        "Relationship",
        chief,
        ["view_relationship", "change_relationship"],
        people=[org.person("ce")],
    )
    _grant(
        old_apps,
        "Relationship",
        chief,
        ["view_relationship", "decide_relationship"],
        people=[org.person("red_leader"), org.person("blue_leader")],
    )
    _grant(old_apps, "Relationship", chief, ["view_relationship"], posts=[p["mo"]])
    _grant(
        old_apps,
        "AdviceRequest",
        advice,
        ["view_advicerequest", "change_advicerequest"],
        people=[org.person("red_member")],
    )
    _grant(
        old_apps,
        "AdviceRequest",
        advice,
        ["view_advicerequest", "advise_advicerequest"],
        posts=[p["mo"]],
    )

    call_command("migrate", "interests", verbosity=0)

    member, chief = (Relationship.objects.get(pk=r.pk) for r in (member, chief))
    assert set(chief.deciding_members.all()) == {
        org.members["red_leader"],
        org.members["blue_leader"],
    }
    assert list(advice.notified_posts.all()) == [p["mo"]]
    assert _seen(org, chief) == derived_by_services[chief]
    assert _seen(org, advice) == derived_by_services[advice]
    # Everything the services derive, and the grant no audience derives kept as it was.
    assert _seen(org, member) == {
        **derived_by_services[member],
        "dir_finance": frozenset({"view_relationship"}),
    }
    kept = [r for r in access_history(member) if r.audience == perms.GRANTED_BEFORE]
    assert [(r.post_id, r.until) for r in kept] == [(p["dir_finance"].pk, None)]
    tables = connection.introspection.table_names()
    assert "interests_relationshipgroupobjectpermission" not in tables
    assert "interests_interestgroupobjectpermission" in tables, "register entries keep theirs"
