from django.urls import path

from alongside.privacy import views

app_name = "privacy"
urlpatterns = [
    path("erasures/", views.erasure_list, name="erasures"),
    path("retention/<slug:slug>/", views.retention_edit, name="retention"),
    path("erasures/request/", views.erasure_request_view, name="erasure_request"),
    path("erasures/<int:erasure_id>/", views.erasure_decide, name="erasure"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("access-review/", views.access_review, name="access_review"),
]
