"""Pages of sales beside the deal screen's own (registered in sales/resources.py): the board, checklists,
stuck deals, pipeline and lost-reason settings."""

from django.urls import path

from peyvand.sales import views, views_outcomes, views_pipelines

urlpatterns = [
    path("board/", views.board_view, name="board"),
    path("deals/<int:pk>/checklist/<int:item_id>/", views.checklist_view, name="deal-checklist"),
    path("deals/stuck/", views.stuck_view, name="stuck-deals"),
    path("settings/pipelines/", views_pipelines.pipeline_list_view, name="sales-pipelines"),
    path("settings/pipelines/new/", views_pipelines.pipeline_edit_view, name="sales-pipeline-create"),
    path("settings/pipelines/<int:pk>/", views_pipelines.pipeline_edit_view, name="sales-pipeline-edit"),
    path("settings/lost-reasons/", views_outcomes.lost_reasons_view, name="sales-lost-reasons"),
    path(
        "settings/lost-reasons/<int:pk>/", views_outcomes.lost_reason_edit_view, name="sales-lost-reason-edit"
    ),
    path(
        "settings/lost-reasons/<int:pk>/active/",
        views_outcomes.lost_reason_active_view,
        name="sales-lost-reason-active",
    ),
]
