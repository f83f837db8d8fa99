"""Staff pages of the kernel for the Monitoring Officer and the site admin: the subject-access
export, who could see a case, and the register of determinations."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from protocol_portal.casework import access, determinations, permissions
from protocol_portal.casework.exports import csv_safe
from protocol_portal.casework.models import SubjectAccessExport
from protocol_portal.casework.subject_access import (
    may_export,
    people_exportable_by,
    subject_access_export,
)
from protocol_portal.org import protocol_settings
from protocol_portal.org.models import Council
from protocol_portal.web.lists import page_of


class SubjectAccessForm(forms.Form):
    username = forms.CharField(
        label="Username of the person who asked",
        max_length=150,
        help_text="The export covers everything held about them in the councils you serve.",
        error_messages={"required": "Enter the username of the person who asked"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        person = self.people.filter(username__iexact=username).first()
        if person is None:
            raise forms.ValidationError(
                "No one with that username is a member or officer of a council you serve"
            )
        return person


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request):
    """Export everything held about one person, third parties redacted (UK GDPR Art. 15)."""
    if not may_export(user=request.user):
        raise Http404("Subject-access exports are for the Monitoring Officer.")
    form = SubjectAccessForm(
        request.POST if request.method == "POST" else None,
        people=people_exportable_by(user=request.user),
    )
    if form.is_valid():
        person = form.cleaned_data["username"]
        now = timezone.now()
        body = subject_access_export(requested_by=request.user, person=person, as_of=now)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{person.username}-{now:%Y%m%d}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response
    recent = SubjectAccessExport.objects.select_related("person", "requested_by").filter(
        requested_by=request.user
    )[:10]
    return render(request, "casework/subject_access.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET"])
def case_access_lookup(request):
    """The Monitoring Officer types a reference to see who could open that case."""
    if not may_export(user=request.user):
        raise Http404("This page is for the Monitoring Officer.")
    reference = request.GET.get("reference", "").strip().upper()
    if reference:
        return redirect("case-access-history", reference=reference[:40])
    return render(request, "casework/case_access_lookup.html")


@login_required
@require_http_methods(["GET"])
def case_access_history(request, reference: str):
    """Who could see a case, from when to when: for the council's Monitoring Officer."""
    case = access.case_by_reference(reference)
    if case is None or not access.may_read_history(request.user, case):
        raise Http404("No such case.")
    rows = [
        {
            "who": row.post.title if row.post_id else str(row.person),
            "holder": row.post.holder if row.post_id else None,
            "audience": access.AUDIENCE_WORDS.get(row.audience, row.audience.replace("_", " ")),
            "since": row.since,
            "until": row.until,
        }
        for row in access.access_history(case)
    ]
    # The paragraph of this council's protocol that keeps a case to those entitled to it: a
    # Tower Hamlets case cites 000 §7.19, never another council's protocol.
    source = protocol_settings.setting_source(case.council, "confidentiality")
    return render(
        request,
        "casework/case_access.html",
        {"case": case, "rows": rows, "confidentiality_source": source},
    )


# --- the Monitoring Officer's register of determinations ----------------------------------------
QUARTER_MONTHS = {
    1: "January to March",
    2: "April to June",
    3: "July to September",
    4: "October to December",
}
QUARTER_YEARS = 6  # how many years of quarters the filter offers, this one included


def _quarters(today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """This quarter and those before it, grouped by year, newest first ("2026-4")."""
    this = (today.month - 1) // 3 + 1
    groups = []
    for year in range(today.year, today.year - QUARTER_YEARS, -1):
        last = this if year == today.year else 4
        groups.append(
            (
                str(year),
                [(f"{year}-{q}", f"{QUARTER_MONTHS[q]} {year}") for q in range(last, 0, -1)],
            )
        )
    return groups


class DeterminationFilterForm(forms.Form):
    """The register's filters: every one optional, every value checked against the choices."""

    council = forms.ChoiceField(label="Council", required=False)
    case_type = forms.MultipleChoiceField(
        label="Case type", required=False, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.MultipleChoiceField(
        label="Outcome", required=False, widget=forms.CheckboxSelectMultiple
    )
    quarter = forms.ChoiceField(label="Quarter made", required=False)
    state = forms.ChoiceField(
        label="Current or superseded",
        required=False,
        choices=[("", "Both"), ("current", "Current only"), ("superseded", "Superseded only")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, councils: list, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [("", "All your councils")] + [
            (str(c.pk), c.name) for c in councils
        ]
        found = determinations.sources()
        self.fields["case_type"].choices = [(s.key, s.case_type) for s in found]
        self.fields["outcome"].choices = [
            (f"{s.key}:{value}", f"{words} ({s.case_type.lower()})")
            for s in found
            for value, words in s.outcomes
        ]
        self.fields["quarter"].choices = [("", "Any quarter"), *_quarters(today)]

    def filters(self, *, council_ids: list[int] | None) -> determinations.Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        councils = council_ids
        if data.get("council"):
            councils = [int(data["council"])]
        since = before = None
        if data.get("quarter"):
            year, quarter = (int(part) for part in data["quarter"].split("-"))
            since = date(year, 3 * quarter - 2, 1)
            before = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return determinations.Filters(
            councils=councils,
            kinds=frozenset(data.get("case_type") or ()),
            outcomes=frozenset(tuple(value.split(":", 1)) for value in data.get("outcome") or ()),
            since=since,
            before=before,
            state=data.get("state") or "",
        )


def _register(request):
    """The register's councils, filter form and rows (None: nothing matches), or 404."""
    councils = permissions.monitored_councils(request.user)
    listed = list(
        Council.objects.order_by("name") if councils is None else councils.order_by("name")
    )
    if councils is not None and not listed:
        raise Http404("The register of determinations is for the Monitoring Officer.")
    form = DeterminationFilterForm(request.GET or None, councils=listed, today=timezone.localdate())
    ids = None if councils is None else [c.pk for c in listed]
    sort = request.GET.get("sort", determinations.DEFAULT_SORT)
    if sort.lstrip("-") not in determinations.SORTS:
        sort = determinations.DEFAULT_SORT
    rows = determinations.register_rows(
        filters=form.filters(council_ids=ids), sort=sort, user=request.user
    )
    return listed, form, rows, sort


@login_required
@require_http_methods(["GET"])
def determination_register(request):
    """Every determination the council's case types record, current and superseded, for its
    Monitoring Officer (or deputy) and the site admin; 404 for anyone else."""
    councils, form, rows, sort = _register(request)
    page = page_of(request, rows if rows is not None else [])
    return render(
        request,
        "casework/determinations.html",
        {
            "filter": SimpleNamespace(form=form),  # the shape of a FilterSet
            "rows": determinations.describe(page),
            "page_obj": page,
            "sort": sort,
            "many_councils": len(councils) > 1,
        },
    )


@login_required
@require_http_methods(["GET"])
def determination_register_csv(request):
    """The register as filtered, every row, for a spreadsheet: UTF-8 with a byte-order mark so
    Excel reads "§" and "’" as written, each cell escaped against formulas."""
    _, _, rows, sort = _register(request)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        ["Reference", "Case type", "Council", "Outcome", "Made on", "Made by", "Current", "Page"]
    )
    for row in determinations.describe(rows.iterator() if rows is not None else []):
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    row["reference"],
                    row["case_type"],
                    row["council_name"],
                    row["outcome_words"],
                    timezone.localtime(row["made_at"]).strftime("%Y-%m-%d %H:%M"),
                    row["made_by"],
                    "superseded" if row["superseded"] else "current",
                    request.build_absolute_uri(row["href"]),
                )
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="determinations-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
