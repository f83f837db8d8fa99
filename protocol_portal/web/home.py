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
