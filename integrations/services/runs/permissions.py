"""Who may log to a run: its creator, a manager, or on a run of an idea, whoever may
edit the idea."""

from django.core.exceptions import PermissionDenied

from research.permissions import can_manage_boards, require_contribute, require_edit_idea

from ...models import Run

NOT_YOUR_RUN = "Only the run's creator, the idea's owner or a manager may log to this run."


def can_log_to_run(user, run: Run) -> bool:
    if run.idea_id is not None:
        from research.permissions import can_edit_idea

        return can_edit_idea(user, run.idea)
    return run.created_by_id == user.pk or can_manage_boards(user)


def require_log_to_run(user, run: Run) -> None:
    require_contribute(user)
    if run.idea_id is not None:
        require_edit_idea(user, run.idea)
    elif run.created_by_id != user.pk and not can_manage_boards(user):
        raise PermissionDenied(NOT_YOUR_RUN)
