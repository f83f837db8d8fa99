"""The home-page panel: complaints waiting for the signed-in person (constant queries)."""

from __future__ import annotations

from complaints.selectors import complaints_to_act_on
from protocol_portal.web.home import cases_panel_for

complaints_panel = cases_panel_for(
    "Complaints to deal with", complaints_to_act_on, namespace="complaints"
)
