"""The JSON API under /api/v1/: each case app registers its viewsets on this one router."""

from rest_framework import serializers
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """No `.json` format-suffix routes: the API speaks JSON only, and the suffix routes passed a
    `format` keyword that custom actions do not take (a 500 on every `/<id>/<action>.json`)."""

    include_format_suffixes = False


router = Router()


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, for input by slug, except that a value with a NUL byte names nothing: PostgreSQL
    refuses NUL in text, so the lookup would be a server error (found by the API fuzz)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """A 404 under /api/ is JSON like every other API answer; elsewhere the GOV.UK page.

    An id the router cannot match (e.g. `/api/v1/complaints/1.5/`) never reaches a viewset, so
    without this an API client got the HTML page (found by the schemathesis fuzz).
    """
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    """A 500 under /api/ is JSON too (the page itself never says more than "sorry")."""
    from django.http import JsonResponse
    from django.views.defaults import server_error as page_server_error

    if _is_api(request):
        return JsonResponse({"detail": "Sorry, there is a problem with the service."}, status=500)
    return page_server_error(request)
