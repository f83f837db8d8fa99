"""Staff pages of the kernel: the subject-access export (Monitoring Officer and site admin)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from protocol_portal.casework import access
from protocol_portal.casework.models import SubjectAccessExport
from protocol_portal.casework.subject_access import (
    may_export,
    people_exportable_by,
    subject_access_export,
)


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
    return render(request, "casework/case_access.html", {"case": case, "rows": rows})
