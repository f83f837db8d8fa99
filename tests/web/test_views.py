"""The web shell: signing in and out, the home page, the routing explainer and public pages."""

import io
import re
import subprocess
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.template import loader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from protocol_portal.casework.models import Notice, OutboxMessage
from protocol_portal.org.models import (
    CalendarKind,
    Council,
    Directorate,
    Member,
    MemberRole,
    MemberRoleKind,
    Person,
    PoliticalGroup,
    Post,
    PostKind,
    RoutingRule,
    Ward,
)
from protocol_portal.org.services import post_set_holder
from protocol_portal.web import home
from protocol_portal.web.home import register_panel, unregister_panel

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"


@pytest.fixture
def council():
    return Council.objects.create(slug="testshire", name="Testshire District Council")


@pytest.fixture
def person():
    return Person.objects.create_user(
        "alice", password=PASSWORD, first_name="Alice", last_name="Adeyemi"
    )


@pytest.fixture
def staff():
    return Person.objects.create_user(
        "ada", password=PASSWORD, first_name="Ada", last_name="Admin", is_staff=True
    )


@pytest.fixture
def routed(council):
    """A small council: a Chief Executive, a Monitoring Officer, two directorates and rules."""
    housing = Directorate.objects.create(council=council, slug="housing", name="Housing")
    planning = Directorate.objects.create(council=council, slug="planning", name="Planning")

    def post(slug, title, kind, holder=None, **kw):
        p = Post.objects.create(council=council, slug=slug, title=title, kind=kind, **kw)
        if holder:
            person = Person.objects.create_user(
                slug, first_name=holder.split()[0], last_name=holder.split()[1]
            )
            post_set_holder(post=p, holder=person)
        return p

    ce = post("ce", "Chief Executive", PostKind.CHIEF_EXECUTIVE, "Chloe Chowdhury")
    post("mo", "Monitoring Officer", PostKind.MONITORING_OFFICER, "Maya Mensah", line_manager=ce)
    post(
        "dir-housing",
        "Director of Housing",
        PostKind.DIRECTOR,
        "Dev Doyle",
        directorate=housing,
        line_manager=ce,
    )
    post(
        "dir-planning",
        "Director of Planning",
        PostKind.DIRECTOR,
        "Priya Patel",
        directorate=planning,
        line_manager=ce,
    )
    RoutingRule.objects.create(
        council=council,
        key="complaint-about-director",
        case_type="complaint",
        raised_by="member",
        concerning="director",
        stage="first",
        handler_kind="director",
        handler_of="subject_directorate",
        copied=[{"kind": "monitoring_officer", "of": "council"}],
        deadline_days=3,
        deadline_calendar=CalendarKind.CALENDAR,
        next_stage="review",
        informal_first="Raise it with the director informally first.",
        source="000 §11.3",
        note="The director of the service acknowledges.",
    )
    RoutingRule.objects.create(
        council=council,
        key="complaint-review",
        case_type="complaint",
        raised_by="member",
        concerning="director",
        stage="review",
        handler_kind="chief_executive",
        source="000 §11.5",
    )
    RoutingRule.objects.create(
        council=council,
        key="enquiry-all",
        case_type="enquiry",
        raised_by="member",
        concerning="any",
        stage="first",
        handler_kind="director",
        handler_of="case_directorate",
        deadline_days=10,
        source="000 §7.1",
    )
    return council


def _scripts_and_styles_are_external(html: str) -> None:
    # The CSP is script-src 'self' and style-src 'self': nothing inline may be relied on.
    assert "style=" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag


# ---- signing in and out ------------------------------------------------------------------


