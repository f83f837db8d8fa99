"""Who may make a member's enquiry known to other members, and whether the public may inspect it:
the engine for the council's `confidentiality` and `public_inspection` settings.

Access itself stays derived in one place (enquiries/permissions.audiences, through the casework
kernel): a member copied in is an `EnquiryCopy`, so they read the enquiry and never the resident's
reference or documents. This module only decides who may add such a copy, and when:

- requester_permits_copies (the portal default): only the member who raised it;
- shared_unless_agreed (001 §5.3.9.2, "Correspondence between an officer and member may be made
  available to others unless it is agreed that it should be kept confidential. Officers should
  consider ... whether others should also be informed, e.g. in relation to a ward"): the member,
  or an officer handling it — unless the member asked for it to be kept confidential;
- either_may_release (004 §14.2, "confidential unless the Member or officer indicates
  otherwise"): the member, or an officer handling it; a copy by either releases it.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol_portal.org import protocol_settings

REQUESTER = "requester_permits_copies"
SHARED_UNLESS_AGREED = "shared_unless_agreed"
EITHER_MAY_RELEASE = "either_may_release"


def mode(council) -> str:
    return protocol_settings.setting(council, "confidentiality")


def source(council) -> str:
    return protocol_settings.setting_source(council, "confidentiality")


def starts_confidential(council, asked: bool | None) -> bool:
    """Whether a new enquiry is kept confidential: at a council whose protocol shares by default
    (001 §5.3.9.2) only if the member asked; elsewhere always, until released."""
    if mode(council) == SHARED_UNLESS_AGREED:
        return bool(asked)
    return True


def member_may_choose(council) -> bool:
    """Whether the member is asked, when raising, to keep the enquiry confidential."""
    return mode(council) == SHARED_UNLESS_AGREED


def copy_refusal(enquiry, *, raiser: bool, officer: bool) -> str | None:
    """Why this person may not copy another member in (None: they may). `raiser` is the
    member who raised it; `officer` someone who may act on it (handling it, their managers,
    member services)."""
    if raiser:
        return None
    how = mode(enquiry.council)
    cited = source(enquiry.council)
    if not officer or how == REQUESTER:
        return f"Only the member who raised the enquiry can copy others in ({cited})."
    if how == SHARED_UNLESS_AGREED and enquiry.kept_confidential:
        return (
            f"The member asked for this enquiry to be kept confidential ({cited}): only they "
            "can copy others in."
        )
    return None


def release_refusal(enquiry, *, raiser: bool, officer: bool, keep: bool) -> str | None:
    """Why this person may not change whether the enquiry is kept confidential."""
    how = mode(enquiry.council)
    cited = source(enquiry.council)
    if how == REQUESTER:
        return f"This council's enquiries are always confidential to those handling them ({cited})."
    if how == SHARED_UNLESS_AGREED:
        # The agreement to keep it confidential is the member's to ask for or give up.
        return (
            None if raiser else f"Only the member can ask for it to be kept confidential ({cited})."
        )
    # either_may_release: either party releases it; once released it is not taken back.
    if keep:
        return f"Once released, an enquiry is not made confidential again ({cited})."
    return (
        None if (raiser or officer) else f"Only the member or the officer can release it ({cited})."
    )


@dataclass(frozen=True)
class Inspection:
    open: bool
    why: str
    source: str


def public_inspection(enquiry, *, has_attachments: bool | None = None) -> Inspection | None:
    """Whether the public may inspect the enquiry (004 §14.2: "All correspondence should
    normally be open to the inspection of the public ... This does not apply to correspondence
    written in connection with legal proceedings, contractual matters or any other matter where
    papers can remain 'exempt' ... or if this would be in conflict with the data protection
    legislation"). None where the council's protocol has no such rule."""
    council = enquiry.council
    if not protocol_settings.setting(council, "public_inspection"):
        return None
    cited = protocol_settings.setting_source(council, "public_inspection")
    if enquiry.kept_confidential:
        return Inspection(
            False, "it is confidential until the member or the officer says otherwise", cited
        )
    if enquiry.relates_to_legal_proceedings:
        return Inspection(False, "it relates to legal proceedings", cited)
    if has_attachments is None:
        has_attachments = enquiry.pk is not None and enquiry.attachments.exists()
    if enquiry.resident_reference or has_attachments:
        return Inspection(
            False, "it holds a resident's personal data (data protection legislation)", cited
        )
    return Inspection(True, "released from confidence, and no exception applies", cited)
