"""One "log it for a member" page for every case type that may be logged on a member's behalf:
member services or an officer record a case the member made by phone, letter, email or at a
surgery, with when it was really received, check the answers with what will happen to it, and
send it. The member is told and sees it as their own.

The page's flow is the kernel's; a case app's `intake.py` supplies only its logging form (its
own form with `casework.receipt_forms.ReceiptForm` mixed in first), the service calls that
preview and submit, the message and the template (which extends
`components/log_for_member.html`)::

    request_log = LogForMember(
        app="access_requests", noun="request", title="Log a need-to-know request for a member",
        form=RequestLogForm, template="access_requests/accessrequest_log.html",
        preview=lambda form, council: services.access_request_preview(...),
        submit=lambda form, council, actor, as_of: services.access_request_submit(...),
        success=lambda case, form: f"Request {case.reference} logged for ...",
        may_view=lambda user, case: can(user, VIEW, case),
    ).view

On POST with action "preview" the answers are checked and `preview` shows what will happen;
with "submit" the case is logged, then the person goes to the case if they may see it, else
back to the log page; "change" shows the form again with every answer and no errors. A refusal
goes next to its field (`web.actions.attempt`) and the page answers 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from protocol_portal.casework.receipt_forms import logging_councils
from protocol_portal.org.models import Council, Person
from protocol_portal.web.actions import check_answers, posted


@dataclass(frozen=True)
class LogForMember:
    """A case type's "log it for a member" page (see the module docstring).

    `form(data, council=, as_of=, initial=)` is the logging form; `preview(form, council)` the
    plan the check page shows (None or a refusal keeps the form); `submit(form, council, actor,
    as_of)` logs it and returns the case; `success(case, form)` the message; `may_view(user,
    case)` whether to go to the case afterwards. `initial` adds to the council the form starts
    with; the pages are `<app>:detail` and `<app>:log`, the cancel link `<app>:list`."""

    app: str
    noun: str
    title: str
    form: Callable[..., forms.Form]
    template: str
    preview: Callable[[Any, Council], Any]
    submit: Callable[[Any, Council, Person, Any], Any]
    success: Callable[[Any, Any], str]
    may_view: Callable[[Person, Any], bool]
    initial: dict = field(default_factory=dict)

    def council(self, request: HttpRequest) -> tuple[Council, dict[str, Council]]:
        """The council it is logged in (the one asked for, else the first the person may log
        in) and all those they may: 403 for a person who holds no post."""
        councils = logging_councils(user=request.user)
        if not councils:
            raise PermissionDenied(f"Only council officers log a {self.noun} on a member's behalf.")
        wanted = request.POST.get("council_slug") or request.GET.get("council")
        return councils.get(wanted) or next(iter(councils.values())), councils

    def page(self, request: HttpRequest) -> HttpResponse:
        council, councils = self.council(request)
        as_of = timezone.now()
        form = self.form(
            posted(request),
            council=council,
            as_of=as_of,
            initial={"council": council, **self.initial},
        )
        checked = check_answers(
            request,
            form,
            preview=lambda: self.preview(form, council),
            submit=lambda: self.submit(form, council, request.user, as_of),
        )
        if checked.sent:
            messages.success(request, self.success(checked.case, form))
            if self.may_view(request.user, checked.case):
                return redirect(f"{self.app}:detail", pk=checked.case.pk)
            return redirect(f"{self.app}:log")
        context = {
            **checked.context,
            "council": council,
            "councils": councils.values(),
            "title": self.title,
            "cancel_url": reverse(f"{self.app}:list"),
        }
        return render(request, self.template, context, status=checked.status)

    @property
    def view(self) -> Callable[[HttpRequest], HttpResponse]:
        """The signed-in GET/POST view for `urls.py`."""

        @login_required
        @require_http_methods(["GET", "POST"])
        def view(request: HttpRequest) -> HttpResponse:
            return self.page(request)

        return view
