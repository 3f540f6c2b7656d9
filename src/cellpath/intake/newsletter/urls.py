"""The newsletter (included in the `intake` namespace: names are `intake:newsletter…`)."""

from django.urls import path

from cellpath.intake.newsletter import views

urlpatterns = [
    path("newsletter/", views.subscribe, name="newsletter"),
    path("newsletter/check-your-inbox/", views.check, name="newsletter-check"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="newsletter-confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="newsletter-unsubscribe",
    ),
    path("newsletter/export.csv", views.export, name="newsletter-export"),
]
