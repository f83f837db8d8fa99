"""Browser pages for enquiries. Views read through selectors, check permission through one
helper, validate with a form and call one service; they never write themselves.

A page about an enquiry the visitor may not open answers 404, so references cannot be probed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from enquiries import confidentiality, forms, selectors, services
from enquiries.filters import EnquiryFilter, MemberEnquiryFilter
from enquiries.models import Enquiry
from enquiries.next_step import enquiry_next_step
from enquiries.permissions import ACT, ATTACHMENTS, FOLLOW_UP, VIEW, allowed, can
from enquiries.serializers import overdue
from enquiries.states import ACTIONABLE, OPEN, Status
from protocol_portal.casework.bounds import CappedPaginator, ids_merged
from protocol_portal.casework.exports import csv_safe
from protocol_portal.org.models import Council, Person, PostKind
from protocol_portal.web import tags
from protocol_portal.web.actions import attempt, posted
from protocol_portal.web.dates import gov_date
from protocol_portal.web.lists import page_of, sorted_by
from protocol_portal.web.next_step import Action as NextAction

PAGE_SIZE = 25
SHARED_PAGE_SIZE = 20  # the enquiries shared with a member, under their own
# The site's one status → colour map (protocol_portal/web/tags.py), as every list uses it.
STATUS_COLOURS = {status: tags.colour(status) for status in Status.values}


def _enquiry_and_perms(
    user: Person,
    reference: str,
    perm: str = VIEW,
    read: Callable[..., Enquiry | None] = selectors.enquiry_by_reference,
) -> tuple[Enquiry, frozenset[str]]:
    """The enquiry and every permission the user holds on it, read once (two queries)."""
    enquiry = read(reference=reference)
    perms = allowed(user, enquiry) if enquiry is not None else frozenset()
    if VIEW not in perms:
        raise Http404("No such enquiry.")
    if perm not in perms:
        raise PermissionDenied("You may read this enquiry but not do that.")
    return enquiry, perms


def _enquiry_or_404(user: Person, reference: str, perm: str = VIEW) -> Enquiry:
    return _enquiry_and_perms(user, reference, perm)[0]


def _rows(enquiries, today) -> list:
    for enquiry in enquiries:
        enquiry.overdue = overdue(enquiry, today)
        enquiry.status_colour = STATUS_COLOURS.get(enquiry.status, "")
    return enquiries


# --------------------------------------------------------------------------- member pages


# The member's list sorts on the server (so it pages): web.lists.sorted_by.
MEMBER_SORTS = {
    "reference": ("reference",),
    "received": ("received_on",),
    "status": ("status",),
    "due": ("due_on",),
}
MEMBER_DEFAULT_SORT = "-received"


@login_required
def index(request):
    """The member's enquiries, filtered and sorted as they ask (MoJ filter a list), a page at a
    time; an officer goes to their queue."""
    memberships = selectors.memberships(user=request.user)
    if not memberships:
        return redirect("enquiries:queue")
    today = timezone.localdate()
    councils = Council.objects.filter(pk__in=[m.council_id for m in memberships]).order_by("name")
    filters = MemberEnquiryFilter(
        request.GET or None,
        queryset=selectors.enquiries_for_member(user=request.user, members=memberships),
        councils=councils,
        today=today,
    )
    if len(memberships) < 2:
        del filters.filters["council"]  # one council: nothing to choose
    filters.is_valid()  # an invalid value is ignored (the form says why), never widens
    mine, sort = sorted_by(request, filters.qs, MEMBER_SORTS, MEMBER_DEFAULT_SORT)
    # Read a seat at a time and merged, in the order asked (casework.bounds.ids_merged).
    ids = ids_merged(mine, "member_id", [m.pk for m in memberships])
    page = CappedPaginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    # Enquiries other members shared with this one: every one reachable, a page at a time, paged
    # on its own (`?shared_page=`) so the member's own list keeps its page.
    shared_page = page_of(
        request,
        selectors.enquiries_shared_with(user=request.user).values_list("pk", flat=True),
        param="shared_page",
        per_page=SHARED_PAGE_SIZE,
    )
    shared = selectors.hydrate(shared_page.object_list)
    return render(
        request,
        "enquiries/enquiry_list.html",
        {
            "filter": filters,
            "sort": sort,
            "open_statuses": OPEN,
            "page_obj": page,
            "enquiries": _rows(selectors.hydrate(page.object_list), today),
            "shared": _rows(shared, today),
            "shared_page": shared_page,
        },
    )


@login_required
def new(request):
    """Log an enquiry; on success the member sees the acknowledgement on the enquiry's page."""
    memberships = selectors.memberships(user=request.user)
    if not memberships:
        raise PermissionDenied("Only councillors log member enquiries.")
    member = next(
        (m for m in memberships if m.council.slug == request.GET.get("council")), memberships[0]
    )
    form = forms.EnquiryForm(posted(request), request.FILES or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_not_duplicate")
        result: dict = {}

        def create():
            result["enquiry"] = services.enquiry_create(
                member=member, **data, actor=request.user, as_of=timezone.now()
            )

        if attempt(form, create):
            enquiry = result["enquiry"]
            messages.success(
                request,
                f"Enquiry {enquiry.reference} logged. It is with the {enquiry.owner_post} and "
                f"should be answered by {gov_date(enquiry.due_on)}. We have emailed you this "
                "acknowledgement too.",
            )
            return redirect("enquiries:detail", reference=enquiry.reference)
    return render(
        request,
        "enquiries/enquiry_form.html",
        {
            "form": form,
            "member": member,
            "memberships": memberships,
        },
    )


# --------------------------------------------------------------------------- the enquiry page


def _act_url(prefix: str, name: str) -> str:
    return f"{prefix}{name}/"


def _stage_links(
    enquiry: Enquiry, prefix: str, offers, *, owner: bool, officer: bool
) -> list[dict]:
    """The stages the council's rules offer from here (either side may ask, 000 §13.6, 002 §30,
    002 §79); only the dispute stage's handler decides a dispute about urgency (002 §30)."""
    links = []
    if offers.next_stage:
        words = services.stage_words(offers.next_stage)
        links.append(
            {"text": f"Take this to the {words} stage", "href": _act_url(prefix, "next-stage")}
        )
    if offers.may_dispute_urgency:
        links.append(
            {"text": "Refer a dispute about urgency", "href": _act_url(prefix, "dispute-urgency")}
        )
    if officer and offers.may_refer_inappropriate:
        links.append(
            {
                "text": "Not a request member services can help with",
                "href": _act_url(prefix, "refer-inappropriate"),
            }
        )
    if officer and offers.may_refer_confidence:
        links.append(
            {
                "text": "The confidence does not hold",
                "href": _act_url(prefix, "confidence-exception"),
            }
        )
    if (
        officer
        and enquiry.status in (Status.RECEIVED, Status.IN_PROGRESS)
        and services.authority_mode(enquiry.council) != "not_offered"
    ):
        links.append(
            {
                "text": "The additional work needs authority",
                "href": _act_url(prefix, "needs-authority"),
            }
        )
    if offers.in_urgency_dispute and owner:
        links.append(
            {"text": "Decide the dispute about urgency", "href": _act_url(prefix, "decide-urgency")}
        )
    return links


def _officer_links(enquiry: Enquiry, prefix: str, reopen_url: str) -> tuple[bool, list[dict]]:
    """Whether to offer Accept, and the officer's other actions, for the enquiry's status."""
    status = enquiry.status
    actionable = status in ACTIONABLE
    if actionable or status == Status.AWAITING_MEMBER:
        names = ["respond", "clarify"] if actionable else []
        names.append("reassign")
        if actionable and status != Status.FOI:
            names += ["refer-complaint", "refer-foi"]
            if status != Status.REFERRED_MO:
                names.append("refer-access")
        names.append("flags")
        if enquiry.relates_to_legal_proceedings:
            names.append("involved")
        names.append("close")
        accept = status in (Status.RECEIVED, Status.REFERRED_MO)
        return accept, [{"text": OFFICER_LINKS[n], "href": _act_url(prefix, n)} for n in names]
    if status in (Status.RESPONDED, Status.CLOSED):
        links = [{"text": "Reopen", "href": reopen_url}]
        if status == Status.RESPONDED:
            links.insert(0, {"text": "Close", "href": _act_url(prefix, "close")})
        return False, links
    if status == Status.REFERRED_COMPLAINT:
        return False, [{"text": "Close", "href": _act_url(prefix, "close")}]
    if status == Status.AWAITING_AUTHORITY:
        names = ["authority-decided", "respond", "reassign", "close"]
        return False, [{"text": OFFICER_LINKS[n], "href": _act_url(prefix, n)} for n in names]
    return False, []


def _member_links(enquiry: Enquiry, prefix: str, reopen_url: str, reopen_until) -> list[dict]:
    """What the raising member (or a member copied in) may do next."""
    links = []
    if enquiry.status == Status.AWAITING_MEMBER:
        links.append({"text": "Reply to the officer's question", "href": _act_url(prefix, "reply")})
    if reopen_until and enquiry.status in (Status.RESPONDED, Status.CLOSED):
        links.append({"text": "Reopen", "href": reopen_url, "until": reopen_until})
    links.append({"text": "Copy another member in", "href": _act_url(prefix, "share")})
    return links


OFFICER_LINKS = {
    "respond": "Respond",
    "clarify": "Ask the member for clarification",
    "reassign": "Pass to another post",
    "refer-complaint": "This is a complaint",
    "refer-foi": "This is an FOI request",
    "refer-access": "Access refused or in doubt",
    "flags": "Change flags",
    "involved": "Mark an officer as involved",
    "close": "Close",
    "authority-decided": "Record the decision on authority",
}


@login_required
def detail(request, reference: str):
    """One enquiry: status, owner, due date, flags, copies, attachments and the timeline."""
    enquiry, perms = _enquiry_and_perms(request.user, reference, read=selectors.enquiry_for_page)
    officer = ACT in perms
    page = selectors.enquiry_page(
        enquiry=enquiry,
        raiser_view=not officer,
        officer_view=officer,
        attachments=ATTACHMENTS in perms,
    )
    today = timezone.localdate()
    # The page links to up to a dozen actions on this enquiry: one reverse() for their common
    # prefix rather than one {% url %} each (each costs as much as a short query to compile).
    prefix = reverse("enquiries:act", args=[enquiry.reference, "close"]).removesuffix("close/")
    reopen_url = reverse("enquiries:reopen", args=[enquiry.reference])
    accept, officer_links = _officer_links(enquiry, prefix, reopen_url) if officer else (False, [])
    member_links = (
        _member_links(enquiry, prefix, reopen_url, services.reopen_deadline(enquiry))
        if FOLLOW_UP in perms
        else []
    )
    if officer or FOLLOW_UP in perms:
        owner = enquiry.owner_post is not None and enquiry.owner_post.holder_id == request.user.pk
        stage_links = _stage_links(
            enquiry,
            prefix,
            services.stage_offers(enquiry, officer=officer),
            owner=owner,
            officer=officer,
        )
        (officer_links if officer else member_links).extend(stage_links)
    if officer:
        officer_links += _confidentiality_links(enquiry, request.user, prefix, perms)
    elif FOLLOW_UP in perms:
        member_links += _confidentiality_links(enquiry, request.user, prefix, perms)
    actions = [NextAction("Accept", _act_url(prefix, "accept"), post=True)] if accept else []
    actions += [NextAction(link["text"], link["href"]) for link in officer_links]
    actions += [
        NextAction(
            link["text"],
            link["href"],
            hint=f"You can do this until {gov_date(link['until'])}." if link.get("until") else "",
        )
        for link in member_links
    ]
    return render(
        request,
        "enquiries/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "page": page,
            "overdue": overdue(enquiry, today),
            "status_colour": STATUS_COLOURS.get(enquiry.status, ""),
            "officer": officer,
            "may_see_attachments": ATTACHMENTS in perms,
            "confidentiality": confidentiality.mode(enquiry.council),
            "inspection": confidentiality.public_inspection(
                enquiry, has_attachments=bool(page.attachments) if ATTACHMENTS in perms else None
            ),
            "next_step": enquiry_next_step(
                enquiry, events=page.events, officer=officer, actions=actions, today=today
            ),
            "export_url": reverse("enquiries:export", args=[enquiry.reference]),
            "stage_words": services.stage_words(enquiry.stage),
            "authority_from": services.AUTHORITIES.get(enquiry.authority_from, ""),
        },
    )


