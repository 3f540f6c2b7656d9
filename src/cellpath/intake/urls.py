from django.urls import include, path

from cellpath.intake import views, views_criteria, views_triage

app_name = "intake"
urlpatterns = [
    path("", include("cellpath.intake.urls_newsletter")),
    path("", include("cellpath.intake.urls_packets")),
    path("apply/", views.start, name="start"),
    path("apply/<str:token>/review/", views.review, name="review"),
    path("apply/<str:token>/documents/", views.documents, name="documents"),
    path("apply/<str:token>/result/", views.result, name="result"),
    path("apply/<str:token>/trials/", views.trials, name="trials"),
    path("apply/<str:token>/<slug:slug>/", views.step, name="step"),
    path("applications/", views_triage.queue, name="queue"),
    path("applications/messages/", views_triage.inbox, name="inbox"),
    path("applications/criteria/<slug:slug>/", views_criteria.criteria, name="criteria"),
    path("applications/<str:reference>/", views_triage.detail, name="detail"),
    path("applications/<str:reference>/status/", views_triage.transition, name="transition"),
    path("applications/<str:reference>/notes/", views_triage.note, name="note"),
    path("applications/<str:reference>/email/", views_triage.email, name="email"),
    path("applications/<str:reference>/assign/", views_triage.assign, name="assign"),
    path("applications/<str:reference>/convert/", views_triage.convert, name="convert"),
    path(
        "applications/<str:reference>/documents/<int:pk>/",
        views_triage.document,
        name="document",
    ),
]
