"""The digest as an email: subject, plain text and HTML from templates, and the one-click
unsubscribe link and headers. The browser preview renders the same HTML."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .selectors import BuiltDigest

UNSUBSCRIBE_SALT = "digests.unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    """A signed, URL-safe token naming the person; it needs no login and never expires
    (an old email's link must still work)."""
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def person_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(user_id: int) -> str:
    return settings.SITE_URL + reverse("digests:unsubscribe", args=[unsubscribe_token(user_id)])


def subject_for(digest: BuiltDigest, week_label: str) -> str:
    counts = digest.counts()
    return f"Tandem {week_label}: " + (", ".join(counts) if counts else "your week")


def render(digest: BuiltDigest, *, week_label: str) -> dict[str, str]:
    """``{"subject", "text", "html"}`` of a built digest."""
    ctx = digest.ctx
    context = {
        "digest": digest,
        "person": ctx.person,
        "week_label": week_label,
        "start": ctx.start,
        "end": ctx.end,
        "site_url": ctx.site_url,
        "settings_url": ctx.link(reverse("digests:settings")),
        "unsubscribe_url": unsubscribe_url(ctx.person.pk),
    }
    return {
        "subject": subject_for(digest, week_label),
        "text": render_to_string("emails/digest/digest.txt", context),
        "html": render_to_string("emails/digest/digest.html", context),
    }


def send(*, to: str, subject: str, text: str, html: str, user_id: int, connection=None) -> None:
    """Mail one digest through Django's email backend (SMTP in production); ``connection``
    (a batch's) is reused, and closed after a failure so the next message reconnects."""
    link = unsubscribe_url(user_id)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    try:
        if connection is not None and getattr(connection, "connection", None) is None:
            # Opened here, it stays open for the batch's next messages (a connection that
            # send() opens itself is closed after one message).
            connection.open()
        message.send()
    except Exception:
        if connection is not None:
            connection.close()
        raise