@login_required
def attachment(request, reference: str, pk: int):
    """Serve an attachment to those allowed, always as a download."""
    enquiry = _enquiry_or_404(request.user, reference)
    if not can(request.user, ATTACHMENTS, enquiry):
        raise Http404("No such attachment.")
    item = enquiry.attachments.filter(pk=pk).first()
    if item is None:
        raise Http404("No such attachment.")
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return response


@login_required
def export(request, reference: str):
    """The enquiry and its timeline as CSV, as the reader may see them."""
    enquiry = _enquiry_or_404(request.user, reference)
    officer = can(request.user, ACT, enquiry)
    page = selectors.enquiry_page(enquiry=enquiry, raiser_view=not officer, officer_view=False)
    rows = [
        [enquiry.reference, "", "subject", enquiry.subject, ""],
        [enquiry.reference, "", "status", enquiry.get_status_display(), ""],
        [enquiry.reference, "", "owner", enquiry.owner_post, ""],
        [enquiry.reference, "", "received", enquiry.received_at or enquiry.received_on, ""],
        [enquiry.reference, "", "channel", enquiry.get_channel_display(), ""],
        [enquiry.reference, "", "due", enquiry.due_on, ""],
        *[[enquiry.reference, e.at.isoformat(), e.kind, e.summary, e.detail] for e in page.events],
    ]
    return _csv(f"{enquiry.reference}.csv", ["reference", "at", "what", "summary", "detail"], rows)


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Action:
    title: str
    perm: str
    form: Callable
    run: Callable  # (enquiry, data, user, as_of) -> object
    button: str
    hint: str = ""
    # The message once it is done, in plain words: (enquiry, data) -> str.
    done: Callable = lambda e, d: "Done."
    # Whether this person may take the action at all, beyond `perm`: (enquiry, user) -> a
    # refusal or None (who may share an enquiry is the council's: enquiries/confidentiality).
    refusal: Callable | None = None


