"""Request-level guards shared by every page."""

from django.contrib.auth import logout
from django.utils.cache import patch_cache_control


class ActiveUserMiddleware:
    """A disabled person's session stops working on their next request, and nothing a signed-in
    person sees (cases, names, interests) is kept by a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_active:
            logout(request)
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
