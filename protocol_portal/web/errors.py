"""The site's own GOV.UK error pages (400, 403, 404, 500 and a failed CSRF check) in every mode.

With DEBUG off Django already calls the handlers in `protocol_portal/urls.py`. With DEBUG on (the
laptop demo's default) it would show its technical pages instead: a 404 lists every URL pattern
and a 500 shows a traceback with settings, which looks broken to a demo audience and says more
than anyone signed in should read. `ErrorPagesMiddleware` serves the GOV.UK pages then too,
unless `TECHNICAL_ERROR_PAGES` is set (a developer who wants the traceback asks for it).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.log import log_response
from django.views.decorators.csrf import requires_csrf_token

# Headers the inner middleware put on the response we replace (CSP, frame options, cache
# control, the request id), kept on the GOV.UK page.
_NOT_COPIED = {"content-type", "content-length"}


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400: the request could not be understood (a malformed upload, a bad host or cookie)."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Bad request."}, status=400)
    return HttpResponse(loader.render_to_string("400.html", request=request), status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form whose security check failed: usually a page left open past the sign-in's
    expiry, or cookies blocked. What to do next, never Django's diagnostic page."""
    return HttpResponse(loader.render_to_string("403_csrf.html", request=request), status=403)


def _technical() -> bool:
    return not settings.DEBUG or settings.TECHNICAL_ERROR_PAGES


def _with_headers(page: HttpResponse, original: HttpResponse) -> HttpResponse:
    for name, value in original.items():
        if name.lower() not in _NOT_COPIED and name not in page:
            page[name] = value
    return page


class ErrorPagesMiddleware:
    """Under DEBUG, answer errors with the GOV.UK pages as production does (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _technical() or response.status_code != 404:
            return response
        # A path no URL pattern matches never reaches a view (or process_exception below):
        # Django answers it with the technical 404, which we replace here.
        if getattr(request, "resolver_match", None) is None and not getattr(
            response, "portal_error_page", False
        ):
            from protocol_portal.api import not_found

            return _with_headers(not_found(request, Http404()), response)
        return response

    def process_exception(self, request, exception):
        if _technical():
            return None
        from protocol_portal.api import not_found, server_error

        if isinstance(exception, Http404):
            response = not_found(request, exception)
        elif isinstance(exception, PermissionDenied):
            return None  # Django calls handler403 whatever DEBUG says
        elif isinstance(exception, BadRequest | SuspiciousOperation):
            response = bad_request(request, exception)
        else:
            # What Django does for an unhandled error, but with the GOV.UK page: tell the
            # listeners (Sentry, the test client) and log it with its traceback.
            got_request_exception.send(sender=None, request=request)
            response = server_error(request)
            log_response(
                "%s: %s",
                "Internal Server Error",
                request.path,
                response=response,
                request=request,
                exception=exception,
            )
        response.portal_error_page = True
        return response
