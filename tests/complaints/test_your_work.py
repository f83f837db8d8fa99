"""'Your work' and the complaint page for each role (issue 14): the handler's complaints with
the days left, the Monitoring Officer's determinations to make, the complainant's outcome; the
page's banner says what happens next, who has it and by when."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from complaints import services
from complaints.states import Kind, Outcome
from tests.complaints.factories import AS_OF, LONDON

pytestmark = pytest.mark.django_db

# The acknowledgement is due within 3 calendar days: Thursday 5 March 2026.
LATE = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)  # 4 days overdue


def _concern(o):
    return services.complaint_raise(
        council=o.council,
        raiser=o.complainant.person,
        kind=Kind.CONCERN_ABOUT_OFFICER,
        subject_post=o.officer,
        summary="Rude on the phone",
        details="Details",
        as_of=AS_OF,
    )


def _code_report(o):
    complaint = services.complaint_raise(
        council=o.council,
        raiser=o.policy_officer.holder,
        kind=Kind.CODE_OF_CONDUCT,
        subject_member=o.complainant,
        summary="Shouted at a meeting",
        details="d",
        as_of=AS_OF,
    )
    return services.complaint_acknowledge(
        complaint=complaint,
        actor=o.mo.holder,
        intent="will_act",
        message="m",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF,
    )


def _get(client, person, url, moment=AS_OF) -> str:
    client.force_login(person)
    with time_machine.travel(moment, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, title: str) -> str:
    start = html.index(f"<span>{title}</span>")
    return html[start : html.index("</section>", start)]


def _banner(html: str) -> str:
    start = html.index('class="govuk-notification-banner')
    return html[start : html.index("</div>\n</div>", start)]


def test_handler_sees_the_complaint_to_acknowledge_with_days_left_then_overdue(client, corg):
    complaint = _concern(corg)
    director = corg.director.holder
    panel = _section(_get(client, director, reverse("home")), "Complaints to deal with")
    assert f"{complaint.reference}: Rude on the phone" in panel
    assert f'href="{complaint.get_absolute_url()}"' in panel
    assert "Acknowledge it" in panel
    assert "Due in 3 days" in panel  # calendar days, as this council's rule says
    late = _section(_get(client, director, reverse("home"), LATE), "Complaints to deal with")
    assert "4 days overdue" in late
    assert ">Overdue<" in late


def test_monitoring_officer_sees_determinations_to_make_once(client, corg):
    complaint = _code_report(corg)
    html = _get(client, corg.mo.holder, reverse("home"))
    panel = _section(html, "Determinations to make")
    assert complaint.reference in panel
    assert "Issue a determination" in panel
    if "<span>Complaints to deal with</span>" in html:  # not again under this panel
        assert complaint.reference not in _section(html, "Complaints to deal with")
    services.determination_issue(
        complaint=complaint,
        actor=corg.mo.holder,
        outcome="investigation",
        reasons="Looks serious.",
        with_chief_executive=False,
        as_of=AS_OF,
    )
    assert "Determinations to make" not in _get(client, corg.mo.holder, reverse("home"))


def test_complainant_sees_the_outcome_first_and_the_page_leads_with_it(client, corg):
    complaint = _concern(corg)
    director = corg.director.holder
    services.complaint_acknowledge(
        complaint=complaint,
        actor=director,
        intent="will_act",
        message="Looking into it.",
        outcome_due_on=date(2026, 3, 20),
        as_of=AS_OF,
    )
    waiting = _get(client, corg.complainant.person, complaint.get_absolute_url())
    banner = _banner(waiting)
    assert "will give the outcome" in banner
    assert "By 20 March 2026 (due in 18 days)" in banner
    handler = _banner(_get(client, director, complaint.get_absolute_url()))
    assert "Give the outcome" in handler
    services.complaint_give_outcome(
        complaint=complaint,
        actor=director,
        outcome=Outcome.UPHELD,
        reasons="We have spoken to the officer.",
        action_taken=True,
        as_of=AS_OF,
    )
    home = _get(client, corg.complainant.person, reverse("home"))
    panel = _section(home, "Complaints you raised")
    assert "Outcome given" in panel
    assert "say whether you are satisfied" in panel
    page = _get(client, corg.complainant.person, complaint.get_absolute_url())
    banner = _banner(page)
    assert "govuk-notification-banner--success" in banner
    assert "Outcome: Upheld" in banner
    assert "We have spoken to the officer." in banner
    assert "Say whether you are satisfied</a>" in page
    assert "§" not in banner  # citations only behind "Why?"
    assert "T §1" in page[page.index("govuk-details") :]


def test_what_you_can_do_is_never_an_empty_heading(client, corg):
    complaint = _code_report(corg)
    services.determination_issue(
        complaint=complaint,
        actor=corg.mo.holder,
        outcome="investigation",
        reasons="Looks serious.",
        with_chief_executive=False,
        as_of=AS_OF,
    )
    # The raising officer has nothing more to do.
    html = _get(client, corg.policy_officer.holder, complaint.get_absolute_url())
    assert "Determination: " in _banner(html)
    after = html[html.index("What you can do</h2>") :]
    assert re.match(r"What you can do</h2>\s*<(ul|form|p)", after)
