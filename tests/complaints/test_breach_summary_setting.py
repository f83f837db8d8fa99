"""Whether a council's Standards Committee gets a quarterly summary of alleged breaches is the
council's `breach_summary` setting (004 §15.4: "A summary of all alleged breaches will be
reported to the Standards Committee once each quarter"), not a loop over every council."""

from __future__ import annotations

from datetime import datetime

import pytest

from complaints.models import QuarterlySummary
from complaints.tasks import generate_quarterly_summaries
from protocol_portal.org import protocol_settings
from tests.conftest import LONDON

pytestmark = pytest.mark.django_db
QUARTER_END = datetime(2026, 4, 1, 6, 0, tzinfo=LONDON).isoformat()


def test_a_council_that_does_not_report_quarterly_gets_no_summary(corg):
    corg.council.protocol_settings = {"breach_summary": {"value": "none", "source": "test §1"}}
    corg.council.save()
    assert generate_quarterly_summaries(QUARTER_END) == 0
    assert not QuarterlySummary.objects.filter(council=corg.council).exists()


def test_a_council_that_reports_quarterly_gets_its_summary(corg):
    corg.council.protocol_settings = {
        "breach_summary": {"value": "quarterly", "source": "004 §15.4"}
    }
    corg.council.save()
    assert generate_quarterly_summaries(QUARTER_END) == 1
    assert QuarterlySummary.objects.filter(council=corg.council).exists()


def test_the_setting_is_validated():
    errors: list[str] = []
    protocol_settings.validate(
        {"breach_summary": {"value": "monthly", "source": "004 §15.4"}}, {}, "x", errors
    )
    assert errors == ["x: setting 'breach_summary' must be one of quarterly, none"]
