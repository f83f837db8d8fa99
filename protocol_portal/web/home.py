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

Most panels are a queryset of cases, most urgent first: `panel(title, cases, url=...,
item=lambda case, today: due_item(case, text=..., today=today, hint=...))` is that panel (two
queries), `due_item` an open case with its days left and an "Overdue" tag once breached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NotRequired, TypedDict

from django.http import HttpRequest
from django.utils import timezone

from protocol_portal.casework.registry import case_apps
from protocol_portal.web.dates import due_for

# How many items a panel lists (its count and link lead to the rest).
PANEL_ITEMS = 5


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


def panel(title: str, cases, *, url: str, item: Callable) -> Panel | None:
    """The panel of `cases` (a queryset, most urgent first): its first `PANEL_ITEMS` as
    `item(case, today)`, how many there are, and `url` for the whole list; None, so no panel,
    when there are none. Two queries at any volume (the count is asked even when the first page
    is short, so the page's query count does not change as cases arrive)."""
    items = list(cases[:PANEL_ITEMS])
    if not items:
        return None
    today = timezone.localdate()
    return {
        "title": title,
        "count": cases.count(),
        "url": url,
        "items": [item(case, today) for case in items],
    }


def due_item(case, *, text: str, today, hint: str, due_on=None, **extra) -> dict:
    """A panel item for a case: `text` linking to it, the days left to its due date (or
    `due_on`) while it is open, and a red "Overdue" tag once that has passed or the case is
    breached."""
    due = due_for(case, today=today, due_on=due_on) if case.is_open else None
    overdue = bool(due and due.overdue) or (case.breached_on is not None and case.is_open)
    return {
        "text": text,
        "url": case.get_absolute_url(),
        "due": due.text if due else "",
        "overdue": overdue,
        "hint": hint,
        **({"tag": "Overdue", "tag_colour": "red"} if overdue else {}),
        **extra,
    }


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
