"""Case types register here so the kernel can serve them without importing them.

Each case app's `AppConfig.ready` registers one `CaseTypeSpec`: its clock hooks for the chaser
sweep, its navigation entry, its home-page panels, its retention defaults, the routing case types
it answers to, its audiences (who may see and do what, casework/access.py), and its hooks into
the kernel (conflict checker, calendar listener, demo seed).
The kernel iterates the registry for each of these, so no kernel module names a case app, and a
new case type is a matter of filling in a spec (README: "Adding a case type").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps

from protocol_portal.casework.access import AccessSpec, declare
from protocol_portal.casework.determinations import DeterminationSource
from protocol_portal.org.models import ChaserRung, Post

# (months after closure, RetentionAction value, why): see casework/retention.py.
RetentionDefault = tuple[int, str, str]


@dataclass(frozen=True)
class NavEntry:
    """A case area in the site's navigation (WCAG 2.4.5: every page reachable two ways).

    `by_role` narrows who sees it: the first (role, URL name) whose role the signed-in person
    has ("member", "officer", "monitoring") gives the link; none matching hides the entry. Empty:
    everyone signed in sees `url_name`.
    """

    text: str
    url_name: str
    namespace: str
    by_role: tuple[tuple[str, str], ...] = ()

    def url_name_for(self, roles: Mapping[str, bool]) -> str | None:
        if not self.by_role:
            return self.url_name
        return next((name for role, name in self.by_role if roles.get(role)), None)


@dataclass(frozen=True)
class CaseTypeSpec:
    label: str  # the case model, "app_label.ModelName"
    # Called inside the chaser's transaction after a rung is written: grant escalation access,
    # record breach, etc.
    on_rung: Callable[[object, ChaserRung, list[Post], datetime], None] | None = None
    # The same for a batch of rungs (case, rung, posts) fired in one transaction, when the case
    # type can do it in fewer queries than rung by rung; the sweep prefers it to `on_rung`.
    on_rungs: Callable[[list[tuple[object, ChaserRung, list[Post]]], datetime], None] | None = None

    # ---- the case-type kit: everything below is optional.
    # The app's other case models with a clock of their own (swept like this one).
    also: tuple[CaseTypeSpec, ...] = ()
    nav: NavEntry | None = None
    # Home-page panel functions (protocol_portal/web/home.py), in the order shown.
    panels: tuple[Callable, ...] = ()
    # Retention default per case model of the app (model label -> RetentionDefault); a model
    # not listed gets retention.FALLBACK.
    retention: Mapping[str, RetentionDefault] = field(default_factory=dict)
    # The `org.CaseType` values whose routing rules and chaser ladders this app uses.
    routing_case_types: tuple[str, ...] = ()
    # Kernel hooks: the conflict checker every case type obeys (casework/conflicts.py), the
    # listener told when a council's calendar changes (org/services.py on_calendar_change),
    # and the demo seed (org/demo.py).
    conflict_checker: Callable | None = None
    on_calendar_change: Callable | None = None
    demo: Callable | None = None
    # Who may see and do what, derived from the case (casework/access.py); a case type without
    # one is still answered from explicit guardian grants.
    access: AccessSpec | None = None
    # The audiences of the app's other case models that have no clock of their own (so are not
    # swept, as `also` would have them), each declared as `access` is.
    also_access: tuple[AccessSpec, ...] = ()
    # Where the case type records determinations, for the Monitoring Officer's register
    # (casework/determinations.py); empty for a case type that records none.
    determinations: tuple[DeterminationSource, ...] = ()
    # Where a case with some routing facts goes, computed by the code the app's real cases run
    # (council, Facts, RoutingContext) -> org.services.RoutePreview; the routing explainer calls
    # it for the app's `routing_case_types`. None: the explainer resolves the rule itself.
    route_preview: Callable | None = None

    @property
    def model(self):
        return apps.get_model(self.label)

    @property
    def app_label(self) -> str:
        return self.label.split(".", 1)[0]


_specs: dict[str, CaseTypeSpec] = {}
_apps: dict[str, CaseTypeSpec] = {}


def register(spec: CaseTypeSpec) -> None:
    """Register a case app's spec (and its `also` clocks); connect its kernel hooks once."""
    from protocol_portal.casework.conflicts import register_checker
    from protocol_portal.org.demo import register_demo_hook
    from protocol_portal.org.services import on_calendar_change

    first = spec.label not in _specs
    for one in (spec, *spec.also):
        _specs[one.label] = one
        if one.access is not None:
            declare(one.access)
        for other in one.also_access:
            declare(other)
    _apps[spec.app_label] = spec
    if not first:
        return
    if spec.conflict_checker is not None:
        register_checker(spec.conflict_checker)
    if spec.on_calendar_change is not None:
        on_calendar_change(spec.on_calendar_change)
    if spec.demo is not None:
        register_demo_hook(spec.demo)


def spec_for(label: str) -> CaseTypeSpec:
    return _specs[label]


def all_specs() -> list[CaseTypeSpec]:
    """Every case model with a clock the chaser sweep serves."""
    return list(_specs.values())


def case_apps() -> list[CaseTypeSpec]:
    """One spec per registered case app, in the order the apps were installed."""
    return list(_apps.values())


def route_preview_for(case_type: str) -> Callable | None:
    """The registered route preview of the app answering to a routing case type, if any."""
    for spec in _apps.values():
        if case_type in spec.routing_case_types and spec.route_preview is not None:
            return spec.route_preview
    return None
