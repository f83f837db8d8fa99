"""`permissions.allowed` reads in one query the set guardian's checker reads in two, and the
enquiry page's own read (`selectors.enquiry_for_page`) shows what the general one does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker

from enquiries import permissions, selectors, services
from enquiries.models import EnquiryAttachment, EnquiryGroupObjectPermission, WardNotice
from enquiries.permissions import ACT, ATTACHMENTS, FOLLOW_UP, VIEW, allowed
from protocol_portal.org.models import Person
from tests.enquiries.helpers import log
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def guardian_says(user: Person, enquiry) -> frozenset[str]:
    codenames = ObjectPermissionChecker(user).get_perms(enquiry)
    return frozenset(f"enquiries.{codename}" for codename in codenames)


@pytest.fixture
def people(org, as_of):
    """An enquiry and one person for each way of holding (or not) permissions on it."""
    enquiry = log(org, as_of)
    other = log(org, as_of, subject="Bins not collected on Oak Road")
    direct = PersonFactory(username="direct")
    permissions.grant_copy_person(enquiry=enquiry, person=direct)
    grouped = PersonFactory(username="grouped")
    group = Group.objects.create(name="a post's group")
    grouped.groups.add(group, Group.objects.create(name="a group with no grants"))
    both = PersonFactory(username="both")
    both.groups.add(group)
    permissions.grant_to_person((FOLLOW_UP,), both, enquiry)
    permissions.grant_to_person((ACT,), both, other)  # another enquiry's grant does not count
    for codename in ("view_enquiry", "view_enquiry_attachments"):
        EnquiryGroupObjectPermission.objects.create(
            group=group,
            permission=Permission.objects.get(codename=codename),
            content_object=enquiry,
        )
    inactive = PersonFactory(username="inactive", is_active=False)
    permissions.grant_copy_person(enquiry=enquiry, person=inactive)
    return enquiry, {
        "direct": direct,
        "group": grouped,
        "both": both,
        "none": PersonFactory(username="nobody"),
        "superuser": PersonFactory(username="root", is_superuser=True, is_staff=True),
        "inactive": inactive,
        "owner": org.housing_officer.holder,
        "raiser": org.raiser.person,
    }


@pytest.mark.parametrize(
    "who", ["direct", "group", "both", "none", "superuser", "inactive", "owner", "raiser"]
)
def test_allowed_is_what_guardian_says(people, who):
    enquiry, by_kind = people
    user = Person.objects.get(pk=by_kind[who].pk)  # fresh: no checker cache, no group cache
    assert allowed(user, enquiry) == guardian_says(user, enquiry)


def test_the_kinds_hold_what_they_were_given(people):
    enquiry, by_kind = people
    assert allowed(by_kind["direct"], enquiry) == {VIEW}
    assert allowed(by_kind["group"], enquiry) == {VIEW, ATTACHMENTS}
    assert allowed(by_kind["both"], enquiry) == {VIEW, ATTACHMENTS, FOLLOW_UP}
    assert allowed(by_kind["none"], enquiry) == frozenset()
    assert allowed(by_kind["inactive"], enquiry) == frozenset()
    assert {VIEW, ACT, ATTACHMENTS, FOLLOW_UP} <= allowed(by_kind["superuser"], enquiry)


def test_allowed_is_one_query(people, django_assert_num_queries):
    enquiry, by_kind = people
    with django_assert_num_queries(1):
        allowed(by_kind["both"], enquiry)


def test_the_anonymous_hold_nothing(people):
    enquiry, _ = people
    assert allowed(AnonymousUser(), enquiry) == frozenset()


def test_the_page_read_shows_what_the_general_read_does(org, as_of):
    enquiry = log(org, as_of)
    full = selectors.enquiry_by_reference(reference=enquiry.reference)
    page = selectors.enquiry_for_page(reference=enquiry.reference)
    with CaptureQueriesContext(connection) as ctx:
        assert str(page.member) == str(full.member)
        assert page.owner_post.title == full.owner_post.title
        assert str(page.owner_post.holder) == str(full.owner_post.holder)
        for name in ("council", "service_area", "directorate", "ward"):
            assert getattr(page, name).name == getattr(full, name).name
        for field in full._meta.concrete_fields:
            assert getattr(page, field.attname) == getattr(full, field.attname)
    assert ctx.captured_queries == []
    assert selectors.enquiry_for_page(reference="ENQ-NONE") is None


@pytest.mark.parametrize("filled", [False, True])
def test_the_page_reads_only_the_lists_that_have_rows(org, as_of, settings, tmp_path, filled):
    """Empty lists are not read; a list with rows is read as the general read has it."""
    settings.MEDIA_ROOT = str(tmp_path)
    enquiry = log(org, as_of, relates_to_legal_proceedings=True)
    if filled:
        officer = org.housing_officer.holder
        services.enquiry_mark_involved(
            enquiry=enquiry, officer=org.env_officer.holder, actor=officer, as_of=as_of
        )
        services.enquiry_share_with_member(
            enquiry=enquiry, member=org.colleague, actor=org.raiser.person, as_of=as_of
        )
        EnquiryAttachment.objects.create(
            enquiry=enquiry,
            file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
            original_name="a.pdf",
            content_type="application/pdf",
            size=8,
            uploaded_at=as_of,
        )
        WardNotice.objects.get_or_create(enquiry=enquiry, member=org.opponent, told_at=as_of)
    page = selectors.enquiry_for_page(reference=enquiry.reference)
    flags = {name: getattr(page, name) for name in selectors.PAGE_LISTS}
    assert flags == {
        "has_attachments": enquiry.attachments.exists(),
        "has_copies": enquiry.copies.exists(),
        "has_ward_notices": enquiry.ward_notices.exists(),
        "has_involved": enquiry.involved_officers.exists(),
    }
    if filled:
        assert all(flags.values())
    shown = selectors.enquiry_page(enquiry=page, raiser_view=False, officer_view=True)
    general = selectors.enquiry_page(enquiry=enquiry, raiser_view=False, officer_view=True)
    assert [str(n.member) for n in shown.ward_notices] == [
        str(n.member) for n in general.ward_notices
    ]
    assert [(str(c.post or c.member), c.reason) for c in shown.copies] == [
        (str(c.post or c.member), c.reason) for c in general.copies
    ]
    assert shown.attachments == general.attachments
    assert shown.involved == general.involved
