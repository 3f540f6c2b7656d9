"""The contact form (included in the `intake` namespace: names are `intake:contact…`)."""

from django.urls import path

from cellpath.intake.contact import views

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact-sent"),
]
