"""helpdesk at the root and Django's admin, as helpdesk's demo project mounts them (its ticket
page links to the submitter's admin page, so it needs the admin's URLs). Bench only."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
