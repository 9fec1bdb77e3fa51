"""The API's default permission: signed in. Who may write is decided by the services.

Every write calls a service, which checks the role or ownership and raises
``PermissionDenied`` with its own message; the exception handler turns it into a 403. So the
API, the pages and the admin refuse the same things with the same words.
"""

from rest_framework.permissions import BasePermission


class SignedIn(BasePermission):
    """Any signed-in person may call the API; the services decide each write."""

    message = "Sign in, or send a personal API token as `Authorization: Bearer <token>`."

    def has_permission(self, request, view) -> bool:
        if request.user and request.user.is_authenticated:
            return True
        # DRF checks permissions before throttles, so a refused anonymous request would never
        # meet the anonymous rate limit: apply it here (429 once it is used up, else 401).
        view.check_throttles(request)
        return False
