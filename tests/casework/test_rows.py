"""The set-based writes a chaser batch uses (`casework.rows`), and the indexes its writes keep.

`rows_insert` must store exactly what `bulk_create` stores, on both databases: each value
prepared as its field prepares it (an aware moment, a naive one, a choice, a key, NULL), a
conflicting row left out when asked, the written rows' columns handed back, and a model that
keeps history refused. The indexes: every key a chaser rung writes again has no index of its own
where a composite index already leads with it."""

from __future__ import annotations

import warnings
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enquiries.models import Enquiry
from protocol_portal.casework.models import CaseAccess, CaseEvent, Notice, OutboxMessage
from protocol_portal.casework.rows import rows_insert
from protocol_portal.casework.services import event_row
from tests.conftest import LONDON, build_org
from tests.enquiries.helpers import log

AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday, GMT
SUMMER = datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))  # BST


def _events(case, kinds) -> list[CaseEvent]:
    return [
        event_row(
            case=case,
            at=at,
            actor=actor,
            kind=kind,
            summary=f"Line {n}: naïve “quotes” and 'apostrophes'",
            detail="" if n % 2 else "a detail\nover two lines",
            visible_to_raiser=bool(n % 2),
        )
        for n, (kind, at, actor) in enumerate(kinds)
    ]


def _stored(model, pks) -> list[dict]:
    rows = model.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


@pytest.mark.django_db
def test_rows_insert_stores_what_bulk_create_stores():
    """Aware moments in winter and summer, a naive one (made aware as the ORM makes it, with
    its warning), a person and no person, text with quotes and a new line, both booleans."""
    org = build_org()
    case = log(org, AS_OF)
    officer = org.housing_officer.holder
    kinds = [
        ("note", AS_OF, officer),
        ("chaser:reminder", SUMMER, None),
        ("naive", datetime(2026, 5, 1, 12, 0), officer),  # noqa: DTZ001 (the point)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the naive moment, on both sides
        made = CaseEvent.objects.bulk_create(_events(case, kinds))
        expected = _stored(CaseEvent, [e.pk for e in made])
        CaseEvent.objects.filter(pk__in=[e.pk for e in made]).delete()
        before = set(CaseEvent.objects.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            assert rows_insert(_events(case, kinds)) == []
    assert len(ctx.captured_queries) == 1
    new = set(CaseEvent.objects.values_list("pk", flat=True)) - before
    assert _stored(CaseEvent, new) == expected
    assert [row["at"] for row in expected][:2] == [AS_OF, SUMMER]


@pytest.mark.django_db
def test_rows_insert_leaves_out_conflicts_and_answers_for_the_rows_written():
    """Two messages, one whose key is already in the outbox: one row written, its id and key
    handed back; the taken key's message is untouched. Its notices go in by the same road."""
    org = build_org()
    case = log(org, AS_OF)
    content_type = ContentType.objects.get_for_model(case)

    def message(key, subject):
        return OutboxMessage(
            key=key,
            council_id=case.council_id,
            case_type=content_type,
            case_id=case.pk,
            rung="reminder",
            subject=subject,
            body="Body",
            created_at=AS_OF,
        )

    taken = message("enquiries.Enquiry:taken", "First")
    taken.save()
    answered = rows_insert(
        [message("enquiries.Enquiry:taken", "Second"), message("enquiries.Enquiry:new", "New")],
        ignore_conflicts=True,
        returning=["id", "key"],
    )
    fresh = OutboxMessage.objects.get(key="enquiries.Enquiry:new")
    assert answered == [(fresh.pk, "enquiries.Enquiry:new")]
    assert OutboxMessage.objects.get(pk=taken.pk).subject == "First"
    assert fresh.created_at == AS_OF
    assert fresh.sent_at is None

    person = org.housing_officer.holder
    rows_insert([Notice(message=fresh, person=person)])
    assert list(Notice.objects.filter(message=fresh).values_list("person_id", "read_at")) == [
        (person.pk, None)
    ]
    assert rows_insert([]) == []


@pytest.mark.django_db
def test_rows_insert_access_rows_keep_the_one_open_row_rule():
    """An access row already open for the post and audience is not written twice (the unique
    partial constraint, ignored as a conflict), and a new one is."""
    org = build_org()
    case = log(org, AS_OF)
    content_type = ContentType.objects.get_for_model(case)

    def row(post):
        return CaseAccess(
            case_type=content_type,
            case_id=case.pk,
            audience="escalated",
            post_id=post.pk,
            perms=",view_enquiry,",
            since=AS_OF,
        )

    rows_insert([row(org.housing_manager)], ignore_conflicts=True)
    rows_insert([row(org.housing_manager), row(org.env_officer)], ignore_conflicts=True)
    open_rows = CaseAccess.objects.filter(
        case_id=case.pk, case_type=content_type, audience="escalated", until__isnull=True
    )
    assert sorted(open_rows.values_list("post_id", flat=True)) == sorted(
        [org.housing_manager.pk, org.env_officer.pk]
    )


@pytest.mark.django_db
def test_rows_insert_refuses_a_model_that_keeps_history():
    org = build_org()
    case = log(org, AS_OF)
    with pytest.raises(ValueError, match="keeps history"):
        rows_insert([Enquiry(council_id=case.council_id)])


def _indexes(table: str) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return [
        tuple(c["columns"])
        for c in found.values()
        if (c["index"] or c["unique"]) and not c["primary_key"] and c["columns"]
    ]


# Keys a chaser rung writes again (its case row, its history entry, timeline line, access rows,
# notices), and the composite index that serves their lookups and key checks instead.
LED_BY_COMPOSITE = {
    "enquiries_enquiry": ["council_id", "owner_post_id", "member_id"],
    "casework_caseevent": ["case_type_id"],
    "casework_caseaccess": ["case_type_id"],
    "casework_notice": ["message_id", "person_id"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(LED_BY_COMPOSITE))
def test_a_key_led_by_a_composite_index_has_none_of_its_own(table):
    indexes = _indexes(table)
    for column in LED_BY_COMPOSITE[table]:
        assert (column,) not in indexes, f"{table}.{column} has an index of its own"
        assert any(len(cols) > 1 and cols[0] == column for cols in indexes), column


@pytest.mark.django_db
def test_enquiry_history_indexes_only_what_history_is_read_by():
    """An enquiry's history is read by its id; the history user keeps its index for the key
    check when a person is removed. Nothing else is indexed (each index is one more write a
    rung)."""
    indexed = set(_indexes(Enquiry.history.model._meta.db_table))
    assert indexed == {("id",), ("history_date",), ("history_user_id",)}
