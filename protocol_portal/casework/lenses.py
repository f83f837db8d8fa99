"""What one person may see and do on one case: the "lens" a case app's selectors decide and
its pages, API and templates only read (STYLE habit 10).

The web and API layers (`web.actions.CasePages`, `api.case_by_key`) ask a lens for `.any`
before showing a case at all, then for one flag per action. A case app extends `Lens` with its
own flags and fills it from the permissions the person holds, read once::

    @dataclass(frozen=True)
    class Lens(lenses.Lens):
        decide: bool = False

    def request_lens(*, user, request):
        held = access.perms_for(user, request)  # one query
        return Lens.of(held, perms.VIEW, decide=perms.DECIDE, respond=perms.RESPOND)
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Self


def _codename(perm: str) -> str:
    return perm.rpartition(".")[2]


@dataclass(frozen=True)
class Lens:
    """Whether the person may view the case, and respond to it as the person who raised it;
    nothing is set for someone who may not see it (a lens that answers `.any` False is a 404)."""

    view: bool = False
    respond: bool = False

    @property
    def any(self) -> bool:
        return self.view

    @classmethod
    def of(cls, held: Collection[str], view: str, **flags: str) -> Self:
        """The lens of someone holding the permissions `held` ("app.codename" or the codename
        alone): nothing unless they hold `view`; then `view` and each keyword flag set where
        they hold the permission it names."""
        codenames = {_codename(perm) for perm in held}
        if _codename(view) not in codenames:
            return cls()
        return cls(view=True, **{flag: _codename(p) in codenames for flag, p in flags.items()})
