from django.urls import path

from interests import views

app_name = "interests"
urlpatterns = [
    path("", views.index, name="index"),
    path("relationships/new/", views.relationship_declare, name="relationship-declare"),
    path("relationships/<int:pk>/", views.relationship_detail, name="relationship-detail"),
    path(
        "relationships/<int:pk>/<slug:action>/",
        views.relationship_close,
        name="relationship-close",
    ),
    path("register/", views.register_mine, name="register-mine"),
    path("register/interests/<int:pk>/remove/", views.interest_remove, name="interest-remove"),
    path(
        "register/interests/<int:pk>/sensitivity/",
        views.interest_sensitivity,
        name="interest-sensitivity",
    ),
    path(
        "register/returns/<int:pk>/submit/",
        views.register_return_submit,
        name="register-return-submit",
    ),
    path("register/<slug:slug>/", views.register_public, name="register-public"),
    path("acting-against/new/", views.acting_against_new, name="acting-against-new"),
    path("acting-against/<int:pk>/", views.acting_against_detail, name="acting-against-detail"),
    path(
        "acting-against/<int:pk>/withdraw/",
        views.acting_against_withdraw,
        name="acting-against-withdraw",
    ),
    path("advice/new/", views.advice_new, name="advice-new"),
    path("advice/<int:pk>/", views.advice_detail, name="advice-detail"),
    path("advice/<int:pk>/withdraw/", views.advice_withdraw, name="advice-withdraw"),
]
