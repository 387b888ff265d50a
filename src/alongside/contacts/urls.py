from django.urls import include, path

from alongside.contacts import views

app_name = "contacts"

# One pair's contacts, below /contacts/match/<id>/.
match_urlpatterns = [
    path("", views.match_contacts, name="match"),
    path("log/", views.contact_log, name="log"),
    path("crisis/", views.crisis, name="crisis"),
    path("survey/", views.survey, name="survey"),
]

concern_urlpatterns = [
    path("", views.concerns, name="concerns"),
    path("<int:concern_id>/", views.concern_detail, name="concern"),
    path("<int:concern_id>/acknowledge/", views.concern_acknowledge, name="concern_acknowledge"),
    path("<int:concern_id>/close/", views.concern_close, name="concern_close"),
]

urlpatterns = [
    path("", views.mine, name="mine"),
    path("pairs/", views.pairs, name="pairs"),
    path("match/<int:match_id>/", include(match_urlpatterns)),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("concerns/", include(concern_urlpatterns)),
    path("settings/<int:service_id>/", views.engagement_settings, name="settings"),
]
