from django.urls import path

from alongside.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<int:due_id>/", views.own_answer, name="own_answer"),
    path("patients/<int:patient_id>/", views.patient_outcomes, name="patient"),
    path("due/<int:due_id>/link/", views.link_issue, name="link_issue"),
    path("due/<int:due_id>/enter/", views.enter_answers, name="enter"),
    path("responses/<int:response_id>/correct/", views.correct_answers, name="correct"),
    path("services/<slug:slug>/", views.service_outcomes, name="service"),
    path("services/<slug:slug>/rtw.svg", views.service_rtw_chart, name="service_rtw_chart"),
    path("services/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("services/<slug:slug>/licences/<slug:instrument_id>/", views.licence, name="licence"),
]

# The patient's one-time link lives at a short address of its own: /q/<token>/.
link_urlpatterns = [
    path("thanks/", views.thanks, name="thanks"),
    path("<str:token>/", views.link_answer, name="link"),
]
