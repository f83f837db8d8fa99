"""/demo/logins/ lists every demo person's login, but only on a demo site (DEMO=true)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from protocol_portal.org.models import Member, Post

pytestmark = pytest.mark.django_db


def test_not_there_unless_the_site_is_a_demo(settings, org):
    settings.DEMO = False
    assert Client().get("/demo/logins/").status_code == 404


def test_every_post_holder_and_member_is_listed_signed_out(settings, org):
    settings.DEMO = True
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/demo/logins/")
    body = response.content.decode()
    assert response.status_code == 200
    holders = Post.objects.filter(holder__isnull=False).values_list("holder__username", flat=True)
    members = Member.objects.values_list("person__username", flat=True)
    assert set(holders)
    assert set(members)
    for username in {*holders, *members}:
        assert f">{username}<" in body
    assert len(queries) <= 8
