"""Who may do what with dependency flags: the one definition, one message per rule.

Services call the ``require_*`` functions; views call the same ones before showing a form,
the API before parsing a write (``write_check``), templates use the ``can_*`` predicates to
hide what a person may not use.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from accounts.models import Discipline, Role
from accounts.permissions import require_role, user_has_role

from .models import Flag, FlagStatus

RAISE = "work on dependency flags"
NOT_YOURS_TO_EDIT = "Only the person who raised the flag, its owner or a manager may edit it."
NOT_YOURS_TO_MOVE = (
    "Only the flag's owner, an engineer or a manager may acknowledge, resolve or accept a flag."
)
NOT_YOURS_TO_REOPEN = (
    "Only the person who raised the flag, its owner, an engineer or a manager may reopen it."
)
# Engineers act on flags: they acknowledge and resolve what is asked of engineering.
ENGINEERS = frozenset({Discipline.SOFTWARE_ENGINEER, Discipline.DATA_ENGINEER})


def _is_engineer(user: User | AnonymousUser) -> bool:
    profile = getattr(user, "profile", None)
    return profile is not None and profile.discipline in ENGINEERS


def can_raise(user: User | AnonymousUser) -> bool:
    """Members and up raise flags."""
    return user_has_role(user, Role.MEMBER)


def can_edit_flag(user: User | AnonymousUser, flag: Flag) -> bool:
    """The raiser, the owner (members still) or a manager edit a flag's fields."""
    if user_has_role(user, Role.MANAGER):
        return True
    return can_raise(user) and user.pk in (flag.raised_by_id, flag.owner_id)


def can_move_flag(user: User | AnonymousUser, flag: Flag, to: str) -> bool:
    """Managers, the flag's owner and engineers move flags; reopening, the raiser too."""
    if user_has_role(user, Role.MANAGER):
        return True
    if not can_raise(user):
        return False
    if user.pk == flag.owner_id or _is_engineer(user):
        return True
    return to == FlagStatus.OPEN and user.pk == flag.raised_by_id


def require_raise(user: User | AnonymousUser) -> None:
    require_role(user, Role.MEMBER, RAISE)


def require_edit_flag(user: User | AnonymousUser, flag: Flag) -> None:
    require_raise(user)
    if not can_edit_flag(user, flag):
        raise PermissionDenied(NOT_YOURS_TO_EDIT)


def require_move_flag(user: User | AnonymousUser, flag: Flag, to: str) -> None:
    require_raise(user)
    if not can_move_flag(user, flag, to):
        raise PermissionDenied(NOT_YOURS_TO_REOPEN if to == FlagStatus.OPEN else NOT_YOURS_TO_MOVE)
