"""Browser pages for relationships and interests. Views check permissions, validate with a form
and call one service; they never write. A page the user may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from interests import forms, selectors, services
from interests import permissions as perms
from interests.filters import InterestListFilter
from interests.models import ActingAgainstNotice, AdviceRequest, Interest, RegisterReturn
from interests.next_step import (
    advice_next_step,
    notice_next_step,
    relationship_next_step,
    return_next_step,
)
from protocol_portal.casework.permissions import check_perm
from protocol_portal.casework.services import timeline_for
from protocol_portal.casework.transitions import TransitionError
from protocol_portal.org.models import Council, Member
from protocol_portal.web import tags
from protocol_portal.web.actions import attempt, case_action, posted
from protocol_portal.web.dates import due_for, gov_date
from protocol_portal.web.lists import filtered, narrowed_page, page_of
from protocol_portal.web.selectors import councils_of


def _visible(user, perm: str, obj):
    if obj is None or not check_perm(user, perm, obj):
        raise Http404("No such page")
    return obj


def _refused(request, error: TransitionError, *, back: str):
    """A move the case's status does not allow, on a page with no form: say why, change
    nothing (409) and link back."""
    messages.error(request, str(error))
    return render(request, "interests/refused.html", {"back_url": back}, status=409)


# ---------------------------------------------------------------- overview


def _status_cell(case) -> dict:
    """The case's status as a tag in the one colour scheme (web.tags), red once late."""
    late = bool(case.breached_on and case.closed_at is None)
    return {
        "text": case.get_status_display(),
        "tag": True,
        "tag_colour": tags.colour(str(case.status), overdue=late),
    }


def _due(case, today) -> dict:
    if not case.due_on or case.closed_at is not None:
        return {"text": ""}
    due = due_for(case, today=today)
    return {
        "text": gov_date(case.due_on),
        "tag": due.text.capitalize() if due else "",
        "tag_colour": "red" if due and due.overdue else "grey",
    }


def _ref(case, hint: str = "") -> dict:
    return {
        "text": case.reference,
        "href": case.get_absolute_url(),
        "nowrap_link": True,
        "hint": hint,
    }


RECEIVED = {"text": "Received", "sort": "received"}
REFERENCE = {"text": "Reference", "sort": "reference"}
STATUS = {"text": "Status", "sort": "status"}
SORTS = {"reference": ("reference",), "received": ("received_on",), "status": ("status",)}
# Each list's columns, sort keys (web.lists.sorted_by), default order and row; four columns, so
# a list fits beside the filter panel. A sort key another list has but this one lacks leaves
# this one in its default order. `where` is the council's name for someone in several.
LISTS = {
    "relationships": {
        "head": [REFERENCE, "Between", RECEIVED, STATUS],
        "sorts": SORTS,
        "default": "-received",
        "row": lambda r, today, where: [
            _ref(r, where(r)),
            {"text": str(r.declarer), "hint": f"and {r.other_person}"},
            gov_date(r.received_on),
            _status_cell(r),
        ],
    },
    "returns": {
        "head": [REFERENCE, "Member", {"text": "Due", "sort": "due"}, STATUS],
        "sorts": {"reference": ("reference",), "due": ("due_on",), "status": ("status",)},
        "default": "due",
        "row": lambda r, today, where: [
            {"text": r.reference, "hint": where(r), "nowrap": True},
            {"text": str(r.member.person), "hint": r.get_kind_display()},
            _due(r, today),
            _status_cell(r),
        ],
    },
    "notices": {
        "head": [REFERENCE, "Member", RECEIVED, STATUS],
        "sorts": SORTS,
        "default": "-received",
        "row": lambda n, today, where: [
            _ref(n, where(n)),
            f"Cllr {n.member.person}",
            gov_date(n.received_on),
            _status_cell(n),
        ],
    },
    "advice": {
        "head": [REFERENCE, "Asked by", RECEIVED, STATUS],
        "sorts": SORTS,
        "default": "-received",
        "row": lambda a, today, where: [
            _ref(a, "Confidential" if a.confidential else where(a)),
            str(a.requester),
            gov_date(a.received_on),
            _status_cell(a),
        ],
    },
}


