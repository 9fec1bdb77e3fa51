"""Digest pages and API: settings with form errors, the preview in the same template, the
archive (own only), the unsubscribe page without a login, and the API's own-or-all rule."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digests import emails, services
from digests.models import DigestDelivery, DigestPreference
from projects.models import Takeaway
from tests.factories import ProjectFactory, TakeawayFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return UserFactory(username="reader", email="reader@example.com")


def _delivery(user, html="<p>Hello</p>", subject="Tandem week 49: 1 takeaway", weeks_ago=0):
    end = timezone.now() - datetime.timedelta(weeks=weeks_ago)
    return DigestDelivery.objects.create(
        user=user,
        week=end.date() - datetime.timedelta(days=end.weekday()),
        period_start=end - datetime.timedelta(days=7),
        period_end=end,
        html_body=html,
        subject=subject,
        result="sent",
        status="done",
    )


def test_settings_page_saves_and_refuses_bad_values(client, reader):
    project = ProjectFactory(name="Churn")
    client.force_login(reader)
    url = reverse("digests:settings")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "enabled": "on",
            "weekday": "4",
            "hour": "17",
            "time_zone": "Pacific/Auckland",
            "muted_projects": [project.pk],
        },
    )
    assert response.status_code == 302
    preference = DigestPreference.objects.get(user=reader)
    assert (preference.weekday, preference.hour, preference.time_zone) == (
        4,
        17,
        "Pacific/Auckland",
    )
    assert list(preference.muted_projects.all()) == [project]
    bad = client.post(url, {"weekday": "9", "hour": "24", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 400
    preference.refresh_from_db()
    assert preference.hour == 17


def test_someone_else_cannot_change_my_settings(reader):
    with pytest.raises(Exception, match="only change your own"):
        services.preference_update(person=reader, actor=UserFactory(), hour=3)


def test_preview_renders_the_email_template_in_a_frame(client, reader):
    takeaway = TakeawayFactory(title="Shadow mode first")
    Takeaway.objects.filter(pk=takeaway.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(reader)
    page = client.get(reverse("digests:preview")).content.decode()
    assert 'src="/digests/preview/email/"' in page
    email = client.get(reverse("digests:preview-email"))
    assert "Shadow mode first" in email.content.decode()
    assert "style-src 'unsafe-inline'" in email["Content-Security-Policy"]
    assert email["X-Frame-Options"] == "SAMEORIGIN"


def test_the_archive_shows_my_digests_only(client, reader):
    mine = _delivery(reader, html="<p>Mine</p>")
    theirs = _delivery(UserFactory(), html="<p>Theirs</p>")
    client.force_login(reader)
    assert "Tandem week 49: 1 takeaway" in client.get(reverse("digests:settings")).content.decode()
    assert client.get(mine.get_absolute_url()).content == b"<p>Mine</p>"
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_unsubscribe_page_needs_no_login_and_offers_resubscribing(reader):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("digests:unsubscribe", args=[emails.unsubscribe_token(reader.pk)])
    page = browser.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert DigestPreference.objects.filter(user=reader).count() == 0  # a GET changes nothing
    done = browser.post(url).content.decode()
    assert "You are unsubscribed" in done and "Subscribe again" in done
    assert DigestPreference.objects.get(user=reader).enabled is False
    again = browser.post(url, {"again": "1"}).content.decode()
    assert "subscribed again" in again
    assert DigestPreference.objects.get(user=reader).enabled is True


def test_a_forged_unsubscribe_token_changes_nothing(reader):
    token = emails.unsubscribe_token(reader.pk)
    response = Client().post(f"/digests/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    assert not DigestPreference.objects.filter(user=reader, enabled=False).exists()


def test_api_lists_my_deliveries_and_admins_see_all(api_as, reader, admin_user):
    _delivery(reader)
    _delivery(UserFactory())
    assert api_as(reader).get("/api/v1/digests/").json()["count"] == 1
    assert api_as(admin_user).get("/api/v1/digests/").json()["count"] == 2


def test_api_preferences_and_preview(api_as, reader):
    api = api_as(reader)
    assert api.get("/api/v1/digests/preferences/").json()["hour"] == 8
    changed = api.patch(
        "/api/v1/digests/preferences/", {"hour": 6, "time_zone": "Asia/Tokyo"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["hour"] == 6
    bad = api.patch("/api/v1/digests/preferences/", {"hour": 24}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"hour"}
    unknown = api.patch("/api/v1/digests/preferences/", {"time_zone": "Nowhere"}, format="json")
    assert unknown.status_code == 400 and set(unknown.json()) == {"time_zone"}
    preview = api.get("/api/v1/digests/preview/").json()
    assert preview["empty"] is True and preview["sections"] == []


@pytest.mark.parametrize("size", [5, 50])
def test_settings_page_query_budget(client, reader, size, django_assert_num_queries):
    for n in range(size):
        _delivery(reader, weeks_ago=n)
        ProjectFactory()
    client.force_login(reader)
    # session, user, profile, preference, projects for the mute list, the archive
    with django_assert_num_queries(6):
        page = client.get(reverse("digests:settings")).content.decode()
    assert page.count("Tandem week 49") == min(size, 20)


def test_send_digests_command(reader, capsys):
    from django.core.management import call_command

    call_command("send_digests", "--week", "2026-W49", "--dry-run")
    assert "Would send 1 digest for 2026-W49: reader" in capsys.readouterr().out
    call_command("send_digests", "--week", "2026-W49", "--person", "reader")
    assert DigestDelivery.objects.filter(user=reader, week=datetime.date(2026, 11, 30)).exists()
    call_command("send_digests", "--week", "2026-W49")
    assert DigestDelivery.objects.filter(user=reader).count() == 1
