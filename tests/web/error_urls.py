"""The site's URLs plus pages that fail on purpose, for tests/web/test_error_pages.py."""

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from protocol_portal.urls import handler400, handler404, handler500  # noqa: F401
from protocol_portal.urls import urlpatterns as site


def _raise(exc):
    def view(request):
        raise exc

    return view


urlpatterns = [
    path("boom/404/", _raise(Http404("no such case"))),
    path("boom/403/", _raise(PermissionDenied("not yours"))),
    path("boom/400/", _raise(BadRequest("malformed"))),
    path("boom/400-suspicious/", _raise(SuspiciousOperation("odd header"))),
    path("boom/500/", _raise(RuntimeError("SECRET-TRACEBACK-DETAIL"))),
    *site,
]