def test_sign_in_page_renders_with_the_portal_layout(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to Protocol Portal" in html
    assert "govuk/govuk-frontend.min.css" in html
    assert 'type="module"' in html
    assert "Skip to main content" in html
    assert reverse("accessibility") in html
    assert "govuk-crest" not in html
    _scripts_and_styles_are_external(html)


def test_signing_in_with_the_right_password_goes_home(client, person):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "Alice Adeyemi" in client.get(reverse("home")).content.decode()


def test_a_wrong_password_is_explained_and_the_username_kept(client, person):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert 'href="#id_username"' in html
    assert 'value="alice"' in html
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_puts_each_message_next_to_its_field(client):
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert 'id="id_username-error"' in html
    assert "Enter your username" in html
    assert 'id="id_password-error"' in html
    assert "Enter your password" in html
    assert 'aria-describedby="id_username-error"' in html


def test_lockout_page_explains_the_pause(client, person, settings):
    settings.AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert "try again in 1 hour" in response.content.decode()


def test_sign_out_needs_a_post(client, person):
    client.force_login(person)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_header_offers_sign_out_as_a_form(client, person):
    client.force_login(person)
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<form method="post" action="/logout/"', html)
    assert "csrfmiddlewaretoken" in html


# ---- home --------------------------------------------------------------------------------


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _notice(person, council, subject, *, read=False, minutes_ago=0):
    message = OutboxMessage.objects.create(
        key=f"test:{subject}",
        council=council,
        subject=subject,
        body="…",
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return Notice.objects.create(
        message=message, person=person, read_at=timezone.now() if read else None
    )


def _give_work(person, council, n):
    """n unread notices, n posts and a seat with n roles for `person`."""
    tag = f"{council.slug}-{person.username}-{n}"
    ward = Ward.objects.create(council=council, slug=f"ward-{tag}", name="Hoxton East")
    group = PoliticalGroup.objects.create(council=council, slug=f"group-{tag}", name="Labour Group")
    member = Member.objects.create(council=council, person=person, ward=ward, group=group)
    for i in range(n):
        _notice(person, council, f"Enquiry TES-ENQ-{tag}-{i} is due tomorrow", minutes_ago=i)
        post = Post.objects.create(
            council=council, slug=f"p-{tag}-{i}", title=f"Officer {i}", kind=PostKind.OFFICER
        )
        post_set_holder(post=post, holder=person)
        MemberRole.objects.create(member=member, kind=MemberRoleKind.WHIP)


def test_home_shows_unread_notices_posts_and_seats(client, person, council):
    _give_work(person, council, 2)
    _notice(person, council, "Already read", read=True)
    client.force_login(person)
    html = client.get(reverse("home")).content.decode()
    assert "Enquiry TES-ENQ-testshire-alice-2-0 is due tomorrow" in html
    assert "Already read" not in html
    assert "Officer 1" in html
    assert "Hoxton East" in html
    assert "Labour Group" in html
    assert "Whip" in html
    # The header names the council the person belongs to.
    assert html.count("Testshire District Council") >= 2


def test_home_lists_the_newest_ten_notices(client, person, council):
    for i in range(12):
        _notice(person, council, f"Notice number {i:02d}", minutes_ago=i)
    client.force_login(person)
    html = client.get(reverse("home")).content.decode()
    assert "Notice number 00" in html
    assert "Notice number 09" in html
    assert "Notice number 10" not in html
    assert "Showing the newest 10." in html


def test_home_answers_in_a_constant_number_of_queries(
    client, person, council, django_assert_max_num_queries, monkeypatch
):
    # The shell's own queries; each case app's panel is held to the same rule in its own tests.
    monkeypatch.setattr(home, "_panels", [])
    monkeypatch.setattr(home, "case_apps", list)  # the case apps' specs' panels
    client.force_login(person)
    _give_work(person, council, 1)
    # Warm up: the first page a process serves fills its caches (the content types of the case
    # types, which notices are filtered by). Run alone the test paid that inside `some` (16
    # queries against 8); after other tests it did not. One page first measures both the same.
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as some:
        client.get(reverse("home"))
    for slug in ("otherton", "elsewhere"):
        other = Council.objects.create(slug=slug, name=f"{slug.title()} Borough Council")
        _give_work(person, other, 8)
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as lots:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.content.decode().count("is due tomorrow") == 10
    assert len(some) == len(lots)


def test_home_shows_the_panels_case_apps_register(client, person):
    def enquiries_panel(request):
        return {
            "title": "Enquiries to answer",
            "count": 2,
            "url": "/enquiries/",
            "items": [
                {
                    "text": "TES-ENQ-2026-00001",
                    "url": "/enquiries/1/",
                    "hint": "Bins not collected",
                    "tag": "Overdue",
                    "tag_colour": "red",
                },
                "TES-ENQ-2026-00002",
            ],
        }

    def nothing_to_do(request):
        return None

    register_panel(enquiries_panel)
    register_panel(nothing_to_do)
    try:
        client.force_login(person)
        html = client.get(reverse("home")).content.decode()
    finally:
        unregister_panel(enquiries_panel)
        unregister_panel(nothing_to_do)
    assert "Enquiries to answer" in html
    assert 'href="/enquiries/1/"' in html
    assert "govuk-tag--red" in html
    assert "TES-ENQ-2026-00002" in html


# ---- routing explainer -------------------------------------------------------------------


def test_explainer_is_for_staff(client, staff, routed):
    client.force_login(staff)
    response = client.get(reverse("routing-explainer"))
    assert response.status_code == 200
    assert "Routing explainer" in response.content.decode()
    assert "Testshire District Council" in response.content.decode()


def test_explainer_is_not_found_for_everyone_else(client, person, routed):
    client.force_login(person)
    response = client.get(reverse("routing-explainer"), {"council": "testshire"})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_explainer_needs_sign_in(client):
    response = client.get(reverse("routing-explainer"))
    assert response.status_code == 302


def _explain(client, **facts):
    query = {
        "council": "testshire",
        "case_type": "complaint",
        "raised_by": "member",
        "concerning": "director",
        "stage": "first",
    } | facts
    return client.get(reverse("routing-explainer"), query)


def test_explainer_shows_the_rule_its_paragraph_and_who_it_reaches(client, staff, routed):
    client.force_login(staff)
    html = _explain(client, directorate="housing").content.decode()
    assert "complaint-about-director" in html
    assert "000 §11.3" in html
    assert "Director of Housing" in html
    assert "Dev Doyle" in html
    assert "Monitoring Officer" in html
    assert "Maya Mensah" in html
    assert "3 calendar days" in html
    assert "Raise it with the director informally first." in html
    assert "The director of the service acknowledges." in html
    # The next stage links to its own explanation.
    assert "stage=review" in html


def test_explainer_follows_the_picked_directorate(client, staff, routed):
    client.force_login(staff)
    html = _explain(client, directorate="planning").content.decode()
    assert "Director of Planning" in html
    assert "Priya Patel" in html


def test_explainer_next_stage(client, staff, routed):
    client.force_login(staff)
    html = _explain(client, stage="review").content.decode()
    assert "complaint-review" in html
    assert "Chloe Chowdhury" in html
    assert "None: this is the last stage" in html


def test_explainer_lists_every_rule_with_a_link_that_fills_the_form(client, staff, routed):
    client.force_login(staff)
    html = client.get(reverse("routing-explainer"), {"council": "testshire"}).content.decode()
    for key in ("complaint-about-director", "complaint-review", "enquiry-all"):
        assert key in html
    assert "?council=testshire&amp;case_type=enquiry&amp;raised_by=member" in html


def test_an_unknown_council_is_an_error_next_to_the_field(client, staff, routed):
    client.force_login(staff)
    response = client.get(reverse("routing-explainer"), {"council": "atlantis"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_council-error"' in html
    assert "Select a council from the list" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("case_type", "parking_ticket", "Select a case type from the list"),
        ("concerning", "<script>", "Select what the case concerns from the list"),
        ("stage", "", "Select a stage"),
        ("directorate", "atlantis", "Select a directorate of this council from the list"),
    ],
)
def test_bad_facts_are_errors_next_to_the_field(client, staff, routed, field, value, message):
    client.force_login(staff)
    response = _explain(client, **{field: value})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert "<script>" not in html.split("<body", 1)[1].replace('<script type="module"', "")


def test_facts_no_rule_covers_give_a_message_not_an_error(client, staff, routed):
    client.force_login(staff)
    response = _explain(client, case_type="enquiry", stage="review")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No single rule of Testshire District Council applies" in html
    assert "No routing rule" in html


def test_explainer_without_councils_says_what_to_do(client, staff):
    client.force_login(staff)
    html = client.get(reverse("routing-explainer")).content.decode()
    assert "No councils are loaded yet" in html


# ---- public pages and errors -------------------------------------------------------------


def test_accessibility_statement_is_public(client):
    response = client.get(reverse("accessibility"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "WCAG" in html
    assert "2.2" in html
    assert "axe-core" in html
    assert "member services" in html
    _scripts_and_styles_are_external(html)


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_the_source_code_is_offered_to_everyone_who_uses_the_site(client, settings, tmp_path):
    """AGPL-3.0 §13: the footer offers the code the site runs, built from git: the zip never
    carries an untracked or git-ignored file (security probe F12: the local database, an .env,
    bench results), only the tracked files, as they are in the working copy."""
    assert reverse("source-code") in client.get(reverse("accessibility")).content.decode()
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("var/\n.env\n__pycache__/\n")
    for name in ("LICENSE", "manage.py"):
        (tmp_path / name).write_text(name)
    (tmp_path / "enquiries").mkdir()
    (tmp_path / "enquiries" / "models.py").write_text("# models")
    _git(tmp_path, "add", ".gitignore", "LICENSE", "manage.py", "enquiries/models.py")
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "portal.sqlite3").write_bytes(b"SQLite format 3")  # ignored
    (tmp_path / ".env").write_text("SECRET_KEY=x")  # ignored
    (tmp_path / "enquiries" / "notes.py").write_text("# a stray, untracked file")
    (tmp_path / "bench" / "results").mkdir(parents=True)
    (tmp_path / "bench" / "results" / "run.json").write_text("{}")  # untracked
    (tmp_path / "manage.py").write_text("# edited locally, as it runs")
    settings.BASE_DIR = tmp_path
    response = client.get(reverse("source-code"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {
        "protocol-portal/.gitignore",
        "protocol-portal/LICENSE",
        "protocol-portal/manage.py",
        "protocol-portal/enquiries/models.py",
    }
    assert archive.read("protocol-portal/manage.py") == b"# edited locally, as it runs"


def test_without_git_the_source_is_never_zipped_from_the_working_tree(client, settings, tmp_path):
    (tmp_path / "manage.py").write_text("manage.py")
    (tmp_path / ".env").write_text("SECRET_KEY=x")
    settings.BASE_DIR = tmp_path
    response = client.get(reverse("source-code"))
    assert response.status_code == 503
    assert "cannot be downloaded from this server" in response.content.decode()
    prebuilt = tmp_path / "source.zip"
    prebuilt.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip, as git archive makes
    settings.SOURCE_ARCHIVE = str(prebuilt)
    response = client.get(reverse("source-code"))
    assert response.status_code == 200
    assert response.content == prebuilt.read_bytes()


def test_not_found_page_uses_the_portal_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-footer" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    html = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" not in html


def test_forbidden_page_renders(rf):
    html = loader.get_template("403.html").render({}, rf.get("/"))
    assert "You cannot do that" in html


def test_signed_in_pages_keep_to_the_content_security_policy(client, staff, routed):
    client.force_login(staff)
    for url in (reverse("home"), reverse("routing-explainer") + "?council=testshire"):
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        _scripts_and_styles_are_external(response.content.decode())


@pytest.mark.parametrize(("unread", "badge"), [(3, "3"), (99, "99"), (100, "99+"), (130, "99+")])
def test_the_unread_badge_counts_up_to_99(client, person, council, unread, badge):
    """The header counts unread notices only as far as its badge shows ("99+"): someone who
    never opens their notices has hundreds, each checked against the access policy on every
    page (bench/README.md, issue 17). The notices page lists them all."""
    now = timezone.now()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(key=f"test:{i}", council=council, subject=f"S{i}", body="…", created_at=now)
        for i in range(unread)
    )
    Notice.objects.bulk_create(Notice(message=m, person=person) for m in messages)
    client.force_login(person)
    html = client.get(reverse("notices")).content.decode()
    assert re.search(rf'moj-notification-badge">{re.escape(badge)}<', html), html[:3000]
