"""Values every template may use: the service name, the navigation and who is signed in where."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from protocol_portal.accounts.policy import two_step_owed
from protocol_portal.casework.registry import case_apps
from protocol_portal.web.selectors import UNREAD_SHOWN, Shell, shell_of


def portal(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated

    # Callables, which templates call when they use them, memoised: one query for the header's
    # councils and the navigation's choices together, and none for a fragment that shows neither.
    @cache
    def shell() -> Shell:
        return shell_of(person=user) if signed_in else Shell(councils=[], unread=0)

    def councils() -> list:
        return shell().councils

    @cache
    def navigation() -> list[dict]:
        return _navigation(request, user, councils(), shell().unread)

    context: dict = {"portal_name": "Protocol Portal", "portal_nav": navigation}
    if signed_in:
        context["portal_councils"] = councils
    return context


def _navigation(request, user, councils, unread: int = 0) -> list[dict]:
    if user is None or not user.is_authenticated or two_step_owed(request):
        return []
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    namespace = match.namespace if match else None
    facts = {
        role: any(getattr(c, f"is_{role}") for c in councils)
        for role in ("member", "officer", "monitoring", "member_services")
    }
    items = [{"text": "Home", "href": _href("home"), "current": current == "home"}]
    # Each case app's area, as its spec says (casework.registry): every page is reachable from
    # here as well as from the home page's panels (WCAG 2.4.5, multiple ways).
    for nav in (spec.nav for spec in case_apps() if spec.nav is not None):
        name = nav.url_name_for(facts)
        if name is not None:
            items.append(_item(nav.text, name, namespace == nav.namespace))
    # Notices are how work reaches people: the unread count comes with the councils' query.
    items.append(
        {
            "text": "Notices",
            "href": _href("notices"),
            "current": current in ("notices", "notice"),
            "badge": f"{UNREAD_SHOWN}+" if unread > UNREAD_SHOWN else unread,
        }
    )
    if facts["monitoring"] or user.is_superuser:
        items.append(_item("Subject access", "subject-access", current == "subject-access"))
    if facts["officer"] or user.is_superuser:
        # Council staff and the site admin (casework.access.may_view_coverage).
        items.append(
            _item("Protocol coverage", "coverage-index", current in ("coverage-index", "coverage"))
        )
    items = [i for i in items if i is not None]
    if user.is_staff or facts.get("member_services"):
        items.append(
            {
                "text": "Routing explainer",
                "href": _href("routing-explainer"),
                "current": current == "routing-explainer",
            }
        )
    if user.is_staff:
        items.append({"text": "Administration", "href": _href("admin:index"), "current": False})
    return items


def _item(text: str, name: str, current: bool) -> dict | None:
    try:
        href = _href(name)
    except NoReverseMatch:  # an app not installed here
        return None
    return {"text": text, "href": href, "current": current}


def _href(name: str) -> str:
    # Every page builds the navigation: reverse each fixed address once per script prefix and
    # URL configuration rather than on every request.
    return _reversed(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, name)


@cache
def _reversed(prefix: str, urlconf: str, name: str) -> str:
    return reverse(name, urlconf=urlconf)
