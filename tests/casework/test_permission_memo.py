"""The per-request memo in casework.permissions: one guardian checker per user object for the
length of one request, forgotten on any write, never kept outside a request."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from guardian.shortcuts import assign_perm, remove_perm

from protocol_portal.casework import permissions
from protocol_portal.casework.permissions import check_perm

pytestmark = pytest.mark.django_db
VIEW, CHANGE = "org.view_council", "org.change_council"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the request signals must not close the connection that
    holds the test's transaction (on PostgreSQL, close_old_connections would)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def in_a_request():
    request_started.send(sender=None)
    yield
    request_finished.send(sender=None)


def test_a_grant_or_revoke_in_the_request_is_seen_by_the_next_check(org, in_a_request):
    person, council = org.raiser.person, org.council
    assert not check_perm(person, VIEW, council)
    assign_perm(VIEW, person, council)
    assert check_perm(person, VIEW, council)
    remove_perm(VIEW, person, council)
    assert not check_perm(person, VIEW, council)


def test_a_second_question_about_the_same_case_asks_the_database_nothing(
    org, in_a_request, django_assert_num_queries
):
    person, council = org.raiser.person, org.council
    assign_perm(VIEW, person, council)
    with django_assert_num_queries(2):  # the person's permissions, then their groups'
        assert check_perm(person, VIEW, council)
        assert not check_perm(person, CHANGE, council)
        assert check_perm(person, VIEW, council)


def test_each_user_object_has_its_own_checker(org, in_a_request):
    council = org.council
    assign_perm(VIEW, org.raiser.person, council)
    assert check_perm(org.raiser.person, VIEW, council)
    assert not check_perm(org.colleague.person, VIEW, council)


def test_nothing_is_kept_after_the_request_or_outside_one(org):
    person, council = org.raiser.person, org.council
    request_started.send(sender=None)
    assert not check_perm(person, VIEW, council)
    assert permissions._memo.get() is not None
    request_finished.send(sender=None)
    assert permissions._memo.get() is None
    assert not any(
        getattr(w, "__func__", None) is permissions._Memo.forget_on_write
        for w in connection.execute_wrappers
    )
    assign_perm(VIEW, person, council)
    assert check_perm(person, VIEW, council)
