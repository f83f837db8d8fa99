"""The client's address, read the same way by the lockout, the API's throttling and the health
check's allow list: the connection's address, or behind PROXY_COUNT proxies the address the
outermost proxy saw (never an X-Forwarded-For the client wrote itself)."""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """DRF's own reading of NUM_PROXIES (settings: PROXY_COUNT), so the three agree."""
    return BaseThrottle().get_ident(request) or None
