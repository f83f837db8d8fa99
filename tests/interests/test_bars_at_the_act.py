"""Relationship bars enforced where the act happens (issue 13, deliverable 4): a seat on a
committee or an appointment panel, a Cabinet or other member role — through the services, any
other code path (the model's own relations), and the admin's forms; blocked with the paragraph,
or, where the council file allows, overridden by the Monitoring Officer with a recorded reason.
Expectations from the protocol texts (shared/protocols/)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from interests import services
from interests.models import Nature
from protocol_portal.org import bars
from protocol_portal.org.admin import AppointmentPanelForm, CommitteeForm, MemberRoleFormSet
from protocol_portal.org.models import (
    AppointmentPanel,
    BarAct,
    BarOverride,
    Committee,
    MemberRole,
    MemberRoleKind,
)
from tests.interests.conftest import AS_OF
from tests.interests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def relate(org, a, b, nature):
    services.relationship_declare(
        council=org.council,
        declarer=org.person(a),
        other_person=org.person(b),
        nature=nature,
        since=date(2020, 1, 1),
        details="",
        as_of=AS_OF,
    )


def housing_committee(org, **extra):
    committee = Committee.objects.create(
        council=org.council, slug="housing", name="Housing Committee", **extra
    )
    committee.staff_directorates.add(org.directorates["housing"])
    return committee


def panel(org, post_key, *candidates):
    made = AppointmentPanel.objects.create(
        council=org.council, name=f"Panel for {post_key}", post=org.posts[post_key]
    )
    made.candidates.add(*(org.person(c) for c in candidates))
    return made


def refused(call) -> str:
    # A relation's add() is atomic without a savepoint of its own: the refusal spoils the
    # enclosing transaction, so each attempt gets one (as a request does).
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        call()
    return " ".join(caught.value.messages)


# ---------------------------------------------------------------- 004 §3.3


@pytest.mark.parametrize("nature", [Nature.PARTNER, Nature.FAMILY])
def test_004_no_seat_on_a_body_responsible_for_a_related_employee(make_org, nature):
    # "Members must not sit on a Council body ... responsible for any employee to whom they are
    # married, the partner or otherwise closely related" (004 §3.3).
    org = make_org("004")
    relate(org, "red_member", "officer_housing", nature)
    committee = housing_committee(org)
    member = org.members["red_member"]
    assert "004 §3.3" in refused(
        lambda: bars.committee_member_add(committee=committee, member=member)
    )
    # Any other code path is stopped too, from either side of the relation.
    assert "004 §3.3" in refused(lambda: committee.members.add(member))
    assert "004 §3.3" in refused(lambda: member.committees.add(committee))
    assert not committee.members.filter(pk=member.pk).exists()
    # Another member, and a body responsible for other staff, are not barred.
    bars.committee_member_add(committee=committee, member=org.members["blue_member"])
    finance = Committee.objects.create(council=org.council, slug="finance", name="Finance")
    finance.staff_directorates.add(org.directorates["finance"])
    bars.committee_member_add(committee=finance, member=member)


def test_004_a_close_friendship_is_not_a_bar_to_a_seat(make_org):
    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.CLOSE_FRIENDSHIP)  # §3.5: a warning
    committee = housing_committee(org)
    bars.committee_member_add(committee=committee, member=org.members["red_member"])
    assert committee.members.filter(pk=org.members["red_member"].pk).exists()


def test_004_a_body_made_responsible_for_a_related_employee_keeps_no_barred_member(make_org):
    org = make_org("004")
    relate(org, "red_member", "officer_finance", Nature.PARTNER)
    committee = housing_committee(org)
    committee.members.add(org.members["red_member"])
    assert "004 §3.3" in refused(
        lambda: committee.staff_directorates.add(org.directorates["finance"])
    )


def test_004_no_cabinet_role_responsible_for_a_related_employee(make_org):
    # "... or assume a Cabinet role responsible for any employee ..." (004 §3.3).
    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.PARTNER)
    member, housing = org.members["red_member"], org.directorates["housing"]
    message = refused(
        lambda: bars.member_role_give(
            member=member, kind=MemberRoleKind.CABINET_MEMBER, directorates=[housing]
        )
    )
    assert "004 §3.3" in message
    assert "Cabinet member" in message
    role = MemberRole.objects.create(member=member, kind=MemberRoleKind.CABINET_MEMBER)
    assert "004 §3.3" in refused(lambda: role.portfolio_directorates.add(housing))
    # A portfolio over other staff, and a party role, are not barred.
    role.portfolio_directorates.add(org.directorates["finance"])
    bars.member_role_give(member=member, kind=MemberRoleKind.WHIP)


def test_004_chairing_a_body_responsible_for_a_related_employee_is_barred(make_org):
    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.FAMILY)
    committee = housing_committee(org)
    assert "004 §3.3" in refused(
        lambda: MemberRole.objects.create(
            member=org.members["red_member"],
            kind=MemberRoleKind.COMMITTEE_CHAIR,
            committee=committee,
        )
    )


def test_004_the_monitoring_officer_cannot_override_a_must_not(make_org):
    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.PARTNER)
    committee = housing_committee(org)
    override = BarOverride(
        member=org.members["red_member"],
        act=BarAct.COMMITTEE_MEMBERSHIP,
        committee=committee,
        reason="Short of members",
    )
    message = refused(
        lambda: bars.bar_override_record(override=override, actor=org.person("mo"), as_of=AS_OF)
    )
    assert "does not let the Monitoring Officer override this (004 §3.3)" in message
    assert not BarOverride.objects.exists()


# ---------------------------------------------------------------- 001 §5.3.2.2, 002 §46


def test_001_no_seat_on_the_panel_appointing_a_related_director(make_org):
    # "Members must not take part in the appointment or dismissal of Directors of Service and
    # above if they are in any way related to or associated with the person concerned".
    org = make_org("001")
    relate(org, "red_member", "officer_finance", Nature.BUSINESS)
    director = panel(org, "dir_housing", "officer_finance")
    member = org.members["red_member"]
    assert "001 §5.3.2.2" in refused(lambda: bars.panel_member_add(panel=director, member=member))
    assert "001 §5.3.2.2" in refused(lambda: director.members.add(member))
    # Below Director the protocol sets no bar: the member may sit (the conflict check warns).
    below = panel(org, "hos_housing", "officer_finance")
    bars.panel_member_add(panel=below, member=member)


def test_001_a_related_candidate_added_after_the_member_sits_is_refused(make_org):
    org = make_org("001")
    relate(org, "red_member", "officer_finance", Nature.FAMILY)
    director = panel(org, "dir_housing")
    bars.panel_member_add(panel=director, member=org.members["red_member"])
    assert "001 §5.3.2.2" in refused(lambda: director.candidates.add(org.person("officer_finance")))


def test_001_no_seat_on_the_panel_dismissing_a_related_director(make_org):
    org = make_org("001")
    relate(org, "red_member", "dir_housing", Nature.OTHER)
    dismissal = AppointmentPanel.objects.create(
        council=org.council,
        name="Disciplinary panel",
        post=org.posts["dir_housing"],
        purpose="dismissal",
    )
    assert "001 §5.3.2.2" in refused(
        lambda: bars.panel_member_add(panel=dismissal, member=org.members["red_member"])
    )


@pytest.mark.parametrize(
    ("nature", "barred"),
    [
        (Nature.CLOSE_FRIENDSHIP, True),
        (Nature.FAMILY, True),
        (Nature.PARTNER, True),
        (Nature.BUSINESS, False),
    ],
)
def test_002_no_part_where_the_candidate_is_a_close_friend_or_relative(make_org, nature, barred):
    # "Not take part where the candidate is a close friend or relative" (002 §46), any post.
    org = make_org("002")
    relate(org, "red_member", "officer_finance", nature)
    officer = panel(org, "officer_housing", "officer_finance")
    member = org.members["red_member"]
    if barred:
        assert "002 §46" in refused(lambda: bars.panel_member_add(panel=officer, member=member))
    else:
        bars.panel_member_add(panel=officer, member=member)
        assert officer.members.filter(pk=member.pk).exists()


# ---------------------------------------------------------------- 000 §10.5 and the override


def test_000_no_seat_on_a_body_affecting_the_officer_unless_the_mo_overrides(make_org):
    # "A Member should not sit on a body ... which directly affects the officer on a personal
    # basis" (000 §10.5); the council file lets the Monitoring Officer override, with a reason.
    org = make_org("000")
    relate(org, "blue_member", "officer_housing", Nature.BUSINESS)
    committee = housing_committee(org)
    member = org.members["blue_member"]
    message = refused(lambda: bars.committee_member_add(committee=committee, member=member))
    assert "000 §10.5" in message
    assert "The Monitoring Officer may override this" in message

    override = BarOverride(
        member=member, act=BarAct.COMMITTEE_MEMBERSHIP, committee=committee, reason=""
    )
    # Only the Monitoring Officer, and only with a reason.
    not_mo = refused(
        lambda: bars.bar_override_record(override=override, actor=org.person("ce"), as_of=AS_OF)
    )
    assert "Only the council's Monitoring Officer" in not_mo
    assert "Enter the reason" in not_mo
    override.reason = "The officer's post is being deleted; the member's seat is needed"
    bars.bar_override_record(override=override, actor=org.person("mo"), as_of=AS_OF)
    assert (override.source, override.decided_by) == ("000 §10.5", org.person("mo"))
    assert override.history.count() == 1  # audited

    bars.committee_member_add(committee=committee, member=member)
    assert committee.members.filter(pk=member.pk).exists()
    # The override is for that committee only.
    other = Committee.objects.create(council=org.council, slug="homes", name="Homes Panel")
    other.staff_directorates.add(org.directorates["housing"])
    assert "000 §10.5" in refused(lambda: other.members.add(member))


def test_an_override_with_nothing_to_override_is_refused(make_org):
    org = make_org("000")
    committee = housing_committee(org)
    override = BarOverride(
        member=org.members["blue_member"],
        act=BarAct.COMMITTEE_MEMBERSHIP,
        committee=committee,
        reason="Just in case",
    )
    assert "No relationship bar stops this act" in refused(
        lambda: bars.bar_override_record(override=override, actor=org.person("mo"), as_of=AS_OF)
    )


# ---------------------------------------------------------------- the admin's forms


def test_the_committee_admin_form_names_the_paragraph(make_org):
    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.PARTNER)
    committee = housing_committee(org)
    form = CommitteeForm(
        instance=committee,
        data={
            "council": org.council.pk,
            "slug": "housing",
            "name": "Housing Committee",
            "members": [org.members["red_member"].pk, org.members["blue_member"].pk],
            "staff_directorates": [org.directorates["housing"].pk],
        },
    )
    assert not form.is_valid()
    assert "004 §3.3" in " ".join(form.errors["members"])
    assert "Blue Member" not in " ".join(form.errors["members"])


def test_the_panel_admin_form_names_the_paragraph(make_org):
    org = make_org("002")
    relate(org, "red_member", "officer_finance", Nature.CLOSE_FRIENDSHIP)
    form = AppointmentPanelForm(
        data={
            "council": org.council.pk,
            "name": "Finance officer panel",
            "post": org.posts["officer_housing"].pk,
            "purpose": "appointment",
            "candidates": [org.person("officer_finance").pk],
            "members": [org.members["red_member"].pk],
        }
    )
    assert not form.is_valid()
    assert "002 §46" in " ".join(form.errors["members"])


def test_the_member_role_admin_inline_names_the_paragraph(make_org):
    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.FAMILY)
    member = org.members["red_member"]
    prefix = "roles"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-kind": MemberRoleKind.CABINET_MEMBER,
        f"{prefix}-0-portfolio": "Housing",
        f"{prefix}-0-portfolio_directorates": [org.directorates["housing"].pk],
    }
    from django.forms import inlineformset_factory

    from protocol_portal.org.models import Member

    formset_class = inlineformset_factory(
        Member,
        MemberRole,
        formset=MemberRoleFormSet,
        fields=("kind", "portfolio", "portfolio_directorates", "committee"),
        extra=0,
    )
    formset = formset_class(data=data, instance=member, prefix=prefix)
    assert not formset.is_valid()
    assert "004 §3.3" in " ".join(formset.non_form_errors())


# ---------------------------------------------------------------- the API


def test_the_api_refuses_a_barred_seat_or_role_with_the_paragraph(make_org):
    from rest_framework.test import APIClient

    org = make_org("004")
    relate(org, "red_member", "officer_housing", Nature.PARTNER)
    committee = housing_committee(org)
    admin = PersonFactory(username="org-admin", is_staff=True, is_superuser=True)
    client = APIClient()
    client.force_authenticate(admin)
    red, blue = org.person("red_member").username, org.person("blue_member").username
    seat = {"council": org.council.slug, "committee": committee.slug}
    barred = client.post("/api/v1/org/committee-seats/", {**seat, "member": red}, format="json")
    assert barred.status_code == 400
    assert "004 §3.3" in str(barred.json())
    assert not committee.members.filter(person__username=red).exists()
    allowed = client.post("/api/v1/org/committee-seats/", {**seat, "member": blue}, format="json")
    assert allowed.status_code == 201
    role = {
        "council": org.council.slug,
        "member": red,
        "kind": "cabinet_member",
        "directorates": ["housing"],
    }
    refused_role = client.post("/api/v1/org/member-roles/", role, format="json")
    assert refused_role.status_code == 400
    assert "004 §3.3" in str(refused_role.json())
    unknown = client.post(
        "/api/v1/org/committee-seats/", {**seat, "committee": "nope", "member": red}, format="json"
    )
    assert unknown.status_code == 400
    # A member may not give themselves a seat.
    client.force_authenticate(org.person("blue_member"))
    assert client.post("/api/v1/org/panel-seats/", {}, format="json").status_code == 403
