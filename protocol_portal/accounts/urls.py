from django.urls import path

from protocol_portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/no-account/", views.no_account, name="no-account"),
    path("sign-in/two-step/", views.two_step_verify, name="two-step-verify"),
    path("account/two-step/", views.two_step, name="two-step"),
    path("account/two-step/set-up/", views.two_step_set_up, name="two-step-set-up"),
    path("account/two-step/backup-codes/", views.backup_codes, name="backup-codes"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
