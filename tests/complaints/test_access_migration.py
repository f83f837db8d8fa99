"""complaints 0005: existing complaints get access rows derived from the case, the guardian grants
no audience derives are kept where the protocol keeps them, and the guardian tables go.

The database is taken back to complaints 0004 (guardian tables, no access rows), given a complaint
as the grants left it, and migrated forward again through the later migrations (0006 adds
columns): the data migration reads only the columns the database has at its point in history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from complaints import services
from complaints.models import Complaint
from complaints.states import Kind
from protocol_portal.casework.models import CaseAccess, CaseEvent
from protocol_portal.org.services import post_ensure_group
from tests.complaints.factories import AS_OF
from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("complaints", "0004_complaint_passed_over")]


def test_existing_complaints_get_derived_access_and_lose_their_guardian_rows(corg):
    complaint = services.complaint_raise(
        council=corg.council,
        raiser=corg.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=corg.officer,
        summary="Rude on the phone",
        details="The officer was rude when I rang.",
        as_of=AS_OF,
    )
    try:
        old = migrate(BEFORE)
        CaseAccess.objects.all().delete()
        # The routing passed over the Chief Executive for a conflict: the timeline says so.
        CaseEvent.objects.create(
            council=corg.council,
            case_type=ContentType.objects.get_for_model(Complaint),
            case_id=complaint.pk,
            at=AS_OF,
            kind="routing",
            summary=f"{corg.ce.holder} (Chief Executive) passed over: related (T §10).",
            visible_to_raiser=False,
        )
        granted = old.get_model("complaints", "ComplaintGroupObjectPermission")
        codes = {
            p.codename: p.pk
            for p in Permission.objects.filter(content_type__app_label="complaints")
        }
        grants = {
            corg.director: ("view_complaint", "act_on_complaint", "view_disciplinary_complaint"),
            corg.hr: ("view_complaint",),  # copied in
            corg.dce: ("view_complaint",),  # reached by a chaser
            # The handler side of a stage passed on (its right to act revoked): not kept.
            corg.policy_officer: ("view_complaint", "view_disciplinary_complaint"),
        }
        for post, codenames in grants.items():
            group = post_ensure_group(post=post)
            for codename in codenames:
                granted.objects.create(
                    group_id=group.pk, permission_id=codes[codename], content_object_id=complaint.pk
                )
    finally:
        migrate_to_latest()
    rows = {
        (r.audience, r.post_id or r.person_id): r.perms
        for r in CaseAccess.objects.filter(case_id=complaint.pk, until__isnull=True)
    }
    assert rows == {
        ("raiser", corg.complainant.person_id): ",respond_to_complaint,view_complaint,",
        ("handler", corg.director.pk): (
            ",act_on_complaint,view_complaint,view_disciplinary_complaint,"
        ),
        ("copied_post", corg.hr.pk): ",view_complaint,",
        ("escalated", corg.dce.pk): ",view_complaint,",
        # No line_manager row: the Chief Executive was passed over, so is barred.
    }
    complaint.refresh_from_db()
    assert list(complaint.passed_over.all()) == [corg.ce.holder]
    tables = connection.introspection.table_names()
    assert "complaints_complaintgroupobjectpermission" not in tables
    assert "complaints_complaintuserobjectpermission" not in tables
