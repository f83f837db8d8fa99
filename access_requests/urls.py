from django.urls import path

from access_requests import intake, views
from protocol_portal.web.actions import case_paths

app_name = "access_requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("log/", intake.request_log, name="log"),
    path("<int:pk>/", views.request_detail, name="detail"),
    *case_paths(
        decide=views.request_decide,
        refer=views.request_refer,
        dispute=views.request_dispute,
        foi=views.request_foi,
        withdraw=views.request_withdraw,
        release=views.request_release,
    ),
    path("<int:pk>/releases/<int:release_pk>/", views.release_download, name="download"),
    path("foi/<int:pk>/", views.foi_detail, name="foi-detail"),
    path("foi/<int:pk>/answer/", views.foi_answer, name="foi-answer"),
]
