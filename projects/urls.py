"""HTML routes of the projects app."""

app_name = "projects"

urlpatterns: list = []
