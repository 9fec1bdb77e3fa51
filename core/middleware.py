"""Login is required everywhere; the API authenticates on its own terms."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Redirect anonymous visitors to the login page, except under ``/api/``.

    The API must answer 401/403 (and accept tokens), so DRF's authentication and the
    default ``SignedIn`` permission guard it instead of a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
