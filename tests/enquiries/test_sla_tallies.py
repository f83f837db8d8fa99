"""The SLA dashboard's stored totals (enquiries.tallies): kept by PostgreSQL's triggers, they
always equal a count made afresh from the enquiries and their access rows, whatever writes them,
and a dashboard read from them shows what one counted from the enquiries shows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from enquiries import services, tallies
from enquiries.models import Enquiry, SlaTally
from enquiries.selectors import dashboard
from enquiries.tasks import fold_sla_tallies
from protocol_portal.casework.models import CaseAccess
from protocol_portal.org.models import Person, Post
from tests.enquiries.helpers import log

pytestmark = pytest.mark.django_db


@pytest.fixture
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the totals are kept by PostgreSQL's triggers: run with DATABASE_URL=postgres")


def _shown(data) -> tuple:
    """What a dashboard shows, whichever way it was counted."""
    return (
        [(r.directorate, r.month, r.on_time, r.late) for r in data.rows],
        [(c.channel, c.received, c.on_time, c.counted) for c in data.channels],
        data.average_working_days,
        data.answered,
        list(data.overdue_ids),
    )


def _readers(org) -> list[Person]:
    return [
        post.holder
        for post in (
            org.triage,
            org.ce,
            org.housing_director,
            org.env_director,
            org.housing_manager,
            org.housing_officer,
            org.env_officer,
        )
    ]


def _agree(org, as_of) -> None:
    """The totals equal a fresh count, and every reader's dashboard is the same both ways."""
    assert tallies.differences() == []
    for reader in _readers(org):
        reader = Person.objects.get(pk=reader.pk)
        stored = dashboard(user=reader, as_of=as_of)
        counted = dashboard(user=reader, as_of=as_of, stored=False)
        assert _shown(stored) == _shown(counted), reader


def _stored(post: Post) -> dict[str, int]:
    rows = SlaTally.objects.filter(post=post)
    return {m: sum(getattr(r, m) for r in rows) for m in ("received", "answered", "spent")}


@pytest.mark.usefixtures("_postgresql")
def test_the_totals_follow_every_service_and_the_dashboard_reads_them(org, as_of):
    with time_machine.travel(as_of, tick=False):
        first = log(org, as_of)
        second = log(org, as_of, subject="Bins not collected", service_area=org.waste)
        third = log(org, as_of, subject="Damp at 4 Mill Lane")
    _agree(org, as_of)
    assert _stored(org.triage)["received"] == 3
    assert _stored(org.housing_officer)["received"] == 2
    assert _stored(org.env_director)["received"] == 1

    later = as_of + timedelta(days=2)
    services.enquiry_respond(
        enquiry=first, response="Fixed", actor=org.housing_officer.holder, as_of=later
    )
    assert _stored(org.triage)["answered"] == 1
    _agree(org, later)

    # Passed on: the housing line no longer counts it, the environment line does (F3).
    services.enquiry_reassign(
        enquiry=third,
        to_post=org.env_officer,
        reason="it is the bins",
        actor=org.housing_officer.holder,
        as_of=later,
    )
    assert _stored(org.housing_officer)["received"] == 1
    assert _stored(org.env_officer)["received"] == 2
    _agree(org, later)

    # Copied to another member: a person, not a post; no post's totals move.
    before = {p.pk: _stored(p) for p in Post.objects.all()}
    services.enquiry_share_with_member(
        enquiry=second, member=org.colleague, actor=org.raiser.person, as_of=later
    )
    assert {p.pk: _stored(p) for p in Post.objects.all()} == before
    services.enquiry_close(enquiry=second, reason="done", actor=org.env_officer.holder, as_of=later)
    _agree(org, later)

    # Past every due date: the unanswered ones now count as late or, closed, as met.
    _agree(org, as_of + timedelta(days=60))


@pytest.mark.usefixtures("_postgresql")
def test_writes_outside_the_services_are_counted_too(org, as_of):
    """A bulk update, an access row ended by hand, a deleted enquiry: the triggers see every
    statement, not only the services'."""
    with time_machine.travel(as_of, tick=False):
        enquiries = [log(org, as_of, subject=f"Pothole {n}") for n in range(4)]
    Enquiry.objects.filter(pk__in=[e.pk for e in enquiries[:2]]).update(
        responded_at=as_of + timedelta(days=1), answered_working_days=1
    )
    assert _stored(org.triage) == {"received": 4, "answered": 2, "spent": 2}
    assert tallies.differences() == []

    CaseAccess.objects.filter(post=org.triage, case_id=enquiries[3].pk).update(until=as_of)
    assert _stored(org.triage)["received"] == 3
    CaseAccess.objects.filter(case_id=enquiries[2].pk, post__isnull=False).delete()
    assert _stored(org.triage)["received"] == 2
    assert _stored(org.housing_officer)["received"] == 3

    Enquiry.objects.filter(pk=enquiries[0].pk).delete()
    assert _stored(org.triage) == {"received": 1, "answered": 1, "spent": 1}
    assert tallies.differences() == []


def _copied_by_hand(org, as_of, post: Post, perms: str) -> None:
    """An enquiry logged, and an access row of the copied-post audience added by hand."""
    with time_machine.travel(as_of, tick=False):
        enquiry = log(org, as_of)
    CaseAccess.objects.create(
        case_type=CaseAccess.objects.filter(case_id=enquiry.pk).first().case_type,
        case_id=enquiry.pk,
        audience="copied_post",
        post=post,
        perms=perms,
        since=as_of,
    )


