"""Who may do what with data-gap requests: the one definition, with one message per rule.

Members file requests and edit their own; data engineers (discipline data engineer, with at
least the member role) and managers triage, assign, snooze and deliver, and may edit any
request; viewers read. Services call the ``require_*`` functions; the API calls
``require_file`` before it parses a write (``write_check``); views call the same functions
to refuse a form early; templates ask the ``can_*`` predicates before offering an action.
Nobody restates a rule in other words.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from accounts.models import Discipline, Role
from accounts.permissions import require_role, user_has_role

FILE = "file or watch data-gap requests"
TRIAGE = "Only data engineers and managers may triage, assign, snooze or deliver data-gap requests."
NOT_YOUR_REQUEST = (
    "Only the request's requester, a data engineer or a manager may change this request."
)


def can_file(user: User | AnonymousUser) -> bool:
    """Members (and up) file requests and watch them."""
    return user_has_role(user, Role.MEMBER)


def can_triage(user: User | AnonymousUser) -> bool:
    """Managers, and data engineers holding at least the member role."""
    if user_has_role(user, Role.MANAGER):
        return True
    profile = getattr(user, "profile", None)
    return can_file(user) and profile is not None and profile.discipline == Discipline.DATA_ENGINEER


def can_edit(user: User | AnonymousUser, request) -> bool:
    """The requester (still a member) edits their own request; triagers edit any."""
    if can_triage(user):
        return True
    return can_file(user) and request.requester_id == user.pk


def require_file(user: User | AnonymousUser) -> None:
    require_role(user, Role.MEMBER, FILE)


def require_triage(user: User | AnonymousUser) -> None:
    """A member (else the member-role message), and a data engineer or a manager."""
    require_file(user)
    if not can_triage(user):
        raise PermissionDenied(TRIAGE)


def require_edit(user: User | AnonymousUser, request) -> None:
    require_file(user)
    if not can_edit(user, request):
        raise PermissionDenied(NOT_YOUR_REQUEST)
