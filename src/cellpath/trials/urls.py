from django.urls import path

from cellpath.trials import views

app_name = "trials"
urlpatterns = [
    path("", views.finder, name="finder"),
    path("match/", views.match, name="match"),
    path("match/mine/", views.match_mine, name="match-mine"),
    path("match/patient/<int:pk>/", views.match_patient, name="match-patient"),
    path("alerts/", views.alert_create, name="alert-create"),
    path("alerts/sent/", views.alert_sent, name="alert-sent"),
    path("alerts/confirm/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("alerts/stop/<str:token>/", views.alert_stop, name="alert-stop"),
    path("<str:nct_id>/", views.trial_detail, name="detail"),
]
