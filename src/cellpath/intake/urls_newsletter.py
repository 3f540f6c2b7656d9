"""The newsletter (included in the `intake` namespace: names are `intake:newsletter…`)."""

from django.urls import path

from cellpath.intake import views_newsletter

urlpatterns = [
    path("newsletter/", views_newsletter.subscribe, name="newsletter"),
    path("newsletter/check-your-inbox/", views_newsletter.check, name="newsletter-check"),
    path("newsletter/confirm/<str:token>/", views_newsletter.confirm, name="newsletter-confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views_newsletter.unsubscribe,
        name="newsletter-unsubscribe",
    ),
    path("newsletter/export.csv", views_newsletter.export, name="newsletter-export"),
]
