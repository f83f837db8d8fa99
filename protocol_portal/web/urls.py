from django.contrib.auth import views as auth_views
from django.urls import path

from protocol_portal.web import coverage, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_open, name="notice"),
    path("routing/", views.routing_explainer, name="routing-explainer"),
    path("coverage/", coverage.coverage_index, name="coverage-index"),
    path("coverage/<slug:slug>/", coverage.coverage_council, name="coverage"),
    path("coverage/<slug:slug>/coverage.csv", coverage.coverage_csv, name="coverage-csv"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("source-code.zip", views.source_code, name="source-code"),
]
