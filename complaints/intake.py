"""Logging a member's concern or complaint on their behalf: member services or an officer
record one the member made by phone, letter, email or at a surgery, with how and when it was
really received (the acknowledgement clock runs from then), check the answers, and send it.
The member is told and sees it as their own (`services.complaint_raise` with `actor`)."""

from __future__ import annotations

from complaints import services
from complaints.forms import ComplaintRaiseForm, _yes_no
from complaints.permissions import VIEW, can
from complaints.states import Kind
from protocol_portal.casework.receipt_forms import ReceiptForm
from protocol_portal.web.intake import LogForMember


class ComplaintLogForm(ReceiptForm, ComplaintRaiseForm):
    """The member's complaint, as the person logging it reads the questions."""

    what = "complaint"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, user=None, **kwargs)
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


def _raise(form, actor, as_of):
    data = form.cleaned_data
    return services.complaint_raise(
        raiser=data["member"].person,
        actor=actor,
        summary=data["summary"],
        details=data["details"],
        informal_attempted=_yes_no(data.get("informal_attempted") or ""),
        informal_detail=data.get("informal_detail") or "",
        as_of=as_of,
        **form.receipt_kwargs(),
        **form.service_kwargs(),
    )


# Log a member's concern or complaint: preview the route with the answers, then send.
complaint_log = LogForMember(
    app="complaints",
    noun="complaint",
    title="Log a complaint for a member",
    form=ComplaintLogForm,
    template="complaints/complaint_log.html",
    preview=lambda form, council: services.complaint_preview(
        raiser=form.cleaned_data["member"].person, **form.service_kwargs()
    )[0],
    submit=lambda form, council, actor, as_of: _raise(form, actor, as_of),
    success=lambda complaint, form: (
        f"Complaint {complaint.reference} logged for {form.cleaned_data['member']}. It is with "
        f"the {complaint.handler_title}, who should acknowledge it by "
        f"{complaint.due_on:%-d %B %Y}. The member has been told."
    ),
    may_view=lambda user, complaint: can(user, VIEW, complaint),
).view
