"""Fixtures for the security tests: worlds built at a frozen moment (see worlds.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.security.worlds import LONDON, WORLDS

# Monday 2 March 2026, 10:00 UK time: the moment every world is built and every request is made.
AS_OF = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def frozen_world(db, settings, tmp_path):
    """Build a case type's world with the clock frozen at AS_OF (and keep it frozen)."""
    import time_machine

    from protocol_portal.org.calendars import _council_calendar

    _council_calendar.cache_clear()
    traveller = time_machine.travel(AS_OF, tick=False)
    traveller.start()

    def build(case_type: str):
        return WORLDS[case_type](AS_OF, settings, tmp_path)

    yield build
    traveller.stop()


@pytest.fixture(autouse=True)
def _quiet_request_log():
    """Thousands of expected 403/404s: don't format a traceback for each."""
    import logging

    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)
