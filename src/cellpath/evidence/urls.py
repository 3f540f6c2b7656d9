from django.urls import path

from cellpath.evidence import views, views_edit

app_name = "evidence"
urlpatterns = [
    path("learn/", views.learn, name="learn"),
    path("learn/<slug:slug>/", views.page, name="page"),
    path("evidence/", views.study_list, name="study-list"),
    path("evidence/studies/<slug:slug>/", views.study, name="study"),
    path("evidence/compare/", views.study_compare, name="study-compare"),
    path("evidence/claims/", views.claim_list, name="claim-list"),
    path("evidence/claims/<slug:slug>/", views.claim, name="claim"),
    path("evidence/references/", views.references, name="references"),
    path("evidence/how-we-grade/", views.grading, name="grading"),
    path("evidence/edit/", views_edit.edit_home, name="edit-home"),
    path("evidence/edit/<str:kind>/new/", views_edit.edit, name="edit-new"),
    path("evidence/edit/<str:kind>/<slug:slug>/", views_edit.edit, name="edit"),
    path("evidence/edit/<str:kind>/<slug:slug>/history/", views_edit.history, name="history"),
    path("evidence/edit/<str:kind>/<slug:slug>/review/", views_edit.review, name="review"),
]
