from django.urls import path

from access_requests import intake, views
from protocol_portal.web.actions import case_urls

app_name = "access_requests"
urlpatterns = [
    *case_urls(list=views.request_list, create=views.request_create, detail=views.request_detail),
    path("log/", intake.request_log, name="log"),
    *views.pages.urls(),
    path("<int:pk>/releases/<int:release_pk>/", views.release_download, name="download"),
    path("foi/<int:pk>/", views.foi_detail, name="foi-detail"),
    path("foi/<int:pk>/answer/", views.foi_answer, name="foi-answer"),
]
