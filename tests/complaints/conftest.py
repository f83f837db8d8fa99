import pytest

from protocol_portal.org.calendars import _council_calendar
from tests.complaints.factories import AS_OF, build_complaint_org


@pytest.fixture
def corg(db):
    """The complaint test council (tests/complaints/factories.py)."""
    _council_calendar.cache_clear()
    return build_complaint_org()


@pytest.fixture
def now():
    return AS_OF


@pytest.fixture
def frozen():
    """Browser and API requests read the clock at the edge: freeze it at AS_OF."""
    import time_machine

    with time_machine.travel(AS_OF, tick=False):
        yield AS_OF
