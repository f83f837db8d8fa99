"""Browser pages: logging with bad input, the queue, actions, the dashboard and query counts."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enquiries import services
from enquiries.models import Enquiry
from enquiries.states import Status
from protocol_portal.casework.exports import csv_safe
from protocol_portal.casework.files import attachment_check
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
GOOD = {
    "subject": "Fly-tipping behind the shops",
    "description": "Mattresses dumped for a week.",
    "urgency": "routine",
}


@pytest.fixture
def frozen(as_of):
    with time_machine.travel(as_of, tick=False):
        yield as_of


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def form_data(org, **overrides):
    return {**GOOD, "service_area": org.waste.pk, "ward": org.north.pk, **overrides}


def office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


# ------------------------------------------------------------------ logging in the browser


def test_member_logs_an_enquiry_and_sees_the_acknowledgement(client, org, frozen, media):
    client.force_login(org.raiser.person)
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    response = client.post(
        reverse("enquiries:new"), {**form_data(org), "attachments": [upload]}, follow=True
    )
    enquiry = Enquiry.objects.get()
    assert response.redirect_chain[-1][0] == reverse("enquiries:detail", args=[enquiry.reference])
    page = response.content.decode()
    assert enquiry.reference in page
    assert org.env_officer.title in page
    assert "16 March 2026" in page
    assert enquiry.attachments.get().content_type == "image/png"


def test_bad_input_is_reported_next_to_the_field_and_nothing_typed_is_lost(client, org, frozen):
    client.force_login(org.raiser.person)
    data = form_data(
        org, subject="", urgency="urgent", urgency_reason="", description="Keep this text please"
    )
    response = client.post(reverse("enquiries:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter subject" in page
    assert "Say why the enquiry is urgent." in page
    assert "Keep this text please" in page
    assert 'id="id_subject-error"' in page or "govuk-form-group--error" in page
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf", "not really a PDF"),
        ("script.exe", b"MZ\x90\x00", "must be a PDF"),
        ("notes.txt", b"\x00\x01\x02binary", "not really a TXT"),
        ("fake.docx", b"PK\x03\x04rubbish", "not really a DOCX"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_attachments_are_sniffed(client, org, frozen, media, name, content, message):
    client.force_login(org.raiser.person)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("enquiries:new"), {**form_data(org), "attachments": [upload]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enquiry.objects.exists()


def test_attachment_size_is_limited(client, org, frozen, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(org.raiser.person)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    response = client.post(reverse("enquiries:new"), {**form_data(org), "attachments": [upload]})
    assert "larger than" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.jpeg", b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        ("a.txt", "Café notes\n".encode(), "text/plain"),
        (
            "a.docx",
            office_file("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "a.xlsx",
            office_file("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_allowed_types_pass_the_sniffer(name, content, expected):
    assert attachment_check(SimpleUploadedFile(name, content)) == expected


def test_a_docx_that_is_really_a_spreadsheet_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        attachment_check(SimpleUploadedFile("a.docx", office_file("xlsx")))


def test_duplicate_warning_then_confirmation(client, org, frozen):
    log(org, frozen, subject="Fly-tipping behind the shops", service_area=org.waste)
    client.force_login(org.raiser.person)
    response = client.post(reverse("enquiries:new"), form_data(org))
    page = response.content.decode()
    assert "You already have an open enquiry on this" in page
    assert "Fly-tipping behind the shops" in page
    assert Enquiry.objects.count() == 1
    response = client.post(
        reverse("enquiries:new"), {**form_data(org), "confirm_not_duplicate": "on"}
    )
    assert response.status_code == 302
    assert Enquiry.objects.count() == 2


def test_officers_cannot_log_enquiries(client, org):
    client.force_login(org.housing_officer.holder)
    assert client.get(reverse("enquiries:new")).status_code == 403


# ------------------------------------------------------------------ the enquiry page


def test_the_member_sees_member_visible_events_only(client, org, frozen):
    enquiry = log(org, frozen)
    services.enquiry_reassign(
        enquiry=enquiry,
        to_post=org.housing_officer_2,
        reason="INTERNAL-NOTE",
        actor=org.housing_manager.holder,
        as_of=frozen,
    )
    client.force_login(org.raiser.person)
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert "Enquiry received" in page
    assert "INTERNAL-NOTE" not in page
    client.force_login(org.housing_manager.holder)
    page = client.get(reverse("enquiries:detail", args=[enquiry.reference])).content.decode()
    assert "INTERNAL-NOTE" in page


def test_overdue_is_shown_everywhere(client, org, as_of):
    enquiry = log(org, as_of)
    late = as_of + timedelta(days=20)
    with time_machine.travel(late, tick=False):
        client.force_login(org.housing_officer.holder)
        detail = client.get(reverse("enquiries:detail", args=[enquiry.reference]))
        queue = client.get(reverse("enquiries:queue"))
        client.force_login(org.raiser.person)
        mine = client.get(reverse("enquiries:index"))
    for response in (detail, queue, mine):
        assert "Overdue" in response.content.decode()
        assert "16 Mar" in response.content.decode()


def test_officer_actions_through_the_browser(client, org, frozen):
    enquiry = log(org, frozen)
    client.force_login(org.housing_officer.holder)
    url = reverse("enquiries:act", args=[enquiry.reference, "clarify"])
    response = client.post(url, {"question": ""})
    assert response.status_code == 200
    assert "Answer “What do you need the member to clarify?”" in response.content.decode()
    assert client.post(url, {"question": "Which flat?"}).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.AWAITING_MEMBER
    # Accepting while waiting on the member is refused with a reason, not an error page.
    response = client.post(reverse("enquiries:act", args=[enquiry.reference, "accept"]))
    assert response.status_code == 200
    assert "waits for the member" in response.content.decode()
    client.force_login(org.raiser.person)
    reply = reverse("enquiries:act", args=[enquiry.reference, "reply"])
    assert client.post(reply, {"text": "Flat 2"}).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.IN_PROGRESS


def test_reassign_form_keeps_the_reason_when_the_post_is_missing(client, org, frozen):
    enquiry = log(org, frozen)
    client.force_login(org.housing_manager.holder)
    url = reverse("enquiries:act", args=[enquiry.reference, "reassign"])
    response = client.post(url, {"reason": "Leave cover next week"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Leave cover next week" in page
    assert "Choose “Pass it to”" in page


def test_member_reopens_through_the_browser(client, org, frozen):
    enquiry = log(org, frozen)
    services.enquiry_respond(
        enquiry=enquiry, response="Done", actor=org.housing_officer.holder, as_of=frozen
    )
    client.force_login(org.raiser.person)
    url = reverse("enquiries:reopen", args=[enquiry.reference])
    assert "Say what is still outstanding" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Still broken"}).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Status.RECEIVED


# ------------------------------------------------------------------ queues


def test_queue_scopes_and_filters(client, org, frozen):
    housing = log(org, frozen)
    waste = log(org, frozen, subject="Bins", service_area=org.waste, ward=org.south)
    client.force_login(org.housing_manager.holder)
    page = client.get(reverse("enquiries:queue")).content.decode()
    assert housing.reference not in page  # my queue: the manager owns nothing
    page = client.get(reverse("enquiries:queue") + "?scope=team").content.decode()
    assert housing.reference in page
    assert waste.reference not in page
    client.force_login(org.triage.holder)
    page = client.get(reverse("enquiries:queue") + "?scope=triage").content.decode()
    assert housing.reference in page
    assert waste.reference in page
    page = client.get(
        reverse("enquiries:queue") + f"?scope=triage&ward={org.south.pk}"
    ).content.decode()
    assert housing.reference not in page
    assert waste.reference in page
    page = client.get(
        reverse("enquiries:queue") + f"?scope=triage&service_area={org.repairs.pk}"
    ).content.decode()
    assert housing.reference in page
    assert waste.reference not in page
    page = client.get(reverse("enquiries:queue") + "?scope=triage&overdue=true").content.decode()
    assert housing.reference not in page


def test_members_have_no_queue(client, org):
    client.force_login(org.raiser.person)
    assert client.get(reverse("enquiries:queue")).status_code == 403


def test_bulk_reassign_from_the_queue(client, org, frozen):
    first, second = log(org, frozen), log(org, frozen, subject="Damp")
    client.force_login(org.housing_manager.holder)
    response = client.post(
        reverse("enquiries:bulk-reassign"),
        {
            "enquiries": [first.pk, second.pk],
            "to_post": org.housing_officer_2.pk,
            "reason": "Leave cover",
        },
    )
    assert response.status_code == 302
    assert set(Enquiry.objects.values_list("owner_post", flat=True)) == {org.housing_officer_2.pk}


@pytest.mark.parametrize(
    "wanted",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_bulk_reassign_goes_back_only_to_a_page_of_this_site(client, org, frozen, wanted):
    """Security probe F9: the `next` the queue posts is followed only within this site."""
    first = log(org, frozen)
    client.force_login(org.housing_manager.holder)
    data = {"enquiries": [first.pk], "to_post": org.housing_officer_2.pk, "reason": "Cover"}
    response = client.post(reverse("enquiries:bulk-reassign"), data | {"next": wanted})
    assert response.status_code == 302
    assert response["Location"] == reverse("enquiries:queue")
    back = reverse("enquiries:queue") + "?scope=triage&page=2"
    response = client.post(
        reverse("enquiries:bulk-reassign"),
        data | {"to_post": org.housing_officer.pk, "next": back},
    )
    assert response["Location"] == back


def test_bulk_reassign_refuses_enquiries_the_officer_cannot_see(client, org, frozen):
    hidden = log(org, frozen, subject="Bins", service_area=org.waste)
    client.force_login(org.housing_manager.holder)
    response = client.post(
        reverse("enquiries:bulk-reassign"),
        {
            "enquiries": [hidden.pk],
            "to_post": org.housing_officer_2.pk,
            "reason": "Mine now",
        },
    )
    assert response.status_code == 400
    hidden.refresh_from_db()
    assert hidden.owner_post == org.env_officer


# ------------------------------------------------------------------ dashboard


def test_dashboard_counts_only_what_the_viewer_may_open(client, org, as_of):
    on_time = log(org, as_of)
    services.enquiry_respond(
        enquiry=on_time,
        response="Done",
        actor=org.housing_officer.holder,
        as_of=as_of + timedelta(days=2),
    )
    log(org, as_of, subject='=HYPERLINK("evil")', service_area=org.waste)
    with time_machine.travel(as_of + timedelta(days=30), tick=False):
        client.force_login(org.housing_director.holder)
        page = client.get(reverse("enquiries:dashboard")).content.decode()
        assert "<svg" in page
        assert "Housing" in page
        assert "Environment" not in page
        assert "2.0 working days" in page
        client.force_login(org.ce.holder)
        page = client.get(reverse("enquiries:dashboard")).content.decode()
        assert "Environment" in page
        csv_text = client.get(reverse("enquiries:dashboard-csv")).content.decode()
        assert "Housing" in csv_text
        assert "Environment" in csv_text
        client.force_login(org.housing_officer.holder)
        assert client.get(reverse("enquiries:dashboard")).status_code == 403


def test_csv_cells_cannot_carry_formulas(client, org, frozen):
    enquiry = log(org, frozen, subject='=HYPERLINK("http://evil")')
    client.force_login(org.raiser.person)
    text = client.get(reverse("enquiries:export", args=[enquiry.reference])).content.decode()
    assert "'=HYPERLINK" in text
    assert [csv_safe(v) for v in ("=1", "+1", "-1", "@x", "ok")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "ok",
    ]


def test_enquiry_csv_escapes_what_the_complaints_csv_escapes(client, org, frozen):
    # One csv_safe for every export: the enquiry export had its own copy that let a cell
    # starting "|" (a DDE call in older Excel) or "%" through, where the complaints one did not.
    enquiry = log(org, frozen, subject="|cmd /c calc")
    client.force_login(org.raiser.person)
    text = client.get(reverse("enquiries:export", args=[enquiry.reference])).content.decode()
    assert "'|cmd /c calc" in text


# ------------------------------------------------------------------ home panel


def test_home_panels(client, org, frozen):
    enquiry = log(org, frozen)
    client.force_login(org.raiser.person)
    page = client.get(reverse("home")).content.decode()
    assert "Your enquiries" in page
    assert enquiry.reference in page
    client.force_login(org.housing_officer.holder)
    page = client.get(reverse("home")).content.decode()
    assert "Enquiries in your queue" in page


# ------------------------------------------------------------------ query counts


def _many(org, as_of, n):
    for i in range(n):
        services.enquiry_create(
            member=org.raiser,
            subject=f"Issue {i}",
            description="x",
            service_area=org.repairs,
            ward=org.north if i % 2 else org.south,
            actor=org.raiser.person,
            as_of=as_of,
        )


@pytest.mark.parametrize("n", [5, 50])
def test_queue_page_queries_are_constant(client, org, frozen, django_assert_max_num_queries, n):
    _many(org, frozen, n)
    client.force_login(org.triage.holder)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("enquiries:queue") + "?scope=triage&ordering=due")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_member_list_queries_are_constant(client, org, frozen, django_assert_max_num_queries, n):
    _many(org, frozen, n)
    client.force_login(org.raiser.person)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enquiries:index"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_enquiry_page_queries_are_constant(client, org, frozen, django_assert_max_num_queries, n):
    enquiry = log(org, frozen)
    for i in range(n):
        services.enquiry_reassign(
            enquiry=enquiry,
            to_post=[org.housing_officer_2, org.housing_officer][i % 2],
            reason=f"swap {i}",
            actor=org.housing_manager.holder,
            as_of=frozen,
        )
    client.force_login(org.housing_manager.holder)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("enquiries:detail", args=[enquiry.reference]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_api_list_queries_are_constant(client, org, frozen, django_assert_max_num_queries, n):
    _many(org, frozen, n)
    client.force_login(org.triage.holder)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/enquiries/")
    assert response.status_code == 200
    assert response.json()["count"] == n
