"""Values every template may use: the service name, the navigation and who is signed in where."""

from __future__ import annotations

from django.urls import reverse

from protocol_portal.web.selectors import councils_of


def portal(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context: dict = {"portal_name": "Protocol Portal", "portal_nav": _navigation(request, user)}
    if signed_in:
        # A lazy queryset: one query, and only when a page's header shows it.
        context["portal_councils"] = councils_of(person=user)
    return context


def _navigation(request, user) -> list[dict]:
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    items = [{"text": "Home", "href": reverse("home"), "current": current == "home"}]
    if user.is_staff:
        items.append(
            {
                "text": "Routing explainer",
                "href": reverse("routing-explainer"),
                "current": current == "routing-explainer",
            }
        )
        items.append({"text": "Administration", "href": reverse("admin:index"), "current": False})
    return items
