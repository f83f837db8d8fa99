"""Logging a member's need-to-know request on their behalf: member services or an officer
record one the member made by phone, letter, email or at a surgery, with how and when it was
really received (the need-to-know limit runs from then), check the answers, and send it. The
member is told and sees it as their own (`services.access_request_submit` with `actor`)."""

from __future__ import annotations

from access_requests import services
from access_requests.forms import RequestForm
from access_requests.permissions import VIEW, can
from protocol_portal.casework.receipt_forms import ReceiptForm
from protocol_portal.web.intake import LogForMember

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
    what = "request"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in LABELS.items():
            self.fields[name].label = label

    def answers(self) -> list[dict]:
        rows = super().answers()
        for row in rows:
            row["key"] = ANSWER_KEYS.get(row["key"], row["key"])
        return self.receipt_answers() + rows


# Log a member's need-to-know request: see how it will be treated, then send it. Treated and
# timed as at its receipt: the decision is due from the day it was received.
request_log = LogForMember(
    form=RequestLogForm,
    initial={"for_meeting": "no"},  # most requests are not for a meeting
    app="access_requests",
    noun="request",
    title="Log a need-to-know request for a member",
    template="access_requests/accessrequest_log.html",
    preview=lambda form, council: services.access_request_preview(
        council=council,
        requester=form.cleaned_data["member"].person,
        ask=form.ask(),
        as_of=form.cleaned_data["received_at"],
    ),
    submit=lambda form, council, actor, as_of: services.access_request_submit(
        council=council,
        requester=form.cleaned_data["member"].person,
        actor=actor,
        ask=form.ask(),
        wants_foi=form.cleaned_data.get("wants_foi", False),
        as_of=as_of,
        **form.receipt_kwargs(),
    ),
    success=lambda item, form: (
        f"Request {item.reference} logged for {form.cleaned_data['member']}. It is with the "
        f"{item.handler_title} and a decision is due by {item.due_on:%-d %B %Y}. "
        "The member has been told."
    ),
    may_view=lambda user, item: can(user, VIEW, item),
).view
