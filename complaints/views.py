"""Browser pages for complaints. Views validate with a form, call one service, and render what
the selectors decided each person may see; a complaint you may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from complaints import forms, selectors, services
from complaints.filters import ComplaintFilter
from complaints.models import Determination, QuarterlySummary
from complaints.next_step import complaint_next_step
from protocol_portal.web.actions import CasePages, attempt, check_answers, posted
from protocol_portal.web.lists import case_head, case_rows, filtered, narrowed_page, page_of
from protocol_portal.web.selectors import holds_monitoring_post

pages = CasePages(
    by_pk=selectors.complaint_by_pk,
    lens_for=selectors.complaint_lens,
    case_kw="complaint",
    template="complaints/complaint_action.html",
)


def _rows(page) -> list[list]:
    return case_rows(page, hint=lambda c: c.summary, with_hint=lambda c: c.stage_label.capitalize())


HEAD = case_head("Complaint")


@login_required
def complaint_list(request):
    """Complaints you raised, those routed to your posts, and those released to you: each list
    filtered the same way and paged on its own, never cut short."""
    user = request.user
    visible = selectors.complaints_visible_to(user=user)
    lists = {
        "raised": visible.filter(raiser_person=user),
        "handling": visible.exclude(raiser_person=user),
        "released": selectors.complaints_released_to(user=user),
    }
    filterset = filtered(ComplaintFilter, request, visible)
    pages = {
        name: narrowed_page(request, filterset, qs, param=param)[0]
        for (name, qs), param in zip(
            lists.items(), ("page", "handling_page", "released_page"), strict=True
        )
    }
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "head": HEAD,
            "filter": filterset,
            **{f"{name}_rows": _rows(page) for name, page in pages.items()},
            **{f"{name}_page": page for name, page in pages.items()},
            "is_mo": holds_monitoring_post(user=user),
            "sort": request.GET.get("sort") or "-received",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    """Raise a concern or complaint: preview the route, then submit."""
    councils = selectors.councils_of(user=request.user)
    if not councils.exists():
        raise PermissionDenied("Only members and officers of a council can raise complaints.")
    form = forms.ComplaintRaiseForm(
        posted(request),
        councils=councils,
        user=request.user,
        initial={"council": councils.first()},
    )
    # "Continue" shows the answers to check, with where the complaint will go; "Change" comes
    # back to the form with everything typed kept (GOV.UK check answers pattern).
    checked = check_answers(
        request, form, preview=lambda: _preview(request, form), submit=lambda: _raise(request, form)
    )
    if checked.sent:
        complaint = checked.case
        messages.success(
            request,
            f"Your complaint {complaint.reference} has been sent to the {complaint.handler_title}.",
        )
        return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/complaint_form.html", checked.context, status=checked.status)


def _raise(request, form):
    data = form.cleaned_data
    return services.complaint_raise(
        raiser=request.user,
        summary=data["summary"],
        details=data["details"],
        informal_attempted=forms._yes_no(data.get("informal_attempted") or ""),
        informal_detail=data.get("informal_detail") or "",
        as_of=timezone.now(),
        **form.service_kwargs(),
    )


def _preview(request, form):
    plan, _ = services.complaint_preview(raiser=request.user, **form.service_kwargs())
    return plan


@login_required
def complaint_detail(request, pk: int):
    complaint, lens = pages.case(request, pk)
    if not lens.view:
        return render(request, "complaints/complaint_subject.html", {"complaint": complaint})
    determinations = selectors.determinations_for(complaint=complaint)
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "lens": lens,
            "events": selectors.complaint_timeline(complaint=complaint, lens=lens),
            "determinations": determinations,
            "active_determination": next((d for d in determinations if d.is_active), None),
            "open": complaint.closed_at is None,
            "next_step": complaint_next_step(
                complaint, lens=lens, determinations=determinations, today=timezone.localdate()
            ),
        },
    )


complaint_acknowledge = pages.action(
    services.complaint_acknowledge,
    name="acknowledge",
    need="act",
    form=forms.AcknowledgeForm,
    form_kwargs=lambda c: {"council": c.council},
    title="Acknowledge the complaint",
    success="Acknowledged. The complainant has been told.",
)
complaint_nominate = pages.action(
    services.complaint_nominate_investigator,
    name="nominate",
    path_as="investigator",
    need="act",
    form=forms.InvestigatorForm,
    title="Nominate a manager to investigate",
    form_kwargs=lambda c: {"council": c.council},
    success="The manager has been asked to investigate.",
)
complaint_outcome = pages.action(
    services.complaint_give_outcome,
    name="outcome",
    need="act",
    form=forms.OutcomeForm,
    title="Give the outcome",
    success="The outcome has been sent to the complainant.",
    args=lambda d, f: {
        "outcome": d["outcome"],
        "reasons": d["reasons"],
        "action_taken": f.action_taken_value,
        "disciplinary_notes": d.get("disciplinary_notes", ""),
    },
)
complaint_disciplinary = pages.action(
    services.complaint_note_disciplinary,
    name="disciplinary",
    need="act",
    form=forms.DisciplinaryNotesForm,
    title="Disciplinary notes",
    success="Disciplinary notes saved.",
)
complaint_respond = pages.action(
    services.complaint_respond,
    name="respond",
    need="respond",
    form=forms.RespondForm,
    title="Are you satisfied with the outcome?",
    form_kwargs=lambda c: {"can_escalate": c.can_escalate, "next_stage": c.next_stage},
    success="Thank you: your answer has been recorded.",
)
complaint_withdraw = pages.action(
    services.complaint_withdraw,
    name="withdraw",
    need="respond",
    form=forms.WithdrawForm,
    title="Withdraw the complaint",
    success="The complaint has been withdrawn.",
)
complaint_release = pages.action(
    services.complaint_release_to_subject,
    name="release",
    need="act",
    form=forms.ReleaseForm,
    title="Release information to the person concerned",
    success="The person concerned can now see what you released.",
)
complaint_determine = pages.action(
    services.determination_issue,
    name="determine",
    need="determine",
    form=forms.DeterminationForm,
    title="Issue the Monitoring Officer's determination",
    success="The determination has been issued.",
)


@login_required
@require_http_methods(["GET", "POST"])
def determination_supersede(request, pk: int, determination_pk: int):
    determination = Determination.objects.filter(pk=determination_pk, complaint_id=pk).first()
    if determination is None:
        raise Http404("No such determination.")
    return pages.act(
        request,
        pk,
        need="determine",
        form=forms.SupersedeForm,
        title="Supersede the determination",
        success="The determination has been superseded; the old one is kept with your reason.",
        call=lambda req, c, d, f: services.determination_supersede(
            determination=determination,
            actor=req.user,
            outcome=d["outcome"],
            reasons=d["reasons"],
            why=d["why"],
            with_chief_executive=d.get("with_chief_executive", False),
            as_of=timezone.now(),
        ),
    )


@login_required
def mo_desk(request):
    """The Monitoring Officer's desk: reports to determine and escalated complaints."""
    if not holds_monitoring_post(user=request.user):
        raise Http404("This page is for the Monitoring Officer.")
    page = page_of(request, selectors.mo_desk(user=request.user))
    return render(
        request, "complaints/mo_desk.html", {"head": HEAD, "rows": _rows(page), "page_obj": page}
    )


