from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_create, name="create"),
    path("mo/", views.mo_desk, name="mo-desk"),
    path("summaries/", views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary"),
    path("summaries/<int:pk>/csv/", views.summary_csv, name="summary-csv"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.complaint_acknowledge, name="acknowledge"),
    path("<int:pk>/investigator/", views.complaint_nominate, name="nominate"),
    path("<int:pk>/outcome/", views.complaint_outcome, name="outcome"),
    path("<int:pk>/disciplinary/", views.complaint_disciplinary, name="disciplinary"),
    path("<int:pk>/respond/", views.complaint_respond, name="respond"),
    path("<int:pk>/withdraw/", views.complaint_withdraw, name="withdraw"),
    path("<int:pk>/release/", views.complaint_release, name="release"),
    path("<int:pk>/determine/", views.complaint_determine, name="determine"),
    path(
        "<int:pk>/determinations/<int:determination_pk>/supersede/",
        views.determination_supersede,
        name="supersede",
    ),
]
