from django.urls import include, path

from alongside.mentors import views

app_name = "mentors"

# One mentor's record, below /mentors/<id>/.
mentor_urlpatterns = [
    path("", views.mentor_detail, name="detail"),
    path("edit/", views.mentor_edit, name="edit"),
    path("status/", views.mentor_status, name="status"),
    path("criteria/", views.criterion_record, name="criterion_record"),
    path("checks/", views.check_add, name="check_add"),
    path("training/", views.training_record, name="training_record"),
    path("supervision/", views.supervision_log, name="supervision_log"),
]

# A service's programme: its selection criteria, training and renewals.
settings_urlpatterns = [
    path("<slug:slug>/criteria/", views.criteria, name="criteria"),
    path("<slug:slug>/training/", views.modules, name="modules"),
    path("<slug:slug>/renewals/", views.renewals, name="renewals"),
    path("criteria/<int:criterion_id>/", views.criterion_edit, name="criterion_edit"),
    path("training/<int:module_id>/", views.module_edit, name="module_edit"),
]

# The mentor's own pages.
own_urlpatterns = [
    path("", views.mine, name="mine"),
    path("profile/", views.my_profile, name="my_profile"),
    path("check-in/", views.checkin, name="checkin"),
    path("check-in/support/", views.checkin_support, name="checkin_support"),
    path("expenses/new/", views.expense_claim, name="expense_claim"),
]

expense_urlpatterns = [
    path("", views.expenses, name="expenses"),
    path("export.csv", views.expenses_export, name="expenses_export"),
    path("<int:claim_id>/decide/", views.expense_decide, name="expense_decide"),
    path("<int:claim_id>/receipt/", views.expense_receipt, name="expense_receipt"),
]

urlpatterns = [
    path("", views.mentor_list, name="list"),
    path("new/", views.mentor_create, name="create"),
    path("<int:mentor_id>/", include(mentor_urlpatterns)),
    path("check-ins/<int:checkin_id>/seen/", views.checkin_acknowledge, name="checkin_acknowledge"),
    path("debriefs/<int:debrief_id>/book/", views.debrief_book, name="debrief_book"),
    path("settings/", include(settings_urlpatterns)),
    path("me/", include(own_urlpatterns)),
    path("expenses/", include(expense_urlpatterns)),
]
