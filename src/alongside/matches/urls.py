from django.urls import path

from alongside.matches import views

app_name = "matches"
M = "<int:match_id>/"
S = "services/<slug:slug>/"
urlpatterns = [
    path("", views.match_list, name="list"),
    path(M, views.match_detail, name="detail"),
    path(M + "patient-agreed/", views.record_patient_agree, name="record_patient_agree"),
    path(M + "activate/", views.match_activate, name="activate"),
    path(M + "withdraw/", views.match_withdraw, name="withdraw"),
    path(M + "end/", views.match_end, name="end"),
    path(M + "reviewed/", views.match_review_clear, name="review_clear"),
    path("patients/<int:patient_id>/find/", views.find_mentor, name="find"),
    path("patients/<int:patient_id>/propose/", views.propose, name="propose"),
    path(S + "waiting/", views.waiting, name="waiting"),
    path(S + "batch/", views.batch_plan, name="batch_plan"),
    path(S + "batch/<int:job_id>/", views.batch_job, name="batch_job"),
    path(S + "batch/publish/", views.batch_publish, name="batch_publish"),
    path(S + "weights/", views.weights, name="weights"),
    path(S + "weights/preview/", views.weights_preview, name="weights_preview"),
    path(S + "engagement/", views.engagement_report, name="engagement"),
    path("mentees/", views.mentees, name="mentees"),
    path("mentees/" + M, views.mentee, name="mentee"),
    path("mentees/" + M + "accept/", views.mentee_accept, name="mentee_accept"),
    path("mentees/" + M + "decline/", views.mentee_decline, name="mentee_decline"),
    path("mine/", views.mine, name="mine"),
    path("mine/" + M + "agree/", views.mine_agree, name="mine_agree"),
    path("mine/" + M + "decline/", views.mine_decline, name="mine_decline"),
]
