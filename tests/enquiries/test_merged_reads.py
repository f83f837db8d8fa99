"""A list over a few posts or seats is read one post or seat at a time, each in the list's order
off its own index, and merged (casework.bounds.ids_merged; bench/README.md, "A million cases"):
the officer who holds two posts (shared staff: South Oxfordshire and Vale) and the councillor
who sits on two councils. `owner_post_id IN (a, b)` cannot be read in due order, so before,
the database read and sorted every open enquiry of both posts (15,913 at a million) to show 25.
Each list must still hold exactly its rows, in its order, page by page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enquiries import services, views
from enquiries.models import Enquiry
from enquiries.permissions import VIEW, can
from protocol_portal.casework import bounds
from protocol_portal.casework.bounds import MergedIds, ids_merged
from protocol_portal.org.models import Member, PostKind
from tests.complaints.factories import build_complaint_org
from tests.enquiries.helpers import log
from tests.factories import PostFactory, RoutingRuleFactory, ServiceAreaFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_posts(org, as_of):
    """One person holding both housing officer posts, with enquiries in each whose due dates
    interleave, and one of another officer's that their queue must not show."""
    officer = org.housing_officer.holder
    org.housing_officer_2.holder = officer
    org.housing_officer_2.save()
    made = []
    with time_machine.travel(as_of, tick=False):
        for day in range(6):
            enquiry = log(org, as_of + timedelta(days=day), subject=f"Damp at {day} Mill Lane")
            to = org.housing_officer if day % 2 else org.housing_officer_2
            if enquiry.owner_post_id != to.pk:
                services.enquiry_reassign(
                    enquiry=enquiry,
                    to_post=to,
                    reason="Shared between the two posts",
                    actor=org.housing_manager.holder,
                    as_of=as_of + timedelta(days=day),
                )
            made.append(enquiry)
        other = log(org, as_of, subject="Fly-tipping", service_area=org.waste)
    assert other.owner_post_id not in {org.housing_officer.pk, org.housing_officer_2.pk}
    return officer, made


