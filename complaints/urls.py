from django.urls import path

from complaints import intake, views
from protocol_portal.web.actions import case_paths

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("log/", intake.complaint_log, name="log"),
    path("mo/", views.mo_desk, name="mo-desk"),
    path("summaries/", views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary"),
    path("summaries/<int:pk>/csv/", views.summary_csv, name="summary-csv"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/investigator/", views.complaint_nominate, name="nominate"),
    *case_paths(
        acknowledge=views.complaint_acknowledge,
        outcome=views.complaint_outcome,
        disciplinary=views.complaint_disciplinary,
        respond=views.complaint_respond,
        withdraw=views.complaint_withdraw,
        release=views.complaint_release,
        determine=views.complaint_determine,
    ),
    path(
        "<int:pk>/determinations/<int:determination_pk>/supersede/",
        views.determination_supersede,
        name="supersede",
    ),
]
