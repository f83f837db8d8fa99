"""A need-to-know request's statuses, the one table of legal moves, and its vocabularies.

A request goes to the post the council's rules name for its presumption (protocols/README.md
section 4). A presumed request is granted by the holder, or referred with reasons to the next
stage the rule names; the rest are decided by the council's determiner. A refusal may be
disputed where the council has a dispute route, and the dispute's outcome is final. A request
that is not need-to-know (or that the member asks to be) becomes an FOI request.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted: awaiting a decision"
    REFERRED = "referred", "Referred to the determiner"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    DISPUTED = "disputed", "Disputed: awaiting the final decision"
    FOI = "foi", "Being handled as an FOI request"
    WITHDRAWN = "withdrawn", "Withdrawn"


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset(
        {Status.GRANTED, Status.REFUSED, Status.REFERRED, Status.FOI, Status.WITHDRAWN}
    ),
    Status.REFERRED: frozenset({Status.GRANTED, Status.REFUSED, Status.FOI, Status.WITHDRAWN}),
    # A second dispute of a final outcome is refused by the service, not the table.
    Status.REFUSED: frozenset({Status.DISPUTED, Status.FOI}),
    Status.DISPUTED: frozenset({Status.GRANTED, Status.REFUSED, Status.WITHDRAWN}),
    Status.GRANTED: frozenset(),
    Status.FOI: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.REFERRED, Status.DISPUTED})
DECIDABLE = OPEN_STATUSES


class Part(models.TextChoices):
    PART_1 = "part_1", "Part I (public)"
    PART_2 = "part_2", "Part II (exempt or confidential)"


class Purpose(models.TextChoices):
    WARD = "ward", "A problem in my ward"
    PORTFOLIO = "portfolio", "My Cabinet portfolio"
    COMMITTEE = "committee", "A committee I sit on"
    SCRUTINY = "scrutiny", "Scrutiny"
    OTHER = "other", "Something else"


class Presumption(models.TextChoices):
    """How the request will be treated (the engine in `presumptions.py`)."""

    STATUTORY = "statutory_right", "Statutory right"
    PRIMA_FACIE = "prima_facie", "Prima facie need to know"
    MUST_JUSTIFY = "must_justify", "Must justify the need to know in writing"
    NO_RIGHT = "no_right", "No right of access"


# The routing vocabulary's `concerning` values for access requests (fixtures/councils/SCHEMA.md).
CONCERNING: dict[str, str] = {
    Presumption.STATUTORY: "presumed",
    Presumption.PRIMA_FACIE: "presumed",
    Presumption.MUST_JUSTIFY: "must_justify",
    Presumption.NO_RIGHT: "no_right",
}
PRESUMED = frozenset({Presumption.STATUTORY, Presumption.PRIMA_FACIE})


class Outcome(models.TextChoices):
    GRANTED = "granted", "Granted"
    PARTLY_GRANTED = "partly_granted", "Partly granted (some withheld or redacted)"
    REFUSED = "refused", "Refused"


class Ground(models.TextChoices):
    """Refusal grounds, as a checklist taken from the protocols (`presumptions.GROUNDS`)."""

    FISHING = "fishing", "Fishing, a roving commission or idle curiosity"
    ULTERIOR = (
        "ulterior_purpose",
        "An ulterior or improper purpose (personal gain, solely party political)",
    )
    OWN_INTEREST = (
        "own_interest",
        "The member's own private, professional or business interest, or a registered interest",
    )
    HOSTILE_PROCEEDINGS = (
        "hostile_proceedings",
        "Supporting a party hostile to the council in proceedings",
    )
    DISPROPORTIONATE = (
        "disproportionate_effort",
        "Disproportionate staff effort for marginal benefit",
    )
    CONFIDENTIAL = "confidential_exempt", "Confidential or exempt information"
    OTHER_GROUP = "other_group_papers", "Another political group's internal papers"
    PERSONAL_RECORDS = "personal_records", "Personal records of an individual"
    DRAFT_POLICY = (
        "draft_policy",
        "Draft policy or a draft committee report, open only to the administration's group",
    )


class FoiStatus(models.TextChoices):
    OPEN = "open", "Open: awaiting the response"
    ANSWERED = "answered", "Answered"