@login_required
def index(request):
    """My declarations, notices, advice requests and register returns, and what has been
    notified to me: one filter panel and sort order for the four lists (MoJ filter a list),
    each list paged on its own, never cut short."""
    user = request.user
    today = timezone.localdate()
    visible = {
        "relationships": selectors.relationships_visible_to(user=user),
        "returns": selectors.returns_visible_to(user=user),
        "notices": selectors.notices_visible_to(user=user),
        "advice": selectors.advice_visible_to(user=user),
    }
    councils = councils_of(person=user)
    several = len(councils) > 1

    def where(case) -> str:
        return case.council.name if several else ""

    filterset = filtered(InterestListFilter, request, visible["relationships"], councils=councils)
    context = {"filter": filterset}
    for name, qs in visible.items():
        spec = LISTS[name]
        page, sort = narrowed_page(
            request,
            filterset,
            qs,
            param="page" if name == "relationships" else f"{name}_page",
            sorts=spec["sorts"],
            default=spec["default"],
            councils=councils,
        )
        context[name] = page
        context[f"{name}_rows"] = [spec["row"](case, today, where) for case in page]
        context[f"{name}_head"] = spec["head"]
        context[f"{name}_sort"] = sort
    context["sensitive"] = page_of(
        request, selectors.interests_awaiting_sensitivity(user=user), param="sensitive_page"
    )
    return render(request, "interests/index.html", context)


# ---------------------------------------------------------------- relationships


