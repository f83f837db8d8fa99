"""`manage.py seed_demo` gives every council a few need-to-know requests, once."""

import pytest
from django.core.management import call_command

from access_requests.models import AccessRequest
from protocol_portal.org import council_files

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_requests_once_with_unique_references():
    council_files.load()
    call_command("seed_demo")
    call_command("seed_demo")
    # Three per council; South Oxfordshire's and Southwark's references do not collide.
    assert AccessRequest.objects.count() == 18
    assert set(AccessRequest.objects.values_list("status", flat=True)) == {
        "submitted",
        "refused",
        "foi",
    }
