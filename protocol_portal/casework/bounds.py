"""Bounds on what a person may type, shared by every case type's forms, serializers and lists
(security probe F8, F10): page numbers, sums of money and dates. A value past a bound gets a
clear message in GOV.UK words (a 404 "Invalid page" for a page), never a 500 from the database
or the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

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


# A list counts its rows no further than this many past the page asked for: "more than 1,000"
# tells a triage team as much as "5,767" does, and counting stops there instead of checking
# every case the reader may see (bench/README.md, "Lists that read only the page").
COUNT_MOST = 1_000
# Past this many rows before the page asked for, the page is read by OFFSET and the list
# counted in full (two queries, as Django's paginator does), not read as ids up to the page.
IDS_MOST = 10_000


class CappedPaginator(BoundedPaginator):
    """A paginator over a list of ids (`values_list("pk", flat=True)`) that reads the page and
    the count in one query: the ids up to `COUNT_MOST` rows, or to the end of the page asked
    for if later, plus one. `count` is then exact up to that reach and `more` says the list
    goes on past it ("more than 1,000"), so the next page is always offered and every row
    stays reachable, page by page (code review A8). A page past IDS_MOST rows falls back to
    an exact count and an OFFSET."""

    def __init__(self, *args, count_most: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reach = COUNT_MOST if count_most is None else count_most
        self.more = False
        self._ids: list | None = None

    def _read(self, number) -> None:
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError, OverflowError):
            wanted = 1
        if wanted > PAGE_MOST:
            return  # refused by validate_number before the database is asked
        self.reach = max(self.reach, wanted * self.per_page)
        if self.reach > IDS_MOST:
            return
        ids = list(self.object_list[: self.reach + 1])
        self.more = len(ids) > self.reach
        self._ids = ids
        # A cached property: no COUNT query. The one row past the reach counts, so the page
        # after the reach is offered (and read with a further reach when asked for).
        self.count = len(ids)

    def get_page(self, number) -> Page:
        if self._ids is None:
            self._read(number)
        return super().get_page(number)

    def page(self, number) -> Page:
        if self._ids is None:
            self._read(number)
        if self._ids is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self._ids[bottom : bottom + self.per_page], number, self)

    @property
    def count_words(self) -> str:
        """The count as a list's caption says it: "5" or "more than 1,000"."""
        return f"more than {self.reach:,}" if self.more else f"{self.count:,}"


# The most values a list is read for one at a time (`ids_merged`): an officer's posts, a
# councillor's seats. A list over more (a Director's team) is read as one and sorted.
MERGE_MOST = 12


class MergedIds:
    """The ids of a list read as one ordered read per part, merged (`ids_merged`): sliced and
    counted as a `values_list("pk", flat=True)` is, for `CappedPaginator` and Django's."""

    def __init__(self, rows: QuerySet):
        self.rows = rows  # (pk, the ordering's columns...) rows, in the list's order

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [row[0] for row in self.rows[key]]
        return self.rows[key][0]

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()


def ids_merged(queryset: QuerySet, field: str, values) -> QuerySet | MergedIds:
    """The ids of `queryset`, in its order, read as one ordered read for each of `values` of
    `field` and merged, rather than as one read of every row whose `field` is any of them.

    For a list whose rows are those of a few posts or seats (`field` is the case's owner post or
    member, `values` every value the list allows it): an index that leads with `field` gives
    each value's rows in the list's order, but `field IN (a, b)` cannot be read in that order,
    so the database reads every row of every value and sorts them to keep the first page (all
    15,913 open enquiries of an officer who holds two posts, at a million: bench/README.md).
    Written as one ordered `SELECT` a value, `UNION ALL`, with the list's `ORDER BY` over the
    whole, PostgreSQL merges the ordered reads (Merge Append) and SQLite the ordered selects,
    and both stop once the page (and the bounded count past it) is read.

    One value, more than MERGE_MOST, or an order that is not a list of field names: the plain
    `values_list("pk", flat=True)`."""
    values = sorted(set(values))
    if not 1 < len(values) <= MERGE_MOST or not _by_names(queryset.query.order_by):
        return queryset.values_list("pk", flat=True)
    return ids_union([queryset.filter(**{field: value}) for value in values])


def _by_names(ordering) -> bool:
    """Whether a list is ordered, and only by field names (what a UNION's ORDER BY can name)."""
    return bool(ordering) and all(isinstance(name, str) and name != "?" for name in ordering)


def ids_union(parts: list[QuerySet]) -> QuerySet | MergedIds:
    """The ids of several lists that share no row, in the first one's order, each read in that
    order and merged (`ids_merged`, which splits one list by a field, says why). For a list
    whose rows come from several sources, each with its own index: a councillor's enquiries,
    one part a seat, and those copied to them. One part, or an order that is not a list of
    field names: one part's plain `values_list("pk", flat=True)`, or the parts' rows read as
    one and ordered (an expression may name only the model's own fields)."""
    ordering = parts[0].query.order_by
    plain = [part.values_list("pk", flat=True) for part in parts]
    if len(parts) == 1:
        return plain[0]
    if not _by_names(ordering):
        # Not merged: the rows of every part, ordered as asked (by primary key if not).
        every = [part.order_by().values("pk") for part in parts]
        return (
            parts[0]
            .model.objects.filter(pk__in=every[0].union(*every[1:], all=True))
            .order_by(*(ordering or ("pk",)))
            .values_list("pk", flat=True)
        )
    columns = [c for c in dict.fromkeys(name.lstrip("-") for name in ordering) if c != "pk"]
    # Each part keeps the list's ORDER BY where the database takes one in a part of a UNION
    # (PostgreSQL: without it the parts are appended and sorted, never merged); SQLite refuses
    # it there and orders each part of a compound SELECT by the outer ORDER BY itself.
    ordered = connections[parts[0].db].features.supports_slicing_ordering_in_compound
    rows = [
        part.order_by(*(ordering if ordered else ())).values_list("pk", *columns) for part in parts
    ]
    return MergedIds(rows[0].union(*rows[1:], all=True).order_by(*ordering))


