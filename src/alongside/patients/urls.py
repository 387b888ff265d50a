from django.urls import include, path

from alongside.patients import views

app_name = "patients"

# One case's pages, below /patients/<id>/.
case_urlpatterns = [
    path("", views.patient_detail, name="detail"),
    path("accept/", views.referral_accept, name="accept"),
    path("accept-anyway/", views.referral_accept_anyway, name="accept_anyway"),
    path("decline/", views.referral_decline, name="decline"),
    path("allocate/", views.patient_allocate, name="allocate"),
    path("first-contact/", views.first_contact, name="first_contact"),
    path("status/", views.status_change, name="status"),
    path("hold/", views.hold_start, name="hold"),
    path("hold/release/", views.hold_release, name="hold_release"),
    path("invite/", views.patient_invite, name="invite"),
    path("consents/", views.consent_record, name="consent_record"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]

# The return-to-work plan of one case: what is recorded about the injury, the job and
# the way back to it.
plan_urlpatterns = [
    path("injury/", views.injury_edit, name="injury_edit"),
    path("work/", views.work_edit, name="work_edit"),
    path("details/", views.details_edit, name="details_edit"),
    path("goals/", views.goal_add, name="goal_add"),
    path("goals/<int:goal_id>/", views.goal_update, name="goal_update"),
    path("employer-contacts/", views.employer_contact_add, name="employer_contact_add"),
    path("certificates/", views.certificate_add, name="certificate_add"),
    path("phased-return/", views.phased_step_add, name="phased_step_add"),
    path("work-status/", views.work_status_add, name="work_status_add"),
]

import_urlpatterns = [
    path("", views.referral_import, name="import"),
    path("template.csv", views.import_template, name="import_template"),
    path("<int:job_id>/", views.referral_import_job, name="import_job"),
    path("<int:job_id>/confirm/", views.referral_import_confirm, name="import_confirm"),
]

# The patient's own pages.
own_urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:patient_id>/consents/", views.my_consent_give, name="my_consent_give"),
    path(
        "consents/<int:consent_id>/withdraw/", views.my_consent_withdraw, name="my_consent_withdraw"
    ),
]

urlpatterns = [
    path("", views.caseload, name="list"),
    path("refer/", views.referral_create, name="referral_create"),
    path("import/", include(import_urlpatterns)),
    path("codes/occupations/", views.occupation_lookup, name="occupation_lookup"),
    path("codes/icd10/", views.icd10_lookup, name="icd10_lookup"),
    path("rules/<slug:slug>/", views.eligibility_rules, name="rules"),
    path("rules/<slug:slug>/preset/", views.eligibility_preset, name="rules_preset"),
    path("me/", include(own_urlpatterns)),
    path("<int:patient_id>/", include(case_urlpatterns + plan_urlpatterns)),
]