@login_required
@require_http_methods(["GET", "POST"])
def relationship_declare(request):
    form = forms.RelationshipDeclareForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: services.relationship_declare(
                council=data["council"],
                declarer=request.user,
                other_person=data["other_person"],
                nature=data["nature"],
                since=data["since"],
                details=data["details"],
                as_of=timezone.now(),
            ),
        )
        if done:
            messages.success(
                request,
                f"Relationship declared. Your reference is {done.result.reference}.",
            )
            return redirect("interests:relationship-detail", pk=done.result.pk)
    return render(request, "interests/relationship_form.html", {"form": form}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def relationship_detail(request, pk: int):
    """The declaration; the receiving officer records the decision here."""
    relationship = _visible(
        request.user, perms.VIEW_RELATIONSHIP, selectors.relationship_with_notified(pk=pk)
    )
    can_decide = check_perm(request.user, perms.DECIDE_RELATIONSHIP, relationship)
    can_change = check_perm(request.user, perms.CHANGE_RELATIONSHIP, relationship)
    # The page's one form that posts here is the decision, with or without its button's name
    # (a form sent by Enter or a script carries none): never shown again as if not sent.
    decide_form = forms.RelationshipDecideForm(request.POST if request.method == "POST" else None)
    if decide_form.is_bound:
        if not can_decide:
            raise Http404("No such page")
        if decide_form.is_valid() and attempt(
            decide_form,
            lambda: services.relationship_decide(
                relationship=relationship,
                actor=request.user,
                as_of=timezone.now(),
                **decide_form.cleaned_data,
            ),
        ):
            messages.success(request, "Decision recorded. The declarer can now see it.")
            return redirect("interests:relationship-detail", pk=pk)
    context = {
        "relationship": relationship,
        "can_decide": can_decide and relationship.status == "declared",
        "can_change": can_change and relationship.is_active,
        "decide_form": decide_form,
        "reason_form": forms.ReasonForm(),
        "events": timeline_for(case=relationship, raiser_view=not can_decide),
        "next_step": relationship_next_step(
            relationship, can_decide=can_decide and relationship.status == "declared"
        ),
    }
    return render(
        request, "interests/relationship_detail.html", context, status=_status(decide_form)
    )


@login_required
@require_POST
def relationship_close(request, pk: int, action: str):
    """The declarer ends the relationship or withdraws a declaration made in error."""
    relationship = _visible(
        request.user, perms.VIEW_RELATIONSHIP, selectors.relationship_with_notified(pk=pk)
    )
    _visible(request.user, perms.CHANGE_RELATIONSHIP, relationship)
    form = forms.ReasonForm(request.POST)
    service = {"end": services.relationship_end, "withdraw": services.relationship_withdraw}.get(
        action
    )
    if service is None:
        raise Http404("No such action")
    if form.is_valid() and attempt(
        form,
        lambda: service(
            relationship=relationship,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            as_of=timezone.now(),
        ),
    ):
        messages.success(request, "Declaration updated.")
        return redirect("interests:relationship-detail", pk=pk)
    context = {
        "relationship": relationship,
        "can_decide": False,
        "can_change": True,
        "decide_form": None,
        "reason_form": form,
        "events": [],
    }
    return render(request, "interests/relationship_detail.html", context, status=400)


# ---------------------------------------------------------------- the register


@login_required
@require_http_methods(["GET", "POST"])
def register_mine(request):
    """My register of interests: what is on it, what is due, and a form to add an interest."""
    memberships = list(
        Member.objects.filter(person=request.user).select_related("council").order_by("council")
    )
    if not memberships:
        raise Http404("Only members keep a register of interests")
    form = forms.InterestForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = next(m for m in memberships if m.council_id == data.pop("council").pk)
        if attempt(
            form,
            lambda: services.interest_register(
                member=member, actor=request.user, as_of=timezone.now(), **data
            ),
        ):
            messages.success(request, "Interest added to your register.")
            return redirect("interests:register-mine")
    items = list(
        selectors.interests_visible_to(user=request.user).filter(
            member__person=request.user, status="registered"
        )
    )
    mine = selectors.returns_visible_to(user=request.user).filter(member__person=request.user)
    returns = list(mine.filter(status="open"))
    last_done = (
        None
        if returns
        else mine.filter(status="submitted").order_by("-submitted_at", "-pk").first()
    )
    next_step = return_next_step(
        returns[0] if returns else None, last_done=last_done, today=timezone.localdate()
    )
    return render(
        request,
        "interests/register_mine.html",
        {"form": form, "interests": items, "returns": returns, "next_step": next_step},
        status=_status(form),
    )


@login_required
@require_POST
def interest_remove(request, pk: int):
    interest = _visible(request.user, perms.CHANGE_INTEREST, Interest.objects.filter(pk=pk).first())
    try:
        services.interest_remove(interest=interest, actor=request.user, as_of=timezone.now())
    except TransitionError as error:
        return _refused(request, error, back=reverse("interests:register-mine"))
    messages.success(request, "Interest removed from your register.")
    return redirect("interests:register-mine")


@login_required
@require_http_methods(["GET", "POST"])
def interest_sensitivity(request, pk: int):
    """The Monitoring Officer decides whether a sensitive interest is withheld (s.32)."""
    interest = _visible(
        request.user,
        perms.DECIDE_SENSITIVITY,
        Interest.objects.select_related("member__person", "council").filter(pk=pk).first(),
    )
    return case_action(
        request,
        may=True,
        form=forms.SensitivityForm(posted(request)),
        call=lambda data, form: services.interest_sensitivity_decide(
            interest=interest, actor=request.user, agreed=data["agreed"], as_of=timezone.now()
        ),
        success="Decision recorded.",
        done_url=reverse("interests:index"),
        template="interests/interest_sensitivity.html",
        context={"interest": interest},
    )


@login_required
@require_POST
def register_return_submit(request, pk: int):
    ret = _visible(
        request.user,
        perms.CHANGE_RETURN,
        RegisterReturn.objects.select_related("council", "member").filter(pk=pk).first(),
    )
    try:
        services.register_return_submit(ret=ret, actor=request.user, as_of=timezone.now())
    except TransitionError as error:
        return _refused(request, error, back=reverse("interests:register-mine"))
    messages.success(request, "Thank you. Your register is confirmed.")
    return redirect("interests:register-mine")


def register_public(request, slug: str):
    """The published register: no login; sensitive details withheld (Localism Act 2011 s.32)."""
    council = get_object_or_404(Council, slug=slug)
    members = selectors.public_register(council=council)
    return render(
        request, "interests/register_public.html", {"council": council, "members": members}
    )


# ---------------------------------------------------------------- acting against the council


@login_required
@require_http_methods(["GET", "POST"])
def acting_against_new(request):
    form = forms.ActingAgainstForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        council = data.pop("council")
        member = selectors.member_of(person=request.user, council=council)
        done = attempt(
            form,
            lambda: services.acting_against_notify(
                member=member, actor=request.user, as_of=timezone.now(), **data
            ),
        )
        if done:
            messages.success(
                request,
                "Notice sent to the Monitoring Officer. "
                f"Your reference is {done.result.reference}.",
            )
            return redirect("interests:acting-against-detail", pk=done.result.pk)
    return render(
        request, "interests/acting_against_form.html", {"form": form}, status=_status(form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def acting_against_detail(request, pk: int):
    notice = _visible(
        request.user,
        perms.VIEW_NOTICE,
        ActingAgainstNotice.objects.select_related(
            "council", "member__person", "owner_post", "acknowledged_by"
        )
        .filter(pk=pk)
        .first(),
    )
    can_ack = check_perm(request.user, perms.ACKNOWLEDGE_NOTICE, notice)
    form = forms.AcknowledgeForm(posted(request))
    if request.method == "POST":
        if not can_ack:
            raise Http404("No such page")
        if form.is_valid() and attempt(
            form,
            lambda: services.acting_against_acknowledge(
                notice=notice, actor=request.user, as_of=timezone.now(), **form.cleaned_data
            ),
        ):
            messages.success(request, "Notice acknowledged. The member can now see your response.")
            return redirect("interests:acting-against-detail", pk=pk)
    context = {
        "notice": notice,
        "form": form,
        "can_ack": can_ack and notice.status == "submitted",
        "can_withdraw": notice.status == "submitted"
        and check_perm(request.user, perms.CHANGE_NOTICE, notice),
        "events": timeline_for(case=notice),
        "next_step": notice_next_step(
            notice,
            can_ack=can_ack and notice.status == "submitted",
            is_member=notice.member.person_id == request.user.pk,
        ),
    }
    return render(request, "interests/acting_against_detail.html", context, status=_status(form))


def _withdraw(request, case, *, change: str, withdraw, back: str, done: str):
    """The member takes back a notice or a request for advice (POST only): only its own
    member may, and only before it is answered (a 409 saying why after)."""
    _visible(request.user, change, case)
    try:
        withdraw(case, request.user, timezone.now())
    except TransitionError as error:
        return _refused(request, error, back=back)
    messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def acting_against_withdraw(request, pk: int):
    """The member will not act against the council after all (002 §111)."""
    notice = _visible(
        request.user, perms.VIEW_NOTICE, ActingAgainstNotice.objects.filter(pk=pk).first()
    )
    return _withdraw(
        request,
        notice,
        change=perms.CHANGE_NOTICE,
        withdraw=lambda n, actor, now: services.acting_against_withdraw(
            notice=n, actor=actor, as_of=now
        ),
        back=reverse("interests:acting-against-detail", args=[pk]),
        done="Notice withdrawn.",
    )


# ---------------------------------------------------------------- advice requests


@login_required
@require_http_methods(["GET", "POST"])
def advice_new(request):
    form = forms.AdviceRequestForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            lambda: services.advice_request(
                requester=request.user, as_of=timezone.now(), **form.cleaned_data
            ),
        )
        if done:
            messages.success(
                request, f"Request for advice sent. Your reference is {done.result.reference}."
            )
            return redirect("interests:advice-detail", pk=done.result.pk)
    return render(request, "interests/advice_form.html", {"form": form}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def advice_detail(request, pk: int):
    advice = _visible(
        request.user,
        perms.VIEW_ADVICE,
        AdviceRequest.objects.select_related("council", "requester", "owner_post", "advised_by")
        .filter(pk=pk)
        .first(),
    )
    can_advise = check_perm(request.user, perms.ADVISE, advice)
    form = forms.AdviceGiveForm(posted(request))
    if request.method == "POST":
        if not can_advise:
            raise Http404("No such page")
        if form.is_valid() and attempt(
            form,
            lambda: services.advice_give(
                request=advice, actor=request.user, as_of=timezone.now(), **form.cleaned_data
            ),
        ):
            messages.success(request, "Advice sent. The member can now read it.")
            return redirect("interests:advice-detail", pk=pk)
    context = {
        "advice": advice,
        "form": form,
        "can_advise": can_advise and advice.status == "requested",
        "can_withdraw": advice.status == "requested"
        and check_perm(request.user, perms.CHANGE_ADVICE, advice),
        "events": timeline_for(case=advice),
        "next_step": advice_next_step(
            advice,
            can_advise=can_advise and advice.status == "requested",
            is_requester=advice.requester_id == request.user.pk,
        ),
    }
    return render(request, "interests/advice_detail.html", context, status=_status(form))


@login_required
@require_POST
def advice_withdraw(request, pk: int):
    """The member no longer needs the advice."""
    advice = _visible(request.user, perms.VIEW_ADVICE, AdviceRequest.objects.filter(pk=pk).first())
    return _withdraw(
        request,
        advice,
        change=perms.CHANGE_ADVICE,
        withdraw=lambda a, actor, now: services.advice_withdraw(request=a, actor=actor, as_of=now),
        back=reverse("interests:advice-detail", args=[pk]),
        done="Request for advice withdrawn.",
    )
