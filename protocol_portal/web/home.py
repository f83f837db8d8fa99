"""Home-page panels: each case app says what is the signed-in person's to do.

A case app lists its panel functions in its `CaseTypeSpec(panels=...)` (casework.registry);
`register_panel` adds one from elsewhere (a test, a plug-in). A panel function::

    def cases_to_answer(request):
        page = cases_assigned_to(person=request.user, limit=5)  # a selector, constant queries
        if not page.total:
            return None  # nothing to do: no panel
        return {
            "title": "Cases to answer",
            "count": page.total,
            "url": reverse("cases:queue"),
            "items": [{"text": e.reference, "url": e.get_absolute_url(), "hint": e.subject,
                       "tag": "Overdue", "tag_colour": "red"} for e in page.items],
        }

Each item is a dict (`text`, optional `url`, `hint`, `tag`, `tag_colour`) or plain text. A panel
function must answer in a constant number of queries: the home page's cost is their sum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NotRequired, TypedDict

from django.http import HttpRequest
from django.urls import reverse

from protocol_portal.casework.registry import case_apps


class PanelItem(TypedDict):
    text: str
    url: NotRequired[str]
    hint: NotRequired[str]
    tag: NotRequired[str]
    tag_colour: NotRequired[str]


class Panel(TypedDict):
    title: str
    count: int
    url: str
    items: list[PanelItem | str]


def cases_panel(
    *, title: str, waiting, list_url: str, detail_url: Callable[[object], str], first: int = 5
) -> Panel | None:
    """The usual case panel: the first few cases `waiting` (a queryset) for the person, each
    with its status and due date and "Overdue" once breached, the count, and a link to the
    list; None when nothing waits. Two queries."""
    items = list(waiting[:first])
    if not items:
        return None
    return {
        "title": title,
        "count": waiting.count(),
        "url": list_url,
        "items": [
            {
                "text": case.reference,
                "url": detail_url(case),
                "hint": (
                    f"{case.get_status_display()}; due {case.due_on:%-d %b %Y}"
                    if case.due_on
                    else ""
                ),
                **({"tag": "Overdue", "tag_colour": "red"} if case.breached_on else {}),
            }
            for case in items
        ],
    }


def cases_panel_for(title: str, waiting_for: Callable, *, namespace: str) -> Callable:
    """A panel function for `register`: `waiting_for(user=)` is the selector of the cases
    waiting for the person; the case app's URLs `<namespace>:list` and `<namespace>:detail`
    (by id) are the links."""

    def panel(request: HttpRequest) -> Panel | None:
        return cases_panel(
            title=title,
            waiting=waiting_for(user=request.user),
            list_url=reverse(f"{namespace}:list"),
            detail_url=lambda case: reverse(f"{namespace}:detail", args=[case.pk]),
        )

    return panel


PanelFunction = Callable[[HttpRequest], Panel | dict | None]

_panels: list[PanelFunction] = []


def register_panel(fn: PanelFunction) -> PanelFunction:
    """Show `fn(request)`'s panel on everyone's home page (it returns None to show nothing)."""
    if fn not in _panels:
        _panels.append(fn)
    return fn


def unregister_panel(fn: PanelFunction) -> None:
    if fn in _panels:
        _panels.remove(fn)


def panels_for(request: HttpRequest) -> list[dict]:
    """The panels that have something for this person: the case apps' (in the order the apps
    are installed), then any registered here."""
    panels = []
    for fn in [*(fn for spec in case_apps() for fn in spec.panels), *_panels]:
        panel = fn(request)
        if panel:
            panels.append(panel)
    return panels
