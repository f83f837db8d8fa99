"""'Your work' for enquiries: each role sees the items themselves, most urgent first, with the
working days left or overdue; the enquiry page leads with its next step; and notices lead to
their case and are marked read when opened (issue 14)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enquiries import services
from protocol_portal.casework.models import Notice
from tests.conftest import LONDON
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db

# Enquiries logged on Monday 2 March 2026 are due on Monday 16 March (10 working days).
LATE = datetime(2026, 3, 18, 10, 0, tzinfo=LONDON)  # Wednesday: 2 working days overdue
EARLY = datetime(2026, 3, 11, 10, 0, tzinfo=LONDON)  # Wednesday: 3 working days left


def _home(client, person, moment) -> str:
    client.force_login(person)
    with time_machine.travel(moment, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, title: str) -> str:
    """The home page's panel with this title (its items only)."""
    start = html.index(f"<span>{title}</span>")
    return html[start : html.index("</section>", start)]


def test_officer_sees_their_queue_items_with_working_days_overdue(client, org, as_of):
    late = log(org, as_of, subject="Leaking roof at 4 Elm Street")
    later = log(org, as_of.replace(day=9), subject="Broken gate at 9 Oak Road")
    panel = _section(_home(client, org.housing_officer.holder, LATE), "Enquiries in your queue")
    assert f"{late.reference}: Leaking roof at 4 Elm Street" in panel
    assert "2 working days overdue" in panel
    assert f'href="{late.get_absolute_url()}"' in panel
    assert "1 overdue" in panel
    # The later one is due on Monday 23 March: three working days after Wednesday 18th.
    assert "Due in 3 working days" in panel
    assert panel.index(late.reference) < panel.index(later.reference)  # most urgent first


def test_due_in_working_days_skips_the_weekend_and_bank_holidays(client, org, as_of):
    log(org, as_of)
    panel = _section(_home(client, org.housing_officer.holder, EARLY), "Enquiries in your queue")
    assert "Due in 3 working days" in panel  # Thursday, Friday, Monday


def test_director_sees_overdue_enquiries_in_their_directorate(client, org, as_of):
    late = log(org, as_of, subject="Leaking roof at 4 Elm Street")
    on_time = log(org, as_of.replace(day=16), subject="Bins")
    html = _home(client, org.housing_director.holder, LATE)
    panel = _section(html, "Overdue enquiries you oversee")
    assert late.reference in panel
    assert "2 working days overdue" in panel
    assert "With the Housing Officer" in panel
    assert on_time.reference not in panel
    # Another directorate's Director sees none of it.
    other = _home(client, org.env_director.holder, LATE)
    assert "Overdue enquiries you oversee" not in other
    assert late.reference not in other


def test_councillor_sees_the_question_first_then_answers_and_a_start_button(client, org, as_of):
    asked = log(org, as_of, subject="Question waiting")
    answered = log(org, as_of, subject="Answer received")
    waiting = log(org, as_of, subject="Still with the council")
    officer = org.housing_officer.holder
    services.enquiry_request_clarification(
        enquiry=asked, question="Which flat is it?", actor=officer, as_of=as_of
    )
    services.enquiry_respond(
        enquiry=answered, response="Fixed on Tuesday.", actor=officer, as_of=as_of
    )
    html = _home(client, org.raiser.person, EARLY)
    assert 'class="govuk-button govuk-button--start"' in html
    assert f'href="{reverse("enquiries:new")}"' in html
    assert "Log an enquiry" in html
    panel = _section(html, "Your enquiries")
    order = [panel.index(e.reference) for e in (asked, answered, waiting)]
    assert order == sorted(order)
    assert "Reply so they can answer" in panel
    assert "Answered on 2 March 2026 by the Housing Officer" in panel
    assert "Due in 3 working days" in panel
    # The status words are the ones every reader sees.
    assert "Awaiting the member&#x27;s clarification" in panel
    # An officer has no start button.
    assert "govuk-button--start" not in _home(client, officer, EARLY)


