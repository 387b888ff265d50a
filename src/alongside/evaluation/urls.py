from django.urls import path

from alongside.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.studies, name="studies"),
    path("import/", views.study_import, name="study_import"),
    path("<slug:slug>/", views.study, name="study"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path(
        "<slug:slug>/participants/<int:participant_id>/withdraw/",
        views.participant_withdraw,
        name="participant_withdraw",
    ),
    path(
        "<slug:slug>/participants/<int:participant_id>/edit/",
        views.participant_edit,
        name="participant_edit",
    ),
    path("<slug:slug>/interviews/", views.interviews, name="interviews"),
    path(
        "<slug:slug>/interviews/<int:interview_id>/edit/",
        views.interview_edit,
        name="interview_edit",
    ),
    path("<slug:slug>/transcripts/import/", views.transcript_import, name="transcript_import"),
    path(
        "<slug:slug>/transcripts/<int:transcript_id>/deidentify/",
        views.deidentify,
        name="deidentify",
    ),
    path("<slug:slug>/transcripts/<int:transcript_id>/", views.code_transcript, name="code"),
    path("<slug:slug>/transcripts/<int:transcript_id>/suggest/", views.suggest, name="suggest"),
    path("<slug:slug>/transcripts/<int:transcript_id>/undo/", views.coding_undo, name="undo"),
    path(
        "<slug:slug>/transcripts/<int:transcript_id>/disagreements/",
        views.disagreements,
        name="disagreements",
    ),
    path("<slug:slug>/spans/<int:span_id>/remove/", views.span_remove, name="span_remove"),
    path("<slug:slug>/codes/", views.codebook, name="codebook"),
    path("<slug:slug>/codes/<int:code_id>/", views.code_detail, name="code_detail"),
    path("<slug:slug>/memos/", views.memos, name="memos"),
    path("<slug:slug>/search/", views.search, name="search"),
    path("<slug:slug>/themes/", views.themes, name="themes"),
    path("<slug:slug>/themes.<str:fmt>", views.themes_export, name="themes_export"),
    path("<slug:slug>/agreement/", views.agreement, name="agreement"),
    path("<slug:slug>/cooccurrence/", views.cooccurrence, name="cooccurrence"),
    path("<slug:slug>/cooccurrence.svg", views.cooccurrence_chart, name="cooccurrence_chart"),
    path("<slug:slug>/export.qdpx", views.export_qdpx, name="export_qdpx"),
    path("<slug:slug>/export.qdc", views.export_qdc, name="export_qdc"),
]
