"""Browser pages for need-to-know requests. Views validate with a form, call one service, and
render what the selectors decided each person may see; a request you may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access_requests import forms, presumptions, selectors, services
from access_requests import permissions as perms
from access_requests.filters import AccessRequestFilter
from access_requests.models import AccessRequest, FoiRequest
from access_requests.next_step import foi_next_step, request_next_step
from access_requests.states import OPEN_STATUSES, Status
from protocol_portal.casework.services import timeline_for
from protocol_portal.web.actions import CasePages, case_action, check_answers, posted
from protocol_portal.web.lists import case_head, case_rows, filtered, narrowed_page, page_of

HEAD = case_head("Request")
pages = CasePages(
    by_pk=selectors.request_by_pk,
    lens_for=selectors.request_lens,
    case_kw="request",
    template="access_requests/accessrequest_action.html",
    context_name="item",
)


def _rows(items) -> list[list]:
    return case_rows(items, hint=lambda r: r.what, with_hint=lambda r: r.get_presumption_display())


@login_required
def request_list(request):
    """Requests you made, and requests your posts hold, decide or advise on: each list
    filtered the same way and paged on its own, never cut short."""
    user = request.user
    visible = selectors.requests_visible_to(user=user)
    filterset = filtered(AccessRequestFilter, request, visible)
    mine, sort = narrowed_page(request, filterset, visible.filter(requester_person=user))
    others, _ = narrowed_page(
        request, filterset, visible.exclude(requester_person=user), param="others_page"
    )
    foi = page_of(request, selectors.foi_visible_to(user=user), param="foi_page")
    return render(
        request,
        "access_requests/accessrequest_list.html",
        {
            "head": HEAD,
            "filter": filterset,
            "mine_rows": _rows(mine),
            "mine_page": mine,
            "other_rows": _rows(others),
            "others_page": others,
            "foi": foi,
            "is_member": selectors.councils_of_member(user=user).exists(),
            "sort": sort,
        },
    )


def _initial(user, councils) -> dict:
    council = councils.first()
    member = selectors.member_of(user=user, council=council)
    context = selectors.member_context(member=member) if member else {}
    return {
        "council": council,
        "purpose": context.get("purpose"),
        "matter_ward": context.get("ward"),
        "directorate": context.get("directorate"),
        "for_meeting": "no",
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    """Ask to see a document: see how it will be treated and why, then send it."""
    councils = selectors.councils_of_member(user=request.user)
    if not councils.exists():
        raise PermissionDenied("Only members can make need-to-know requests.")
    form = forms.RequestForm(
        posted(request), councils=councils, initial=_initial(request.user, councils)
    )
    # "Continue" shows the answers to check with how the request will be treated; "Change"
    # comes back to the form with everything typed kept (GOV.UK check answers pattern).
    checked = check_answers(
        request,
        form,
        preview=lambda: services.access_request_preview(
            council=form.cleaned_data["council"],
            requester=request.user,
            ask=form.ask(),
            as_of=timezone.now(),
        ),
        submit=lambda: services.access_request_submit(
            council=form.cleaned_data["council"],
            requester=request.user,
            ask=form.ask(),
            wants_foi=form.cleaned_data.get("wants_foi", False),
            as_of=timezone.now(),
        ),
    )
    if checked.sent:
        item = checked.case
        messages.success(
            request, f"Your request {item.reference} has gone to the {item.handler_title}."
        )
        return redirect("access_requests:detail", pk=item.pk)
    member = selectors.member_of(user=request.user, council=councils.first())
    context = {
        **checked.context,
        "context": selectors.member_context(member=member) if member else {},
    }
    return render(
        request, "access_requests/accessrequest_form.html", context, status=checked.status
    )


@login_required
def request_detail(request, pk: int):
    item, lens = pages.case(request, pk)
    book = presumptions.rulebook_for(item.council)
    decisions = selectors.decisions_for(request=item)
    releases = selectors.releases_for(request=item)
    can = {
        # A presumed need in doubt is referred (002 §79–80); where the council's rules say a
        # Director's doubt goes to the Monitoring Officer (000 §7.2b), any request is.
        "refer": lens.decide
        and item.status == Status.SUBMITTED
        and (item.is_presumed or bool(book.refusal_referred))
        and bool(item.next_stage),
        "dispute": lens.respond and _disputable(item),
        "foi": (lens.respond or lens.decide)
        and item.status in (Status.SUBMITTED, Status.REFERRED, Status.REFUSED),
        "release": lens.release and _releasable(item),
    }
    return render(
        request,
        "access_requests/accessrequest_detail.html",
        {
            "item": item,
            "lens": lens,
            "decisions": decisions,
            "releases": releases,
            "openings": selectors.openings_for(request=item) if lens.release else [],
            "events": selectors.request_timeline(request=item, lens=lens),
            "is_open": item.status in OPEN_STATUSES,
            **{f"can_{name}": allowed for name, allowed in can.items()},
            "marking_source": book.marking,
            "next_step": request_next_step(
                item,
                lens=lens,
                decisions=decisions,
                releases=releases,
                can=can,
                today=timezone.localdate(),
            ),
        },
    )


def _disputable(item: AccessRequest) -> bool:
    """A refusal with a further stage under the council's protocol."""
    return item.status == Status.REFUSED and bool(item.next_stage) and not item.dispute_final


