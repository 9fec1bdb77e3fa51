"""A viewer reads everything, sees no write controls, and a hand-forged POST is refused."""

import pytest
from playwright.sync_api import expect

from projects.models import Phase, Rotation
from research.models import Idea, Reading

from .conftest import assert_accessible, forged_post

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_viewer_sees_no_write_controls(visit, workspace):
    project, board, idea = workspace.project, workspace.board, workspace.idea

    page = visit(workspace.vic, "/projects/")
    expect(page.get_by_role("link", name="Churn radar")).to_be_visible()
    expect(page.get_by_text("New project")).to_have_count(0)

    page.goto(project.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Churn radar")
    expect(page.get_by_text("Customers at risk get a useful offer")).to_be_visible()
    expect(page.get_by_role("button", name="Change phase")).to_have_count(0)
    expect(page.get_by_text("Add a target or scenario")).to_have_count(0)
    expect(page.get_by_text("Edit project")).to_have_count(0)
    expect(page.locator("#targets summary", has_text="Edit")).to_have_count(0)

    page.goto(f"/projects/{project.slug}/team/")
    expect(page.get_by_text("Sam Lindqvist").first).to_be_visible()
    expect(page.get_by_text("Add rotation or placeholder")).to_have_count(0)

    page.goto("/projects/staffing/")
    expect(page.get_by_text("Add rotation or placeholder")).to_have_count(0)

    page.goto(board.get_absolute_url())
    expect(page.locator(".idea-card", has_text="Gradient boosting on usage")).to_be_visible()
    expect(page.locator(".idea-card[draggable=true]")).to_have_count(0)
    expect(page.locator(".card-move")).to_have_count(0)
    for panel in ("Propose an idea", "Add a metric", "Board settings"):
        expect(page.get_by_text(panel)).to_have_count(0)

    page.goto(idea.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Gradient boosting on usage")
    expect(page.get_by_role("button", name="Move")).to_have_count(0)
    expect(page.get_by_text("Add a reading")).to_have_count(0)
    expect(page.get_by_text("Add a task")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    assert_accessible(page)


def test_a_viewers_forged_posts_are_refused(visit, workspace):
    project, board, idea = workspace.project, workspace.board, workspace.idea
    readings = Reading.objects.count()
    page = visit(workspace.vic, "/")  # any page: it carries a valid CSRF token (the log-out form)
    forged = {
        f"/projects/{project.slug}/phase/": {"to": Phase.IMPLEMENTATION},
        f"/projects/{project.slug}/targets/": {"kind": "target", "text": "Forged"},
        f"/projects/{project.slug}/edit/": {"name": "Forged", "health": "on_track"},
        "/projects/new/": {"name": "Forged", "health": "on_track"},
        "/projects/rotations/new/": {
            "project": str(project.pk),
            "role": "Forged",
            "start": "2026-01-01",
            "allocation": "100",
        },
        f"/research/boards/{board.pk}/ideas/": {"title": "Forged", "maturity": "idea"},
        f"/research/boards/{board.pk}/metrics/": {"name": "Forged", "direction": "higher"},
        f"/research/ideas/{idea.pk}/move/": {"to": "prototyping"},
        f"/research/ideas/{idea.pk}/readings/": {
            "metric": str(workspace.metric.pk),
            "value": "0.99",
        },
        f"/research/ideas/{idea.pk}/promote/": {"tasks-TOTAL_FORMS": "0"},
    }
    refused = {path: forged_post(page, path, data) for path, data in forged.items()}
    assert refused == dict.fromkeys(forged, 403)

    project.refresh_from_db()
    assert project.phase == Phase.PROTOTYPE
    assert project.name == "Churn radar"
    assert not project.targets.filter(text="Forged").exists()
    assert not Rotation.objects.filter(role="Forged").exists()
    assert not Idea.objects.filter(title="Forged").exists()
    assert Idea.objects.get(pk=idea.pk).status == "shortlisted"
    assert Reading.objects.count() == readings

    # A member who does not own the idea gets no Move control on it, and is refused too.
    page = visit(workspace.eli, board.get_absolute_url())
    expect(page.locator(f"#idea-{idea.pk} .card-move")).to_have_count(0)
    assert forged_post(page, f"/research/ideas/{idea.pk}/move/", {"to": "prototyping"}) == 403
    assert Idea.objects.get(pk=idea.pk).status == "shortlisted"
