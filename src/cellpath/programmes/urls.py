from django.urls import path

from cellpath.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("compare/", views.programme_compare, name="compare"),
    path("mine/", views.programme_mine, name="mine"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/before-you-go-further/", views.programme_before, name="before"),
    path("<slug:slug>/edit/", views.programme_edit, name="edit"),
]
