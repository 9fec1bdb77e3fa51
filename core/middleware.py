"""Login is required everywhere (the API authenticates on its own terms); private answers
are not cached."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.utils.cache import patch_cache_control


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Redirect anonymous visitors to the login page, except under ``/api/``.

    The API must answer 401/403 (and accept tokens), so DRF's authentication and the
    default ``SignedIn`` permission guard it instead of a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on signed-in pages and on every API answer, and
    ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``) on every response it sees.

    A shared cache or the browser's back button must not keep one person's page for another.
    It sits below whitenoise, so static files keep their long public caching, and the
    anonymous health check keeps its own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in or request.path_info.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
        return response
