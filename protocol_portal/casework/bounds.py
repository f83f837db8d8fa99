"""Bounds on what a person may type, shared by every case type's forms, serializers and lists
(security probe F8, F10): page numbers, sums of money and dates. A value past a bound gets a
clear message in GOV.UK words (a 404 "Invalid page" for a page), never a 500 from the database
or the calendar."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator

# No list in the portal has this many pages (a million cases a council at 20 a page is 50,000);
# a larger number would only reach the database as an OFFSET it cannot hold (2**62 × 50 is past
# a 64-bit integer: a 500 on SQLite and PostgreSQL alike).
PAGE_MOST = 1_000_000


class BoundedPaginator(Paginator):
    """Django's paginator, refusing a page number past PAGE_MOST as it refuses one past the end
    ("That page contains no results"; the API answers 404 "Invalid page."; a page on the site
    shows the last page) before the database is asked anything."""

    def validate_number(self, number):
        self.refuse_past_bound(number)
        return super().validate_number(number)

    def refuse_past_bound(self, number) -> None:
        """EmptyPage for a page number past PAGE_MOST; anything else is left to Django."""
        try:
            too_far = int(number) > PAGE_MOST
        except (TypeError, ValueError, OverflowError):
            too_far = False  # Django refuses it as "not a number" (PageNotAnInteger)
        if too_far:
            raise EmptyPage(self.error_messages["no_results"])
