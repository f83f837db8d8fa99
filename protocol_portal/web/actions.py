"""One web action view for every case type: a form on GET; on POST the form is validated, one
service is called (views never write, STYLE habit 1), and its refusal is shown next to the field
it concerns with what was typed kept (DESIGN: "nothing a user typed is lost").

A case app's view finds the case (404 if the person may not see it), decides whether they may
act, and hands the rest here::

    return case_action(
        request,
        may=lens.act,
        form=forms.AcknowledgeForm(posted(request)),
        call=lambda data, form: services.complaint_acknowledge(complaint=complaint, ...),
        success="Acknowledged. The complainant has been told.",
        done_url=reverse("complaints:detail", args=[complaint.pk]),
        template="complaints/complaint_action.html",
        context={"complaint": complaint, "title": "Acknowledge the complaint"},
    )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from protocol_portal.casework.transitions import TransitionError


def posted(request: HttpRequest):
    """The POST data on a POST, even an empty one (so an empty form still shows its errors);
    None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def case_or_404(pk: int, *, by_pk: Callable, lens_for: Callable, missing: str = "No such case."):
    """The case and what the person may do on it (a lens with `.any`), or 404 alike for a case
    that does not exist and one they may not see (so ids cannot be probed)."""
    case = by_pk(pk=pk)
    lens = lens_for(case) if case is not None else None
    if lens is None or not lens.any:
        raise Http404(missing)
    return case, lens


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (the rest at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@dataclass(frozen=True)
class Attempt:
    """What a service call came to: true if it did the work, with what it returned."""

    ok: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.ok


def attempt(form: forms.Form, call: Callable[[], object]) -> Attempt:
    """Call the service. A ValidationError goes next to the fields it names, a move the case's
    status does not allow (TransitionError) to the top of the form; both leave `ok` false."""
    try:
        return Attempt(ok=True, result=call())
    except ValidationError as exc:
        apply_errors(form, exc)
    except TransitionError as exc:
        form.add_error(None, str(exc))
    return Attempt(ok=False)


@dataclass(frozen=True)
class Checked:
    """Where a "check your answers" page has got to: `case` once it was sent; else the
    context for the page (the form, the plan, and the answers to check) and its status."""

    sent: bool = False
    case: Any = None
    context: dict | None = None
    status: int = 200


def check_answers(
    request: HttpRequest, form: forms.Form, *, preview: Callable[[], Any], submit: Callable
) -> Checked:
    """The GOV.UK check answers pattern for a new case: on POST the answers are checked and
    `preview()` is what will happen to it (None or a refusal keeps the form); with action
    "submit" `submit()` sends it and `case` is what it returned. Action "change" shows the form
    again with everything typed kept and no errors; a refusal answers 400."""
    action = request.POST.get("action")
    changing = action == "change"
    plan = None
    if request.method == "POST" and not changing and form.is_valid():
        plan = attempt(form, preview).result
        if plan is not None and action == "submit":
            sent = attempt(form, submit)
            if sent:
                return Checked(sent=True, case=sent.result)
    status = 400 if request.method == "POST" and not changing and form.errors else 200
    context = {"form": form, "plan": plan}
    if plan is not None and not form.errors:
        context["answers"] = form.answers()
    elif changing:
        form.errors.clear()  # going back to change an answer is not a mistake
    return Checked(context=context, status=status)


def case_action(
    request: HttpRequest,
    *,
    may: bool,
    form: forms.Form,
    call: Callable[[dict, forms.Form], object],
    success: str,
    done_url: str,
    template: str,
    context: dict,
    refused: str = "You cannot do that on this case.",
) -> HttpResponse:
    """The form (GET), or the service's answer to it (POST): on success a message and back to
    the case; otherwise the form again with the reasons, answering 400 so a client can tell."""
    if not may:
        raise PermissionDenied(refused)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, lambda: call(form.cleaned_data, form))
    ):
        messages.success(request, success)
        return redirect(done_url)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


def case_urls(*, list: Callable, create: Callable, detail: Callable) -> list[URLPattern]:  # noqa: A002
    """A case app's three standard pages, under the names the kernel links to: the list at
    `""` (`<app>:list`, the navigation's), a new case at `new/` (`<app>:create`) and a case at
    `<pk>/` (`<app>:detail`, where a notice or a list row leads)."""
    return [
        path("", list, name="list"),
        path("new/", create, name="create"),
        path("<int:pk>/", detail, name="detail"),
    ]


