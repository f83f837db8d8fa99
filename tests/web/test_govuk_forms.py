"""The shared GOV.UK form pieces: the date input's messages (every mistake a GOV.UK message,
never a 500), the real prompt instead of "---------", "(optional)" said once, and the list
helpers (selected filters, sort links, days left, the one status colour map)."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory

from protocol_portal.web import tags
from protocol_portal.web.forms import GovukDateField
from protocol_portal.web.templatetags import portal


class When(forms.Form):
    when = GovukDateField(label="Since when", subject="The date the relationship began")
    maybe = GovukDateField(label="Outcome by", required=False)


def _errors(day="", month="", year="", **whole) -> list[str]:
    data = {"when_day": day, "when_month": month, "when_year": year, **whole}
    form = When(data)
    form.is_valid()
    return form.errors.get("when", [])


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date the relationship began"),
        (("", "3", "2024"), "The date the relationship began must include a day"),
        (("27", "", ""), "The date the relationship began must include a month and year"),
        (("31", "2", "2026"), "The date the relationship began must be a real date"),
        (("29", "2", "2025"), "The date the relationship began must be a real date"),
        (("0", "1", "2026"), "The date the relationship began must be a real date"),
        (("1", "13", "2026"), "The date the relationship began must be a real date"),
        (("x", "3", "2024"), "The date the relationship began must be a real date"),
        (("²", "3", "2024"), "The date the relationship began must be a real date"),
        (("１", "3", "2024"), "The date the relationship began must be a real date"),
        (("9" * 30, "3", "2024"), "The date the relationship began must be a real date"),
        (("1", "3", "24"), "Year must include 4 numbers"),
        (("1", "3", "20245"), "Year must include 4 numbers"),
    ],
)
def test_date_input_gives_the_govuk_message_for_each_mistake(parts, message):
    assert _errors(*parts) == [message]


def test_date_input_accepts_a_real_date_with_spaces_and_a_whole_date():
    form = When({"when_day": " 7", "when_month": "03 ", "when_year": "2024"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == date(2024, 3, 7)
    assert form.cleaned_data["maybe"] is None
    whole = When({"when": "07/03/2024"})
    assert whole.is_valid(), whole.errors
    assert whole.cleaned_data["when"] == date(2024, 3, 7)
    assert _errors(when="2024-02-31") == ["The date the relationship began must be a real date"]


def test_date_input_keeps_what_was_typed_and_renders_three_boxes():
    form = When({"when_day": "31", "when_month": "2", "when_year": "2026"})
    form.is_valid()
    html = Template('{% include "components/date.html" with field=form.when %}').render(
        Context({"form": form})
    )
    assert 'name="when_day"' in html
    assert 'value="31"' in html
    assert 'name="when_year"' in html
    assert 'value="2026"' in html
    assert "must be a real date" in html
    assert 'type="date"' not in html


class Picks(forms.Form):
    colour = forms.ChoiceField(choices=[("", "---------"), ("r", "Red")], required=False)
    thing = forms.CharField(label="Since when (optional)", required=False)
    other = forms.CharField(label="Notes", required=False)


def test_select_prompt_and_optional_said_once():
    html = Template(
        '{% for field in form %}{% include "components/field.html" %}{% endfor %}'
    ).render(Context({"form": Picks()}))
    assert "---------" not in html
    assert ">Choose one</option>" in html
    assert "(optional) (optional)" not in html
    assert "Notes (optional)" in html


def test_selected_filters_each_remove_link_drops_only_that_value_and_the_page():
    class F(forms.Form):
        status = forms.MultipleChoiceField(choices=[("a", "Open"), ("b", "Closed")])
        ward = forms.ChoiceField(choices=[("", "Any"), ("w", "Hoxton")])

    request = RequestFactory().get("/x/?status=a&status=b&ward=w&page=3&sort=-due&status=zz")
    groups = portal.selected_filters({"request": request}, F())
    assert [g["label"] for g in groups] == ["Status", "Ward"]
    open_tag = groups[0]["tags"][0]
    assert open_tag["text"] == "Open"
    query = QueryDict(open_tag["href"][1:])
    assert query.getlist("status") == ["b", "zz"]
    assert query["ward"] == "w"
    assert "page" not in query
    assert query["sort"] == "-due"
    assert [t["text"] for t in groups[0]["tags"]] == ["Open", "Closed"]  # "zz" is not a choice
    assert portal.clear_filters_href({"request": request}) == "?sort=-due"


def test_sort_link_toggles_and_keeps_filters():
    request = RequestFactory().get("/x/?status=a&sort=due&page=2")
    due = portal.sort_link({"request": request}, "due")
    assert due["state"] == "ascending"
    assert QueryDict(due["href"][1:]).dict() == {"status": "a", "sort": "-due"}
    other = portal.sort_link({"request": request}, "reference")
    assert other["state"] == "none"
    assert QueryDict(other["href"][1:])["sort"] == "reference"


def test_days_left():
    today = date(2026, 12, 7)
    assert portal.days_left(date(2026, 12, 7), today) == "Due today"
    assert portal.days_left(date(2026, 12, 8), today) == "1 day left"
    assert portal.days_left(date(2026, 12, 10), today) == "3 days left"
    assert portal.days_left(date(2026, 12, 6), today) == "1 day overdue"
    assert portal.days_left(date(2026, 11, 25), today) == "12 days overdue"
    assert portal.days_left(None, today) == ""


@pytest.mark.parametrize(
    ("status", "overdue", "colour"),
    [
        ("refused", False, "red"),
        ("in_progress", True, "red"),
        ("awaiting_member", False, "yellow"),
        ("disputed", False, "yellow"),
        ("granted", False, "green"),
        ("responded", False, "green"),
        ("outcome_issued", False, "green"),
        ("withdrawn", False, "grey"),
        ("received", False, ""),
        ("something_new", False, ""),
    ],
)
def test_one_status_colour_map(status, overdue, colour):
    assert tags.colour(status, overdue=overdue) == colour
    assert portal.status_colour(status, overdue) == colour