def test_every_notice_links_to_its_case_and_is_marked_read_when_opened(client, org, as_of):
    enquiry = log(org, as_of)
    officer = org.housing_officer.holder
    services.enquiry_respond(enquiry=enquiry, response="Done.", actor=officer, as_of=as_of)
    member = org.raiser.person
    notices = list(Notice.objects.filter(person=member, read_at__isnull=True))
    assert len(notices) >= 2  # acknowledgement and answer
    html = _home(client, member, EARLY)
    for notice in notices:
        assert f'href="{reverse("notice", args=[notice.pk])}"' in html
    unread = len(notices)
    assert re.search(rf'moj-notification-badge">{unread}<', html)

    with time_machine.travel(EARLY, tick=False):
        response = client.get(reverse("notice", args=[notices[0].pk]))
    assert response.status_code == 302
    assert response["Location"] == enquiry.get_absolute_url()
    notices[0].refresh_from_db()
    assert notices[0].read_at == EARLY
    html = _home(client, member, EARLY)
    assert re.search(rf'moj-notification-badge">{unread - 1}<', html)
    # Opening it again keeps the first reading.
    with time_machine.travel(LATE, tick=False):
        client.get(reverse("notice", args=[notices[0].pk]))
    notices[0].refresh_from_db()
    assert notices[0].read_at == EARLY


