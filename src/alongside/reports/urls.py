from django.urls import path

from alongside.reports import views

app_name = "reports"
S = "<slug:slug>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("all-services/", views.rollup, name="rollup"),
    path("all-services/start/", views.rollup_start, name="rollup_start"),
    path("all-services/<int:job_id>/", views.rollup_job, name="rollup_job"),
    path(S, views.dashboard, name="dashboard"),
    path(S + "print/", views.dashboard, name="print"),
    path(S + "charts/<slug:name>.svg", views.chart, name="chart"),
    path(S + "fidelity/", views.fidelity, name="fidelity"),
    path(S + "research/", views.research_export, name="research"),
    path(S + "research/settings/", views.research_settings, name="research_settings"),
    path("jobs/new/", views.list_export, name="list_export"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job_download"),
]
