"""Real council fixtures (fixtures/councils/*.yaml) with demo people, and helpers to find the
members and posts the scenarios need. Expectations are written from the protocol texts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from protocol_portal.org import council_files
from protocol_portal.org.calendars import _council_calendar
from protocol_portal.org.demo import seed_demo
from protocol_portal.org.models import Council

LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026, 10:00 UK time (no bank holidays that month).
AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def load(slug: str) -> Council:
    """Load one council's reviewed file and give it demo people."""
    _council_calendar.cache_clear()
    council_files.load([council_files.COUNCILS_DIR / f"{slug}.yaml"])
    seed_demo()
    return Council.objects.get(slug=slug)


@pytest.fixture
def as_of():
    return AS_OF


@pytest.fixture
def frozen():
    import time_machine

    with time_machine.travel(AS_OF, tick=False):
        yield AS_OF
