"""The kernel's case-page kit (web.actions.CasePages) and a list among several under one filter
panel (web.lists.narrowed_page), tried on stand-ins for a case app's pieces."""

from types import SimpleNamespace

import django_filters
import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from protocol_portal.org.models import Council
from protocol_portal.web.actions import CasePages
from protocol_portal.web.lists import filtered, narrowed_page
from tests.factories import CouncilFactory


class ReasonsForm(forms.Form):
    reasons = forms.CharField()


class Case(SimpleNamespace):
    def get_absolute_url(self) -> str:
        return f"/cases/{self.pk}/"

    def get_status_display(self) -> str:
        return "Open"


def _pages(case) -> CasePages:
    return CasePages(
        by_pk=lambda pk: case if pk == case.pk else None,
        lens_for=lambda user, thing: SimpleNamespace(any=True, act=True),
        case_kw="thing",
        template="unused.html",
    )


def _post(data: dict):
    request = RequestFactory().post("/", data)
    request.user = SimpleNamespace(is_authenticated=True)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_each_action_is_listed_under_its_name_in_the_order_declared():
    pages = _pages(Case(pk=7))
    refer = pages.action(
        lambda **kw: None, name="refer", need="act", form=ReasonsForm, title="t", success="s"
    )
    nominate = pages.action(
        lambda **kw: None,
        name="nominate",
        path_as="investigator",
        need="act",
        form=ReasonsForm,
        title="t",
        success="s",
    )
    urls = pages.urls()
    assert [(str(u.pattern), u.name, u.callback) for u in urls] == [
        ("<int:pk>/refer/", "refer", refer),
        ("<int:pk>/investigator/", "nominate", nominate),
    ]


def test_the_service_gets_the_forms_data_renamed_and_the_reader_goes_back_to_the_case():
    case, calls = Case(pk=7), []
    response = _pages(case).act(
        _post({"reasons": "No longer needed"}),
        7,
        lambda **kw: calls.append(kw),
        need="act",
        form=ReasonsForm,
        title="Withdraw",
        success="Withdrawn.",
        rename={"reasons": "reason"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/cases/7/"
    (call,) = calls
    assert call["thing"] is case
    assert call["reason"] == "No longer needed"
    assert "reasons" not in call


def test_args_stand_in_for_the_forms_data_where_the_fields_are_not_the_keywords():
    calls = []
    _pages(Case(pk=7)).act(
        _post({"reasons": "why"}),
        7,
        lambda **kw: calls.append(kw),
        need="act",
        form=ReasonsForm,
        title="t",
        success="s",
        args=lambda data, form: {"text": data["reasons"].upper()},
    )
    assert calls[0]["text"] == "WHY"
    assert "reasons" not in calls[0]


class CouncilFilter(django_filters.FilterSet):
    class Meta:
        model = Council
        fields = ["slug"]


@pytest.mark.django_db
def test_a_list_is_narrowed_by_the_one_panel_sorted_as_asked_and_paged_on_its_own():
    wanted = CouncilFactory(slug="aaa", name="B council")
    CouncilFactory(slug="bbb", name="A council")
    request = RequestFactory().get("/", {"slug": "aaa", "sort": "-name", "other_page": "9"})
    panel = filtered(CouncilFilter, request, Council.objects.all())
    page, sort = narrowed_page(
        request,
        panel,
        Council.objects.all(),
        param="other_page",
        sorts={"name": ("name",)},
        default="name",
    )
    assert list(page) == [wanted]
    assert page.param == "other_page"
    assert page.number == 1  # page 9 of one page is the last
    assert sort == "-name"
