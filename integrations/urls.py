"""HTML routes of the integrations app, under /integrations/."""

from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("webhooks/", views.endpoint_list, name="endpoint-list"),
    path("webhooks/new/", views.endpoint_create, name="endpoint-create"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="endpoint-detail"),
    path("webhooks/<int:pk>/edit/", views.endpoint_edit, name="endpoint-edit"),
    path("webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint-rotate"),
    path("webhooks/<int:pk>/test/", views.endpoint_test, name="endpoint-test"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="delivery-redeliver"),
    path("ideas/<int:pk>/runs/attach/", views.run_attach, name="run-attach"),
    path("boards/<int:pk>/aliases/", views.alias_create, name="alias-create"),
    path("ideas/<int:pk>/readings.csv", views.idea_readings_csv, name="idea-readings-csv"),
    path("boards/<int:pk>/ideas.csv", views.board_ideas_csv, name="board-ideas-csv"),
    path("data-gaps/queue.csv", views.datagap_queue_csv, name="datagap-queue-csv"),
]
