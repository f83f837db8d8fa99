"""Subject access: one person's data across every case type, other people redacted, for the
Monitoring Officer and site admins only, every export logged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from complaints import services as complaint_services
from complaints.models import Kind
from interests.models import Nature
from interests.services import advice_request, relationship_declare
from protocol_portal.casework.models import SubjectAccessExport
from protocol_portal.casework.subject_access import subject_access_data, subject_access_export
from protocol_portal.org.models import Member
from tests.complaints.factories import AS_OF as COMPLAINT_AS_OF
from tests.complaints.factories import build_complaint_org
from tests.enquiries.helpers import log
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-1"


@pytest.fixture
def world(org, as_of):
    """Rita (a member) has an enquiry, a relationship declared about her by an officer and an
    advice request; Colin, her ward colleague, has an enquiry of his own."""
    rita = org.raiser.person
    rita.first_name, rita.last_name, rita.email = "Rita", "Raiser", "rita@example.org"
    rita.save()
    colin = org.colleague.person
    colin.first_name, colin.last_name, colin.email = "Colin", "Colleague", "colin@example.org"
    colin.save()
    officer = org.housing_officer.holder
    officer.first_name, officer.last_name = "Olive", "Okafor"
    officer.save()
    mine = log(
        org,
        as_of,
        subject="Bins on Elm Street",
        description="Colin Colleague says the bins were missed; write to colin@example.org "
        "or to me at rita@example.org.",
    )
    theirs = log(org, as_of, member=org.colleague, subject="Colin's own enquiry")
    declared = relationship_declare(
        council=org.council,
        declarer=officer,
        other_person=rita,
        nature=Nature.FAMILY,
        since=None,
        details="Rita Raiser is my sister-in-law; Okafor family.",
        as_of=as_of,
    )
    advice = advice_request(
        council=org.council,
        requester=rita,
        question="Must I declare my allotment?",
        as_of=as_of + timedelta(hours=1),
    )
    return {
        "rita": rita,
        "colin": colin,
        "mine": mine,
        "theirs": theirs,
        "declared": declared,
        "advice": advice,
    }


def _references(data) -> set[str]:
    return {
        row.get("reference")
        for rows in data["records"].values()
        for row in rows
        if isinstance(row, dict) and row.get("reference")
    }


def test_export_includes_all_the_persons_cases_across_apps(world):
    data = subject_access_data(person=world["rita"], councils=None)
    refs = _references(data)
    print(f"export sections: {sorted(data['records'])}; cases: {sorted(refs)}")
    assert world["mine"].reference in refs  # as the member who logged it
    assert world["declared"].reference in refs  # as the other side of a declaration
    assert world["advice"].reference in refs  # as requester
    assert "org.Member" in data["records"]
    assert data["subject"]["username"] == world["rita"].username
    enquiry = next(r for r in data["records"]["enquiries.Enquiry"])
    assert enquiry["timeline"], "each case carries its timeline"
    assert "messages to you" in data["records"]


def test_export_excludes_other_peoples_cases(world):
    data = subject_access_data(person=world["rita"], councils=None)
    assert world["theirs"].reference not in _references(data)
    assert "Colin's own enquiry" not in json.dumps(data)


def test_export_redacts_third_parties(world):
    data = subject_access_data(person=world["rita"], councils=None)
    text = json.dumps(data)
    assert "Colin" not in text
    assert "Colleague" not in text
    assert "colin@example.org" not in text
    assert "Olive" not in text
    assert "Okafor" not in text
    assert "rita@example.org" in text  # her own address stays
    enquiry = data["records"]["enquiries.Enquiry"][0]
    assert enquiry["description"].startswith("[redacted] says the bins were missed")
    declaration = data["records"]["interests.Relationship"][0]
    assert declaration["declarer"] == "[third party]"
    assert declaration["other_person"] == "Rita Raiser"
    assert declaration["details"] == "Rita Raiser is my sister-in-law; [redacted] family."
    assert declaration["declarer_post"] == "Housing Officer"  # roles are not redacted
    assert declaration["declared_as"] == "officer"


def test_complaints_raised_about_the_person_are_included_with_the_raiser_redacted():
    o = build_complaint_org()
    subject = o.red_whip.person
    complaint = complaint_services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.red_whip,
        summary="Misused resources",
        details="Seen by the whole team.",
        as_of=COMPLAINT_AS_OF,
    )
    data = subject_access_data(person=subject, councils=None)
    rows = data["records"]["complaints.Complaint"]
    assert [r["reference"] for r in rows] == [complaint.reference]
    assert rows[0]["raiser_person"] == "[third party]"
    assert rows[0]["subject_person"] == str(subject)


def test_a_monitoring_officer_exports_only_their_councils_records(world, org):
    other = build_complaint_org()
    # Rita also sits on the other council.
    Member.objects.create(council=other.council, person=world["rita"])
    mo = other.mo.holder
    body = subject_access_export(requested_by=mo, person=world["rita"], as_of=COMPLAINT_AS_OF)
    data = json.loads(body)
    assert data["councils"] == [other.council.name]
    assert world["mine"].reference not in _references(data)


# --- the staff page ----------------------------------------------------------------------------


def _client(client, person):
    person.set_password(PASSWORD)
    person.save()
    client.force_login(person)
    return client


def test_the_monitoring_officer_downloads_a_logged_export(client, world, org):
    mo = org.mo.holder
    _client(client, mo)
    assert client.get(reverse("subject-access")).status_code == 200
    response = client.post(reverse("subject-access"), {"username": world["rita"].username})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert world["mine"].reference in _references(data)
    log_row = SubjectAccessExport.objects.get()
    assert (log_row.requested_by, log_row.person) == (mo, world["rita"])
    assert log_row.record_count > 3
    assert len(log_row.sha256) == 64
    print(f"export logged: {log_row}, {log_row.record_count} records")


def test_a_site_admin_may_export(client, world):
    admin = PersonFactory(username="root", is_staff=True, is_superuser=True)
    _client(client, admin)
    response = client.post(reverse("subject-access"), {"username": world["rita"].username})
    assert response.status_code == 200
    assert SubjectAccessExport.objects.filter(requested_by=admin).count() == 1


@pytest.mark.parametrize("who", ["member", "officer", "director", "staff_not_superuser"])
def test_anyone_else_gets_404_and_nothing_is_logged(client, world, org, who):
    person = {
        "member": org.raiser.person,
        "officer": org.housing_officer.holder,
        "director": org.housing_director.holder,
        "staff_not_superuser": PersonFactory(username="staffer", is_staff=True),
    }[who]
    _client(client, person)
    assert client.get(reverse("subject-access")).status_code == 404
    response = client.post(reverse("subject-access"), {"username": world["colin"].username})
    assert response.status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("subject-access"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_or_out_of_scope_person_is_a_clear_error(client, world, org):
    stranger = build_complaint_org().red_whip.person
    _client(client, org.mo.holder)
    for username in ("", "nobody", stranger.username):
        response = client.post(reverse("subject-access"), {"username": username})
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
    assert not SubjectAccessExport.objects.exists()


def test_emails_to_the_mailbox_are_in_the_senders_file(world, org, as_of, settings, tmp_path):
    from enquiries.models import InboundMessage, InboundOutcome, Mailbox, SetAsideReason

    settings.MEDIA_ROOT = tmp_path
    mailbox = Mailbox.objects.create(
        council=org.council,
        address="enquiries@testshire.example",
        host="127.0.0.1",
        service_area=org.policy_area,
    )

    def email(uid, **fields):
        return InboundMessage.objects.create(
            council=org.council,
            mailbox=mailbox,
            uidvalidity=1,
            uid=uid,
            fingerprint=f"<{uid}@example>",
            received_at=as_of,
            processed_at=as_of,
            **fields,
        )

    email(
        1,
        from_address="rita@example.org",
        subject="Bins again",
        body_text="Rita's bins, copied to colin@example.org.",
        outcome=InboundOutcome.OPENED,
        member=org.raiser,
        enquiry=world["mine"],
    )
    email(
        2,
        from_address="RITA@example.org",
        subject="From my phone",
        body_text="Set aside: the portal did not match this one.",
        outcome=InboundOutcome.SET_ASIDE,
        reason=SetAsideReason.values[0],
    )
    email(
        3,
        from_address="colin@example.org",
        subject="Colin's email",
        body_text="Not Rita's.",
        outcome=InboundOutcome.OPENED,
        member=org.colleague,
    )

    data = subject_access_data(person=world["rita"], councils=None)

    rows = data["records"]["enquiries.InboundMessage"]
    assert sorted(r["subject"] for r in rows) == ["Bins again", "From my phone"]
    assert "colin@example.org" not in json.dumps(rows)
