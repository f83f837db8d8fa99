"""The shared template components: GOV.UK markup, errors next to fields, nothing typed lost."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from protocol_portal.web.forms import GovukDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on the register of members.")
    detail = forms.CharField(label="What happened", widget=forms.Textarea)
    council = forms.ChoiceField(label="Council", choices=[("", "Choose"), ("h", "Hackney")])
    stage = forms.ChoiceField(
        label="Stage", choices=[("first", "First"), ("review", "Review")], widget=forms.RadioSelect
    )
    copied = forms.MultipleChoiceField(
        label="Copy to",
        required=False,
        choices=[("mo", "Monitoring Officer"), ("ce", "CE")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I have tried to resolve this informally")
    received_on = GovukDateField(label="Date received")


def render(source: str, **context) -> str:
    return Template("{% load portal %}" + source).render(Context(context))


def test_every_field_gets_its_govuk_component():
    form = ExampleForm()
    html = render(
        "{% for field in form %}{% include 'components/field.html' %}{% endfor %}", form=form
    )
    assert 'class="govuk-input"' in html
    assert 'id="id_name-hint"' in html
    assert 'aria-describedby="id_name-hint"' in html
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-select"' in html
    assert "govuk-radios__input" in html
    assert "govuk-checkboxes__input" in html
    assert "Copy to (optional)" in html
    assert 'name="received_on_day"' in html
    assert 'id="id_received_on_0"' in html
    assert "govuk-date-input__input" in html


def test_errors_sit_next_to_fields_and_in_the_summary():
    form = ExampleForm(
        {
            "name": "",
            "detail": "Bins",
            "council": "x",
            "received_on_day": "31",
            "received_on_month": "2",
            "received_on_year": "2026",
        }
    )
    assert not form.is_valid()
    html = render(
        "{% include 'components/error_summary.html' %}"
        "{% for field in form %}{% include 'components/field.html' %}{% endfor %}",
        form=form,
    )
    assert "There is a problem" in html
    assert 'href="#id_name"' in html
    assert 'href="#id_stage_0"' in html
    assert 'href="#id_received_on_0"' in html
    assert 'id="id_name-error"' in html
    assert "govuk-input--error" in html
    assert "govuk-select--error" in html
    assert "Date received must be a real date" in html
    # What was typed is kept, even though it is not a real date.
    assert 'value="31"' in html
    assert 'value="2026"' in html
    assert 'value="Bins"' not in html  # a textarea keeps text as content
    assert ">\nBins</textarea>" in html or ">Bins</textarea>" in html


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("5", "3", "2026", date(2026, 3, 5)),
        ("", "3", "2026", "must include a day"),
        ("5", "", "", "must include a month and year"),
        ("5", "3", "26", "Year must include 4 numbers"),
        ("five", "3", "2026", "must be a real date"),
    ],
)
def test_date_field_messages(day, month, year, expected):
    class DateForm(forms.Form):
        on = GovukDateField(label="Date received")

    form = DateForm({"on_day": day, "on_month": month, "on_year": year})
    if isinstance(expected, date):
        assert form.is_valid(), form.errors
        assert form.cleaned_data["on"] == expected
    else:
        assert not form.is_valid()
        assert expected in form.errors["on"][0]


def test_summary_list_tag_and_table():
    html = render(
        "{% include 'components/summary_list.html' with rows=rows with_actions=True %}"
        "{% include 'components/tag.html' with text='Overdue' colour='red' %}"
        "{% include 'components/table.html' with caption='Rules' head=head rows=table %}",
        rows=[
            {
                "key": "Handled by",
                "value": "Director of Housing",
                "actions": [{"href": "/x/", "text": "Change", "visually_hidden": "handler"}],
            },
            {"key": "Source", "value": "004 §11.3"},
        ],
        head=["Rule", {"text": "Days", "numeric": True}],
        table=[
            [{"text": "rule-a", "href": "/a/", "tag": "Applies"}, {"text": "3", "numeric": True}],
            ["rule-b", {"text": "Overdue", "tag": True, "tag_colour": "red"}],
        ],
    )
    assert "govuk-summary-list__row--no-actions" in html
    assert '<span class="govuk-visually-hidden"> handler</span>' in html
    assert 'class="govuk-tag govuk-tag--red"' in html
    assert "govuk-table__header--numeric" in html
    assert '<a class="govuk-link" href="/a/">rule-a</a> <strong class="govuk-tag">Applies' in html
    assert "rule-b" in html
    assert html.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 2


def test_pagination_keeps_the_query_string():
    page = Paginator(list(range(100)), 10).page(5)
    request = RequestFactory().get("/enquiries/", {"status": "open", "page": "5"})
    html = Template("{% include 'components/pagination.html' %}").render(
        RequestContext(request, {"page_obj": page})
    )
    assert 'rel="prev"' in html
    assert 'rel="next"' in html
    assert "?status=open&amp;page=4" in html
    assert 'aria-current="page"' in html
    assert "govuk-pagination__item--ellipsis" in html


def test_timeline():
    at = datetime(2026, 3, 5, 14, 15, tzinfo=ZoneInfo("Europe/London"))
    events = [
        SimpleNamespace(
            summary="Enquiry logged",
            at=at,
            actor="Cllr Alice Adeyemi",
            detail="Bins not collected.",
        )
    ]
    html = render("{% include 'components/timeline.html' with events=events %}", events=events)
    assert "moj-timeline__item" in html
    assert "by Cllr Alice Adeyemi" in html
    assert "5 March 2026 at 2:15pm" in html  # GOV.UK date and time style
    assert 'datetime="2026-03-05T14:15:00+00:00"' in html
