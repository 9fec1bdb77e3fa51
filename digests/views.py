"""Digest pages: settings with the archive, the browser preview, one archived digest, and
the one-click unsubscribe page that needs no login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.forms import submit_form
from projects.models import Project

from . import emails, selectors, services
from .forms import PreferenceForm
from .models import DigestPreference

# An email's HTML carries its styles inline (mail clients need them) and no script: shown
# alone in a same-origin frame, with a policy of its own allowing nothing but those styles.
EMAIL_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def _email_response(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Content-Security-Policy"] = EMAIL_CSP
    response._csp_exempt = True  # django-csp leaves this response's policy alone
    return response


@require_http_methods(["GET", "POST"])
def digest_settings(request: HttpRequest) -> HttpResponse:
    """When the digest arrives, in which time zone, which projects are muted; the archive."""
    preference = DigestPreference.objects.filter(user=request.user).first()
    initial = {"time_zone": preference.time_zone if preference else None}
    form = PreferenceForm(
        request.POST or None,
        instance=preference or DigestPreference(user=request.user),
        initial={k: v for k, v in initial.items() if v},
        projects=Project.objects.order_by("name"),
    )
    if request.method == "POST" and submit_form(
        form, services.preference_update, person=request.user, actor=request.user
    ):
        messages.success(request, "Digest settings saved.")
        return redirect("digests:settings")
    return render(
        request,
        "digests/settings.html",
        {
            "title": "Weekly digest",
            "form": form,
            "deliveries": selectors.deliveries_of(request.user)[:20],
        },
        status=400 if form.errors else 200,
    )


def digest_preview(request: HttpRequest) -> HttpResponse:
    """This week so far, as the email will show it (the same template, in a frame)."""
    return render(request, "digests/preview.html", {"title": "Preview my digest"})


def _preview_message(user: User) -> dict:
    schedule, start, end = selectors.preview_period(user)
    digest = selectors.digest_build(user, start=start, end=end)
    return {
        "digest": digest,
        **emails.render(digest, week_label=services._week_label(schedule.week)),
    }


@xframe_options_sameorigin
def digest_preview_email(request: HttpRequest) -> HttpResponse:
    message = _preview_message(request.user)
    if message["digest"].empty:
        return _email_response(
            "<!doctype html><title>Nothing yet</title><p style='font-family:sans-serif'>"
            "Nothing for you this week yet: a week like this sends no email.</p>"
        )
    return _email_response(message["html"])


@xframe_options_sameorigin
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A digest that was sent, as it was sent (the person's own; admins any)."""
    delivery = get_object_or_404(selectors.delivery_list(), pk=pk)
    if delivery.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404("No such digest.")
    if not delivery.html_body:
        raise Http404("Nothing was sent that week.")
    return _email_response(delivery.html_body)


@csrf_exempt  # mail clients POST the one-click unsubscribe with no cookie or token
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button; POST (the button, or a mail client's one-click request):
    unsubscribe at once. ``?again=1`` on the POST subscribes again."""
    user_id = emails.person_from_token(token)
    person = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if person is None:
        return render(
            request,
            "digests/unsubscribe.html",
            {"title": "Link not valid", "invalid": True},
            status=404,
        )
    done = None
    if request.method == "POST":
        if request.POST.get("again") == "1":
            services.digest_resubscribe(person=person)
            done = "subscribed"
        else:
            services.digest_unsubscribe(person=person)
            done = "unsubscribed"
    enabled = DigestPreference.objects.filter(user=person).values_list("enabled", flat=True).first()
    return render(
        request,
        "digests/unsubscribe.html",
        {
            "title": "Weekly digest",
            "token": token,
            "done": done,
            "enabled": True if enabled is None else enabled,
            "email": person.email,
        },
    )
