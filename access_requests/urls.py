from django.urls import path

from access_requests import views

app_name = "access_requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/refer/", views.request_refer, name="refer"),
    path("<int:pk>/dispute/", views.request_dispute, name="dispute"),
    path("<int:pk>/foi/", views.request_foi, name="foi"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/release/", views.request_release, name="release"),
    path("<int:pk>/releases/<int:release_pk>/", views.release_download, name="download"),
    path("foi/<int:pk>/", views.foi_detail, name="foi-detail"),
    path("foi/<int:pk>/answer/", views.foi_answer, name="foi-answer"),
]
