from django.urls import path

from complaints import intake, views
from protocol_portal.web.actions import case_urls

app_name = "complaints"
urlpatterns = [
    *case_urls(
        list=views.complaint_list, create=views.complaint_create, detail=views.complaint_detail
    ),
    path("log/", intake.complaint_log, name="log"),
    path("mo/", views.mo_desk, name="mo-desk"),
    path("summaries/", views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary"),
    path("summaries/<int:pk>/csv/", views.summary_csv, name="summary-csv"),
    *views.pages.urls(),
    path(
        "<int:pk>/determinations/<int:determination_pk>/supersede/",
        views.determination_supersede,
        name="supersede",
    ),
]
