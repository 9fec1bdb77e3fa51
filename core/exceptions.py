"""Domain errors of Tandem besides Django's ValidationError and PermissionDenied."""


class Conflict(Exception):
    """A write lost a race: the object changed since the caller last saw it (HTTP 409).

    The one conflict type of every app; the API answers it with 409, the pages with a
    message asking to reload.
    """
