"""The admin is an adapter: research data is read-only there, so nothing bypasses the
services, and the status history (the funnel's audit trail) cannot be deleted."""

import pytest

from activity.models import Activity
from research.models import Board, IdeaStatusChange
from research.services import idea_create
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


def test_admin_cannot_delete_an_idea_status_change(client, admin_user, member):
    idea = idea_create(board=BoardFactory(), title="Boosting", actor=member)
    change = IdeaStatusChange.objects.get(idea=idea)
    client.force_login(admin_user)
    url = f"/admin/research/ideastatuschange/{change.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/research/ideastatuschange/",
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert IdeaStatusChange.objects.filter(pk=change.pk).exists()


def test_a_board_cannot_be_changed_or_added_in_the_admin(client, admin_user):
    board = BoardFactory(title="Churn", gain_bar=2.0)
    client.force_login(admin_user)
    change_url = f"/admin/research/board/{board.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="gain_bar"' not in page.content
    client.post(change_url, {"project": board.project_id, "title": "Hacked", "gain_bar": 50})
    board.refresh_from_db()
    assert (board.title, board.gain_bar) == ("Churn", 2.0)
    assert client.get("/admin/research/board/add/").status_code == 403
    assert client.post(f"/admin/research/board/{board.pk}/delete/").status_code == 403
    assert Board.objects.filter(pk=board.pk).exists()
    assert not Activity.objects.exists()
