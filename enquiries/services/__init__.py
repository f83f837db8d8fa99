"""Every write to an enquiry: keyword-only, atomic, the actor and reason recorded (STYLE 2, 5).

Views, forms, serializers and tasks call these; none of them writes. Each takes `as_of`, the
moment the action happens, and never reads the clock itself (STYLE 9). The lock, the save with a
reason, the move by `states.TRANSITIONS`, the timeline and the outbox are the kernel's
(`protocol_portal.casework.plumbing`); the modules here hold the enquiry's own rules:

- `intake`: logging an enquiry;
- `placement`: where it goes (routing rules, copies, flags, re-routing);
- `handling`: what the officer does (accept, reassign, clarify, respond, close, reopen);
- `referrals`: passing it on as a complaint, an FOI or a need-to-know request;
- `stages`: later stages named by the council's rules (`next_stage`), disputes about urgency;
- `confidence`: the confidence does not hold (000 §7.20);
- `authority`: a request not for member services (004 §2.2.7), work needing authority (§10.1.2);
- `members`: what the member does (reply, share with another member);
- `clock`: its clock, the chaser's rungs and the calendar's changes.

Import from here (`from enquiries import services`): the names below are the public ones.
"""

from enquiries.services.authority import (
    AUTHORITIES,
    authority_mode,
    enquiry_authority_decided,
    enquiry_needs_authority,
    enquiry_refer_inappropriate,
)
from enquiries.services.base import LABEL, LOCKED_WITH
from enquiries.services.clock import (
    enquiries_recompute_for_calendar,
    enquiry_on_rung,
    enquiry_on_rungs,
)
from enquiries.services.confidence import (
    CONFIDENCE_GROUNDS,
    enquiry_confidence_exception,
)
from enquiries.services.handling import (
    answered_working_days,
    enquiries_bulk_reassign,
    enquiry_accept,
    enquiry_close,
    enquiry_reassign,
    enquiry_reopen,
    enquiry_request_clarification,
    enquiry_respond,
    process_only_required,
    reopen_deadline,
)
from enquiries.services.intake import enquiry_create
from enquiries.services.members import (
    enquiry_reply,
    enquiry_set_confidential,
    enquiry_share_with_member,
)
from enquiries.services.placement import (
    LAST_RESORT,
    SPECIAL_DEFAULTS,
    EnquiryRoutingError,
    Placement,
    concerning_for,
    enquiry_mark_involved,
    enquiry_set_flags,
    offers_flag,
    route_enquiry,
)
from enquiries.services.referrals import (
    at_complaint_advice,
    enquiry_refer_access,
    enquiry_refer_complaint,
    enquiry_refer_foi,
)
from enquiries.services.stages import (
    enquiry_decide_urgency,
    enquiry_dispute_urgency,
    enquiry_next_stage,
    in_urgency_dispute,
    may_dispute_urgency,
    next_stage_for,
    stage_offers,
    stage_words,
)

__all__ = [
    "AUTHORITIES",
    "authority_mode",
    "CONFIDENCE_GROUNDS",
    "enquiry_confidence_exception",
    "enquiry_authority_decided",
    "enquiry_needs_authority",
    "enquiry_refer_inappropriate",
    "LABEL",
    "LAST_RESORT",
    "LOCKED_WITH",
    "SPECIAL_DEFAULTS",
    "EnquiryRoutingError",
    "Placement",
    "answered_working_days",
    "at_complaint_advice",
    "concerning_for",
    "offers_flag",
    "process_only_required",
    "enquiries_bulk_reassign",
    "enquiries_recompute_for_calendar",
    "enquiry_accept",
    "enquiry_close",
    "enquiry_create",
    "enquiry_decide_urgency",
    "enquiry_dispute_urgency",
    "enquiry_mark_involved",
    "enquiry_next_stage",
    "enquiry_on_rung",
    "enquiry_on_rungs",
    "enquiry_reassign",
    "enquiry_refer_access",
    "enquiry_refer_complaint",
    "enquiry_refer_foi",
    "enquiry_reopen",
    "enquiry_reply",
    "enquiry_request_clarification",
    "enquiry_respond",
    "enquiry_set_flags",
    "enquiry_share_with_member",
    "in_urgency_dispute",
    "may_dispute_urgency",
    "next_stage_for",
    "enquiry_set_confidential",
    "reopen_deadline",
    "route_enquiry",
    "stage_offers",
    "stage_words",
]