def _releasable(item: AccessRequest) -> bool:
    return item.status == Status.GRANTED


def _decide_form(item: AccessRequest) -> dict:
    book = presumptions.rulebook_for(item.council)
    disputed = item.status == Status.DISPUTED
    return {
        "initial": {"grounds": ["own_interest"]} if item.interest_flags else {},
        "consultable": selectors.consultable_members(request=item) if disputed else None,
        "dispute_practice": book.dispute_practice if disputed else "",
    }


request_decide = pages.action(
    services.access_request_decide,
    name="decide",
    need="decide",
    form=forms.DecideForm,
    form_kwargs=_decide_form,
    title="Decide the request",
    success="Decision recorded. The member has been told.",
    args=lambda d, f: {
        "outcome": d["outcome"],
        "grounds": d.get("grounds") or [],
        "reasons": d["reasons"],
        "consulted": d.get("consulted"),
        "consulted_view": d.get("consulted_view") or "",
        "referred_to_body": d.get("referred_to_body") or "",
    },
)
request_refer = pages.action(
    services.access_request_refer,
    name="refer",
    need="decide",
    form=forms.ReasonsForm,
    title="Refer the request to the determiner",
    success="Request referred to the determiner, who will decide it.",
)
request_dispute = pages.action(
    services.access_request_dispute,
    name="dispute",
    need="respond",
    form=forms.ReasonsForm,
    title="Dispute the refusal",
    available=_disputable,
    success="Your dispute has been sent.",
)
request_withdraw = pages.action(
    services.access_request_withdraw,
    name="withdraw",
    need="respond",
    form=forms.ReasonsForm,
    title="Withdraw the request",
    success="Request withdrawn.",
    rename={"reasons": "reason"},
)
request_foi = pages.action(
    services.access_request_to_foi,
    name="foi",
    need="respond|decide",
    form=forms.ReasonsForm,
    title="Handle it under the Freedom of Information Act",
    success="It is now an FOI request; the member has been told the response date.",
    rename={"reasons": "reason"},
)
request_release = pages.action(
    services.release_create,
    name="release",
    need="release",
    form=forms.ReleaseForm,
    title="Release with conditions",
    available=_releasable,
    success="Released, marked confidential. The member has been told.",
    rename={"file": "upload"},
)


@login_required
def release_download(request, pk: int, release_pk: int):
    """Serve a released document to those entitled, as a download; every opening is logged."""
    item, _ = pages.case(request, pk)
    return release_response(item, release_pk, request.user)


def release_response(item: AccessRequest, release_pk: int, person) -> FileResponse:
    """One released document of `item` as a download, its opening logged (page and API)."""
    release = item.releases.filter(pk=release_pk).exclude(file="").first()
    if release is None:
        raise Http404("No such document.")
    services.release_open(release=release, person=person, as_of=timezone.now())
    response = FileResponse(
        release.file.open("rb"),
        as_attachment=True,
        filename=release.original_name or release.file.name.rsplit("/", 1)[-1],
        content_type=release.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _foi(request, pk: int) -> FoiRequest:
    foi = (
        FoiRequest.objects.select_related("council", "owner_post", "access_request")
        .filter(pk=pk)
        .first()
    )
    if foi is None or not perms.can(request.user, perms.FOI_VIEW, foi):
        raise Http404("No such FOI request.")
    return foi


@login_required
def foi_detail(request, pk: int):
    foi = _foi(request, pk)
    answer = perms.can(request.user, perms.FOI_ANSWER, foi)
    return render(
        request,
        "access_requests/foirequest_detail.html",
        {
            "foi": foi,
            "can_answer": answer and foi.closed_at is None,
            "events": timeline_for(case=foi, raiser_view=not answer),
            "next_step": foi_next_step(
                foi, can_answer=answer and foi.closed_at is None, today=timezone.localdate()
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def foi_answer(request, pk: int):
    foi = _foi(request, pk)
    return case_action(
        request,
        may=perms.can(request.user, perms.FOI_ANSWER, foi),
        refused="You cannot answer this FOI request.",
        form=forms.FoiAnswerForm(posted(request)),
        call=lambda data, form: services.foi_answer(
            foi=foi, actor=request.user, response=data["response"], as_of=timezone.now()
        ),
        success="FOI response recorded.",
        done_url=reverse("access_requests:foi-detail", args=[foi.pk]),
        template="access_requests/foirequest_answer.html",
        context={"foi": foi},
    )
