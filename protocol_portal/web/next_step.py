"""What a case page leads with: the outcome or the next step, who has it and by when.

Each case app has a function that reads the case as it stands for this reader and returns a
`NextStep` (enquiries/next_step.py is the example); every case page renders it with the one
partial, `components/next_step.html`: a GOV.UK notification banner, the protocol's reasons behind
a "Why?" details component, and "What you can do" (never an empty heading).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse

from protocol_portal.web.dates import due_for


@dataclass(frozen=True)
class Action:
    """Something the reader may do now: a link, or a button that posts (`post=True`)."""

    text: str
    href: str
    post: bool = False
    hint: str = ""


@dataclass(frozen=True)
class NextStep:
    heading: str  # "Reply to the officer's question", "Answered on 6 December 2026"
    body: str = ""  # the answer, the question, the decision's reasons
    who: str = ""  # "With the Housing Officer (Yasmin Silva)"
    by: date | None = None  # when the next step is due
    due_text: str = ""  # "due in 3 working days"
    overdue: bool = False
    done: bool = False  # an outcome: shown as a success banner
    # Ended without an outcome (withdrawn, a relationship that ended): a grey banner, not green.
    ended: bool = False
    why: tuple[str, ...] = ()  # the protocol's reasons and paragraph citations, behind "Why?"
    actions: tuple[Action, ...] = field(default_factory=tuple)
    nothing: str = "There is nothing for you to do on this case now."
    # The one action the banner offers as well (the reader's next step), by its text.
    primary_text: str = ""

    @property
    def buttons(self) -> list[Action]:
        return [a for a in self.actions if a.post]

    @property
    def links(self) -> list[Action]:
        return [a for a in self.actions if not a.post]

    @property
    def primary(self) -> Action | None:
        """The action the banner links to: on a phone the side column is screens away."""
        return next((a for a in self.actions if a.text == self.primary_text and not a.post), None)

    @property
    def kind(self) -> str:
        """ "ended" (grey), "done" (green), "overdue" (red) or "next" (blue): the banner's style,
        in the tag colours' scheme (web/tags.py)."""
        if self.ended:
            return "ended"
        if self.done:
            return "done"
        return "overdue" if self.overdue else "next"

    @property
    def css_class(self) -> str:
        """The banner's modifier class for its kind ("" for the default blue)."""
        return {
            "ended": "portal-next-step--ended",
            "done": "govuk-notification-banner--success",
            "overdue": "portal-next-step--overdue",
        }.get(self.kind, "")

    @property
    def title(self) -> str:
        return {
            "ended": "Ended",
            "done": "Outcome",
            "overdue": "Overdue",
        }.get(self.kind, "What happens next")


def latest(events, kind: str):
    """The newest timeline event of this kind among those already read (no query)."""
    found = None
    for event in events:
        if event.kind == kind:
            found = event
    return found


def held_by(post) -> str:
    """ "the Housing Officer (Yasmin Silva)", or "the Housing Officer" while the post is vacant."""
    if post is None:
        return ""
    holder = getattr(post, "holder", None)
    name = holder.get_full_name() if holder is not None else ""
    return f"the {post.title} ({name})" if name else f"the {post.title}"


def action_urls(namespace: str, case) -> Callable[[str], str]:
    """`url("decide")`: the address of the case's action page `<namespace>:decide`."""
    return lambda name: reverse(f"{namespace}:{name}", args=[case.pk])


def clock(case, *, by: date | None, today: date, breached: bool = False) -> dict:
    """A next step's `by`, `due_text` and `overdue` for a step due on `by` (the case's
    calendar, `web.dates.due_for`); `breached` makes a breached case overdue whatever is left."""
    due = due_for(case, today=today, due_on=by) if by else None
    overdue = bool(due and due.overdue) or (breached and case.breached_on is not None)
    return {"by": by, "due_text": due.text if due else "", "overdue": overdue}
