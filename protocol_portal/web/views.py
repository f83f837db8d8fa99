"""Pages of the web shell: home, the routing explainer, the accessibility statement and the
source code the site runs (AGPL-3.0 §13).

Nothing here writes: the pages read through selectors and the organisation's routing services.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from protocol_portal.accounts.policy import local_passwords_on, sso_enabled
from protocol_portal.casework.services import notice_mark_read
from protocol_portal.org import routing
from protocol_portal.org.models import Council, Post, RoutingRule
from protocol_portal.web import explainer, selectors
from protocol_portal.web.forms import CouncilPickForm, RouteFactsForm, SignInForm
from protocol_portal.web.home import panels_for
from protocol_portal.web.lists import page_of

NOTICES_ON_HOME = 10
FACT_FIELDS = (
    "case_type",
    "raised_by",
    "concerning",
    "stage",
    "directorate",
    "service_area",
    "subject_post",
)


class SignInView(auth_views.LoginView):
    """The sign-in page: the council's single sign-on button, the password form, or both
    (LOCAL_PASSWORDS and OIDC_RP_CLIENT_ID; protocol_portal/accounts/README.md)."""

    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not local_passwords_on():
            context = self.get_context_data(form=None, passwords_refused=True)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso"] = sso_enabled()
        context["sso_name"] = settings.OIDC_PROVIDER_NAME
        context["local_passwords"] = local_passwords_on()
        if not context["local_passwords"]:
            context["form"] = None
        return context


@login_required
def home(request):
    """What is the signed-in person's to do: case panels, unread notices, posts and seats."""
    person = request.user
    panels = panels_for(request)
    context = {
        # A panel may be a call to action ("start": text and url) rather than a list.
        "starts": [p["start"] for p in panels if "start" in p],
        "panels": [p for p in panels if "start" not in p],
        "notices": selectors.unread_notices_for(person=person, limit=NOTICES_ON_HOME),
        "notice_count": selectors.unread_notice_count(person=person),
        "posts": selectors.posts_of(person=person),
        "memberships": selectors.memberships_of(person=person),
    }
    return render(request, "web/home.html", context)


@login_required
def notice_open(request, pk: int):
    """Open a notice: it is marked read and the reader goes to its case. Only the notice's own
    recipient may open it (anyone else's is a 404, as one that does not exist); a notice about
    no case, or one since deleted, is shown here."""
    notice = selectors.notice_for(person=request.user, pk=pk)
    if notice is None:
        raise Http404("No such notice.")
    notice_mark_read(notice=notice, as_of=timezone.now())
    case = notice.message.case if notice.message.case_type_id else None
    url = getattr(case, "get_absolute_url", None)
    if url is not None:
        return redirect(url())
    return render(request, "web/notice.html", {"notice": notice})


@login_required
def notices(request):
    """Every notice the person may still see, newest first, unread ones marked."""
    page = page_of(request, selectors.notices_for(person=request.user))
    return render(request, "web/notices.html", {"page_obj": page, "notices": page.object_list})


@login_required
def routing_explainer(request):
    """For admins and member services (who route enquiries every day): pick a council and a
    case's facts, see the rule and who it reaches today, as a real case would be routed."""
    councils = list(explainer.councils_for_explainer(user=request.user))
    if not councils and not request.user.is_staff:
        raise Http404("The routing explainer is for administrators and member services.")
    picker = CouncilPickForm(
        request.GET if "council" in request.GET else None,
        councils=councils,
        initial={"council": councils[0].slug} if len(councils) == 1 else None,
    )
    context = {"picker": picker, "councils": councils, "form": None}
    if picker.is_bound and picker.is_valid():
        context.update(_council_explainer(request, picker.cleaned_data["council"]))
    return render(request, "web/routing_explainer.html", context)


def _council_explainer(request, council: Council) -> dict:
    rules = list(RoutingRule.objects.filter(council=council))
    posts = list(
        Post.objects.filter(council=council)
        .select_related("directorate", "holder")
        .order_by("title")
    )
    form = RouteFactsForm(
        request.GET if "case_type" in request.GET else None,
        rules=rules,
        directorates=list(council.directorates.order_by("name")),
        posts=posts,
        service_areas=list(council.service_areas.select_related("directorate").order_by("name")),
        initial={"raised_by": "member", "concerning": routing.ANY, "stage": routing.FIRST_STAGE},
    )
    explanation = routing_error = facts_text = None
    if form.is_bound and form.is_valid():
        facts = form.facts()
        facts_text = explainer.facts_in_words(facts)
        area = form.cleaned_data["service_area"]
        ctx = explainer.explainer_context(
            council=council,
            # A real enquiry's directorate is its service area's (enquiries.services.intake).
            directorate=form.cleaned_data["directorate"] or (area.directorate if area else None),
            subject_post=form.cleaned_data["subject_post"],
            service_area_slug=area.slug if area else "",
        )
        query = {"council": council.slug} | {
            name: request.GET.get(name, "") for name in FACT_FIELDS if request.GET.get(name)
        }
        try:
            explanation = explainer.explain(council=council, facts=facts, ctx=ctx, query=query)
        except routing.RoutingError as exc:
            routing_error = str(exc)
        except ValidationError as exc:  # the case type's own routing found nobody to handle it
            routing_error = " ".join(exc.messages)
    applied = explanation.route.rule_key if explanation else None
    return {
        "council": council,
        "form": form,
        "explanation": explanation,
        "routing_error": routing_error,
        "facts_text": facts_text,
        "rule_count": len(rules),
        "rule_head": explainer.RULE_TABLE_HEAD,
        "rule_tables": explainer.rule_tables(council=council, rules=rules, applied_key=applied),
    }


def accessibility(request):
    """The accessibility statement: public, as the 2018 regulations expect."""
    return render(request, "web/accessibility.html")


class SourceUnavailableError(Exception):
    """This copy of the site was not installed from git, so which files are its source is not
    known: offering the working tree could ship local secrets (security probe F12)."""


def _tracked_files(root: Path) -> list[str]:
    """The files git tracks in the repository at `root` (never untracked or ignored ones)."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        raise SourceUnavailableError
    try:
        listed = subprocess.run(
            [git, "-C", str(root), "ls-files", "-z", "--cached"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise SourceUnavailableError from exc
    return sorted(name for name in listed.decode().split("\0") if name)


@cache
def _source_archive(root: Path) -> bytes:
    """A zip of the files git tracks, as they are in the working copy (the code that runs,
    local edits to tracked files included); or a prebuilt zip (`SOURCE_ARCHIVE`) where the site
    was installed without its git history, as the Docker image is."""
    prebuilt = getattr(settings, "SOURCE_ARCHIVE", "")
    if prebuilt:
        try:
            return Path(prebuilt).read_bytes()
        except OSError as exc:
            raise SourceUnavailableError from exc
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in _tracked_files(root):
            file = root / name
            if file.is_file() and not file.is_symlink():  # a tracked file deleted locally: gone
                archive.write(file, Path("protocol-portal") / name)
    return buffer.getvalue()


def source_code(request):
    """The Corresponding Source of this site, offered to everyone who uses it (AGPL-3.0 §13):
    a zip of the code it runs, built once per process."""
    try:
        archive = _source_archive(settings.BASE_DIR)
    except SourceUnavailableError:
        return render(request, "web/source_unavailable.html", status=503)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="protocol-portal-source.zip"'
    return response
