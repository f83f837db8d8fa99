from django.urls import path

from access_requests import intake, views
from protocol_portal.web.actions import case_paths, case_urls

app_name = "access_requests"
urlpatterns = [
    *case_urls(list=views.request_list, create=views.request_create, detail=views.request_detail),
    path("log/", intake.request_log, name="log"),
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