class CasePages:
    """A case type's pages on one case, declared once in its `views.py`: the case by its id with
    what the reader may do on it (404 alike for a case that does not exist and one they may not
    see), and an action page in one declaration (the web twin of `protocol_portal.api.
    case_action`), whose URL `urls()` lists::

        pages = CasePages(
            by_pk=selectors.complaint_by_pk, lens_for=selectors.complaint_lens,
            case_kw="complaint", template="complaints/complaint_action.html",
        )
        complaint_withdraw = pages.action(
            services.complaint_withdraw, name="withdraw", need="respond",
            form=forms.WithdrawForm, title="Withdraw the complaint",
            success="The complaint has been withdrawn.",
        )

    `lens_for(user=..., <case_kw>=case)` is the app's lens; `need` names a lens flag ("a|b" for
    either); the service is called as `service(<case_kw>=case, actor=..., as_of=now, **data)`
    with the form's cleaned data (`rename` maps a field to the service's keyword, as the API's
    `case_action` does), or with `args(data, form)` in its place where the form's fields are not
    the service's keywords, or `call(request, case, data, form)` for anything else. Done, the
    reader goes back to the case's own page (`get_absolute_url`).
    """

    def __init__(
        self,
        *,
        by_pk: Callable,
        lens_for: Callable,
        case_kw: str,
        template: str,
        noun: str | None = None,
        context_name: str | None = None,
    ):
        self.by_pk, self.lens_for, self.case_kw = by_pk, lens_for, case_kw
        self.noun, self.template = noun or case_kw, template
        self.context_name = context_name or case_kw
        self.refused = f"You cannot do that on this {self.noun}."
        self._paths: list[URLPattern] = []

    def case(self, request: HttpRequest, pk: int):
        """The case and the reader's lens on it, or 404 ("No such <noun>.")."""
        return case_or_404(
            pk,
            by_pk=self.by_pk,
            lens_for=lambda case: self.lens_for(user=request.user, **{self.case_kw: case}),
            missing=f"No such {self.noun}.",
        )

    def act(
        self,
        request: HttpRequest,
        pk: int,
        service: Callable | None = None,
        *,
        need: str,
        form: type[forms.Form] | Callable,
        title: str,
        success: str,
        args: Callable[[dict, forms.Form], dict] | None = None,
        rename: dict[str, str] | None = None,
        call: Callable | None = None,
        form_kwargs: Callable[[Any], dict] | None = None,
        available: Callable[[Any], bool] | None = None,
    ) -> HttpResponse:
        """The action page for case `pk` (see `action`); for a view that has more to check
        first (another object in its URL), called from the view itself."""
        case, lens = self.case(request, pk)
        if not any(getattr(lens, flag) for flag in need.split("|")):
            raise PermissionDenied(self.refused)
        if request.method == "GET" and available is not None and not available(case):
            # Not offered in this state (the case page shows no link): say so rather than show
            # a form the service would refuse. A POST still goes to the service, which decides.
            messages.info(
                request,
                f"You cannot do that while the {self.noun} is {case.get_status_display().lower()}.",
            )
            return redirect(case.get_absolute_url())

        def done(data, bound):
            if call is not None:
                return call(request, case, data, bound)
            if args is not None:
                data = args(data, bound)
            else:
                data = {(rename or {}).get(field, field): value for field, value in data.items()}
            return service(**{self.case_kw: case}, actor=request.user, as_of=timezone.now(), **data)

        return case_action(
            request,
            may=True,
            form=form(
                posted(request), request.FILES or None, **(form_kwargs(case) if form_kwargs else {})
            ),
            call=done,
            success=success,
            done_url=case.get_absolute_url(),
            template=self.template,
            context={self.context_name: case, "title": title},
            refused=self.refused,
        )

    def action(
        self, service: Callable | None = None, *, name: str, path_as: str = "", **spec
    ) -> Callable:
        """A signed-in GET/POST view `(request, pk)` for one action on one case: `act` with
        `spec` (need, form, title, success; rename, args or call; form_kwargs(case) for the
        form's own keywords; available(case) false where the action is not offered now). Its
        URL, listed by `urls()`, is `<pk>/<name>/` (`<pk>/<path_as>/` where given), named
        `<name>`."""

        @login_required
        @require_http_methods(["GET", "POST"])
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            return self.act(request, pk, service, **spec)

        self._paths.append(path(f"<int:pk>/{path_as or name}/", view, name=name))
        return view

    def urls(self) -> list[URLPattern]:
        """The URLs of the action pages declared with `action`, in the order declared."""
        return list(self._paths)
