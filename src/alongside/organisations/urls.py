from django.urls import path

from alongside.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("<slug:slug>/", views.service_settings, name="settings"),
]