# ---- money

# The most a declared gift or hospitality may be worth, in whole pounds. Registers ask for gifts
# of £50 or more (the council's threshold); nothing given to a member in office comes near a
# million pounds, so a larger figure is a slip of the keyboard. It also keeps every sum far
# inside the database's column (a PostgreSQL integer holds up to 2,147,483,647; SQLite refused
# 2**70 with OverflowError, a 500).
MONEY_MOST_POUNDS = 1_000_000


def money_too_much_message(most: int = MONEY_MOST_POUNDS) -> str:
    """GOV.UK's wording for an amount over the limit."""
    return f"Enter an amount of £{most:,} or less"


# ---- dates

# The earliest date anything a person declares can have happened: a relationship (often
# family, from birth) or a gift. Nothing earlier is a real answer, and date.min arithmetic is
# where calendars raise.
EARLIEST = date(1900, 1, 1)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


@dataclass(frozen=True)
class DateWindow:
    """The dates a field accepts, counted from today: from `back` before it (or EARLIEST) to
    `ahead` after it. Every accepted date is near today, so no clock computed from one runs
    off the end of a calendar (year 9999, probe F10). Messages follow GOV.UK's date pattern."""

    what: str  # the field in a sentence: "The date for the outcome"
    ahead: relativedelta
    back: relativedelta | None = None

    def limits(self, today: date) -> tuple[date, date]:
        earliest = EARLIEST if self.back is None else today - self.back
        return earliest, today + self.ahead

    def error(self, value: date | None, today: date | None = None) -> str | None:
        """The message for a date outside the window, else None (an empty date is allowed)."""
        if value is None:
            return None
        today = timezone.localdate() if today is None else today
        earliest, latest = self.limits(today)
        if value < earliest:
            if earliest == today:
                return f"{self.what} must be today or in the future"
            return f"{self.what} must be the same as or after {_day(earliest)}"
        if value > latest:
            if latest == today:
                return f"{self.what} must be today or in the past"
            return f"{self.what} must be the same as or before {_day(latest)}"
        return None

    def clean(self, value: date | None) -> date | None:
        """The value, or a ValidationError with the message: a form's `clean_<field>` and a
        serializer's `validate_<field>` (DRF reports it against the field) both call this."""
        message = self.error(value)
        if message:
            raise ValidationError(message, code="out_of_range")
        return value


NOW = relativedelta()

# Complaint acknowledgement, "how long you need" (004 §11.3): the Director says within three
# days whether action will be taken or how long is needed, and the protocol sets no longest
# time. Three months from today is allowed: long enough for a preliminary investigation and a
# report back (003 §67), while the ladder still chases the date it is given (a date in 9999 was
# never chased, probe F10). Not before today (the service already refused a date past).
COMPLAINT_OUTCOME_DUE = DateWindow(
    "The date for the outcome", back=NOW, ahead=relativedelta(months=3)
)

# Things that have already happened: when a declared relationship began, when a gift was
# received, when the member became aware of an interest (the register's 28-day duty counts
# from it, Localism Act 2011 s.30). From EARLIEST to today.
RELATIONSHIP_SINCE = DateWindow("The date the relationship began", ahead=NOW)
GIFT_RECEIVED = DateWindow("The date received", ahead=NOW)
BECAME_AWARE = DateWindow("The date you became aware of it", ahead=NOW)

# An acting-against notice (002 §110–111): the member tells the Monitoring Officer in writing
# when they act, or will act, against the council. The start may have passed (a notice can be
# late, but by months, not years: one year back) or be planned (two years ahead: further off,
# nothing is yet in hand to notify).
ACTING_AGAINST_START = DateWindow(
    "The date it will start", back=relativedelta(years=1), ahead=relativedelta(years=2)
)

# The meeting a need-to-know request is for (001 §5.3.8; 002 §79): a council sets its meetings
# a municipal year ahead, and papers of a meeting held are asked for soon after it. One year
# either side of today.
MEETING_DATE = DateWindow(
    "The date of the meeting", back=relativedelta(years=1), ahead=relativedelta(years=1)
)

# A quarter's summary for the Standards Committee (004 §15.4) is of a quarter that has begun;
# the portal's records start in 2000.
SUMMARY_FIRST_YEAR = 2000


def quarter_error(year: int, quarter: int, today: date | None = None) -> str | None:
    """The message for a quarter that has not begun yet, else None."""
    today = timezone.localdate() if today is None else today
    current = (today.year, (today.month - 1) // 3 + 1)
    if (year, quarter) > current:
        return (
            f"Choose a quarter that has started: the latest is quarter {current[1]} of {current[0]}"
        )
    return None
