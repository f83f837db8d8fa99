"""The coverage map pages: every paragraph of a council's protocol and how the portal treats it.

For the council's staff and the site admin (`access.may_view_coverage`). The paragraph index is
the reviewed file `fixtures/protocols/<protocol>.yaml` (`org.coverage`); rule links go to the
routing explainer filled in with that rule's facts. Nothing here writes.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from protocol_portal.casework.access import coverage_councils, may_view_coverage
from protocol_portal.casework.exports import csv_safe
from protocol_portal.org import coverage
from protocol_portal.org.models import Council, RoutingRule
from protocol_portal.web import explainer

CSV_HEAD = [
    "Paragraph",
    "Unnumbered in the text",
    "Summary",
    "How the portal treats it",
    "Case type",
    "Rules",
    "Engine",
    "Tests",
    "Reason",
]


def _council_for(request, slug: str) -> Council:
    """The council, if this person may see its map; otherwise the same 404 as no such council."""
    council = Council.objects.filter(slug=slug[:50]).first()
    if council is None or not may_view_coverage(request.user, council):
        raise Http404("No coverage map here.")
    return council


@login_required
@require_http_methods(["GET"])
def coverage_index(request):
    """The councils whose map this person may open; straight to it when there is only one."""
    councils = list(coverage_councils(request.user).order_by("name"))
    if not councils:
        raise Http404("The coverage map is for council staff.")
    if len(councils) == 1:
        return redirect("coverage", slug=councils[0].slug)
    return render(request, "web/coverage_index.html", {"councils": councils})


def _rule_links(council: Council, keys) -> list[dict]:
    rules = {r.key: r for r in RoutingRule.objects.filter(council=council, key__in=list(keys))}
    base = reverse("routing-explainer")
    links = []
    for key in keys:
        rule = rules.get(key)
        href = None
        if rule is not None:
            query = urlencode(
                {
                    "council": council.slug,
                    "case_type": rule.case_type,
                    "raised_by": rule.raised_by,
                    "concerning": rule.concerning,
                    "stage": rule.stage,
                }
            )
            href = f"{base}?{query}#result"
        links.append({"key": key, "href": href})
    return links


@login_required
@require_http_methods(["GET"])
def coverage_council(request, slug: str):
    council = _council_for(request, slug)
    index = coverage.index_for(council.protocol)
    rows = []
    if index is not None:
        keys = {key for p in index.paragraphs for key in p.rules}
        links = {link["key"]: link for link in _rule_links(council, sorted(keys))}
        for p in index.paragraphs:
            rows.append(
                {
                    "p": p,
                    # "12.5" → "p-12-5", "7.6(ii)" → "p-7-6-ii": a link can point at a paragraph.
                    "anchor": "p-" + re.sub(r"[^a-z0-9]+", "-", p.number.lower()).strip("-"),
                    "colour": coverage.STATUS_COLOURS.get(p.status, "grey"),
                    "case_type": coverage.CASE_TYPES.get(p.case_type, ""),
                    "rules": [links[key] for key in p.rules],
                }
            )
    counts = {status: 0 for status in coverage.STATUSES}
    for row in rows:
        counts[row["p"].status] = counts.get(row["p"].status, 0) + 1
    context = {
        "council": council,
        "index": index,
        "rows": rows,
        "coverage": coverage.coverage(index) if index is not None else [],
        "guidance_count": counts["guidance"],
        "out_of_scope_count": counts["out-of-scope"],
        # The routing explainer is for administrators and the council's member services
        # (web.views.routing_explainer).
        "may_explain": explainer.councils_for_explainer(user=request.user)
        .filter(pk=council.pk)
        .exists(),
    }
    return render(request, "web/coverage.html", context)


@login_required
@require_http_methods(["GET"])
def coverage_csv(request, slug: str):
    """The map as a spreadsheet: UTF-8 with a byte-order mark so Excel reads "§" as written, and
    every cell escaped against formulas (`casework.exports.csv_safe`)."""
    council = _council_for(request, slug)
    index = coverage.index_for(council.protocol)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEAD)
    for p in index.paragraphs if index is not None else []:
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    f"{council.protocol} §{p.number}",
                    "yes" if p.unnumbered else "",
                    p.summary,
                    p.status_label,
                    coverage.CASE_TYPES.get(p.case_type, ""),
                    "; ".join(p.rules),
                    p.engine,
                    "; ".join(p.tests),
                    p.reason,
                )
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="coverage-{council.slug}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
