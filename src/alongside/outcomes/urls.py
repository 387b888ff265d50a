from django.urls import include, path

from alongside.outcomes import views

app_name = "outcomes"

# A service's outcomes, below /outcomes/services/<slug>/.
service_urlpatterns = [
    path("", views.service_outcomes, name="service"),
    path("rtw.svg", views.service_rtw_chart, name="service_rtw_chart"),
    path("schedule/", views.schedule, name="schedule"),
    path("licences/<slug:instrument_id>/", views.licence, name="licence"),
]

# One questionnaire due: staff send a link for it or enter its answers.
due_urlpatterns = [
    path("link/", views.link_issue, name="link_issue"),
    path("enter/", views.enter_answers, name="enter"),
]

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<int:due_id>/", views.own_answer, name="own_answer"),
    path("patients/<int:patient_id>/", views.patient_outcomes, name="patient"),
    path("due/<int:due_id>/", include(due_urlpatterns)),
    path("responses/<int:response_id>/correct/", views.correct_answers, name="correct"),
    path("services/<slug:slug>/", include(service_urlpatterns)),
]

# The patient's one-time link lives at a short address of its own: /q/<token>/.
link_urlpatterns = [
    path("thanks/", views.thanks, name="thanks"),
    path("<str:token>/", views.link_answer, name="link"),
]
