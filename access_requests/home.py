"""The home-page panel: need-to-know requests for the signed-in person to decide."""

from __future__ import annotations

from access_requests.selectors import requests_to_decide
from protocol_portal.web.home import cases_panel_for

access_requests_panel = cases_panel_for(
    "Need-to-know requests to decide", requests_to_decide, namespace="access_requests"
)
