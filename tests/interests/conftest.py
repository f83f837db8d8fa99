"""Fixtures for the interests tests: a council per protocol, with its relationship rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.interests.factories import Org, add_relationship_rules, build_org

LONDON = ZoneInfo("Europe/London")
# Tuesday 2 June 2026, 10:00 UK time.
AS_OF = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def now() -> datetime:
    return AS_OF


@pytest.fixture
def org(db) -> Org:
    """Part 5.3 (protocol 001) council with its relationship rules from the protocol text."""
    org = build_org(slug="testshire", protocol="001")
    add_relationship_rules(org)
    return org


@pytest.fixture
def make_org(db):
    """Build a council following the given protocol (000-004), with its relationship rules."""

    def make(protocol: str, slug: str | None = None) -> Org:
        org = build_org(slug=slug or f"council-{protocol}", protocol=protocol)
        add_relationship_rules(org)
        return org

    return make
