"""HTML routes of the research app, under /research/."""

from django.urls import path

from . import views

app_name = "research"

urlpatterns = [
    path("projects/<slug:slug>/boards/", views.project_boards, name="project-boards"),
    path("boards/", views.boards_list, name="boards"),
    path("boards/<int:pk>/", views.board_detail, name="board-detail"),
    path("boards/<int:pk>/compare/", views.board_compare, name="board-compare"),
    path("boards/<int:pk>/settings/", views.board_settings, name="board-settings"),
    path("boards/<int:pk>/ideas/", views.board_idea_create, name="board-idea-create"),
    path("boards/<int:pk>/metrics/", views.board_metric_create, name="board-metric-create"),
    path("boards/<int:pk>/import/", views.board_readings_import, name="board-readings-import"),
    path("metrics/<int:pk>/edit/", views.metric_edit, name="metric-edit"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea-detail"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="idea-edit"),
    path("ideas/<int:pk>/move/", views.idea_move, name="idea-move"),
    path("ideas/<int:pk>/reorder/", views.idea_reorder, name="idea-reorder"),
    path("ideas/<int:pk>/promote/", views.idea_promote, name="idea-promote"),
    path("ideas/<int:pk>/readings/", views.idea_reading_create, name="idea-reading-create"),
    path("ideas/<int:pk>/tasks/", views.idea_task_create, name="idea-task-create"),
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/toggle/", views.task_toggle, name="task-toggle"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task-claim"),
    path("tasks/<int:pk>/state/", views.task_state, name="task-state"),
    path("readings/<int:pk>/delete/", views.reading_delete, name="reading-delete"),
]
