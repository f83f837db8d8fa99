"""Top-level URLs: the web shell, each case type, the admin and the API."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Each case app registers its viewsets on the shared router when its api module is imported.
import access_requests.api  # noqa: F401
import complaints.api  # noqa: F401
import enquiries.api  # noqa: F401
import interests.api  # noqa: F401
import protocol_portal.org.api  # noqa: F401
from protocol_portal.accounts import oidc
from protocol_portal.accounts import views as accounts_views
from protocol_portal.api import router
from protocol_portal.casework import views as casework_views
from protocol_portal.ops.health import MonitoringHealthCheckView
from protocol_portal.web.demo import demo_logins

# JSON under /api/, the GOV.UK pages elsewhere (protocol_portal/api.py); under DEBUG as well
# (protocol_portal/web/errors.py). 403 is Django's default view on templates/403.html.
handler400 = "protocol_portal.web.errors.bad_request"
handler404 = "protocol_portal.api.not_found"
handler500 = "protocol_portal.api.server_error"

urlpatterns = [
    path("", include("protocol_portal.web.urls")),
    path("enquiries/", include("enquiries.urls")),
    path("complaints/", include("complaints.urls")),
    path("interests/", include("interests.urls")),
    path("access-requests/", include("access_requests.urls")),
    path("demo/logins/", demo_logins, name="demo-logins"),  # 404 unless settings.DEMO
    path("subject-access/", casework_views.subject_access, name="subject-access"),
    path("case-access/", casework_views.case_access_lookup, name="case-access"),
    path("determinations/", casework_views.determination_register, name="determinations"),
    path(
        "determinations/csv/",
        casework_views.determination_register_csv,
        name="determinations-csv",
    ),
    path(
        "case-access/<str:reference>/",
        casework_views.case_access_history,
        name="case-access-history",
    ),
    path("", include("protocol_portal.accounts.urls")),
    # Single sign-on: the names are mozilla-django-oidc's.
    path("oidc/authenticate/", oidc.SignInStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
    # One sign-in page for the whole site, with its two-step verification (and none at all
    # when local passwords are off): the admin's own password form is not used.
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Signed-in people only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]). Swagger UI comes from
    # this site (drf-spectacular-sidecar) and its start-up script from ?script, not inline, so
    # the page runs under the site's CSP (script-src 'self').
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The council's monitoring only (protocol_portal/ops/health.py); 404 for anyone else.
    path("health/", MonitoringHealthCheckView.as_view(), name="health"),
]
