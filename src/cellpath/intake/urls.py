from django.urls import include, path

from cellpath.intake.views import apply, criteria, triage, trials

app_name = "intake"
urlpatterns = [
    path("", include("cellpath.intake.newsletter.urls")),
    path("", include("cellpath.intake.packets.urls")),
    path("", include("cellpath.intake.contact.urls")),
    path("apply/", apply.start, name="start"),
    path("apply/<str:token>/review/", apply.review, name="review"),
    path("apply/<str:token>/documents/", apply.documents, name="documents"),
    path("apply/<str:token>/result/", apply.result, name="result"),
    path("apply/<str:token>/trials/", trials.trials, name="trials"),
    path("apply/<str:token>/<slug:slug>/", apply.step, name="step"),
    path("applications/", triage.queue, name="queue"),
    path("applications/messages/", triage.inbox, name="inbox"),
    path("applications/criteria/<slug:slug>/", criteria.criteria, name="criteria"),
    path("applications/<str:reference>/", triage.detail, name="detail"),
    path("applications/<str:reference>/status/", triage.transition, name="transition"),
    path("applications/<str:reference>/notes/", triage.note, name="note"),
    path("applications/<str:reference>/email/", triage.email, name="email"),
    path("applications/<str:reference>/assign/", triage.assign, name="assign"),
    path("applications/<str:reference>/convert/", triage.convert, name="convert"),
    path(
        "applications/<str:reference>/documents/<int:pk>/",
        triage.document,
        name="document",
    ),
]