def _post_words(post) -> str:
    """ "Housing Officer (Yasmin Silva)", or the title alone for a vacant post."""
    holder = post.holder.get_full_name() if post.holder_id else ""
    return f"{post.title} ({holder})" if holder else post.title


def _posts(enquiry: Enquiry) -> QuerySet:
    return selectors.reassign_targets(council_ids={enquiry.council_id})


def _officers(enquiry: Enquiry) -> QuerySet:
    return Person.objects.filter(posts__council_id=enquiry.council_id).distinct()


def _either_side(run: Callable) -> Callable:
    """An action the member or the officers handling the enquiry may take (a stage, a dispute):
    the page is VIEW, the action needs ACT or FOLLOW_UP."""

    def checked(e, d, u, t):
        if not {ACT, FOLLOW_UP} & allowed(u, e):
            raise PermissionDenied("Only the member or the officers handling it can do that.")
        return run(e, d, u, t)

    return checked


ACTIONS: dict[str, Action] = {
    "accept": Action(
        "Accept this enquiry",
        ACT,
        lambda e, *a, **k: forms.forms.Form(*a, **k),
        lambda e, d, u, t: services.enquiry_accept(enquiry=e, actor=u, as_of=t),
        "Accept",
        done=lambda e, d: f"You have accepted this enquiry. Answer it by {gov_date(e.due_on)}.",
    ),
    "clarify": Action(
        "Ask the member for clarification",
        ACT,
        lambda e, *a, **k: forms.QuestionForm(*a, **k),
        lambda e, d, u, t: services.enquiry_request_clarification(
            enquiry=e, question=d["question"], actor=u, as_of=t
        ),
        "Send question",
        "The clock stops until the member replies.",
        done=lambda e, d: (
            f"Your question has been sent to {e.member}. The time limit is paused until they reply."
        ),
    ),
    "respond": Action(
        "Respond to the member",
        ACT,
        lambda e, *a, **k: forms.RespondForm(
            *a, process_only=services.process_only_required(e), **k
        ),
        lambda e, d, u, t: services.enquiry_respond(
            enquiry=e,
            response=d["response"],
            actor=u,
            as_of=t,
            process_only=d.get("process_only", False),
        ),
        "Send response",
        done=lambda e, d: f"Your response has been sent to {e.member}.",
    ),
    "close": Action(
        "Close this enquiry",
        ACT,
        lambda e, *a, **k: forms.CloseForm(*a, **k),
        lambda e, d, u, t: services.enquiry_close(enquiry=e, reason=d["reason"], actor=u, as_of=t),
        "Close enquiry",
        done=lambda e, d: "Enquiry closed.",
    ),
    "reassign": Action(
        "Pass this enquiry to another post",
        ACT,
        lambda e, *a, **k: forms.ReassignForm(*a, posts=_posts(e), **k),
        lambda e, d, u, t: services.enquiry_reassign(
            enquiry=e, to_post=d["to_post"], reason=d["reason"], actor=u, as_of=t
        ),
        "Pass it on",
        done=lambda e, d: f"Enquiry passed to the {_post_words(d['to_post'])}.",
    ),
    "refer-complaint": Action(
        "This is a complaint",
        ACT,
        lambda e, *a, **k: forms.NoteForm(*a, **k),
        lambda e, d, u, t: services.enquiry_refer_complaint(
            enquiry=e, note=d["note"], actor=u, as_of=t
        ),
        "Refer it",
        "Where your council's protocol names a senior officer to advise first, it goes to them; "
        "otherwise, or once they agree, to the Complaints Team, and the member is told (002 §76).",
        done=lambda e, d: (
            "Enquiry referred to the Complaints Team. The member has been told."
            if e.status == Status.REFERRED_COMPLAINT
            else f"The {e.owner_post.title} has been asked for their advice on whether this is a "
            "complaint."
        ),
    ),
    "refer-foi": Action(
        "This is a Freedom of Information request",
        ACT,
        lambda e, *a, **k: forms.NoteForm(*a, **k),
        lambda e, d, u, t: services.enquiry_refer_foi(enquiry=e, note=d["note"], actor=u, as_of=t),
        "Start the FOI clock",
        "A 20 working day FOI clock starts today and the member is told.",
        done=lambda e, d: (
            "This is now a Freedom of Information request. The member has been told when to "
            "expect the response."
        ),
    ),
    "refer-access": Action(
        "Access refused or in doubt",
        ACT,
        lambda e, *a, **k: forms.NoteForm(*a, **k),
        lambda e, d, u, t: services.enquiry_refer_access(
            enquiry=e, note=d["note"], actor=u, as_of=t
        ),
        "Refer to the Monitoring Officer",
        "The Monitoring Officer decides on access.",
        done=lambda e, d: "Enquiry referred to the Monitoring Officer, who will decide on access.",
    ),
    "flags": Action(
        "Change the enquiry's flags",
        ACT,
        lambda e, *a, **k: forms.FlagsForm(*a, council=e.council, **k),
        lambda e, d, u, t: services.enquiry_set_flags(enquiry=e, actor=u, as_of=t, **d),
        "Save flags",
        "A change of route re-routes the enquiry.",
        done=lambda e, d: "Flags saved.",
    ),
    "involved": Action(
        "Mark an officer as involved in the proceedings",
        ACT,
        lambda e, *a, **k: forms.InvolvedForm(*a, officers=_officers(e), **k),
        lambda e, d, u, t: services.enquiry_mark_involved(
            enquiry=e, officer=d["officer"], actor=u, as_of=t
        ),
        "Mark as involved",
        "They will never handle it or be chased about it.",
        done=lambda e, d: (
            f"{d['officer'].get_full_name()} is marked as involved. They will not handle this "
            "enquiry or be chased about it."
        ),
    ),
    "next-stage": Action(
        "Take this enquiry to the next stage",
        VIEW,
        lambda e, *a, **k: forms.ReasonForm(*a, **k),
        _either_side(
            lambda e, d, u, t: services.enquiry_next_stage(
                enquiry=e, reason=d["reason"], actor=u, as_of=t
            )
        ),
        "Take it to the next stage",
        "The council's protocol names who deals with it next. They get a fresh time limit, and "
        "the member is told.",
        done=lambda e, d: (
            f"The enquiry is now at the {services.stage_words(e.stage)} stage, with the "
            f"{e.owner_post.title}. It should be answered by {gov_date(e.due_on)}."
        ),
    ),
    "dispute-urgency": Action(
        "Refer a dispute about urgency",
        VIEW,
        lambda e, *a, **k: forms.ReasonForm(*a, **k),
        _either_side(
            lambda e, d, u, t: services.enquiry_dispute_urgency(
                enquiry=e, reason=d["reason"], actor=u, as_of=t
            )
        ),
        "Refer the dispute",
        "Members should not demand urgent answers unless the officer judges the matter urgent. "
        "A dispute goes to the officer your council's protocol names, who decides it (002 §30).",
        done=lambda e, d: (
            f"The dispute about urgency has been referred to the {e.owner_post.title}."
        ),
    ),
    "decide-urgency": Action(
        "Decide the dispute about urgency",
        ACT,
        lambda e, *a, **k: forms.DecideUrgencyForm(*a, **k),
        lambda e, d, u, t: services.enquiry_decide_urgency(
            enquiry=e, urgent=d["urgent"], reason=d["reason"], actor=u, as_of=t
        ),
        "Record the decision",
        "Your decision stands: the enquiry goes back to be handled as you decide (002 §30).",
        done=lambda e, d: "Your decision has been recorded and the member has been told.",
    ),
    "refer-inappropriate": Action(
        "Not a request member services can help with",
        ACT,
        lambda e, *a, **k: forms.ReasonForm(*a, **k),
        lambda e, d, u, t: services.enquiry_refer_inappropriate(
            enquiry=e, reason=d["reason"], actor=u, as_of=t
        ),
        "Refer to the service head",
        "Member services officers help councillors only in their role as council members, not "
        "with any person, business or party political matter. The request goes to your service "
        "head, and the member is told why (004 §2.2.7).",
        done=lambda e, d: f"The request has been referred to the {e.owner_post.title}.",
    ),
    "confidence-exception": Action(
        "The confidence does not hold",
        ACT,
        lambda e, *a, **k: forms.ConfidenceExceptionForm(*a, **k),
        lambda e, d, u, t: services.enquiry_confidence_exception(
            enquiry=e, ground=d["ground"], reason=d["reason"], actor=u, as_of=t
        ),
        "Refer for investigation",
        "Officers keep a member's requests in confidence (000 §7.19), but not where what is "
        "disclosed could damage the council, is illegal or constitutes maladministration. The "
        "matter goes to the officers your council's protocol names for investigation, and the "
        "member is told (000 §7.20).",
        done=lambda e, d: (
            f"The matter has been referred to the {e.owner_post.title}. The member has been told."
        ),
    ),
    "needs-authority": Action(
        "The additional work needs authority",
        ACT,
        lambda e, *a, **k: forms.AuthorityForm(*a, **k),
        lambda e, d, u, t: services.enquiry_needs_authority(
            enquiry=e, authority=d["authority"], note=d["note"], actor=u, as_of=t
        ),
        "Record it",
        "Officers may say that additional work a member asks for needs the authority of senior "
        "officers, the Cabinet, Council or a committee (004 §10.1.2). The member is told.",
        done=lambda e, d: (
            "The enquiry now shows it is awaiting authority. The member has been told."
        ),
    ),
    "authority-decided": Action(
        "Record the decision on authority",
        ACT,
        lambda e, *a, **k: forms.AuthorityDecidedForm(*a, **k),
        lambda e, d, u, t: services.enquiry_authority_decided(
            enquiry=e, given=d["given"], note=d["note"], actor=u, as_of=t
        ),
        "Record the decision",
        done=lambda e, d: "The decision has been recorded and the member has been told.",
    ),
    "reply": Action(
        "Reply to the officer's question",
        FOLLOW_UP,
        lambda e, *a, **k: forms.ReplyForm(*a, **k),
        lambda e, d, u, t: services.enquiry_reply(enquiry=e, text=d["text"], actor=u, as_of=t),
        "Send reply",
        done=lambda e, d: "Your reply has been sent. The officer’s time limit has started again.",
    ),
    "share": Action(
        "Copy another member in",
        VIEW,
        lambda e, *a, **k: forms.ShareForm(
            *a,
            members=selectors.members_of(council_ids={e.council_id}).exclude(pk=e.member_id),
            **k,
        ),
        lambda e, d, u, t: services.enquiry_share_with_member(
            enquiry=e, member=d["member"], actor=u, as_of=t
        ),
        "Copy them in",
        "They will be able to read this enquiry, but not the resident's reference or documents; "
        "it will say so here.",
        done=lambda e, d: f"{d['member']} has been copied in and can now read this enquiry.",
        refusal=lambda e, u: confidentiality.copy_refusal(e, **_parties(e, u)),
    ),
    "keep-confidential": Action(
        "Keep this enquiry confidential",
        FOLLOW_UP,
        lambda e, *a, **k: forms.forms.Form(*a, **k),
        lambda e, d, u, t: services.enquiry_set_confidential(
            enquiry=e, keep=True, actor=u, as_of=t
        ),
        "Keep it confidential",
        "Officers will not share it with other members, such as your ward colleagues.",
        done=lambda e, d: "Your enquiry will be kept confidential.",
        refusal=lambda e, u: confidentiality.release_refusal(e, keep=True, **_parties(e, u)),
    ),
    "release": Action(
        "Release this enquiry from confidence",
        VIEW,
        lambda e, *a, **k: forms.forms.Form(*a, **k),
        lambda e, d, u, t: services.enquiry_set_confidential(
            enquiry=e, keep=False, actor=u, as_of=t
        ),
        "Release it",
        "Officers may then share it with other members.",
        done=lambda e, d: "The enquiry is no longer kept confidential.",
        refusal=lambda e, u: confidentiality.release_refusal(e, keep=False, **_parties(e, u)),
    ),
}


