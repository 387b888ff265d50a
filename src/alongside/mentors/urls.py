from django.urls import path

from alongside.mentors import views

app_name = "mentors"
urlpatterns = [
    path("", views.mentor_list, name="list"),
    path("new/", views.mentor_create, name="create"),
    path("<int:mentor_id>/", views.mentor_detail, name="detail"),
    path("<int:mentor_id>/edit/", views.mentor_edit, name="edit"),
    path("<int:mentor_id>/status/", views.mentor_status, name="status"),
    path("<int:mentor_id>/criteria/", views.criterion_record, name="criterion_record"),
    path("<int:mentor_id>/checks/", views.check_add, name="check_add"),
    path("<int:mentor_id>/training/", views.training_record, name="training_record"),
    path("<int:mentor_id>/supervision/", views.supervision_log, name="supervision_log"),
    path("check-ins/<int:checkin_id>/seen/", views.checkin_acknowledge, name="checkin_acknowledge"),
    path("debriefs/<int:debrief_id>/book/", views.debrief_book, name="debrief_book"),
    path("settings/<slug:slug>/criteria/", views.criteria, name="criteria"),
    path("settings/<slug:slug>/training/", views.modules, name="modules"),
    path("settings/<slug:slug>/renewals/", views.renewals, name="renewals"),
    path("settings/criteria/<int:criterion_id>/", views.criterion_edit, name="criterion_edit"),
    path("settings/training/<int:module_id>/", views.module_edit, name="module_edit"),
    path("me/", views.mine, name="mine"),
    path("me/profile/", views.my_profile, name="my_profile"),
    path("me/check-in/", views.checkin, name="checkin"),
    path("me/check-in/support/", views.checkin_support, name="checkin_support"),
    path("me/expenses/new/", views.expense_claim, name="expense_claim"),
    path("expenses/", views.expenses, name="expenses"),
    path("expenses/export.csv", views.expenses_export, name="expenses_export"),
    path("expenses/<int:claim_id>/decide/", views.expense_decide, name="expense_decide"),
    path("expenses/<int:claim_id>/receipt/", views.expense_receipt, name="expense_receipt"),
]
