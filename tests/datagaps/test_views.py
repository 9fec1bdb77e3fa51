"""The data-gap pages: wiring, who sees which actions, refusals on the form, the registries
(project tab, dashboard panels, idea panel, header link), the admin and the demo data."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from activity.models import Activity
from datagaps.models import DataGap, DataGapStatusChange
from tests.factories import BoardFactory, DataGapFactory, IdeaFactory

from .helpers import request_in

pytestmark = pytest.mark.django_db


def test_filing_through_the_form(client, scientist, project):
    client.force_login(scientist)
    assert client.get("/data-gaps/new/").status_code == 200
    response = client.post(
        "/data-gaps/new/",
        {"title": "Clickstream", "data_needed": "Clicks.", "project": project.pk,
         "urgency": "high"},
    )  # fmt: skip
    gap = DataGap.objects.get()
    assert response.status_code == 302 and response.url == gap.get_absolute_url()
    assert (gap.requester, gap.urgency) == (scientist, "high")


def test_a_past_needed_by_date_comes_back_on_the_form(client, scientist, project):
    client.force_login(scientist)
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        "/data-gaps/new/",
        {"title": "X", "data_needed": "Y", "project": project.pk, "urgency": "normal",
         "needed_by": yesterday},
    )  # fmt: skip
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert not DataGap.objects.exists()


def test_viewers_cannot_open_the_form_and_members_cannot_edit_others(
    client, viewer, scientist, other_scientist
):
    client.force_login(viewer)
    assert client.get("/data-gaps/new/").status_code == 403
    gap = DataGapFactory(requester=other_scientist)
    client.force_login(scientist)
    assert client.get(f"/data-gaps/{gap.pk}/edit/").status_code == 403
    assert client.post(f"/data-gaps/{gap.pk}/edit/", {"title": "Mine"}).status_code == 403


def test_the_request_page_offers_moves_to_data_engineers_only(client, scientist, dataeng):
    gap = DataGapFactory(requester=scientist)
    client.force_login(scientist)
    page = client.get(gap.get_absolute_url()).content.decode()
    assert 'name="to" value="triaged"' not in page
    assert client.post(f"/data-gaps/{gap.pk}/transition/", {"to": "triaged"}).status_code == 403
    client.force_login(dataeng)
    page = client.get(gap.get_absolute_url()).content.decode()
    for to in ("triaged", "declined", "duplicate"):
        assert f'name="to" value="{to}"' in page


def test_declining_without_a_reason_shows_the_message_on_its_form(client, dataeng):
    gap = request_in("open")
    client.force_login(dataeng)
    response = client.post(
        f"/data-gaps/{gap.pk}/transition/", {"to": "declined", "expected_from": "open"}
    )
    assert response.status_code == 400
    assert "Give a reason for declining" in response.content.decode()
    assert not DataGapStatusChange.objects.exists() and not Activity.objects.exists()


def test_a_stale_page_gets_the_conflict_message(client, dataeng):
    gap = request_in("triaged")
    client.force_login(dataeng)
    response = client.post(
        f"/data-gaps/{gap.pk}/transition/", {"to": "triaged", "expected_from": "open"}, follow=True
    )
    assert "someone moved it meanwhile" in response.content.decode()


def test_bulk_triage_and_assign_from_the_queue(client, dataeng, scientist):
    first, second = DataGapFactory(title="First ask"), DataGapFactory(title="Second ask")
    client.force_login(dataeng)
    queue = client.get("/data-gaps/").content.decode()
    assert "First ask" in queue and "Second ask" in queue
    client.post("/data-gaps/bulk/", {"requests": [first.pk, second.pk], "action": "triage"})
    assert set(DataGap.objects.values_list("status", flat=True)) == {"triaged"}
    client.post(
        "/data-gaps/bulk/",
        {"requests": [first.pk], "action": "assign", "assignee": dataeng.pk},
    )
    assert DataGap.objects.get(pk=first.pk).assignee == dataeng
    refused = client.post("/data-gaps/bulk/", {"action": "triage"})
    assert refused.status_code == 400 and "Tick at least one" in refused.content.decode()
    client.force_login(scientist)
    assert b'id="bulk-form"' not in client.get("/data-gaps/").content
    assert (
        client.post("/data-gaps/bulk/", {"requests": [first.pk], "action": "triage"}).status_code
        == 403
    )


def test_the_queue_hides_snoozed_and_closed_requests_until_asked(client, dataeng):
    DataGapFactory(title="Waiting ask")
    DataGapFactory(
        title="Sleeping ask", snoozed_until=datetime.date.today() + datetime.timedelta(days=3)
    )
    request_in("delivered", title="Done ask")
    client.force_login(dataeng)
    page = client.get("/data-gaps/").content.decode()
    assert "Waiting ask" in page and "Sleeping ask" not in page and "Done ask" not in page
    everything = client.get("/data-gaps/?sort=-filed").content.decode()
    assert "Sleeping ask" in everything and "Done ask" in everything


def test_watch_this_instead_from_the_similar_panel(client, scientist):
    original = DataGapFactory(title="Event-level clickstream", data_needed="Clicks per session.")
    client.force_login(scientist)
    panel = client.get("/data-gaps/similar/", {"title": "clickstream events per session"})
    assert "Watch this instead" in panel.content.decode()
    client.post(f"/data-gaps/{original.pk}/watch/")
    assert list(original.watchers.all()) == [scientist]


def test_project_tab_dashboard_idea_panel_and_header(client, dataeng, scientist, project):
    mine = DataGapFactory(requester=scientist, project=project, title="My open ask")
    DataGapFactory(assignee=dataeng, status="triaged", title="Assigned ask")
    idea = IdeaFactory(board=BoardFactory(project=project), owner=scientist)
    DataGapFactory(requester=scientist, project=project, idea=idea, title="Idea ask")
    client.force_login(scientist)
    tab = client.get(f"/data-gaps/projects/{project.slug}/").content.decode()
    assert "My open ask" in tab and 'aria-current="page">Data gaps' in tab
    assert "My open ask" in client.get("/").content.decode()
    idea_page = client.get(idea.get_absolute_url()).content.decode()
    assert "Idea ask" in idea_page
    assert f"/data-gaps/new/?project={project.slug}&amp;idea={idea.pk}" in idea_page
    assert 'href="/data-gaps/"' in client.get("/").content.decode()
    client.force_login(dataeng)
    dashboard = client.get("/").content.decode()
    assert "Assigned ask" in dashboard and "Untriaged" in dashboard
    assert "File a data gap" not in client.get(idea.get_absolute_url()).content.decode()
    assert mine.pk


def test_the_admin_shows_requests_read_only(client, admin_user):
    gap = request_in("open")
    DataGapStatusChange.objects.create(request=gap, from_status="", to_status="open")
    client.force_login(admin_user)
    change = client.get(f"/admin/datagaps/datagap/{gap.pk}/change/")
    assert change.status_code == 200 and b'name="status"' not in change.content
    client.post(f"/admin/datagaps/datagap/{gap.pk}/change/", {"status": "delivered"})
    assert DataGap.objects.get(pk=gap.pk).status == "open"
    assert client.get("/admin/datagaps/datagap/add/").status_code == 403
    history = DataGapStatusChange.objects.get()
    assert (
        client.post(f"/admin/datagaps/datagapstatuschange/{history.pk}/delete/").status_code == 403
    )
    assert DataGapStatusChange.objects.filter(pk=history.pk).exists()


def test_the_demo_data_seeds_once_with_every_status():
    call_command("seed_demo", stdout=StringIO())
    first = DataGap.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert DataGap.objects.count() == first >= 10
    statuses = set(DataGap.objects.values_list("status", flat=True))
    assert statuses == {"open", "triaged", "in_progress", "delivered", "declined", "duplicate"}
    assert DataGap.objects.filter(snoozed_until__isnull=False).count() == 2
    from datagaps.selectors import datagap_recurring

    assert len(datagap_recurring()) >= 2
