"""Logging a member's concern or complaint on their behalf: member services or an officer
record one the member made by phone, letter, email or at a surgery, with how and when it was
really received (the acknowledgement clock runs from then), check the answers, and send it.
The member is told and sees it as their own (`services.complaint_raise` with `actor`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from complaints import services
from complaints.forms import ComplaintRaiseForm, _yes_no
from complaints.permissions import VIEW, can
from complaints.states import Kind
from protocol_portal.casework.receipt_forms import ReceiptForm, logging_councils
from protocol_portal.org.models import Council
from protocol_portal.web.actions import attempt, posted


class ComplaintLogForm(ReceiptForm, ComplaintRaiseForm):
    """The member's complaint, as the person logging it reads the questions."""

    def __init__(self, *args, council: Council, as_of, **kwargs):
        super().__init__(
            *args,
            council=council,
            as_of=as_of,
            what="complaint",
            councils=Council.objects.filter(pk=council.pk),
            user=None,
            **kwargs,
        )
        # A member raises a concern about an officer or a possible breach by a member; an
        # officer's own complaint about a member is raised by that officer, not logged.
        self.fields["kind"].choices = [
            (v, label) for v, label in Kind.choices if v != Kind.COMPLAINT_ABOUT_MEMBER
        ]
        self.fields["kind"].label = "What is the member raising?"
        self.fields[
            "informal_attempted"
        ].label = "Has the member tried to resolve it informally first?"

    def clean(self):
        data = super().clean()
        member = data.get("member")
        if member is not None and data.get("subject_member") == member:
            self.add_error("subject_member", "A member cannot complain about themselves.")
        return data

    def answers(self) -> list[dict]:
        rows = super().answers()
        for row in rows:
            if row["key"] == "What you are raising":
                row["key"] = "What the member is raising"
        return self.receipt_answers() + rows


def _council(request) -> tuple[Council, dict[str, Council]]:
    councils = logging_councils(user=request.user)
    if not councils:
        raise PermissionDenied("Only council officers log a complaint on a member's behalf.")
    wanted = request.POST.get("council_slug") or request.GET.get("council")
    return councils.get(wanted) or next(iter(councils.values())), councils


@login_required
@require_http_methods(["GET", "POST"])
def complaint_log(request):
    """Log a member's concern or complaint: preview the route with the answers, then send."""
    council, councils = _council(request)
    as_of = timezone.now()
    form = ComplaintLogForm(
        posted(request), council=council, as_of=as_of, initial={"council": council}
    )
    plan = None
    changing = request.POST.get("action") == "change"
    if request.method == "POST" and not changing and form.is_valid():
        data = form.cleaned_data
        raiser = data["member"].person
        plan = attempt(
            form,
            lambda: services.complaint_preview(raiser=raiser, **form.service_kwargs())[0],
        ).result
        if plan is not None and request.POST.get("action") == "submit":
            done = attempt(
                form,
                lambda: services.complaint_raise(
                    raiser=raiser,
                    actor=request.user,
                    summary=data["summary"],
                    details=data["details"],
                    informal_attempted=_yes_no(data.get("informal_attempted") or ""),
                    informal_detail=data.get("informal_detail") or "",
                    as_of=as_of,
                    **form.receipt_kwargs(),
                    **form.service_kwargs(),
                ),
            )
            if done:
                complaint = done.result
                messages.success(
                    request,
                    f"Complaint {complaint.reference} logged for {data['member']}. It is with "
                    f"the {complaint.handler_title}, who should acknowledge it by "
                    f"{complaint.due_on:%-d %B %Y}. The member has been told.",
                )
                if can(request.user, VIEW, complaint):
                    return redirect("complaints:detail", pk=complaint.pk)
                return redirect("complaints:log")
    status = 400 if request.method == "POST" and not changing and form.errors else 200
    context = {"form": form, "plan": plan, "council": council, "councils": councils.values()}
    if plan is not None and not form.errors:
        context["answers"] = form.answers()
    elif changing:
        form.errors.clear()  # going back to change an answer is not a mistake
    return render(request, "complaints/complaint_log.html", context, status=status)