def _parties(enquiry: Enquiry, user: Person) -> dict:
    """The two parties to the correspondence: the member who raised it, an officer on it."""
    raiser = user.pk == enquiry.member.person_id
    return {"raiser": raiser, "officer": not raiser and can(user, ACT, enquiry)}


def _confidentiality_links(
    enquiry: Enquiry, user: Person, prefix: str, perms: frozenset[str]
) -> list[dict]:
    """Share, keep confidential or release, for whoever the council's setting lets (from the
    permissions the page already read: no further query)."""
    raiser = user.pk == enquiry.member.person_id
    parties = {"raiser": raiser, "officer": not raiser and ACT in perms}
    links = []
    if parties["officer"] and confidentiality.copy_refusal(enquiry, **parties) is None:
        links.append({"text": "Share with another member", "href": _act_url(prefix, "share")})
    for name, keep, text in (
        ("keep-confidential", True, "Keep this enquiry confidential"),
        ("release", False, "Release this enquiry from confidence"),
    ):
        if enquiry.kept_confidential != keep and (
            confidentiality.release_refusal(enquiry, keep=keep, **parties) is None
        ):
            links.append({"text": text, "href": _act_url(prefix, name)})
    return links


def _initial(name: str, enquiry: Enquiry) -> dict:
    if name != "flags":
        return {}
    return {field: getattr(enquiry, field) for field in forms.FlagsForm.base_fields}


