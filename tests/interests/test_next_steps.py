"""The notice, advice and register pages lead with what matters now (issue 14): the outcome, or
the next step, who has it and by when, in GOV.UK dates, for each state and each reader."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from interests import services
from interests.models import Nature
from tests.interests.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(AS_OF, tick=False):
        yield


def _banner(client, person, url) -> str:
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('class="govuk-notification-banner')
    return html[start : html.index("</div>\n</div>", start)]


def _notice(org, **extra):
    return services.acting_against_notify(
        member=org.members["red_member"],
        actor=org.person("red_member"),
        acting_party="self",
        capacity="private",
        action="Appeal against a planning decision",
        as_of=AS_OF,
        **extra,
    )


# ---------------------------------------------------------------- acting against the council


def test_a_new_notice_tells_the_mo_to_acknowledge_it_before_the_member_acts(client, org):
    notice = _notice(org, expected_on=date(2026, 7, 14))
    url = notice.get_absolute_url()
    mo = _banner(client, org.person("mo"), url)
    assert "What happens next" in mo
    assert "Acknowledge this notice" in mo
    assert "By 14 July 2026 (before the member acts)" in mo
    assert 'href="#acknowledge"' in mo
    member = _banner(client, org.person("red_member"), url)
    assert f"Waiting for the {notice.owner_post.title} ({org.person('mo').get_full_name()})" in (
        member
    )
    assert "You said you expect to act from 14 July 2026" in member
    assert "Acknowledge this notice" not in member
    assert "2026-07-14" not in member


def test_an_acknowledged_notice_leads_with_the_response(client, org):
    notice = _notice(org)
    services.acting_against_acknowledge(
        notice=notice, actor=org.person("mo"), response="Thank you. Noted.", as_of=AS_OF
    )
    banner = _banner(client, org.person("red_member"), notice.get_absolute_url())
    assert "govuk-notification-banner--success" in banner
    assert "Acknowledged on 2 June 2026" in banner
    assert "Thank you. Noted." in banner
    assert f"Acknowledged by {org.person('mo')}" in banner


def test_a_withdrawn_notice_says_so_to_each_reader(client, org):
    notice = _notice(org)
    services.acting_against_withdraw(notice=notice, actor=org.person("red_member"), as_of=AS_OF)
    url = notice.get_absolute_url()
    mine = _banner(client, org.person("red_member"), url)
    assert "Withdrawn on 2 June 2026" in mine
    assert "You said you will not act after all." in mine
    mo = _banner(client, org.person("mo"), url)
    assert f"Cllr {org.person('red_member')} said they will not act after all." in mo


# ---------------------------------------------------------------- advice requests


def _advice(org, **extra):
    return services.advice_request(
        council=org.council,
        requester=org.person("red_member"),
        question="Must I declare my allotment?",
        as_of=AS_OF,
        **extra,
    )


def test_a_new_request_for_advice_tells_the_adviser_and_the_member(client, org):
    advice = _advice(org)
    url = advice.get_absolute_url()
    adviser = advice.owner_post.holder
    banner = _banner(client, adviser, url)
    assert "Give your advice" in banner
    assert "Must I declare my allotment?" in banner
    assert "asked on 2 June 2026" in banner
    assert 'href="#advise"' in banner
    mine = _banner(client, org.person("red_member"), url)
    assert "Waiting for advice" in mine
    assert f"With the {advice.owner_post.title}" in mine
    assert "Give your advice" not in mine


def test_the_advice_leads_the_page_once_given(client, org):
    advice = _advice(org, confidential=True)
    services.advice_give(
        request=advice,
        actor=advice.owner_post.holder,
        advice="Yes: declare it at item 7.",
        as_of=AS_OF + timedelta(days=1),
    )
    banner = _banner(client, org.person("red_member"), advice.get_absolute_url())
    assert "govuk-notification-banner--success" in banner
    assert "Advice given on 3 June 2026" in banner
    assert "Yes: declare it at item 7." in banner
    assert "It is for you to decide whether to declare." in banner


def test_a_withdrawn_request_for_advice_says_so(client, org):
    advice = _advice(org)
    services.advice_withdraw(request=advice, actor=org.person("red_member"), as_of=AS_OF)
    banner = _banner(client, org.person("red_member"), advice.get_absolute_url())
    assert "Withdrawn on 2 June 2026" in banner
    assert "You no longer need the advice." in banner


# ---------------------------------------------------------------- the member's register


def _open_return(org, trigger_on):
    return services.register_return_open(
        member=org.members["red_member"], kind="change", trigger_on=trigger_on, as_of=AS_OF
    )


def test_my_register_leads_with_the_return_due_and_by_when(client, org):
    ret = _open_return(org, date(2026, 6, 1))  # due 28 June: 26 calendar days from 2 June
    banner = _banner(client, org.person("red_member"), reverse("interests:register-mine"))
    assert "Check your register is complete and confirm it" in banner
    assert "By 28 June 2026 (due in 26 days)" in banner
    assert f'href="#return-{ret.pk}"' in banner
    assert "keeps the register" in banner
    assert "portal-next-step--overdue" not in banner


def test_a_late_return_is_overdue_in_the_banner(client, org):
    _open_return(org, date(2026, 4, 1))  # due 28 April
    banner = _banner(client, org.person("red_member"), reverse("interests:register-mine"))
    assert "portal-next-step--overdue" in banner
    assert "Overdue" in banner
    assert "By 28 April 2026 (35 days overdue)" in banner


def test_once_confirmed_my_register_says_when(client, org):
    ret = _open_return(org, date(2026, 6, 1))
    services.register_return_submit(ret=ret, actor=org.person("red_member"), as_of=AS_OF)
    banner = _banner(client, org.person("red_member"), reverse("interests:register-mine"))
    assert "govuk-notification-banner--success" in banner
    assert "Your register was confirmed on 2 June 2026" in banner


def test_a_register_with_nothing_ever_due_has_no_banner(client, org):
    client.force_login(org.person("red_member"))
    page = client.get(reverse("interests:register-mine")).content.decode()
    assert "govuk-notification-banner" not in page.split("<main", 1)[1].split("Add an interest")[0]


# ---------------------------------------------------------------- ended without an outcome


def _ended(banner: str) -> None:
    """A grey "Ended" banner, not the green "Outcome" of a case that was answered or decided."""
    assert "portal-next-step--ended" in banner
    assert "govuk-notification-banner--success" not in banner
    assert ">Ended</h2>" in banner


def test_a_withdrawn_notice_or_request_for_advice_ends_grey_not_green(client, org):
    notice = _notice(org)
    services.acting_against_withdraw(notice=notice, actor=org.person("red_member"), as_of=AS_OF)
    _ended(_banner(client, org.person("mo"), notice.get_absolute_url()))
    advice = _advice(org)
    services.advice_withdraw(request=advice, actor=org.person("red_member"), as_of=AS_OF)
    _ended(_banner(client, org.person("red_member"), advice.get_absolute_url()))


def _declared(org):
    return services.relationship_declare(
        council=org.council,
        declarer=org.person("red_member"),
        other_person=org.person("officer_housing"),
        nature=Nature.FAMILY,
        since=None,
        details="My cousin.",
        as_of=AS_OF,
    )


def test_a_withdrawn_or_ended_relationship_ends_grey_with_the_date(client, org):
    withdrawn = services.relationship_withdraw(
        relationship=_declared(org), actor=org.person("red_member"), reason="Error", as_of=AS_OF
    )
    banner = _banner(client, org.person("ce"), withdrawn.get_absolute_url())
    _ended(banner)
    assert "Withdrawn on 2 June 2026" in banner
    ended = services.relationship_end(
        relationship=_declared(org), actor=org.person("red_member"), reason="Over", as_of=AS_OF
    )
    banner = _banner(client, org.person("red_member"), ended.get_absolute_url())
    _ended(banner)
    assert "The relationship ended on 2 June 2026" in banner


def test_a_decided_relationship_is_still_a_green_outcome(client, org):
    relationship = services.relationship_decide(
        relationship=_declared(org),
        actor=org.person("ce"),
        decision="Noted",
        mitigations="",
        as_of=AS_OF,
    )
    banner = _banner(client, org.person("red_member"), relationship.get_absolute_url())
    assert "govuk-notification-banner--success" in banner
    assert "portal-next-step--ended" not in banner
    assert ">Outcome</h2>" in banner
