"""Every non-trivial read of the projects app: querysets that already join what they show.

The HTML views and the API call the same functions, so both see the same rows with the
same number of queries. A package by topic; everything is re-exported so callers import
from ``projects.selectors``.
"""

from ._common import active_on_q, current_or_planned_q, overlapping_q
from .dashboard import DASHBOARD_LIST_LENGTH, Dashboard, dashboard
from .projects import (
    SubqueryCount,
    person_projects_q,
    project_by_slug,
    project_list,
    project_people_current_and_planned_count,
    project_phase_changes,
    project_targets,
    project_team,
    project_unfilled_demand_count,
    target_list,
)
from .rotations import (
    ROLLING_OFF_DAYS,
    ends_soon,
    project_rotation_groups,
    rotation_list,
    rotation_of_person,
    rotations_rolling_off,
    rotations_unfilled,
)
from .staffing import (
    MAX_WEEKS,
    OPEN_END_WEEKS,
    PROJECT_COLOURS,
    Availability,
    Timeline,
    person_weekly_load,
    project_colour,
    staffing_availability,
    staffing_timeline,
    utilisation_ceiling,
    week_start,
    weekly_allocation_sums,
    weeks_covering,
)
from .takeaways import takeaway_list, takeaways_requested_of

__all__ = [
    "DASHBOARD_LIST_LENGTH",
    "MAX_WEEKS",
    "OPEN_END_WEEKS",
    "PROJECT_COLOURS",
    "ROLLING_OFF_DAYS",
    "Availability",
    "Dashboard",
    "SubqueryCount",
    "Timeline",
    "active_on_q",
    "current_or_planned_q",
    "dashboard",
    "ends_soon",
    "overlapping_q",
    "person_projects_q",
    "person_weekly_load",
    "project_by_slug",
    "project_colour",
    "project_list",
    "project_people_current_and_planned_count",
    "project_phase_changes",
    "project_rotation_groups",
    "project_targets",
    "project_team",
    "project_unfilled_demand_count",
    "rotation_list",
    "rotation_of_person",
    "rotations_rolling_off",
    "rotations_unfilled",
    "staffing_availability",
    "staffing_timeline",
    "takeaway_list",
    "takeaways_requested_of",
    "target_list",
    "utilisation_ceiling",
    "week_start",
    "weekly_allocation_sums",
    "weeks_covering",
]
