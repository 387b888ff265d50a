from django.urls import path

from alongside.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("<slug:slug>/", views.service_settings, name="settings"),
    path("<slug:slug>/settings/", views.service_hub, name="hub"),
    path("<slug:slug>/closures/", views.closures, name="closures"),
    path(
        "<slug:slug>/closures/<int:closure_id>/remove/", views.closure_remove, name="closure_remove"
    ),
]