@login_required
def act(request, reference: str, name: str):
    """One action on an enquiry: a short form, then the service."""
    spec = ACTIONS.get(name)
    if spec is None:
        raise Http404("No such action.")
    enquiry = _enquiry_or_404(request.user, reference, spec.perm)
    refusal = spec.refusal(enquiry, request.user) if spec.refusal else None
    if refusal:
        raise PermissionDenied(refusal)
    form = spec.form(enquiry, posted(request), initial=_initial(name, enquiry))
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: spec.run(enquiry, form.cleaned_data, request.user, timezone.now()),
        )
    ):
        messages.success(request, spec.done(enquiry, form.cleaned_data))
        return redirect("enquiries:detail", reference=enquiry.reference)
    return render(
        request,
        "enquiries/enquiry_action.html",
        {
            "enquiry": enquiry,
            "form": form,
            "spec": spec,
            "name": name,
            "legal": enquiry.relates_to_legal_proceedings and name == "respond",
        },
    )


@login_required
def reopen(request, reference: str):
    """Reopen: the member within the council's window, an officer at any time."""
    enquiry, perms = _enquiry_and_perms(request.user, reference)
    if ACT not in perms and FOLLOW_UP not in perms:
        raise PermissionDenied("You may read this enquiry but not reopen it.")
    form = forms.ReasonForm(posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.enquiry_reopen(
                enquiry=enquiry,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                as_of=timezone.now(),
                by_member=ACT not in perms,
            ),
        )
    ):
        messages.success(request, f"Enquiry reopened. It is with the {enquiry.owner_post} again.")
        return redirect("enquiries:detail", reference=enquiry.reference)
    spec = Action(
        "Reopen this enquiry", VIEW, None, None, "Reopen", "Say what is still outstanding."
    )
    return render(
        request,
        "enquiries/enquiry_action.html",
        {
            "enquiry": enquiry,
            "form": form,
            "spec": spec,
            "name": "reopen",
            "reopen_until": services.reopen_deadline(enquiry),
        },
    )


