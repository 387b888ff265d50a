from django.urls import path

from alongside.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("pairs/", views.pairs, name="pairs"),
    path("match/<int:match_id>/", views.match_contacts, name="match"),
    path("match/<int:match_id>/log/", views.contact_log, name="log"),
    path("match/<int:match_id>/crisis/", views.crisis, name="crisis"),
    path("match/<int:match_id>/survey/", views.survey, name="survey"),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern"),
    path(
        "concerns/<int:concern_id>/acknowledge/",
        views.concern_acknowledge,
        name="concern_acknowledge",
    ),
    path("concerns/<int:concern_id>/close/", views.concern_close, name="concern_close"),
    path("settings/<int:service_id>/", views.engagement_settings, name="settings"),
]
