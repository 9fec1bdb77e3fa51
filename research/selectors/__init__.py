"""Every non-trivial read of the research app; the UI and the API call the same functions.

Progress is computed in the database: for each (idea, metric) pair one query fetches the
latest value and the value as of N days ago with correlated ``ORDER BY recorded_at DESC
LIMIT 1`` subqueries, each one backward probe of the (idea, metric, recorded_at) index,
so the cost depends on the number of pairs shown, not on the number of readings stored.
Only the arithmetic on those two numbers per pair happens in Python. A package by topic;
everything is re-exported so callers import from ``research.selectors``.
"""

from .boards import (
    board_best_gain,
    board_columns,
    board_detail,
    board_funnel,
    board_ideas,
    board_list,
    board_metrics,
    boards_for_project,
    boards_overview,
    metric_list,
)
from .ideas import (
    IDEA_LIST_FIELDS,
    idea_detail,
    idea_list,
    idea_status_history,
    idea_with_board,
    ideas_owned_by,
)
from .progress import (
    DEFAULT_SINCE_DAYS,
    GAIN_TOLERANCE,
    MAX_SINCE_DAYS,
    Progress,
    clears_bar,
    idea_primary_gain,
    metric_best_ideas,
    progress_by_idea,
    progress_compute,
    progress_for_board,
    progress_for_ideas,
    since_days_parse,
)
from .readings import (
    READING_COUNT_CAP,
    READING_PAGE,
    ReadingPage,
    idea_reading_count,
    idea_readings_page,
    reading_cursor,
    reading_cursor_parse,
    reading_detail,
    reading_list,
)
from .tasks import (
    claimable_tasks_for,
    idea_has_tasks,
    idea_tasks,
    open_tasks_of,
    task_detail,
    task_list,
    task_rows,
    tasks_for_project,
)

__all__ = [
    "DEFAULT_SINCE_DAYS",
    "GAIN_TOLERANCE",
    "IDEA_LIST_FIELDS",
    "MAX_SINCE_DAYS",
    "READING_COUNT_CAP",
    "READING_PAGE",
    "Progress",
    "ReadingPage",
    "board_best_gain",
    "board_columns",
    "board_detail",
    "board_funnel",
    "board_ideas",
    "board_list",
    "board_metrics",
    "boards_for_project",
    "boards_overview",
    "claimable_tasks_for",
    "clears_bar",
    "idea_detail",
    "idea_has_tasks",
    "idea_list",
    "idea_primary_gain",
    "idea_reading_count",
    "idea_readings_page",
    "idea_status_history",
    "idea_tasks",
    "idea_with_board",
    "ideas_owned_by",
    "metric_best_ideas",
    "metric_list",
    "open_tasks_of",
    "progress_by_idea",
    "progress_compute",
    "progress_for_board",
    "progress_for_ideas",
    "reading_cursor",
    "reading_cursor_parse",
    "reading_detail",
    "reading_list",
    "since_days_parse",
    "task_detail",
    "task_list",
    "task_rows",
    "tasks_for_project",
]