# --------------------------------------------------------------------------- officer queues


@login_required
def queue(request):
    """An officer's queues (mine, team, directorate, triage) with filters, sorting, pages and
    bulk reassignment."""
    held = selectors.posts_held(user=request.user)
    scopes = selectors.scopes_for(held=held) if held else []
    if not held:
        raise PermissionDenied("Queues are for officers.")
    scope = request.GET.get("scope") if request.GET.get("scope") in scopes else scopes[0]
    today = timezone.localdate()
    council_ids = {p.council_id for p in held}
    base = selectors.enquiry_queue(user=request.user, scope=scope, held=held)
    filters = EnquiryFilter(
        request.GET or None, queryset=base, council_ids=council_ids, today=today
    )
    enquiries = filters.qs if filters.is_bound else base
    page = CappedPaginator(selectors.queue_ids(enquiries, scope=scope, held=held), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    rows = _rows(selectors.hydrate(page.object_list), today)
    bulk = forms.BulkReassignForm(
        posts=selectors.reassign_targets(council_ids=council_ids),
        enquiries=Enquiry.objects.none(),
    )
    return render(
        request,
        "enquiries/enquiry_queue.html",
        {
            "scope": scope,
            "scopes": [(s, selectors.Scope.LABELS[s]) for s in scopes],
            "filter": filters,
            "page_obj": page,
            "enquiries": rows,
            "bulk": bulk,
            "dashboard": selectors.may_see_dashboard(held=held),
            "member_services": any(p.kind == PostKind.MEMBER_SERVICES for p in held),
        },
    )


def _back_to(request, default: str) -> str:
    """Where the form said to go back to (the queue page it was posted from), if that is a page
    of this site; anywhere else (another site, a scheme like javascript:) gives `default`."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@login_required
@require_POST
def bulk_reassign(request):
    """Pass the ticked enquiries to one post; only enquiries the officer may act on move."""
    held = selectors.posts_held(user=request.user)
    if not held:
        raise PermissionDenied("Queues are for officers.")
    council_ids = {p.council_id for p in held}
    visible = selectors.enquiries_visible_to(user=request.user).filter(status__in=OPEN)
    form = forms.BulkReassignForm(
        request.POST, posts=selectors.reassign_targets(council_ids=council_ids), enquiries=visible
    )
    if form.is_valid():
        chosen = list(form.cleaned_data["enquiries"].select_related("council"))
        refused = [e.reference for e in chosen if not can(request.user, ACT, e)]
        if refused:
            form.add_error("enquiries", f"You cannot pass on: {', '.join(refused)}.")
        else:
            moved = {"n": 0}

            def run():
                moved["n"] = services.enquiries_bulk_reassign(
                    enquiries=chosen,
                    to_post=form.cleaned_data["to_post"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    as_of=timezone.now(),
                )

            if attempt(form, run):
                messages.success(
                    request, f"{moved['n']} enquiries passed to {form.cleaned_data['to_post']}."
                )
                return redirect(_back_to(request, reverse("enquiries:queue")))
    return render(request, "enquiries/enquiry_bulk.html", {"form": form}, status=400)


# --------------------------------------------------------------------------- dashboard


def _dashboard_or_403(request):
    held = selectors.posts_held(user=request.user)
    if not selectors.may_see_dashboard(held=held):
        raise PermissionDenied(
            "The dashboard is for the triage team, Directors and the Chief Executive."
        )
    return held


BAR_HEIGHT = 22
CHART_WIDTH = 480


@login_required
def dashboard(request):
    """SLA compliance by directorate and month (SVG and table), overdue list, average time."""
    held = _dashboard_or_403(request)
    data = selectors.dashboard(user=request.user, as_of=timezone.now(), held=held)
    bars = [
        {
            "row": row,
            "y": i * (BAR_HEIGHT + 6),
            "width": round(CHART_WIDTH * row.percent / 100),
            "label_y": i * (BAR_HEIGHT + 6) + BAR_HEIGHT - 6,
        }
        for i, row in enumerate(data.rows)
    ]
    today = timezone.localdate()
    return render(
        request,
        "enquiries/enquiry_dashboard.html",
        {
            "data": data,
            "bars": bars,
            "chart_height": max(len(bars), 1) * (BAR_HEIGHT + 6),
            "chart_width": CHART_WIDTH,
            "label_width": 320,
            "overdue_rows": _rows(data.overdue, today),
        },
    )


@login_required
def dashboard_csv(request):
    """The dashboard's figures as CSV, counting only enquiries the viewer may open."""
    held = _dashboard_or_403(request)
    data = selectors.dashboard(user=request.user, as_of=timezone.now(), held=held)
    rows = [[r.directorate, f"{r.month:%Y-%m}", r.on_time, r.late, r.percent] for r in data.rows]
    return _csv(
        "enquiries-sla.csv",
        ["directorate", "month", "answered on time", "late", "percent on time"],
        rows,
    )