@login_required
@require_http_methods(["GET", "POST"])
def summary_list(request):
    """Quarterly summaries for the Standards Committee (004 §15.4): MO and CE only."""
    councils = selectors.summary_councils_for(user=request.user)
    summaries = selectors.summaries_visible_to(user=request.user)
    if not councils.exists() and not summaries.exists():
        raise Http404("This page is for the Monitoring Officer and the Chief Executive.")
    today = timezone.localdate()
    form = forms.SummaryForm(
        posted(request),
        councils=councils,
        initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start, end = selectors.quarter_bounds(
            today.replace(year=data["year"], month=(data["quarter"] - 1) * 3 + 1, day=1)
        )
        done = attempt(
            form,
            lambda: services.summary_generate(
                council=data["council"], start=start, end=end, as_of=timezone.now()
            ),
        )
        if done:
            return redirect("complaints:summary", pk=done.result.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    page = page_of(request, summaries)
    rows = [
        [
            {"text": s.label, "href": reverse("complaints:summary", args=[s.pk])},
            s.council.name,
            {"text": str(s.totals.get("count", 0)), "numeric": True},
            s.generated_at.strftime("%-d %b %Y %H:%M"),
        ]
        for s in page
    ]
    return render(
        request,
        "complaints/summary_list.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "can_generate": councils.exists(),
            "head": ["Quarter", "Council", {"text": "Alleged breaches", "numeric": True}, "Made"],
        },
        status=status,
    )


def _summary(request, pk: int) -> QuarterlySummary:
    summary = selectors.summaries_visible_to(user=request.user).filter(pk=pk).first()
    if summary is None:
        raise Http404("No such summary.")
    return summary


@login_required
def summary_detail(request, pk: int):
    summary = _summary(request, pk)
    rows = [
        [r.get(key) if r.get(key) is not None else "open" for key, _ in selectors.CSV_COLUMNS]
        for r in summary.rows
    ]
    return render(
        request,
        "complaints/summary_detail.html",
        {
            "summary": summary,
            "chart": selectors.summary_chart(totals=summary.totals),
            "head": [title for _, title in selectors.CSV_COLUMNS],
            "rows": rows,
            "by_outcome": sorted((summary.totals.get("by_outcome") or {}).items()),
        },
    )


@login_required
def summary_csv(request, pk: int):
    summary = _summary(request, pk)
    response = HttpResponse(
        selectors.summary_csv(summary=summary), content_type=selectors.SUMMARY_CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="breaches-{summary.council.slug}-{summary.quarter_start}.csv"'
    )
    return response
