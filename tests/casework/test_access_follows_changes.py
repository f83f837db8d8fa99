"""Access rows stay true when who a case's audiences are changes outside the case's services:
retention anonymising a case (its people come off it), and a post changing hands in the org
admin or `post_set_holder`.

Access through a post follows the post by itself (rows name the post, not its holder). What
did not follow: a case anonymised under retention left its raiser's and copies' rows open; a
post barred because of its holder (the person complained about, an officer involved in legal
proceedings) stayed barred after they left it and unbarred when they took another post in the
audience; a vacant Monitoring Officer's post did not pass the Monitoring Officer's sight to
the deputy (tests/interests/test_audiences.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from complaints import permissions as cperms
from complaints import services as complaint_services
from complaints.models import Complaint
from complaints.states import Kind
from enquiries import services
from enquiries.models import Enquiry
from enquiries.permissions import ACT, VIEW, can
from enquiries.selectors import enquiries_visible_to
from protocol_portal.casework.access import access_rebuild, perms_for
from protocol_portal.casework.models import CaseAccess
from protocol_portal.casework.retention import retention_apply
from protocol_portal.org.services import post_set_holder
from tests.complaints.factories import AS_OF, build_complaint_org
from tests.enquiries.helpers import log
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- a post changes hands


def test_a_new_holder_takes_the_posts_cases_and_the_old_holder_loses_them(org, as_of):
    """Access by post follows the post: no row is touched, the new holder sees and acts on the
    enquiry at once, in the list too, and the old holder does neither."""
    enquiry = log(org, as_of)
    old = org.housing_officer.holder
    new = PersonFactory(username="new-housing-officer")
    rows = set(CaseAccess.objects.values_list("pk", "until"))
    post_set_holder(post=org.housing_officer, holder=new)
    assert set(CaseAccess.objects.values_list("pk", "until")) == rows
    assert can(new, ACT, enquiry)
    assert enquiries_visible_to(user=new).filter(pk=enquiry.pk).exists()
    assert not can(old, VIEW, enquiry)
    assert not enquiries_visible_to(user=old).filter(pk=enquiry.pk).exists()


def test_an_involved_officer_who_takes_a_post_in_the_audience_still_never_sees_it(org, as_of):
    """000 §13.5: an officer involved in the proceedings never sees the enquiry. Moved into
    member services (which sees every enquiry) they did: the post was not barred when its
    access rows were written. The member services officer they replace loses it too."""
    enquiry = log(org, as_of, relates_to_legal_proceedings=True)
    involved = org.env_officer.holder
    services.enquiry_mark_involved(
        enquiry=enquiry, officer=involved, actor=org.triage.holder, as_of=as_of
    )
    replaced = org.triage.holder
    post_set_holder(post=org.triage, holder=involved)
    assert not can(involved, VIEW, enquiry)
    assert not enquiries_visible_to(user=involved).filter(pk=enquiry.pk).exists()
    assert not can(replaced, VIEW, enquiry)
    # Once they leave the post, whoever takes it is member services again.
    post_set_holder(post=org.triage, holder=replaced)
    assert can(replaced, ACT, enquiry)
    assert not can(involved, VIEW, enquiry)


def test_a_new_line_manager_takes_up_the_cases_handled_under_them(org, as_of):
    """The handler's line of management sees the enquiry. The org admin (or a council file
    reloaded) moving the housing manager under the environment director changed nothing: the
    housing director kept it and the environment director never had it."""
    enquiry = log(org, as_of)
    assert can(org.housing_director.holder, ACT, enquiry)
    manager = org.housing_manager
    manager.line_manager = org.env_director
    manager.save()  # what the org admin's change form does
    assert can(org.env_director.holder, ACT, enquiry)
    assert not can(org.housing_director.holder, VIEW, enquiry)
    assert can(org.ce.holder, ACT, enquiry)  # still on the line, above both
    assert can(org.housing_manager.holder, ACT, enquiry)


def _about_the_chief_executive(o):
    return complaint_services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.ce,
        summary="Dismissive in a meeting",
        details="The Chief Executive dismissed my question about the housing budget.",
        informal_attempted=True,
        as_of=AS_OF,
    )


def test_the_person_complained_about_never_sees_it_from_a_post_they_take():
    """A complaint about the housing officer is handled up their line, which ends at the Chief
    Executive. The officer appointed Chief Executive did see it (the post's row stayed open);
    the post is barred while they hold it, and the Chief Executive they replace loses it."""
    o = build_complaint_org()
    complaint = complaint_services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.officer,
        summary="Rude on the phone",
        details="The officer was rude when I rang about a constituent's repairs.",
        as_of=AS_OF,
    )
    subject = o.officer.holder
    former_ce = o.ce.holder
    assert cperms.can(former_ce, cperms.VIEW, complaint)
    post_set_holder(post=o.officer, holder=None)
    post_set_holder(post=o.ce, holder=subject)
    assert not cperms.can(subject, cperms.VIEW, complaint)
    assert not cperms.can(former_ce, cperms.VIEW, complaint)


def test_a_post_the_person_complained_about_leaves_is_no_longer_barred():
    """A complaint about the Chief Executive goes to the deputy; the Chief Executive's post,
    the deputy's line manager, is barred. A new Chief Executive is not the person complained
    about: they see it as the line above its handler, and the one complained about does not."""
    o = build_complaint_org()
    complaint = _about_the_chief_executive(o)
    assert complaint.owner_post == o.dce
    subject = o.ce.holder
    assert not cperms.can(subject, cperms.VIEW, complaint)
    successor = PersonFactory(username="new-chief-executive")
    post_set_holder(post=o.ce, holder=successor)
    assert cperms.can(successor, cperms.VIEW, complaint)
    assert not cperms.can(subject, cperms.VIEW, complaint)


# --------------------------------------------------------------------------- retention


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_anonymising_an_enquiry_ends_the_sight_of_the_member_copied_in(org, as_of, media):
    enquiry = log(org, as_of)
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.opponent, actor=org.raiser.person, as_of=as_of
    )
    officer = enquiry.owner_post.holder
    enquiry = services.enquiry_respond(
        enquiry=enquiry, response="Repaired.", actor=officer, as_of=as_of
    )
    enquiry = services.enquiry_close(enquiry=enquiry, actor=officer, as_of=as_of)
    assert can(org.opponent.person, VIEW, enquiry)
    later = as_of + relativedelta(years=3)
    with time_machine.travel(later, tick=False):
        run = retention_apply(council=org.council, model=Enquiry, as_of=later)
    assert run.cases_anonymised == 1
    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    assert not can(org.opponent.person, VIEW, enquiry)
    ended = CaseAccess.objects.get(case_id=enquiry.pk, person=org.opponent.person)
    assert ended.until == later
    # The member who raised it stays on it (a required link to a councillor is kept), and so
    # do the posts that handled it.
    assert can(org.raiser.person, VIEW, enquiry)
    assert can(org.housing_manager.holder, VIEW, enquiry)


def _anonymise(o, complaint) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(
        closed_at=AS_OF + timedelta(days=5), next_action_at=None
    )
    later = AS_OF + relativedelta(months=72, days=6)
    with time_machine.travel(later, tick=False):
        run = retention_apply(council=o.council, model=Complaint, as_of=later)
    assert run.cases_anonymised == 1
    return Complaint.objects.get(pk=complaint.pk)


def test_anonymising_a_complaint_ends_the_sight_of_the_person_who_raised_it():
    o = build_complaint_org()
    complaint = _about_the_chief_executive(o)
    raiser = o.complainant.person
    assert cperms.can(raiser, cperms.VIEW, complaint)
    complaint = _anonymise(o, complaint)
    assert perms_for(raiser, complaint) == frozenset()
    assert not CaseAccess.objects.filter(
        case_id=complaint.pk, until__isnull=True, person__isnull=False
    ).exists()
    assert cperms.can(o.dce.holder, cperms.VIEW, complaint)  # its handler keeps it


def test_an_anonymised_complaint_never_reaches_the_person_it_was_about():
    """Anonymising points the complaint's subject at a placeholder, so nothing names the Chief
    Executive any more; their post stays barred all the same, after a rebuild of every case's
    access and after their post changes hands and comes back."""
    o = build_complaint_org()
    complaint = _anonymise(o, _about_the_chief_executive(o))
    subject = o.ce.holder
    with time_machine.travel(AS_OF + relativedelta(years=7), tick=False):
        access_rebuild(as_of=AS_OF + relativedelta(years=7))
        assert not cperms.can(subject, cperms.VIEW, complaint)
        post_set_holder(post=o.ce, holder=None)
        post_set_holder(post=o.ce, holder=subject)
    assert not cperms.can(subject, cperms.VIEW, complaint)


# --------------------------------------------------------------------------- the admin


def test_no_case_can_be_handed_to_another_post_in_the_admin(rf):
    """A case's handler, copies and people change only through its services (which derive its
    access): every governed case type's admin is read-only, even for the site admin."""
    from django.apps import apps
    from django.contrib import admin

    from protocol_portal.casework.access import _specs

    request = rf.get("/admin/")
    request.user = PersonFactory(is_superuser=True, is_staff=True)
    assert _specs
    for label in _specs:
        model_admin = admin.site._registry[apps.get_model(label)]
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_delete_permission(request), label
