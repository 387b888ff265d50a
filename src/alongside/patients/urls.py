from django.urls import path

from alongside.patients import views

app_name = "patients"
P = "<int:patient_id>/"
urlpatterns = [
    path("", views.caseload, name="list"),
    path("refer/", views.referral_create, name="referral_create"),
    path("import/", views.referral_import, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.referral_import_job, name="import_job"),
    path("import/<int:job_id>/confirm/", views.referral_import_confirm, name="import_confirm"),
    path("codes/occupations/", views.occupation_lookup, name="occupation_lookup"),
    path("codes/icd10/", views.icd10_lookup, name="icd10_lookup"),
    path("rules/<slug:slug>/", views.eligibility_rules, name="rules"),
    path("rules/<slug:slug>/preset/", views.eligibility_preset, name="rules_preset"),
    path("me/", views.mine, name="mine"),
    path("me/<int:patient_id>/consents/", views.my_consent_give, name="my_consent_give"),
    path(
        "me/consents/<int:consent_id>/withdraw/",
        views.my_consent_withdraw,
        name="my_consent_withdraw",
    ),
    path(P, views.patient_detail, name="detail"),
    path(P + "accept/", views.referral_accept, name="accept"),
    path(P + "accept-anyway/", views.referral_accept_anyway, name="accept_anyway"),
    path(P + "decline/", views.referral_decline, name="decline"),
    path(P + "allocate/", views.patient_allocate, name="allocate"),
    path(P + "first-contact/", views.first_contact, name="first_contact"),
    path(P + "status/", views.status_change, name="status"),
    path(P + "hold/", views.hold_start, name="hold"),
    path(P + "hold/release/", views.hold_release, name="hold_release"),
    path(P + "consents/", views.consent_record, name="consent_record"),
    path(P + "invite/", views.patient_invite, name="invite"),
    path(
        P + "consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"
    ),
    path(P + "injury/", views.injury_edit, name="injury_edit"),
    path(P + "work/", views.work_edit, name="work_edit"),
    path(P + "details/", views.details_edit, name="details_edit"),
    path(P + "goals/", views.goal_add, name="goal_add"),
    path(P + "goals/<int:goal_id>/", views.goal_update, name="goal_update"),
    path(P + "employer-contacts/", views.employer_contact_add, name="employer_contact_add"),
    path(P + "certificates/", views.certificate_add, name="certificate_add"),
    path(P + "phased-return/", views.phased_step_add, name="phased_step_add"),
    path(P + "work-status/", views.work_status_add, name="work_status_add"),
]
