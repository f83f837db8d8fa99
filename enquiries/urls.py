from django.urls import path, re_path

from enquiries import intake_views, views
from enquiries.models import Enquiry
from protocol_portal.casework.references import reference_pattern

app_name = "enquiries"
# Any reference a council's code allows (VOWH-ENQ-2026-00001 as well as HAC-ENQ-2026-00042).
REFERENCE = rf"(?P<reference>{reference_pattern(Enquiry.REFERENCE_PREFIX)})"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("queue/reassign/", views.bulk_reassign, name="bulk-reassign"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("log/", intake_views.log_for_member, name="log"),
    path("set-aside/", intake_views.set_aside, name="set-aside"),
    path("set-aside/<int:pk>/", intake_views.set_aside_detail, name="set-aside-detail"),
    re_path(rf"^{REFERENCE}/$", views.detail, name="detail"),
    re_path(rf"^{REFERENCE}/export\.csv$", views.export, name="export"),
    re_path(rf"^{REFERENCE}/reopen/$", views.reopen, name="reopen"),
    re_path(rf"^{REFERENCE}/attachments/(?P<pk>[0-9]+)/$", views.attachment, name="attachment"),
    re_path(rf"^{REFERENCE}/(?P<name>[a-z-]+)/$", views.act, name="act"),
]
