"""What integrations shows on other apps' pages: the idea page's "Runs" panel (the idea's
MLflow runs and the lines to paste to log more) and the CSV download links."""

from django.conf import settings
from django.urls import reverse

from research import selectors as research_selectors
from research.permissions import can_edit_idea, can_manage_boards

from . import selectors
from .services.runs import IDEA_TAG, experiment_name


def idea_runs_panel(idea, user) -> dict:
    """Runs of the idea (newest first) with their latest metrics and unmapped keys, the runs
    on the board no idea claims yet (to attach), and the exact lines a script needs."""
    can_edit = can_edit_idea(user, idea)
    return {
        "idea": idea,
        "runs": selectors.idea_runs(idea),
        "unattached_runs": selectors.board_unattached_runs(idea.board) if can_edit else [],
        "can_edit_runs": can_edit,
        "can_map_keys": can_manage_boards(user),
        "board_metrics": list(idea.board.metrics.all()) if can_manage_boards(user) else [],
        "tracking_uri": f"{settings.SITE_URL}/mlflow",
        "experiment": experiment_name(idea.board),
        "idea_tag": IDEA_TAG,
    }


def datagap_queue_csv_url(_page, request) -> str:
    """The queue's CSV with the filters the queue page shows (its page number dropped)."""
    query = request.GET.copy()
    query.pop("page", None)
    url = reverse("integrations:datagap-queue-csv")
    return f"{url}?{query.urlencode()}" if query else url


def board_ideas_csv_url(board, request) -> str:
    """The board's ideas with their progress since the day the board page compares with
    (read by the board page's own parser; its default needs no parameter)."""
    url = reverse("integrations:board-ideas-csv", args=[board.pk])
    since = research_selectors.since_days_parse(request.GET.get("since"))
    return url if since == research_selectors.DEFAULT_SINCE_DAYS else f"{url}?since={since}"
