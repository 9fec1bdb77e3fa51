"""The integrations API and pages: wiring, permissions, query budgets, CSV exports."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from integrations import exports
from integrations.models import Delivery, Run, RunMetric
from integrations.services import webhooks
from research.models import Reading
from tests.factories import IdeaFactory


def _runs(idea, user, count):
    for n in range(count):
        run = Run.objects.create(
            run_id=f"{n:032x}", board=idea.board, idea=idea, name=f"run {n}",
            start_time=1_760_000_000_000 + n, params={"lr": "0.1"}, created_by=user,
        )  # fmt: skip
        RunMetric.objects.bulk_create(
            RunMetric(run=run, key=key, value=0.5, timestamp=1_760_000_000_000, step=s)
            for key in ("loss", "grad_norm")
            for s in range(3)
        )


@pytest.mark.parametrize("count", [5, 50])
def test_run_list_costs_the_same_at_any_size(
    api_as, scientist, idea, count, django_assert_num_queries
):
    _runs(idea, scientist, count)
    api = api_as(scientist)
    # count, page, latest metrics, board metric names, aliases
    with django_assert_num_queries(5):
        body = api.get(f"/api/v1/runs/?idea={idea.pk}").json()
    assert body["count"] == count
    first = body["results"][0]
    assert first["name"] == f"run {count - 1}" and first["unmapped_keys"] == ["grad_norm"]
    assert {m["key"] for m in first["latest_metrics"]} == {"loss", "grad_norm"}
    assert first["latest_metrics"][0]["step"] == 2


@pytest.mark.parametrize("count", [5, 20])
def test_idea_page_runs_panel_costs_the_same_at_any_size(
    client, scientist, idea, count, django_assert_max_num_queries
):
    _runs(idea, scientist, count)
    client.force_login(scientist)
    response = client.get(idea.get_absolute_url())
    page = response.content.decode()
    assert f"run {count - 1}" in page and "Unmapped keys" in page and "paste these lines" in page
    assert f'"tandem.idea": "{idea.pk}"' in page.replace("&quot;", '"')


def test_idea_page_query_count_does_not_grow_with_runs(
    client, scientist, idea, django_assert_num_queries
):
    client.force_login(scientist)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (5, 20):
        Run.objects.all().delete()
        _runs(idea, scientist, size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(idea.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_webhook_endpoints_are_admin_only_and_the_secret_is_shown_once(api_as, member, admin_user):
    assert api_as(member).get("/api/v1/webhook-endpoints/").status_code == 403
    response = api_as(member).post(
        "/api/v1/webhook-endpoints/",
        {"url": "https://example.com/h", "event_types": ["idea.moved"]},
    )
    assert response.status_code == 403
    admin = api_as(admin_user)
    created = admin.post(
        "/api/v1/webhook-endpoints/",
        {"url": "http://127.0.0.1:9/h", "event_types": ["idea.moved", "webhook.test"]},
    )
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    shown = admin.get(f"/api/v1/webhook-endpoints/{created.json()['id']}/").json()
    assert "secret" not in shown
    bad = admin.post(
        "/api/v1/webhook-endpoints/", {"url": "ftp://x.example/h", "event_types": ["nope"]}
    )
    assert bad.status_code == 400 and "event_types" in bad.json()
    bad = admin.post(
        "/api/v1/webhook-endpoints/", {"url": "ftp://x.example/h", "event_types": ["idea.moved"]}
    )
    assert bad.status_code == 400 and "Only http and https" in str(bad.json()["url"])
    test = admin.post(f"/api/v1/webhook-endpoints/{created.json()['id']}/test/")
    assert test.status_code == 201 and test.json()["event_type"] == "webhook.test"
    listed = admin.get(f"/api/v1/webhook-deliveries/?endpoint={created.json()['id']}").json()
    assert listed["count"] == 1


def test_endpoint_page_shows_attempts_with_redeliver_and_test_buttons(client, admin_user, member):
    endpoint = webhooks.endpoint_create(
        url="http://127.0.0.1:9/h", event_types=["idea.moved"], actor=admin_user
    )
    delivery = webhooks.endpoint_send_test(endpoint=endpoint, actor=admin_user)
    from core.durable import durable_run

    durable_run(Delivery, delivery.pk)  # nothing listens on port 9: a connection error
    client.force_login(admin_user)
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert delivery.message_id in page and "Redeliver" in page and "Send test event" in page
    assert "Connection" in page
    client.force_login(member)
    assert client.get(endpoint.get_absolute_url()).status_code == 403


def test_csv_cells_that_spreadsheets_run_are_neutralised():
    values = ("=1+1", "+x", "-x", "@x", "\tx", "\rx", "ok", -1.5, None)
    assert [exports.cell(v) for v in values] == [
        "'=1+1", "'+x", "'-x", "'@x", "'\tx", "'\rx", "ok", -1.5, "",
    ]  # fmt: skip


def test_idea_readings_export_streams_every_reading(client, api_as, scientist, idea, board):
    loss = board.metrics.get(name="loss")
    Reading.objects.bulk_create(
        Reading(
            idea=idea,
            metric=loss,
            value=0.5 - i / 10000,
            step=i,
            source="run1",
            note="=HYPERLINK(1)",
        )
        for i in range(3000)
    )
    client.force_login(scientist)
    for response in (
        client.get(f"/integrations/ideas/{idea.pk}/readings.csv"),
        api_as(scientist).get(f"/api/v1/exports/ideas/{idea.pk}/readings/", HTTP_ACCEPT="text/csv"),
    ):
        assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(rows) == 3000
        assert rows[-1]["step"] == "2999" and rows[0]["note"] == "'=HYPERLINK(1)"
        assert rows[0]["metric"] == "loss"


def test_board_ideas_export_has_progress_per_metric(client, scientist, idea, board):
    other = IdeaFactory(board=board, owner=scientist, title="@risky")
    Reading.objects.create(idea=idea, metric=board.metrics.get(name="loss"), value=0.4)
    client.force_login(scientist)
    response = client.get(f"/integrations/boards/{board.pk}/ideas.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4  # two ideas x two metrics
    loss_row = next(r for r in rows if r["idea_id"] == str(idea.pk) and r["metric"] == "loss")
    assert (
        float(loss_row["gain_pct"]) == pytest.approx(20.0) and loss_row["clears_gain_bar"] == "yes"
    )
    assert any(r["idea"] == "'@risky" for r in rows if r["idea_id"] == str(other.pk))


def test_exports_of_missing_objects_are_404(api_as, scientist, db):
    api = api_as(scientist)
    assert api.get("/api/v1/exports/ideas/999999/readings/").status_code == 404
    assert api.get("/api/v1/exports/boards/abc/ideas/").status_code == 404


def test_datagap_queue_export_follows_the_queue_page(client, api_as, scientist):
    from tests.factories import DataGapFactory

    active = DataGapFactory(title="=cmd|' /C calc'!A0", urgency="high")
    DataGapFactory(title="Already delivered", status="declined", decline_reason="Exists already.")
    client.force_login(scientist)
    response = client.get("/integrations/data-gaps/queue.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["id"] for r in rows] == [str(active.pk)]  # the queue's default: active only
    assert rows[0]["title"].startswith("'=") and rows[0]["urgency"] == "High"
    every = client.get("/integrations/data-gaps/queue.csv?status=declined")
    rows = list(csv.DictReader(io.StringIO(b"".join(every.streaming_content).decode())))
    assert [r["title"] for r in rows] == ["Already delivered"]
    api = api_as(scientist)
    assert api.get("/api/v1/exports/data-gaps/?status=nonsense").status_code == 400
    assert api.get("/api/v1/exports/data-gaps/").status_code == 200


def test_the_queue_and_the_board_link_their_csv_with_the_page_filters(client, scientist, board):
    import html
    import re

    from tests.factories import DataGapFactory

    DataGapFactory(title="Delivered already", status="declined", decline_reason="Exists.")
    DataGapFactory(title="Still open")
    client.force_login(scientist)

    def link(page: str, label: str) -> str:
        found = re.search(rf'<a href="([^"]+)" download>{label}</a>', page)
        assert found, label
        return html.unescape(found.group(1))

    queue = client.get("/data-gaps/", {"status": "declined", "page": "1"}).text
    href = link(queue, "CSV of these requests")
    assert href == "/integrations/data-gaps/queue.csv?status=declined"  # the page number dropped
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(href).streaming_content).decode())))
    assert [r["title"] for r in rows] == ["Delivered already"]
    assert link(client.get("/data-gaps/").text, "CSV of these requests") == (
        "/integrations/data-gaps/queue.csv"
    )
    # A page number is no filter: the default queue (active requests) on every page, and
    # its CSV the same list.
    first = client.get("/data-gaps/", {"page": "1"}).text
    assert "Still open" in first and "Delivered already" not in first
    href = link(first, "CSV of these requests")
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(href).streaming_content).decode())))
    assert [r["title"] for r in rows] == ["Still open"]

    board_page = client.get(board.get_absolute_url(), {"since": "30"}).text
    assert (
        link(board_page, "CSV of the ideas")
        == f"/integrations/boards/{board.pk}/ideas.csv?since=30"
    )
    assert client.get(f"/integrations/boards/{board.pk}/ideas.csv?since=30").status_code == 200
    for typed in ("<x>", "²", "0", "366", "7"):  # what the board page reads as its default
        plain = client.get(board.get_absolute_url(), {"since": typed}).text
        assert link(plain, "CSV of the ideas") == f"/integrations/boards/{board.pk}/ideas.csv"
