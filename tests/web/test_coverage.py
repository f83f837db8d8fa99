"""The coverage map pages: a council's staff and the site admin see every paragraph of the
council's protocol and how the portal treats it, with coverage per case type and a CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from protocol_portal.org import coverage
from protocol_portal.org.models import Person, PostKind
from tests.conftest import build_org
from tests.factories import CouncilFactory, PersonFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return build_org()


def _page(client, slug="testshire"):
    return client.get(reverse("coverage", kwargs={"slug": slug}))


def test_a_post_holder_sees_every_paragraph_of_their_councils_protocol(client, org):
    client.force_login(org.housing_officer.holder)
    response = _page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coverage by case type" in html
    assert "Member enquiry" in html
    assert "All case types" in html
    index = coverage.index_for("000")
    assert html.count('<tr class="govuk-table__row" id="p-') == len(index.paragraphs)
    assert "§7.2a" in html
    assert "§14.2" in html
    # An enforced paragraph names its rule and its tests; a reading says which and why.
    assert '<code class="portal-code">enquiry-routine</code>' in html
    assert "tests/enquiries/test_councils.py::" in html
    assert "The reading: " in html
    # Coverage at the top: the all-case-types row is computed from the index.
    total = coverage.coverage(index)[-1]
    assert f"{total.percent}%" in html
    # Not staff of the admin site: the explainer is not theirs, so rules are not links.
    assert "/routing/?council=testshire" not in html


def test_for_an_administrator_an_enforced_rule_links_to_the_explainer(client, org):
    holder = org.housing_officer.holder
    holder.is_staff = True
    holder.save()
    client.force_login(holder)
    html = _page(client).content.decode()
    query = "council=testshire&amp;case_type=enquiry&amp;raised_by=member&amp;concerning=routine"
    assert f'href="/routing/?{query}&amp;stage=first#result"' in html


@pytest.mark.parametrize("who", ["member", "other_councils_officer", "staff_without_post"])
def test_anyone_else_gets_the_same_404_as_for_no_council(client, org, who):
    other = CouncilFactory(slug="elsewhere", protocol="004")
    person = {
        "member": lambda: org.raiser.person,
        "other_councils_officer": lambda: (
            PostFactory(council=other, kind=PostKind.OFFICER, holder=PersonFactory()).holder
        ),
        "staff_without_post": lambda: PersonFactory(is_staff=True),
    }[who]()
    client.force_login(person)
    assert _page(client).status_code == 404
    assert client.get(reverse("coverage-csv", kwargs={"slug": "testshire"})).status_code == 404
    assert _page(client, "no-such-council").status_code == 404


def test_signed_out_people_are_asked_to_sign_in(client, org):
    response = _page(client)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_site_admin_sees_every_council_and_chooses_one(client, org):
    CouncilFactory(slug="elsewhere", name="Elsewhere Council", protocol="004")
    admin = Person.objects.create_superuser("root", password="x")
    client.force_login(admin)
    html = client.get(reverse("coverage-index")).content.decode()
    assert "Elsewhere Council" in html
    assert "Testshire Council" in html
    page = _page(client, "elsewhere").content.decode()
    assert "§12.5" in page
    assert "Unnumbered in the text" in page


def test_staff_of_one_council_go_straight_to_its_map(client, org):
    client.force_login(org.mo.holder)
    response = client.get(reverse("coverage-index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("coverage", kwargs={"slug": "testshire"})
    client.force_login(org.raiser.person)
    assert client.get(reverse("coverage-index")).status_code == 404


def test_the_navigation_offers_the_map_to_staff_only(client, org):
    client.force_login(org.housing_officer.holder)
    assert "Protocol coverage" in client.get(reverse("home")).content.decode()
    client.force_login(org.raiser.person)
    assert "Protocol coverage" not in client.get(reverse("home")).content.decode()


def test_the_csv_is_utf8_with_a_bom_and_every_paragraph(client, org):
    client.force_login(org.housing_officer.holder)
    response = client.get(reverse("coverage-csv", kwargs={"slug": "testshire"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == [
        "Paragraph",
        "Unnumbered in the text",
        "Summary",
        "How the portal treats it",
    ]
    assert len(rows) == 1 + len(coverage.index_for("000").paragraphs)
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["000 §7.1"][3] == "Enforced"
    assert "enquiry-routine" in by_number["000 §7.1"][5]
    assert by_number["000 §7.19"][3] == "A reading the portal chose"
    assert by_number["000 §7.19"][8]


def test_a_csv_cell_cannot_run_as_a_formula(client, org, monkeypatch):
    index = coverage.index_from(
        {
            "protocol": "000",
            "paragraphs": [
                {"number": "1.1", "summary": '=HYPERLINK("http://x")', "status": "guidance"},
                {
                    "number": "1.2",
                    "summary": "+1 plain",
                    "status": "not-yet",
                    "case_type": "enquiry",
                    "reason": "@SUM(A1)",
                },
            ],
        }
    )
    monkeypatch.setattr(coverage, "index_for", lambda code: index)
    client.force_login(org.housing_officer.holder)
    raw = client.get(reverse("coverage-csv", kwargs={"slug": "testshire"})).content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[2][2] == "'+1 plain"
    assert rows[2][8] == "'@SUM(A1)"


def test_a_protocol_without_an_index_says_so(client, org):
    org.council.protocol = "099"
    org.council.save()
    client.force_login(org.housing_officer.holder)
    html = _page(client).content.decode()
    assert "There is no paragraph index for protocol 099 yet" in html
