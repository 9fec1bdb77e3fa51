"""HTML routes of the projects app (fixed paths first: their names are reserved slugs)."""

from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("staffing/", views.staffing, name="staffing"),
    path("portfolio/", views.portfolio_page, name="portfolio"),
    path("portfolio/roadmap/", views.roadmap, name="portfolio-roadmap"),
    path("rotations/new/", views.rotation_create, name="rotation-create"),
    path("rotations/availability/", views.rotation_availability, name="rotation-availability"),
    path("rotations/<int:pk>/", views.rotation_edit, name="rotation-edit"),
    path("rotations/<int:pk>/delete/", views.rotation_delete, name="rotation-delete"),
    path("takeaways/", views.takeaway_list, name="takeaway-list"),
    path("takeaways/new/", views.takeaway_create, name="takeaway-create"),
    path("takeaways/<int:pk>/", views.takeaway_detail, name="takeaway-detail"),
    path("takeaways/<int:pk>/edit/", views.takeaway_edit, name="takeaway-edit"),
    path("<slug:slug>/", views.project_detail, name="project-detail"),
    path("<slug:slug>/edit/", views.project_edit, name="project-edit"),
    path("<slug:slug>/phase/", views.project_phase, name="project-phase"),
    path("<slug:slug>/team/", views.project_team, name="project-team"),
    path("<slug:slug>/takeaways/", views.project_takeaways, name="project-takeaways"),
    path("<slug:slug>/timeline/", views.project_timeline, name="project-timeline"),
    path("<slug:slug>/targets/", views.target_add, name="target-add"),
    path("<slug:slug>/targets/<int:pk>/", views.target_edit, name="target-edit"),
]
