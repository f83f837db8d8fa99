"""The enquiry page's own read (`selectors.enquiry_for_page`) shows what the general one does.
(What each reader may do is tested from the enquiry's audiences: tests/casework/test_access.py.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enquiries import selectors, services
from enquiries.models import EnquiryAttachment, WardNotice
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


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
