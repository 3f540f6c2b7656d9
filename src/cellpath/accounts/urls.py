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
    path("audit/export/", views.audit_export, name="audit-export"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.people_invite, name="people-invite"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/roles/", views.person_role_add, name="person-role-add"),
    path(
        "people/<int:pk>/roles/<int:membership_id>/remove/",
        views.person_role_remove,
        name="person-role-remove",
    ),
    path("people/<int:pk>/active/", views.person_active, name="person-active"),
    path("people/<int:pk>/authenticator/", views.person_mfa_reset, name="person-mfa-reset"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("sites/<int:site_id>/members/", views.site_members, name="site-members"),
]
