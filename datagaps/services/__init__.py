"""Every write of the data-gaps app goes through a function here.

Each service checks who may act (``datagaps.permissions``), validates, writes, and records
the activity event in the same transaction. They raise Django's ``ValidationError`` (a 400
in the API, form errors in the UI), ``PermissionDenied`` (a 403) and ``core.exceptions.
Conflict`` (a 409, a lost race). Re-exported here so callers import from
``datagaps.services``.
"""

from .requests import (
    DATAGAP_EDITABLE_FIELDS,
    datagap_assign,
    datagap_create,
    datagap_snooze,
    datagap_unwatch,
    datagap_update,
    datagap_watch,
)
from .transitions import (
    datagap_bulk_assign,
    datagap_bulk_triage,
    datagap_link_duplicates,
    datagap_transition,
)

__all__ = [
    "DATAGAP_EDITABLE_FIELDS",
    "datagap_assign",
    "datagap_bulk_assign",
    "datagap_bulk_triage",
    "datagap_create",
    "datagap_link_duplicates",
    "datagap_snooze",
    "datagap_transition",
    "datagap_unwatch",
    "datagap_update",
    "datagap_watch",
]
