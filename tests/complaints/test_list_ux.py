"""The complaints list as a caseworker list: MoJ filter panel with the filters in use and a way
to remove each, server-side sort by column (kept across filters, pages restart), a days-left tag,
and the one status colour map."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from complaints import services
from complaints.states import Kind
from tests.complaints.factories import AS_OF

pytestmark = pytest.mark.django_db
URL = reverse("complaints:list")


@pytest.fixture
def two(corg):
    made = []
    for n, (post, summary) in enumerate([(corg.officer, "Later"), (corg.officer_2, "Sooner")]):
        made.append(
            services.complaint_raise(
                council=corg.council,
                raiser=corg.complainant.person,
                kind=Kind.CONCERN_ABOUT_OFFICER,
                subject_post=post,
                summary=summary,
                details="Details.",
                as_of=AS_OF + timedelta(days=7 * (1 - n)),
            )
        )
    return made


def _get(client, user, **params):
    client.force_login(user)
    with time_machine.travel(AS_OF + timedelta(days=8), tick=False):
        return client.get(URL, params)


def test_sorting_by_due_both_ways(client, corg, two):
    later, sooner = two
    assert sooner.due_on < later.due_on
    body = _get(client, corg.complainant.person, sort="due").content.decode()
    assert body.index(sooner.reference) < body.index(later.reference)
    assert 'aria-sort="ascending"' in body
    body = _get(client, corg.complainant.person, sort="-due").content.decode()
    assert body.index(later.reference) < body.index(sooner.reference)
    assert 'aria-sort="descending"' in body
    # An unknown order is the default, not an error.
    assert _get(client, corg.complainant.person, sort="summary; drop").status_code == 200


def test_selected_filters_can_be_removed_and_cleared(client, corg, two):
    response = _get(client, corg.complainant.person, status="received", sort="due")
    body = response.content.decode()
    assert "Selected filters" in body
    assert "Remove this filter:</span> Received: awaiting acknowledgement" in body
    assert 'href="?sort=due">Clear filters' in body
    # Applying filters keeps the sort order.
    assert '<input type="hidden" name="sort" value="due">' in body
    assert "Selected filters" not in _get(client, corg.complainant.person).content.decode()


def test_due_column_says_days_left_or_overdue_and_tags_use_the_one_colour_map(client, corg, two):
    later, sooner = two
    body = _get(client, corg.complainant.person).content.decode()
    today = (AS_OF + timedelta(days=8)).date()
    for complaint in two:
        days = (complaint.due_on - today).days
        words = (
            f"{abs(days)} day{'s' if abs(days) != 1 else ''} {'left' if days > 0 else 'overdue'}"
        )
        if days == 0:
            words = "Due today"
        assert words in body
    assert "govuk-tag--red" in body  # the one past its due date
    assert "portal-table--stack" in body  # phones: rows stack, nothing scrolls sideways
    assert 'data-label="Due"' in body
