"""The information packet (included in the `intake` namespace: names are `intake:packet…`)."""

from django.urls import path

from cellpath.intake.packets import views

urlpatterns = [
    path("info-packet/", views.packet_request, name="packet-request"),
    path("info-packet/sent/<str:token>/", views.packet_sent, name="packet-sent"),
    path("info-packet/<str:token>.pdf", views.packet_download, name="packet-download"),
]
