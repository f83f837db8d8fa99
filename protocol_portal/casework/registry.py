"""Case types register here so the kernel can sweep their clocks without importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from protocol_portal.org.models import ChaserRung, Post


@dataclass(frozen=True)
class CaseTypeSpec:
    label: str  # "enquiries.Enquiry"
    # Called inside the chaser's transaction after a rung is written: grant escalation access,
    # record breach, etc.
    on_rung: Callable[[object, ChaserRung, list[Post], datetime], None] | None = None
    # The same for a batch of rungs (case, rung, posts) fired in one transaction, when the case
    # type can do it in fewer queries than rung by rung; the sweep prefers it to `on_rung`.
    on_rungs: Callable[[list[tuple[object, ChaserRung, list[Post]]], datetime], None] | None = None

    @property
    def model(self):
        return apps.get_model(self.label)


_specs: dict[str, CaseTypeSpec] = {}


def register(spec: CaseTypeSpec) -> None:
    _specs[spec.label] = spec


def spec_for(label: str) -> CaseTypeSpec:
    return _specs[label]


def all_specs() -> list[CaseTypeSpec]:
    return list(_specs.values())