def _three_pages(as_of, page) -> tuple[list[str], CaptureQueriesContext]:
    """The references on pages 1 to 3 (`page(number)`), read a week after `as_of`, and the
    statements that read them."""
    seen = []
    with (
        time_machine.travel(as_of + timedelta(days=7), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        for number in (1, 2, 3):
            seen += page(number)
    return seen, ctx


def _ids_statement(queries) -> str:
    return next(q["sql"] for q in queries if "UNION ALL" in q["sql"] and "LIMIT" in q["sql"])


def test_my_queue_over_two_posts_is_every_row_in_due_order_page_by_page(
    client, as_of, two_posts, monkeypatch
):
    officer, made = two_posts
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(bounds, "COUNT_MOST", 3)
    client.force_login(officer)
    url = reverse("enquiries:queue") + "?scope=mine"
    seen = []
    with time_machine.travel(as_of + timedelta(days=7), tick=False):
        for number in (1, 2, 3):
            response = client.get(f"{url}&page={number}")
            seen += [e.reference for e in response.context["enquiries"]]
        first = client.get(url)
    expected = [
        e.reference
        for e in Enquiry.objects.filter(pk__in=[e.pk for e in made]).order_by("due_on", "pk")
    ]
    assert seen == expected
    assert first.context["page_obj"].paginator.count_words == "more than 3"


def test_my_queue_over_two_posts_reads_one_post_at_a_time(client, as_of, two_posts):
    """The statement that reads the page: one SELECT a post (UNION ALL), ordered once."""
    officer, _ = two_posts
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("enquiries:queue") + "?scope=mine")
    sql = _ids_statement(ctx.captured_queries)
    assert sql.count('"owner_post_id" = ') == 2


def test_the_merged_read_can_walk_each_post_in_order_without_a_sort(org, as_of, two_posts):
    """Each post's part is an ordered index range, so the database
    merges them rather than sort every row: no sort node on PostgreSQL (Merge Append) when
    sorting is made the last resort; on SQLite, a merge of the parts."""
    from enquiries import selectors

    officer, _ = two_posts
    held = selectors.posts_held(user=officer)
    queue = selectors.enquiry_queue(user=officer, scope=selectors.Scope.MINE, held=held)
    ids = selectors.queue_ids(queue, scope=selectors.Scope.MINE, held=held)
    assert isinstance(ids, MergedIds)
    sql, params = ids.rows[:1001].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = json.dumps(cursor.fetchone()[0])
            assert '"Node Type": "Merge Append"' in plan
            assert '"Node Type": "Sort"' not in plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(row[-1] for row in cursor.fetchall())
            assert "MERGE (UNION ALL)" in plan
            # SQLite has no statistics here and may sort each post's part on its own; the
            # parts are still merged, not all read and sorted together.


@pytest.fixture
def two_seats(org, as_of):
    """The raiser also sits on a second council, with enquiries in each, logged on days that
    interleave."""
    other = build_complaint_org()
    rita = org.raiser.person
    seat = Member.objects.create(
        council=other.council, person=rita, ward=WardFactory(council=other.council, slug="east")
    )
    area = ServiceAreaFactory(directorate=other.housing, slug="repairs", name="Repairs")
    PostFactory(
        council=other.council,
        slug="repairs-officer",
        kind=PostKind.OFFICER,
        directorate=other.housing,
        title="Housing Officer",
    )
    RoutingRuleFactory(
        council=other.council,
        key="enquiry-routine",
        concerning="routine",
        handler_kind=PostKind.OFFICER,
        handler_of="case_directorate",
        deadline_days=10,
        source="test",
    )
    made = []
    with time_machine.travel(as_of, tick=False):
        for day in range(6):
            member, area_ = (seat, area) if day % 2 else (org.raiser, org.repairs)
            made.append(
                log(
                    org,
                    as_of + timedelta(days=day),
                    member=member,
                    service_area=area_,
                    ward=member.ward,
                    subject=f"Potholes on {day} Station Road",
                )
            )
        log(org, as_of, member=org.colleague, subject="Not theirs")
    return rita, made


def test_the_members_list_over_two_seats_is_every_row_newest_first(
    client, as_of, two_seats, monkeypatch
):
    rita, made = two_seats
    assert {e.council_id for e in made} == set(
        Member.objects.filter(person=rita).values_list("council_id", flat=True)
    )
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(bounds, "COUNT_MOST", 3)
    client.force_login(rita)
    seen, ctx = _three_pages(
        as_of,
        lambda n: [
            e.reference
            for e in client.get(reverse("enquiries:index") + f"?page={n}").context["enquiries"]
        ],
    )
    expected = [
        e.reference
        for e in Enquiry.objects.filter(pk__in=[e.pk for e in made]).order_by("-received_on", "-pk")
    ]
    assert seen == expected
    assert _ids_statement(ctx.captured_queries).count('"member_id" = ') == 2


def test_one_value_or_an_expression_order_is_read_as_one(org, as_of, two_posts):
    officer, made = two_posts
    queue = Enquiry.objects.filter(pk__in=[e.pk for e in made]).order_by("due_on", "pk")
    posts = [org.housing_officer.pk, org.housing_officer_2.pk]
    assert not isinstance(ids_merged(queue, "owner_post_id", posts[:1]), MergedIds)
    assert not isinstance(
        ids_merged(queue, "owner_post_id", posts + list(range(-20, 0))), MergedIds
    )
    by_expression = queue.order_by(F("due_on").desc(), "pk")
    assert not isinstance(ids_merged(by_expression, "owner_post_id", posts), MergedIds)
    assert list(ids_merged(by_expression, "owner_post_id", posts)) == list(
        by_expression.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("order", [("due_on", "pk"), ("-received_on", "-pk"), ("-due_on", "pk")])
def test_merged_ids_are_the_lists_ids_in_its_order_sliced_and_counted(org, as_of, two_posts, order):
    officer, made = two_posts
    posts = [org.housing_officer.pk, org.housing_officer_2.pk]
    queue = Enquiry.objects.filter(owner_post_id__in=posts).order_by(*order)
    plain = list(queue.values_list("pk", flat=True))
    merged = ids_merged(queue, "owner_post_id", posts)
    assert isinstance(merged, MergedIds)
    assert merged[:100] == plain
    assert merged[2:4] == plain[2:4]
    assert merged[1] == plain[1]
    assert merged.count() == len(merged) == len(plain) == 6


def test_a_page_past_the_id_reach_is_counted_and_read_by_offset(
    client, as_of, two_posts, monkeypatch
):
    """Past IDS_MOST the paginator counts the merged list in full and reads the page by
    OFFSET, as it does a plain one."""
    officer, made = two_posts
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(bounds, "IDS_MOST", 3)
    client.force_login(officer)
    with time_machine.travel(as_of + timedelta(days=7), tick=False):
        response = client.get(reverse("enquiries:queue") + "?scope=mine&page=3")
    expected = Enquiry.objects.filter(pk__in=[e.pk for e in made]).order_by("due_on", "pk")
    assert [e.reference for e in response.context["enquiries"]] == [
        e.reference for e in expected[4:6]
    ]
    assert response.context["page_obj"].paginator.count == 6


def test_the_api_list_of_an_officer_in_two_councils_is_read_a_council_at_a_time(
    as_of, two_seats, org
):
    """Shared staff work for two councils: their API list is read a council at a time, each in
    due order, and holds every enquiry they may see, in due order."""
    from rest_framework.test import APIClient

    rita, made = two_seats
    officer = org.housing_officer.holder
    other_council = made[1].council
    other_post = made[1].owner_post
    other_post.holder = officer
    other_post.save()
    api = APIClient()
    api.force_authenticate(officer)
    with (
        time_machine.travel(as_of + timedelta(days=7), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        body = api.get("/api/v1/enquiries/").json()
    assert _ids_statement(ctx.captured_queries).count('"council_id" = ') == 2
    # What the one access policy lets them open, one enquiry at a time, in due order.
    expected = [
        e.reference for e in Enquiry.objects.order_by("due_on", "pk") if can(officer, VIEW, e)
    ]
    assert {e.council_id for e in Enquiry.objects.filter(reference__in=expected)} == {
        org.council.pk,
        other_council.pk,
    }
    assert [row["reference"] for row in body["results"]] == expected


def test_my_queue_and_my_own_list_are_bounded_by_post_or_seat_not_by_council_too(
    client, org, as_of
):
    """Their own posts or seats bound them; a council bound beside it made PostgreSQL take the
    two for independent, underestimate the queue tenfold and sort it all (105 ms at a million
    against 5 for an ordered read). The page's ids statement names no council."""
    with time_machine.travel(as_of, tick=False):
        log(org, as_of)
    for person, url in (
        (org.housing_officer.holder, reverse("enquiries:queue") + "?scope=mine"),
        (org.raiser.person, reverse("enquiries:index")),
    ):
        client.force_login(person)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        ids = next(q["sql"] for q in ctx.captured_queries if "LIMIT 1001" in q["sql"])
        assert '"council_id"' not in ids


def test_a_councillors_api_list_is_each_seat_then_their_copies_and_exactly_what_they_may_see(
    as_of, two_seats, org, monkeypatch
):
    """A councillor with two seats, copied into a colleague's enquiry: the API list is read a
    seat at a time and then the copies, each in due order, and holds exactly the enquiries the
    one policy lets them open (its whole-set read), soonest due first, page by page."""
    from rest_framework.test import APIClient

    from enquiries.api import EnquiryPagination
    from enquiries.selectors import enquiries_visible_to

    rita, made = two_seats
    theirs = log(org, as_of + timedelta(days=2), member=org.colleague, subject="Shared with Rita")
    services.enquiry_share_with_member(
        enquiry=theirs, member=org.raiser, actor=org.colleague.person, as_of=as_of
    )
    expected = [e.reference for e in enquiries_visible_to(user=rita).order_by("due_on", "pk")]
    assert theirs.reference in expected
    assert len(expected) == len(made) + 1
    monkeypatch.setattr(EnquiryPagination, "page_size", 3)
    api = APIClient()
    api.force_authenticate(rita)
    seen, ctx = _three_pages(
        as_of,
        lambda n: [
            r["reference"] for r in api.get(f"/api/v1/enquiries/?page={n}").json()["results"]
        ],
    )
    assert seen == expected
    sql = _ids_statement(ctx.captured_queries)
    assert sql.count('"enquiries_enquiry"."member_id" = ') == 2
    assert "enquiries_enquirycopy" in sql
    # A filter narrows every part alike.
    with time_machine.travel(as_of + timedelta(days=7), tick=False):
        body = api.get("/api/v1/enquiries/?status=received&ordering=-received").json()
    narrowed = enquiries_visible_to(user=rita).filter(status="received")
    got = [row["reference"] for row in body["results"]]
    assert set(got) == {e.reference for e in narrowed.order_by("-received_on", "-pk")[:3]}
    received = [Enquiry.objects.get(reference=r).received_on for r in got]
    assert received == sorted(received, reverse=True)
