"""Who may do what to an enquiry, through the browser and the API: role × action → allow/deny.

A read someone may not make answers 404 (no enumeration); an action on an enquiry they may read
but not act on answers 403.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enquiries import services
from tests.conftest import build_org
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# role → (view, act, attachment, export)
MATRIX = {
    "raiser": (True, False, True, True),
    "member_same_group": (False, False, False, False),
    "member_other_group": (False, False, False, False),
    "owner": (True, True, True, True),
    "owner_line_manager": (True, True, True, True),
    "officer_same_directorate": (False, False, False, False),
    "officer_other_directorate": (False, False, False, False),
    "triage": (True, True, True, True),
    "director_escalated_to": (True, True, True, True),
    "chief_executive": (True, True, True, True),
    "monitoring_officer": (False, False, False, False),
    "anonymous": (False, False, False, False),
}
ACTIONS = ("view", "act", "attachment", "export")


def person_for(org, role):
    return {
        "raiser": org.raiser.person,
        "member_same_group": org.colleague.person,
        "member_other_group": org.opponent.person,
        "owner": org.triage.holder,
        "owner_line_manager": org.governance.holder,
        "officer_same_directorate": org.policy_officer.holder,
        "officer_other_directorate": org.env_officer.holder,
        "triage": org.triage_2.holder,
        "director_escalated_to": org.housing_director.holder,
        "chief_executive": org.ce.holder,
        "monitoring_officer": org.mo.holder,
        "anonymous": None,
    }[role]


@pytest.fixture
def case(db, as_of, settings, tmp_path):
    """An enquiry routed to triage (member services), escalated to the Housing Director.

    Routed to a council-wide team, its management line is the Head of Governance and the CE;
    the Housing Director sees it only because a chaser escalated to them; a second triage post
    sees it as triage; the Monitoring Officer is outside all of these.
    """
    from datetime import date, datetime

    from protocol_portal.casework.tasks import sweep_due_chasers
    from protocol_portal.org.models import PostKind
    from tests.conftest import LONDON, _post

    settings.MEDIA_ROOT = tmp_path
    org = build_org(rules={"routine": (PostKind.MEMBER_SERVICES, "council")})
    org.governance = _post(
        org.council,
        "head-of-governance",
        PostKind.LEGAL_DEMOCRATIC_SERVICES,
        org.chief_exec_dir,
        org.ce,
    )
    org.triage.line_manager = org.governance
    org.triage.save()
    # A second triage post: the rule routes to the first by slug.
    org.triage_2 = _post(
        org.council,
        "zz-member-services",
        PostKind.MEMBER_SERVICES,
        org.chief_exec_dir,
        org.governance,
    )
    org.policy_officer = _post(
        org.council, "policy-officer", PostKind.OFFICER, org.chief_exec_dir, org.mo
    )
    upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    enquiry = log(org, as_of, attachments=[upload])
    assert enquiry.owner_post == org.triage
    moment = datetime(2026, 3, 19, 7, 0, tzinfo=LONDON)
    for _ in range(3):
        sweep_due_chasers(moment.isoformat())
    enquiry.refresh_from_db()
    assert enquiry.breached_on == date(2026, 3, 17)
    return org, enquiry


def _browser(client, enquiry, action):
    ref = enquiry.reference
    if action == "view":
        return client.get(reverse("enquiries:detail", args=[ref]))
    if action == "act":
        return client.post(reverse("enquiries:act", args=[ref, "accept"]))
    if action == "attachment":
        item = enquiry.attachments.get()
        return client.get(reverse("enquiries:attachment", args=[ref, item.pk]))
    return client.get(reverse("enquiries:export", args=[ref]))


def _api(client, enquiry, action):
    base = f"/api/v1/enquiries/{enquiry.reference}/"
    if action == "view":
        return client.get(base)
    if action == "act":
        return client.post(base + "accept/", {}, content_type="application/json")
    if action == "attachment":
        return client.get(base + f"attachments/{enquiry.attachments.get().pk}/")
    return client.get("/api/v1/enquiries/")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(MATRIX))
def test_browser_matrix(client, case, role, action):
    org, enquiry = case
    person = person_for(org, role)
    if person is not None:
        client.force_login(person)
    allowed = MATRIX[role][ACTIONS.index(action)]
    response = _browser(client, enquiry, action)
    if person is None:
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    elif allowed:
        assert response.status_code in (200, 302)
        if action == "act":
            assert response["Location"] == reverse("enquiries:detail", args=[enquiry.reference])
        if action in ("attachment", "export"):
            assert response["Content-Disposition"].startswith("attachment")
    elif action == "act" and MATRIX[role][0]:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(MATRIX))
def test_api_matrix(client, case, role, action):
    org, enquiry = case
    person = person_for(org, role)
    if person is not None:
        client.force_login(person)
    allowed = MATRIX[role][ACTIONS.index(action)]
    response = _api(client, enquiry, action)
    if person is None:
        assert response.status_code == 403
    elif action == "export":
        refs = [row["reference"] for row in response.json()["results"]]
        assert (enquiry.reference in refs) is allowed
    elif allowed:
        assert response.status_code == 200
    elif action == "act" and MATRIX[role][0]:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_a_copied_member_may_view_but_not_open_attachments(client, case, as_of):
    org, enquiry = case
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.colleague, actor=org.raiser.person, as_of=as_of
    )
    client.force_login(org.colleague.person)
    assert client.get(reverse("enquiries:detail", args=[enquiry.reference])).status_code == 200
    item = enquiry.attachments.get()
    url = reverse("enquiries:attachment", args=[enquiry.reference, item.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert "letter.pdf" not in page


def test_the_raiser_sees_who_was_copied(client, case, as_of):
    org, enquiry = case
    services.enquiry_share_with_member(
        enquiry=enquiry, member=org.colleague, actor=org.raiser.person, as_of=as_of
    )
    client.force_login(org.raiser.person)
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert str(org.colleague) in page
    assert "permission" in page


def test_an_unknown_reference_and_a_forbidden_one_look_the_same(client, case):
    org, enquiry = case
    client.force_login(org.opponent.person)
    forbidden = client.get(reverse("enquiries:detail", args=[enquiry.reference]))
    missing = client.get(reverse("enquiries:detail", args=["TES-ENQ-2026-99999"]))
    assert forbidden.status_code == missing.status_code == 404
    api_forbidden = client.get(f"/api/v1/enquiries/{enquiry.reference}/")
    api_missing = client.get("/api/v1/enquiries/TES-ENQ-2026-99999/")
    assert api_forbidden.status_code == api_missing.status_code == 404
    assert api_forbidden.json() == api_missing.json()


def test_the_attachment_is_served_as_a_download_with_its_type(client, case):
    org, enquiry = case
    client.force_login(org.raiser.person)
    item = enquiry.attachments.get()
    response = client.get(reverse("enquiries:attachment", args=[enquiry.reference, item.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="letter.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert "attachments" not in item.file.name.split("/")[0:1]
    assert item.file.name.startswith("enquiries/")
