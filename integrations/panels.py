"""The idea page's "Runs" panel: the idea's MLflow runs and the lines to paste to log more."""

from django.conf import settings

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
