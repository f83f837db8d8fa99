"""The GOV.UK 400, 403, 404, 500 and CSRF pages, with DEBUG on (the laptop demo's default) and
off: never Django's technical pages (URL list, traceback) unless TECHNICAL_ERROR_PAGES asks."""

import pytest
from django.test import Client

from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]

# Words only Django's technical and diagnostic pages use.
TECHNICAL = ("Using the URLconf", "Traceback", "SECRET-TRACEBACK-DETAIL", "CSRF verification")
GOVUK = '<h1 class="govuk-heading-l">'


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    settings.TECHNICAL_ERROR_PAGES = False
    return request.param


@pytest.fixture
def client_in():
    client = Client(raise_request_exception=False)
    client.force_login(PersonFactory())
    return client


def _page(response, status, heading):
    body = response.content.decode()
    assert response.status_code == status
    assert GOVUK + heading in body, body[:400]
    assert 'class="govuk-header' in body or "govuk-template" in body
    for word in TECHNICAL:
        assert word not in body
    return body


@pytest.mark.parametrize("path", ["/no-such-page/", "/enquiries/no/such/thing/"])
def test_a_path_nothing_matches_is_the_govuk_404(debug, client_in, path):
    _page(client_in.get(path), 404, "Page not found")


def test_a_404_raised_by_a_view_is_the_govuk_404(debug, client_in):
    _page(client_in.get("/boom/404/"), 404, "Page not found")


def test_a_404_signed_out_is_the_govuk_404(debug):
    _page(Client().get("/no-such-page/"), 404, "Page not found")


def test_a_missing_slash_is_still_redirected(debug, client_in):
    response = client_in.get("/accessibility")
    assert response.status_code == 301
    assert response["Location"] == "/accessibility/"


def test_403(debug, client_in):
    _page(client_in.get("/boom/403/"), 403, "You cannot do that")


@pytest.mark.parametrize("path", ["/boom/400/", "/boom/400-suspicious/"])
def test_400(debug, client_in, path):
    _page(client_in.get(path), 400, "Sorry, the request could not be understood")


def test_500(debug, client_in):
    _page(client_in.get("/boom/500/"), 500, "Sorry, there is a problem with the service")


def test_a_500_is_logged_with_its_traceback(settings, client_in, caplog):
    settings.DEBUG = True
    client_in.get("/boom/500/")
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert errors
    assert errors[0].exc_info is not None


def test_a_500_reaches_the_test_client_as_an_exception_like_any_other(settings):
    # got_request_exception is sent, so listeners (Sentry, the test client) still hear of it.
    settings.DEBUG = True
    client = Client()
    client.force_login(PersonFactory())
    with pytest.raises(RuntimeError, match="SECRET-TRACEBACK-DETAIL"):
        client.get("/boom/500/")


def test_a_failed_csrf_check_is_the_govuk_page(debug):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    _page(response, 403, "Sorry, your form could not be sent")


def test_the_api_still_answers_json(debug, client_in):
    response = client_in.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_technical_pages_only_when_asked(settings, client_in):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    assert "Using the URLconf" in client_in.get("/no-such-page/").content.decode()
    assert "SECRET-TRACEBACK-DETAIL" in client_in.get("/boom/500/").content.decode()