def test_someone_elses_notice_is_a_404_and_stays_unread(client, org, as_of):
    log(org, as_of)
    theirs = Notice.objects.filter(person=org.raiser.person).first()
    for intruder in (org.colleague.person, org.housing_director.holder):
        client.force_login(intruder)
        assert client.get(reverse("notice", args=[theirs.pk])).status_code == 404
    client.force_login(org.colleague.person)
    assert client.get(reverse("notice", args=[999_999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_notices_page_lists_read_and_unread_notices(client, org, as_of):
    log(org, as_of)
    member = org.raiser.person
    notice = Notice.objects.filter(person=member).first()
    client.force_login(member)
    client.get(reverse("notice", args=[notice.pk]))
    html = client.get(reverse("notices")).content.decode()
    items = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(
            r'<li><a class="govuk-link" href="/notices/(\d+)/">.*?</li>', html, re.S
        )
    }
    assert set(items) == set(Notice.objects.filter(person=member).values_list("pk", flat=True))
    assert ">New<" not in items[notice.pk]
    assert all(">New<" in text for pk, text in items.items() if pk != notice.pk)


# ---- the enquiry page leads with what matters now ----------------------------------------


def _page(client, person, enquiry, moment=EARLY) -> str:
    client.force_login(person)
    with time_machine.travel(moment, tick=False):
        response = client.get(reverse("enquiries:detail", args=[enquiry.reference]))
    assert response.status_code == 200
    return response.content.decode()


def _banner(html: str) -> str:
    start = html.index('class="govuk-notification-banner')
    return html[start : html.index("</details>", start) if "</details>" in html else None]


def test_member_page_leads_with_who_answers_and_by_when(client, org, as_of):
    enquiry = log(org, as_of)
    banner = _banner(_page(client, org.raiser.person, enquiry))
    assert "The Housing Officer" in banner
    assert "will answer" in banner
    assert "By 16 March 2026 (due in 3 working days)" in banner
    assert 'class="govuk-details__summary-text">Why?' in banner


def test_officer_page_leads_with_their_task_and_says_when_it_is_overdue(client, org, as_of):
    enquiry = log(org, as_of)
    html = _page(client, org.housing_officer.holder, enquiry, LATE)
    banner = _banner(html)
    assert "Accept this enquiry and answer it" in banner
    assert "2 working days overdue" in banner
    assert ">Overdue</h2>" in banner


def test_member_is_asked_to_reply_in_the_banner(client, org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_request_clarification(
        enquiry=enquiry,
        question="Which flat is it?",
        actor=org.housing_officer.holder,
        as_of=as_of,
    )
    html = _page(client, org.raiser.person, enquiry)
    banner = _banner(html)
    assert "Reply to the officer’s question" in banner
    assert "Which flat is it?" in banner
    assert "Reply to the officer&#x27;s question</a>" in html  # the action, under What you can do


def test_the_answer_leads_the_page_and_the_timeline_is_newest_first(client, org, as_of):
    enquiry = log(org, as_of)
    services.enquiry_respond(
        enquiry=enquiry,
        response="The roofer comes on Tuesday.",
        actor=org.housing_officer.holder,
        as_of=as_of.replace(hour=14, minute=30),
    )
    html = _page(client, org.raiser.person, enquiry)
    banner = _banner(html)
    assert "govuk-notification-banner--success" in banner
    assert "Answered on 2 March 2026" in banner
    assert "The roofer comes on Tuesday." in banner
    timeline = html[html.index('class="moj-timeline"') :]
    assert timeline.index("Response from") < timeline.index("Enquiry received")
    assert "2 March 2026 at 2:30pm" in timeline
    # No paragraph numbers in the lead text: citations sit behind "Why?".
    assert "§" not in html[: html.index('class="govuk-details"')]


def test_what_you_can_do_is_never_an_empty_heading(client, org, as_of):
    enquiry = log(org, as_of)
    # The Director reads the enquiry as its officer's line manager but has nothing to do here.
    html = _page(client, org.housing_director.holder, enquiry)
    after = html[html.index("What you can do</h2>") :]
    assert re.match(r"What you can do</h2>\s*<(ul|form|p)", after)


def _home_queries(client, org) -> dict[str, int]:
    counts = {}
    for who in (org.housing_officer.holder, org.housing_director.holder, org.raiser.person):
        client.force_login(who)
        with time_machine.travel(LATE, tick=False):
            client.get(reverse("home"))  # the council's calendar read once, as in a process
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("home")).status_code == 200
        counts[who.username] = len(ctx.captured_queries)
    return counts


def test_home_page_answers_in_a_constant_number_of_queries(client, org, as_of):
    """However many enquiries are in the queue, overdue, overseen or the member's own."""
    # Enough for every panel to be full (a short panel skips its count query).
    for i in range(6):
        log(org, as_of, subject=f"Issue {i}")
    few = _home_queries(client, org)
    for i in range(12):
        log(org, as_of, subject=f"More {i}", member=[org.raiser, org.colleague][i % 2])
    many = _home_queries(client, org)
    assert few == many
    assert max(many.values()) <= 25, many


def test_the_queue_panel_counts_no_further_than_the_queue_page(client, org, as_of, monkeypatch):
    """Past the reach the panel says "More than 2", as the queue page does, and how many of the
    ones due soonest are overdue, rather than checking every open enquiry of the queue."""
    from protocol_portal.casework import bounds

    monkeypatch.setattr(bounds, "COUNT_MOST", 2)
    late = log(org, as_of, subject="Leaking roof at 4 Elm Street")
    log(org, as_of.replace(day=9), subject="Broken gate at 9 Oak Road")
    log(org, as_of.replace(day=10), subject="Bins at 2 Ash Grove")
    panel = _section(_home(client, org.housing_officer.holder, LATE), "Enquiries in your queue")
    assert "More than 2" in panel
    assert "1 of the 2 due soonest is overdue" in panel
    assert late.reference in panel
    monkeypatch.setattr(bounds, "COUNT_MOST", 3)
    panel = _section(_home(client, org.housing_officer.holder, LATE), "Enquiries in your queue")
    assert ">3<" in panel.replace(" ", "")
    assert "1 overdue" in panel


def test_the_oversight_panel_counts_no_further_than_the_queue_page(client, org, as_of, monkeypatch):
    """A Director's overdue enquiries are read in due order a page at a time and counted up to
    the reach ("More than 2"), most overdue first, never another directorate's."""
    from protocol_portal.casework import bounds

    monkeypatch.setattr(bounds, "COUNT_MOST", 2)
    made = [log(org, as_of, subject=f"Leaking roof at {i} Elm Street") for i in range(3)]
    log(org, as_of, subject="Bins", service_area=org.waste)
    panel = _section(
        _home(client, org.housing_director.holder, LATE), "Overdue enquiries you oversee"
    )
    assert "More than 2" in panel
    assert made[0].reference in panel
    assert "Bins" not in panel
    monkeypatch.setattr(bounds, "COUNT_MOST", 3)
    panel = _section(
        _home(client, org.housing_director.holder, LATE), "Overdue enquiries you oversee"
    )
    assert ">3<" in panel.replace(" ", "")
    assert all(e.reference in panel for e in made)


def test_an_officer_oversees_what_was_escalated_to_them(client, org, as_of):
    """An officer who manages no one oversees only what a chaser escalated to their post (read
    by the semi-join, not by walking the council's overdue enquiries): it shows, with how many;
    an overdue enquiry of someone else's that was not escalated to them does not."""
    from enquiries import permissions

    escalated = log(org, as_of, subject="Leaking roof at 4 Elm Street")
    log(org, as_of, subject="Broken gate at 9 Oak Road")
    permissions.escalated_to([(escalated, [org.env_officer])], as_of=as_of)
    panel = _section(_home(client, org.env_officer.holder, LATE), "Overdue enquiries you oversee")
    assert escalated.reference in panel
    assert "Broken gate" not in panel
    assert ">1<" in panel.replace(" ", "")
