"""The API schema and its docs page (security probe F14; code review B2): for signed-in people
only, and Swagger UI served from this site, so it runs under the site's own CSP."""

import re

import pytest
from django.urls import reverse

from protocol_portal.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["api-schema", "api-docs"])
def test_anonymous_visitors_get_neither_the_schema_nor_the_docs(client, name):
    response = client.get(reverse(name))
    assert response.status_code in (302, 403)
    assert b"openapi" not in response.content


def test_a_signed_in_person_gets_the_schema(client):
    client.force_login(Person.objects.create_user("reader", password="a-long-password-1"))
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert b"Protocol Portal API" in response.content


def test_the_docs_page_loads_only_this_sites_own_scripts_and_styles(client):
    client.force_login(Person.objects.create_user("reader", password="a-long-password-1"))
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in url for url in urls)
    assert [url for url in urls if not url.startswith("/")] == []
    assert "cdn.jsdelivr.net" not in html
    # No inline script, which script-src 'self' would block: the start-up script is a URL too.
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]
    [start] = [url for url in urls if "script" in url and "swagger-ui" not in url]
    script = client.get(start.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
