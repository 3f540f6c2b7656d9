from django.contrib.auth import views as auth_views
from django.urls import path

from cellpath.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.mfa_verify, name="mfa-verify"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("authenticator/", views.mfa_setup, name="mfa-setup"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("audit/", views.audit_log, name="audit-log"),
    path("sites/<int:site_id>/members/", views.site_members, name="site-members"),
]
