"""Every list page is filtered (django-filter) and paginated the same way, and never silently
cut: what the person may see is all reachable, page by page (code review A8)."""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from protocol_portal.casework.bounds import BoundedPaginator
from protocol_portal.web import tags

PAGE_SIZE = 50


class _Paginator(BoundedPaginator):
    """Django's, with page numbers bounded (casework.bounds), except that a first page holding
    the whole list is counted from its rows: a page with several short lists then costs one
    query per list, not two."""

    def get_page(self, number) -> Page:
        try:
            first = int(number) <= 1
        except (TypeError, ValueError, OverflowError):
            first = True
        if first:
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.count = len(rows)  # `count` is a cached property: no COUNT query
                return self._get_page(rows, 1, self)
        return super().get_page(number)


def page_of(
    request: HttpRequest, queryset, *, param: str = "page", per_page: int = PAGE_SIZE
) -> Page:
    """One page of a list, numbered by `?<param>=` so a page with several lists pages each on
    its own. A number that is not one gives the first page, one past the end the last."""
    page = _Paginator(queryset, per_page).get_page(request.GET.get(param))
    page.param = param  # read by components/pagination.html
    return page


def filtered(filterset_class, request: HttpRequest, queryset: QuerySet, **kwargs):
    """The FilterSet over what the person may see: its `.qs` only ever narrows `queryset`; an
    invalid choice is ignored (the form shows why) rather than widening or failing."""
    filterset = filterset_class(request.GET or None, queryset=queryset, **kwargs)
    filterset.is_valid()
    return filterset


def status_cell(case) -> dict:
    """A case's status in a list table, as a tag in the one colour scheme (web.tags): red once
    breached while open or refused, yellow waiting on the reader, green done."""
    return {
        "text": case.get_status_display(),
        "tag": True,
        "tag_colour": tags.colour(
            str(case.status), overdue=bool(case.breached_on and case.is_open)
        ),
    }


def due_cell(case, today) -> dict:
    """An open case's due date with its days left ("3 days left", red once overdue); nothing
    once the case is closed."""
    from protocol_portal.web.templatetags.portal import days_left

    if not (case.due_on and case.is_open):
        return {"text": ""}
    return {
        "text": date_format(case.due_on, "j F Y"),
        "tag": days_left(case.due_on, today),
        "tag_colour": "red" if case.due_on < today else "grey",
    }


# The sorts of a case list (`sorted_by`), for the columns of `case_head`, newest first unless
# the reader asks otherwise.
CASE_SORTS = {
    "reference": ("reference",),
    "status": ("status",),
    "due": ("due_on",),
    "received": ("received_on",),
}
CASE_DEFAULT_SORT = "-received"


def case_head(noun: str) -> list:
    """The head of a case list's table (`case_rows`): the case, who has it, status, due."""
    return [
        {"text": noun, "sort": "reference"},
        "With",
        {"text": "Status", "sort": "status"},
        {"text": "Due", "sort": "due"},
    ]


def case_rows(cases, *, hint, with_hint, today=None) -> list[list]:
    """The rows of a case list (`case_head`): the reference, linking to the case's page, with
    `hint(case)` under it; the post that has it (`handler_title`) with `with_hint(case)`; the
    status; the due date with the days left."""
    today = today or timezone.localdate()
    return [
        [
            {
                "text": case.reference,
                "href": case.get_absolute_url(),
                "nowrap_link": True,
                "hint": hint(case),
            },
            {"text": case.handler_title, "hint": with_hint(case)},
            status_cell(case),
            due_cell(case, today),
        ]
        for case in cases
    ]


def sorted_by(
    request: HttpRequest, queryset: QuerySet, sorts: dict[str, tuple[str, ...]], default: str
) -> tuple[QuerySet, str]:
    """The list in the order `?sort=` asks (a key of `sorts`, "-" first for descending), on the
    server so it pages; anything else gives `default`. Returns the queryset and the order used
    (for the column headings: components/table.html `default_sort`)."""
    wanted = request.GET.get("sort") or default
    if wanted.lstrip("-") not in sorts:
        wanted = default
    descending = wanted.startswith("-")
    fields = sorts[wanted.lstrip("-")]
    order = [f"-{f}" if descending else f for f in fields]
    return queryset.order_by(*order, "-pk" if descending else "pk"), wanted


def narrowed_page(
    request: HttpRequest,
    filterset,
    queryset: QuerySet,
    *,
    param: str = "page",
    sorts: dict[str, tuple[str, ...]] = CASE_SORTS,
    default: str = CASE_DEFAULT_SORT,
    **filter_kwargs,
) -> tuple[Page, str]:
    """One of the lists on a page that has several under one filter panel: `queryset` narrowed
    by the panel's choices (`filterset`'s data, applied to this list as to the others), in the
    order asked (`sorted_by`), paged on its own by `?<param>=`. Returns the page and the order
    used; `filter_kwargs` are the FilterSet's own keywords, as `filtered` takes them."""
    narrowed = type(filterset)(filterset.data, queryset=queryset, **filter_kwargs).qs
    ordered, sort = sorted_by(request, narrowed, sorts, default)
    return page_of(request, ordered, param=param), sort
