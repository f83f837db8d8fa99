"""Pages for enquiries that arrive other than through the portal: logging one on a member's
behalf, and the email the mailbox set aside for member services. Views read through selectors,
validate with a form and call one service; they never write themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from enquiries import mail, mail_retention, selectors
from enquiries.intake_forms import DealtWithForm, LogForMemberForm
from enquiries.models import Channel, InboundMessage
from enquiries.permissions import VIEW, allowed
from protocol_portal.casework.bounds import BoundedPaginator
from protocol_portal.org.models import Council
from protocol_portal.web.actions import attempt, posted

PAGE_SIZE = 25


def _from_email(inbound: InboundMessage) -> dict:
    local = timezone.localtime(inbound.received_at)
    return {
        "member": inbound.member_id,
        "channel": Channel.EMAIL,
        "received_on": local.date(),
        "received_time": f"{local:%H:%M}",
        "subject": inbound.subject[:200],
        "description": inbound.body_text[:10000],
    }


@login_required
def log_for_member(request):
    """Member services or an officer log an enquiry received by phone, letter, email or at a
    surgery, for the member, with when it was really received (the clock runs from then)."""
    held = selectors.posts_held(user=request.user)
    if not held:
        raise PermissionDenied("Only council officers log enquiries on a member's behalf.")
    councils = {p.council.slug: p.council for p in held}
    council = councils.get(request.GET.get("council")) or held[0].council
    inbound = None
    if request.GET.get("email"):
        inbound = mail.set_aside_one(user=request.user, pk=_int(request.GET["email"]))
        if inbound is None or inbound.council_id != council.pk:
            raise Http404("No such email.")
    as_of = timezone.now()
    form = LogForMemberForm(
        posted(request),
        request.FILES or None,
        council=council,
        as_of=as_of,
        initial=_from_email(inbound) if inbound else None,
    )
    if request.method == "POST" and form.is_valid():
        result: dict = {}

        def create():
            fields = form.enquiry_fields()
            if inbound is not None:
                result["enquiry"] = mail.inbound_log_as_enquiry(
                    inbound=inbound, actor=request.user, as_of=as_of, **fields
                )
            else:
                result["enquiry"] = mail.services.enquiry_create(
                    **fields, actor=request.user, as_of=as_of
                )

        if attempt(form, create):
            enquiry = result["enquiry"]
            messages.success(
                request,
                f"Enquiry {enquiry.reference} logged for {enquiry.member}. It is with "
                f"{enquiry.owner_post} and is due by {enquiry.due_on:%d %B %Y}. The member has "
                "been sent the acknowledgement.",
            )
            if VIEW in allowed(request.user, enquiry):
                return redirect("enquiries:detail", reference=enquiry.reference)
            return redirect("enquiries:log")
    return render(
        request,
        "enquiries/enquiry_log.html",
        {
            "form": form,
            "council": council,
            "councils": sorted(councils.values(), key=lambda c: c.name),
            "inbound": inbound,
        },
    )


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 12 else 0


@login_required
def set_aside(request):
    """Email the mailbox did not turn into casework, for member services to deal with."""
    if not mail.member_services_council_ids(user=request.user):
        raise PermissionDenied("Set-aside email is for the member services team.")
    everything = request.GET.get("all") == "1"
    rows = mail.set_aside_for(user=request.user, include_dealt_with=everything)
    page = BoundedPaginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    messages_ = list(
        InboundMessage.objects.filter(pk__in=list(page.object_list))
        .select_related("member__person")
        .order_by("-received_at", "-pk")
    )
    return render(
        request,
        "enquiries/inbound_list.html",
        {
            "page_obj": page,
            "emails": messages_,
            "everything": everything,
            "keeping": _keeping(request.user),
        },
    )


def _keeping(user) -> list[dict]:
    """How long each of the person's councils keeps set-aside email, for the page to say."""
    councils = Council.objects.filter(pk__in=mail.member_services_council_ids(user=user))
    rows = []
    for council in councils.order_by("name"):
        months, action = mail_retention.set_aside_keep(council)
        rows.append({"council": council, "months": months, "deleted": action == "delete"})
    return rows


@login_required
def set_aside_detail(request, pk: int):
    """One set-aside email, shown as text, with what member services may do with it."""
    inbound = mail.set_aside_one(user=request.user, pk=pk)
    if inbound is None:
        raise Http404("No such email.")
    form = DealtWithForm(posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: mail.inbound_dismiss(
                inbound=inbound,
                note=form.cleaned_data["note"],
                actor=request.user,
                as_of=timezone.now(),
            ),
        )
    ):
        messages.success(request, "Recorded as dealt with.")
        return redirect("enquiries:set-aside")
    months, action = mail_retention.set_aside_keep(inbound.council)
    return render(
        request,
        "enquiries/inbound_detail.html",
        {
            "email": inbound,
            "form": form,
            "notes": inbound.notes.splitlines(),
            "keep_months": months,
            "removed_on": mail_retention.set_aside_delete_on(inbound, months),
            "removal": "deleted" if action == "delete" else "anonymised",
        },
    )
