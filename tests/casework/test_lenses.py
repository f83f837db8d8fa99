"""The kernel's lens (`casework.lenses`): what one person may see and do on one case, filled
from the permissions they hold. Pure: no case and no database."""

from __future__ import annotations

from dataclasses import dataclass

from protocol_portal.casework import lenses

VIEW = "things.view_thing"
DECIDE = "things.decide_thing"
RESPOND = "things.respond_to_thing"


@dataclass(frozen=True)
class Lens(lenses.Lens):
    decide: bool = False


def test_a_lens_sees_nothing_by_default():
    lens = lenses.Lens()
    assert (lens.view, lens.respond, lens.any) == (False, False, False)


def test_each_flag_follows_the_permission_it_names():
    lens = Lens.of({VIEW, DECIDE}, VIEW, decide=DECIDE, respond=RESPOND)
    assert lens == Lens(view=True, decide=True, respond=False)
    assert lens.any


def test_codenames_alone_are_read_as_well_as_full_names():
    # casework.access.perms_for answers codenames; an app's permission set may be "app.codename".
    assert Lens.of({"view_thing", "respond_to_thing"}, VIEW, respond=RESPOND) == Lens(
        view=True, respond=True
    )


def test_without_view_no_other_flag_is_set():
    # Someone who may not see the case is told nothing of it, whatever else they hold.
    assert Lens.of({DECIDE, RESPOND}, VIEW, decide=DECIDE, respond=RESPOND) == Lens()
