"""Flags stored before a withheld interest was flagged only as "a withheld interest": reworded.

Until the need-to-know service stopped describing an interest withheld from the public register
(Localism Act 2011 s.32(2)), a request's `interest_flags` kept the conflict check's words for it:
its kind and the names it matched ("... has a registered contracts interest naming 'acme
facilities ltd', which this request concerns: ..."), and the request's timeline and history
kept them too. This rewrites each such flag as today's service writes it — the withheld
statement and its paragraph, `"withheld": true` — in the request, every history row of it and
the timeline line that repeated it. Flags of published interests keep their words and gain
`"withheld": false`.

An old flag did not say whether its interest was withheld, so it is matched to the member's
register as it is now: a flag naming the kind of one of the member's withheld interests is
reworded, unless the names it quotes match only a published interest of that kind. Where it
is unclear, the flag is reworded (a decider loses detail; nothing withheld is shown).

Historical models only; the reverse does nothing (the old words are not kept anywhere).
"""

from __future__ import annotations

import re

from django.db import migrations

WITHHELD_REASON = "The member has a withheld interest that this request may concern."
_QUOTED = re.compile(r"'([^']*)'")


def _withheld_of(interest) -> bool:
    return interest.sensitive_requested and interest.sensitive_agreed is not False


def _mentions(interest, phrases: list[str]) -> bool:
    text = f"{interest.description} {interest.names}".lower()
    return any(p.lower() in text for p in phrases if p.strip())


def _is_withheld(flag: dict, interests: list) -> bool:
    reason = flag.get("reason", "").lower()
    named = [
        i
        for i in interests
        if f"registered {i.get_category_display().lower()} interest naming" in reason
    ]
    withheld = [i for i in named if _withheld_of(i)]
    if not withheld:
        return False
    naming = reason.partition(" interest naming ")[2].partition(", which this ")[0]
    phrases = _QUOTED.findall(naming)
    if any(_mentions(i, phrases) for i in withheld):
        return True
    published = [i for i in named if not _withheld_of(i)]
    return not any(_mentions(i, phrases) for i in published)


def _reworded(flags, interests) -> tuple[list, list[str]]:
    """The flags as the service writes them now, and the old reasons that were reworded."""
    out, old = [], []
    for flag in flags or []:
        if not isinstance(flag, dict) or "withheld" in flag:
            out.append(flag)
            continue
        if _is_withheld(flag, interests):
            old.append(flag.get("reason", ""))
            out.append(
                {
                    "reason": WITHHELD_REASON,
                    "source": flag.get("source", ""),
                    "blocking": flag.get("blocking", False),
                    "withheld": True,
                }
            )
        else:
            out.append({**flag, "withheld": False})
    return out, old


def reword(apps, schema_editor):
    AccessRequest = apps.get_model("access_requests", "AccessRequest")
    HistoricalAccessRequest = apps.get_model("access_requests", "HistoricalAccessRequest")
    Interest = apps.get_model("interests", "Interest")
    CaseEvent = apps.get_model("casework", "CaseEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(
        app_label="access_requests", model="accessrequest"
    ).first()
    registers: dict[int, list] = {}

    def register(person_id):
        if person_id not in registers:
            registers[person_id] = list(Interest.objects.filter(member__person_id=person_id))
        return registers[person_id]

    requests = AccessRequest.objects.exclude(interest_flags=[]).only(
        "pk", "requester_person_id", "interest_flags"
    )
    for request in requests.iterator(chunk_size=500):
        flags, old = _reworded(request.interest_flags, register(request.requester_person_id))
        if flags == request.interest_flags:
            continue
        AccessRequest.objects.filter(pk=request.pk).update(interest_flags=flags)
        if old and content_type is not None:
            CaseEvent.objects.filter(
                case_type=content_type, case_id=request.pk, kind="interest", detail__in=old
            ).update(detail=WITHHELD_REASON)
    rows = HistoricalAccessRequest.objects.exclude(interest_flags=[]).only(
        "history_id", "requester_person_id", "interest_flags"
    )
    for row in rows.iterator(chunk_size=500):
        flags, _ = _reworded(row.interest_flags, register(row.requester_person_id))
        if flags != row.interest_flags:
            HistoricalAccessRequest.objects.filter(pk=row.pk).update(interest_flags=flags)


class Migration(migrations.Migration):
    dependencies = [
        ("access_requests", "0005_intake_channel_received_at"),
        ("interests", "0004_case_access_replaces_guardian_rows"),
        ("casework", "0007_outbox_delivery_status"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop, elidable=False)]
