"""Logging a member's need-to-know request on their behalf: member services or an officer
record one the member made by phone, letter, email or at a surgery, with how and when it was
really received (the need-to-know limit runs from then), check the answers, and send it. The
member is told and sees it as their own (`services.access_request_submit` with `actor`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access_requests import services
from access_requests.forms import RequestForm
from access_requests.permissions import VIEW, can
from protocol_portal.casework.receipt_forms import ReceiptForm, logging_councils
from protocol_portal.org.models import Council
from protocol_portal.web.actions import attempt, posted

# The member's questions, as the person logging them reads them.
LABELS = {
    "what": "What does the member want to see?",
    "purpose": "Why does the member need it?",
    "justification": "Why the member needs it to do their job as a member",
    "within_terms_of_reference": "It is within the member's committee's terms of reference",
}
ANSWER_KEYS = {
    "What you want to see": "What the member wants to see",
    "Your reasons": "Their reasons",
}


class RequestLogForm(ReceiptForm, RequestForm):
    def __init__(self, *args, council: Council, as_of, **kwargs):
        super().__init__(
            *args,
            council=council,
            as_of=as_of,
            what="request",
            councils=Council.objects.filter(pk=council.pk),
            **kwargs,
        )
        for name, label in LABELS.items():
            self.fields[name].label = label

    def answers(self) -> list[dict]:
        rows = super().answers()
        for row in rows:
            row["key"] = ANSWER_KEYS.get(row["key"], row["key"])
        return self.receipt_answers() + rows


@login_required
@require_http_methods(["GET", "POST"])
def request_log(request):
    """Log a member's need-to-know request: see how it will be treated, then send it."""
    councils = logging_councils(user=request.user)
    if not councils:
        raise PermissionDenied("Only council officers log a request on a member's behalf.")
    wanted = request.POST.get("council_slug") or request.GET.get("council")
    council = councils.get(wanted) or next(iter(councils.values()))
    as_of = timezone.now()
    form = RequestLogForm(
        posted(request),
        council=council,
        as_of=as_of,
        initial={"council": council, "for_meeting": "no"},
    )
    plan = None
    changing = request.POST.get("action") == "change"
    if request.method == "POST" and not changing and form.is_valid():
        data = form.cleaned_data
        requester = data["member"].person
        # Treated and timed as at its receipt: the decision is due from the day received.
        plan = attempt(
            form,
            lambda: services.access_request_preview(
                council=council, requester=requester, ask=form.ask(), as_of=data["received_at"]
            ),
        ).result
        if plan is not None and request.POST.get("action") == "submit":
            done = attempt(
                form,
                lambda: services.access_request_submit(
                    council=council,
                    requester=requester,
                    actor=request.user,
                    ask=form.ask(),
                    wants_foi=data.get("wants_foi", False),
                    as_of=as_of,
                    **form.receipt_kwargs(),
                ),
            )
            if done:
                item = done.result
                messages.success(
                    request,
                    f"Request {item.reference} logged for {data['member']}. It is with the "
                    f"{item.handler_title} and a decision is due by {item.due_on:%-d %B %Y}. "
                    "The member has been told.",
                )
                if can(request.user, VIEW, item):
                    return redirect("access_requests:detail", pk=item.pk)
                return redirect("access_requests:log")
    status = 400 if request.method == "POST" and not changing and form.errors else 200
    context = {"form": form, "plan": plan, "council": council, "councils": councils.values()}
    if plan is not None and not form.errors:
        context["answers"] = form.answers()
    elif changing:
        form.errors.clear()  # going back to change an answer is not a mistake
    return render(request, "access_requests/accessrequest_log.html", context, status=status)
