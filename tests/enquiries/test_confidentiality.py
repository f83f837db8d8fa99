"""Who may make a member's enquiry known to other members, and whether the public may inspect it,
written from the protocol texts (shared/protocols/) and run on the council files:

- 001 §5.3.9.2: "Correspondence between an officer and member may be made available to others
  unless it is agreed that it should be kept confidential. Officers should consider, when
  providing information to one member, whether others should also be informed, e.g. in
  relation to a ward or local matter".
- 004 §14.2: "Correspondence between individual Members and officers should be treated as
  confidential unless the Member or officer indicates otherwise. All correspondence should
  normally be open to the inspection of the public ... This does not apply to correspondence
  written in connection with legal proceedings ... or if this would be in conflict with the
  data protection legislation."
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from enquiries import confidentiality
from enquiries.models import CopyReason, WardNotice
from enquiries.services import enquiry_set_confidential, enquiry_share_with_member
from protocol_portal.casework.access import can
from protocol_portal.org.models import Member
from tests.enquiries.helpers import log, messages_to
from tests.enquiries.test_protocol_fidelity import AS_OF, _enquiry_in_another_ward, load

pytestmark = pytest.mark.django_db
BASE = "/api/v1/enquiries/"


def _settings(org, **values):
    org.council.protocol_settings = {
        key: {"value": value, "source": "test §1"} for key, value in values.items()
    }
    org.council.save()


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


# ------------------------------------------------------------------ 001 §5.3.9.2 (Part 5.3)


def test_at_part_5_3_an_officer_may_share_an_enquiry_with_another_member():
    # "may be made available to others unless it is agreed that it should be kept
    # confidential": the officer handling it may copy a ward colleague in, unasked.
    council = load("part-5-3")
    enquiry, raiser, other = _enquiry_in_another_ward(council)
    assert not enquiry.kept_confidential
    officer = enquiry.owner_post.holder
    copy = enquiry_share_with_member(enquiry=enquiry, member=other, actor=officer, as_of=AS_OF)
    assert copy.reason == CopyReason.OFFICER
    assert copy.source == "001 §5.3.9.2"
    # The copy reads the enquiry, never the resident's documents or reference (the kernel).
    assert can(other.person, "enquiries.view_enquiry", enquiry)
    assert not can(other.person, "enquiries.view_enquiry_attachments", enquiry)
    # The member is told who it was shared with.
    assert any(str(other) in m.body for m in messages_to(raiser.person, case=enquiry))


def test_at_part_5_3_an_enquiry_the_member_asked_to_keep_confidential_is_not_shared():
    # "... unless it is agreed that it should be kept confidential": then no officer shares it
    # and the ward's members are not informed.
    council = load("part-5-3")
    enquiry, raiser, other = _enquiry_in_another_ward(council, keep_confidential=True)
    assert enquiry.kept_confidential
    assert not WardNotice.objects.filter(enquiry=enquiry).exists()
    with pytest.raises(PermissionDenied, match="001 §5.3.9.2"):
        enquiry_share_with_member(
            enquiry=enquiry, member=other, actor=enquiry.owner_post.holder, as_of=AS_OF
        )
    assert not can(other.person, "enquiries.view_enquiry", enquiry)
    # The member may still copy someone in themselves.
    enquiry_share_with_member(enquiry=enquiry, member=other, actor=raiser.person, as_of=AS_OF)
    assert can(other.person, "enquiries.view_enquiry", enquiry)


def test_at_part_5_3_the_member_may_ask_later_and_only_the_member():
    council = load("part-5-3")
    enquiry, raiser, other = _enquiry_in_another_ward(council)
    officer = enquiry.owner_post.holder
    with pytest.raises(PermissionDenied):
        enquiry_set_confidential(enquiry=enquiry, keep=True, actor=officer, as_of=AS_OF)
    enquiry_set_confidential(enquiry=enquiry, keep=True, actor=raiser.person, as_of=AS_OF)
    enquiry.refresh_from_db()
    assert enquiry.kept_confidential
    with pytest.raises(PermissionDenied):
        enquiry_share_with_member(enquiry=enquiry, member=other, actor=officer, as_of=AS_OF)


# ------------------------------------------------------------------ 004 §14.2 (Hackney)


def test_at_hackney_an_enquiry_is_confidential_until_the_member_or_officer_releases_it():
    council = load("hackney")
    enquiry, raiser, other = _enquiry_in_another_ward(council)
    assert enquiry.kept_confidential
    # Not open to the public while confidential.
    inspection = confidentiality.public_inspection(enquiry)
    assert inspection is not None
    assert not inspection.open
    # The officer "indicates otherwise": sharing releases it.
    officer = enquiry.owner_post.holder
    enquiry_share_with_member(enquiry=enquiry, member=other, actor=officer, as_of=AS_OF)
    enquiry.refresh_from_db()
    assert not enquiry.kept_confidential
    assert can(other.person, "enquiries.view_enquiry", enquiry)
    assert not can(other.person, "enquiries.view_enquiry_attachments", enquiry)
    # "normally open to the inspection of the public".
    assert confidentiality.public_inspection(enquiry).open
    assert confidentiality.public_inspection(enquiry).source == "004 §14.2"
    # Released is released.
    with pytest.raises(PermissionDenied):
        enquiry_set_confidential(enquiry=enquiry, keep=True, actor=raiser.person, as_of=AS_OF)


def test_at_hackney_the_member_may_release_it_too():
    council = load("hackney")
    enquiry, raiser, other = _enquiry_in_another_ward(council)
    enquiry_set_confidential(enquiry=enquiry, keep=False, actor=raiser.person, as_of=AS_OF)
    enquiry.refresh_from_db()
    assert not enquiry.kept_confidential


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"relates_to_legal_proceedings": True}, "legal proceedings"),
        ({"resident_reference": "Mrs A, tenancy 1234"}, "data protection"),
    ],
)
def test_released_correspondence_is_not_open_to_the_public_where_section_14_2_excepts_it(
    org, as_of, extra, why
):
    # "This does not apply to correspondence written in connection with legal proceedings ...
    # or if this would be in conflict with the data protection legislation."
    _settings(org, confidentiality="either_may_release", public_inspection=True)
    values = {"resident_reference": "", **extra}
    enquiry = log(org, as_of, **values)
    enquiry_set_confidential(enquiry=enquiry, keep=False, actor=org.raiser.person, as_of=as_of)
    enquiry.refresh_from_db()
    inspection = confidentiality.public_inspection(enquiry)
    assert not inspection.open
    assert why in inspection.why


def test_a_council_without_the_rule_marks_nothing(org, as_of):
    enquiry = log(org, as_of)
    assert confidentiality.public_inspection(enquiry) is None


# ------------------------------------------------------------------ the portal default


def test_elsewhere_only_the_requester_copies_others_in(org, as_of):
    enquiry = log(org, as_of)
    with pytest.raises(PermissionDenied):
        enquiry_share_with_member(
            enquiry=enquiry, member=org.colleague, actor=org.housing_officer.holder, as_of=as_of
        )
    with pytest.raises(PermissionDenied):
        enquiry_set_confidential(
            enquiry=enquiry, keep=False, actor=org.housing_officer.holder, as_of=as_of
        )


# ------------------------------------------------------------------ the API and the pages


def test_through_the_api_an_officer_shares_and_the_copy_never_sees_the_residents_reference(
    client, org, frozen
):
    _settings(org, confidentiality="shared_unless_agreed")
    response = client.force_login(org.raiser.person) or client.post(
        BASE,
        {
            "subject": "Pothole on Mill Lane",
            "description": "Deep enough to damage a wheel.",
            "service_area": org.repairs.slug,
            "ward": org.north.slug,
            "resident_reference": "Mr B, 9 Mill Lane",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    client.force_login(org.housing_officer.holder)
    body = client.post(
        f"{BASE}{reference}/share/",
        {"member": org.colleague.person.username},
        content_type="application/json",
    ).json()
    assert [c["reason"] for c in body["copies"]] == ["officer"]
    assert body["kept_confidential"] is False
    client.force_login(org.colleague.person)
    seen = client.get(f"{BASE}{reference}/").json()
    assert seen["resident_reference"] == ""
    assert (
        client.post(
            f"{BASE}{reference}/share/",
            {"member": org.opponent.person.username},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_through_the_api_a_member_keeps_it_confidential_when_raising_it(client, org, frozen):
    _settings(org, confidentiality="shared_unless_agreed")
    client.force_login(org.raiser.person)
    response = client.post(
        BASE,
        {
            "subject": "Pothole on Mill Lane",
            "description": "Deep enough to damage a wheel.",
            "service_area": org.repairs.slug,
            "ward": org.north.slug,
            "keep_confidential": True,
        },
        content_type="application/json",
    )
    assert response.json()["kept_confidential"] is True
    client.force_login(org.housing_officer.holder)
    assert (
        client.post(
            f"{BASE}{response.json()['reference']}/share/",
            {"member": org.colleague.person.username},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_the_enquiry_page_offers_the_officer_the_share_and_marks_public_inspection(
    client, org, as_of
):
    _settings(org, confidentiality="either_may_release", public_inspection=True)
    enquiry = log(org, as_of, resident_reference="")
    client.force_login(org.housing_officer.holder)
    page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
    assert "Share with another member" in page
    assert "Release this enquiry from confidence" in page
    assert "Not open to the inspection of the public" in page
    response = client.post(f"/enquiries/{enquiry.reference}/release/")
    assert response.status_code == 302
    page = client.get(f"/enquiries/{enquiry.reference}/").content.decode()
    assert "Open to the inspection of the public" in page
    assert "Release this enquiry from confidence" not in page


def test_the_form_asks_the_member_only_where_the_protocol_lets_them_agree_confidentiality(
    client, org
):
    client.force_login(org.raiser.person)
    assert "Keep this enquiry confidential" not in client.get("/enquiries/new/").content.decode()
    _settings(org, confidentiality="shared_unless_agreed")
    assert "Keep this enquiry confidential" in client.get("/enquiries/new/").content.decode()


def test_a_copied_member_cannot_open_the_share_form(client, org, as_of):
    enquiry = log(org, as_of)
    enquiry_share_with_member(
        enquiry=enquiry, member=org.colleague, actor=org.raiser.person, as_of=as_of
    )
    client.force_login(org.colleague.person)
    assert client.get(f"/enquiries/{enquiry.reference}/share/").status_code == 403
    assert Member.objects.filter(pk=org.colleague.pk).exists()
