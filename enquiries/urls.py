from django.urls import path, re_path

from enquiries import views

app_name = "enquiries"
REFERENCE = r"(?P<reference>[A-Za-z0-9]{1,3}-ENQ-[0-9]{4}-[0-9]{5})"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("queue/reassign/", views.bulk_reassign, name="bulk-reassign"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    re_path(rf"^{REFERENCE}/$", views.detail, name="detail"),
    re_path(rf"^{REFERENCE}/export\.csv$", views.export, name="export"),
    re_path(rf"^{REFERENCE}/reopen/$", views.reopen, name="reopen"),
    re_path(rf"^{REFERENCE}/attachments/(?P<pk>[0-9]+)/$", views.attachment, name="attachment"),
    re_path(rf"^{REFERENCE}/(?P<name>[a-z-]+)/$", views.act, name="act"),
]