@pytest.mark.usefixtures("_postgresql")
def test_two_rows_for_one_post_count_the_enquiry_once(org, as_of):
    """A post may hold a case through two audiences (triage and copied post, say): it counts
    once, and still counts while either row is open."""
    _copied_by_hand(org, as_of, org.triage, ",view_enquiry,")
    assert _stored(org.triage)["received"] == 1
    CaseAccess.objects.filter(post=org.triage, audience="triage").update(until=as_of)
    assert _stored(org.triage)["received"] == 1
    CaseAccess.objects.filter(post=org.triage, audience="copied_post").update(until=as_of)
    assert _stored(org.triage)["received"] == 0
    assert tallies.differences() == []


@pytest.mark.usefixtures("_postgresql")
def test_rows_without_sight_are_not_counted(org, as_of):
    """An access row that does not grant `view_enquiry` adds nothing."""
    _copied_by_hand(org, as_of, org.complaints, ",act_on_enquiry,")
    assert _stored(org.complaints)["received"] == 0
    assert tallies.differences() == []


@pytest.mark.usefixtures("_postgresql")
def test_fold_adds_up_without_changing_a_total(org, as_of):
    with time_machine.travel(as_of, tick=False):
        enquiries = [log(org, as_of, subject=f"Streetlight {n}") for n in range(3)]
    services.enquiry_respond(
        enquiry=enquiries[0], response="Fixed", actor=org.housing_officer.holder, as_of=as_of
    )
    before = {p.pk: _stored(p) for p in Post.objects.all()}
    appended = SlaTally.objects.filter(folded=False).count()
    assert appended > 0
    assert tallies.fold() > 0
    assert not SlaTally.objects.filter(folded=False).exists()
    assert SlaTally.objects.count() < appended
    assert {p.pk: _stored(p) for p in Post.objects.all()} == before
    assert tallies.fold() == 0
    assert tallies.differences() == []


@pytest.mark.usefixtures("_postgresql")
def test_a_wrong_total_is_found_and_rebuild_puts_it_right(org, as_of):
    with time_machine.travel(as_of, tick=False):
        log(org, as_of)
    SlaTally.objects.filter(post=org.triage).update(received=7)
    assert tallies.differences() != []
    assert tallies.rebuild() > 0
    assert tallies.differences() == []
    assert _stored(org.triage)["received"] == 1


@pytest.mark.usefixtures("_postgresql")
def test_a_reader_with_two_posts_gets_the_count_from_the_enquiries(org, as_of):
    """Totals per post cannot be added up for someone holding two (their sets overlap): the
    dashboard then counts from the enquiries, and shows the same as for each post's union."""
    from enquiries.permissions import VIEW
    from protocol_portal.casework.access import sole_post

    with time_machine.travel(as_of, tick=False):
        log(org, as_of)
        log(org, as_of, subject="Bins", service_area=org.waste)
    person = org.housing_director.holder
    assert sole_post(person, VIEW, Enquiry, Post.objects.filter(holder=person)) == (
        org.housing_director.pk
    )
    org.env_director.holder = person
    org.env_director.save()
    assert sole_post(person, VIEW, Enquiry, Post.objects.filter(holder=person)) is None
    data = dashboard(user=Person.objects.get(pk=person.pk), as_of=as_of + timedelta(days=30))
    assert {r.directorate for r in data.rows} == {"Housing", "Environment"}


@pytest.mark.usefixtures("_postgresql")
def test_the_dashboard_page_reads_stored_totals_not_the_visible_set(client, org, as_of):
    """At a million enquiries the triage team's dashboard spent 213 of its 250 ms building the
    193,000 ids it may see (bench/README.md): with stored totals the page never builds them."""
    with time_machine.travel(as_of, tick=False):
        log(org, as_of)
    client.force_login(org.triage.holder)
    from django.test.utils import CaptureQueriesContext

    with (
        CaptureQueriesContext(connection) as queries,
        time_machine.travel(as_of + timedelta(days=1), tick=False),
    ):
        page = client.get(reverse("enquiries:dashboard"))
    assert page.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert any('FROM "enquiries_slatally"' in s for s in statements)
    whole_set = [s for s in statements if "UNION SELECT a." in s and "IN (SELECT" in s]
    assert whole_set == []


def test_the_command_checks_folds_and_rebuilds_and_the_task_folds(org, as_of):
    with time_machine.travel(as_of, tick=False):
        log(org, as_of)
        log(org, as_of, subject="Damp at 4 Mill Lane")
    if not tallies.kept():
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("sla_tallies", "--check")
        assert fold_sla_tallies() == 0
        return
    out = StringIO()
    call_command("sla_tallies", "--check", stdout=out)
    assert "agree" in out.getvalue()
    assert fold_sla_tallies() > 0  # two rows a post, one per enquiry, become one
    assert not SlaTally.objects.filter(folded=False).exists()
    SlaTally.objects.filter(post=org.triage).update(answered=3)
    with pytest.raises(CommandError, match="differ"):
        call_command("sla_tallies", "--check", stdout=StringIO())
    call_command("sla_tallies", "--rebuild", stdout=StringIO())
    call_command("sla_tallies", "--check", stdout=StringIO())
    call_command("sla_tallies", "--fold", stdout=out)
    assert "0 rows folded away" in out.getvalue()
