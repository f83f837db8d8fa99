"""'Your work' and the declaration page (issue 14): the Chief Executive sees the declarations
to decide; the declarer sees the decision on their home page; the page leads with the decision
or who makes it."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from interests import services
from interests.models import Nature
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(org):
    with time_machine.travel(AS_OF, tick=False):
        yield services.relationship_declare(
            council=org.council,
            declarer=org.person("red_member"),
            other_person=org.person("officer_housing"),
            nature=Nature.FAMILY,
            since=None,
            details="",
            as_of=AS_OF,
        )


def _get(client, person, url) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, title: str) -> str:
    start = html.index(f"<span>{title}</span>")
    return html[start : html.index("</section>", start)]


def _banner(html: str) -> str:
    start = html.index('class="govuk-notification-banner')
    return html[start : html.index("</div>\n</div>", start)]


def test_the_chief_executive_sees_the_declaration_to_decide(client, org, declared):
    ce = org.person("ce")
    panel = _section(_get(client, ce, reverse("home")), "Declarations to decide")
    assert declared.reference in panel
    assert f'href="{declared.get_absolute_url()}"' in panel
    assert "declared on 2 June 2026" in panel
    banner = _banner(_get(client, ce, declared.get_absolute_url()))
    assert "Record your decision" in banner
    # The declarer has nothing to decide, and sees who will.
    declarer = org.person("red_member")
    assert "Declarations to decide" not in _get(client, declarer, reverse("home"))
    banner = _banner(_get(client, declarer, declared.get_absolute_url()))
    assert "Waiting for a decision" in banner
    deciders = [p.title for p in declared.notified_posts.all()]
    assert deciders
    assert all(title in banner for title in deciders)


def test_the_decision_leads_the_page_and_reaches_the_declarers_home(client, org, declared):
    services.relationship_decide(
        relationship=declared,
        actor=org.person("ce"),
        decision="No action needed.",
        mitigations="Not on the same panel.",
        as_of=AS_OF,
    )
    declarer = org.person("red_member")
    with time_machine.travel(AS_OF, tick=False):
        home = _get(client, declarer, reverse("home"))
    panel = _section(home, "Decisions and advice for you")
    assert declared.reference in panel
    assert "Decision made" in panel
    page = _get(client, declarer, declared.get_absolute_url())
    banner = _banner(page)
    assert "govuk-notification-banner--success" in banner
    assert "Decided on 2 June 2026" in banner
    assert "No action needed." in banner
    assert "Not on the same panel." in banner
    assert "§" not in banner
    assert "Declarations to decide" not in _get(client, org.person("ce"), reverse("home"))
