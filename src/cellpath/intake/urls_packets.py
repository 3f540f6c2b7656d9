"""The information packet and the contact form (included in the `intake` namespace)."""

from django.urls import path

from cellpath.intake import views_packets

urlpatterns = [
    path("info-packet/", views_packets.packet_request, name="packet-request"),
    path("info-packet/sent/<str:token>/", views_packets.packet_sent, name="packet-sent"),
    path("info-packet/<str:token>.pdf", views_packets.packet_download, name="packet-download"),
    path("contact/", views_packets.contact, name="contact"),
    path("contact/sent/", views_packets.contact_sent, name="contact-sent"),
]
