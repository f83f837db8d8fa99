"""One function enforces every case type's table of legal moves (STYLE habit 3 and 4)."""

from __future__ import annotations

from collections.abc import Mapping


class TransitionError(ValueError):
    """The move is not allowed from the case's current status."""


def check_transition(*, table: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    """True if the move must happen, False if the case is already there (idempotent no-op).

    Raises TransitionError when the table does not allow the move: loud on conflict.
    """
    if current == target:
        return False
    if target not in table.get(current, frozenset()):
        raise TransitionError(f"A case that is {current!r} cannot become {target!r}.")
    return True
