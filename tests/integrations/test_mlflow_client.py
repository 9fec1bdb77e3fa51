"""The real MLflow client (mlflow-skinny), unchanged, against a live Tandem server."""

import os

import pytest
from django.test import Client

from bench.mlflow_script import EPOCHS, RUNS, STEPS, TOTAL_POINTS, train
from integrations.models import Run, RunMetric, RunStatus
from research.models import Reading

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mlflow_env(live_server, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"{live_server.url}/mlflow")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("DO_NOT_TRACK", "true")
    import mlflow

    mlflow.set_tracking_uri(f"{live_server.url}/mlflow")
    yield
    mlflow.set_tracking_uri(None)
    if mlflow.active_run():
        mlflow.end_run()


def test_training_script_logs_runs_readings_and_unmapped_keys(
    mlflow_env, monkeypatch, board, idea, scientist, token_for
):
    """3 runs, 20,010 points with steps, params and tags: every point kept, the board's
    metrics become readings with their steps, the rest listed as unmapped on the idea."""
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token_for(scientist))
    from mlflow import MlflowClient

    run_ids = train("churn-radar/Predict churn", idea_id=idea.pk)

    runs = {run.run_id: run for run in Run.objects.filter(idea=idea)}
    assert set(runs) == set(run_ids) and len(runs) == RUNS
    first = runs[run_ids[0]]
    assert first.status == RunStatus.FINISHED and first.end_time >= first.start_time
    assert first.params == {"lr": "0.1", "depth": "6", "model": "gbm", "seed": "0"}
    assert first.tags["tandem.idea"] == str(idea.pk) and first.tags["stage"] == "offline"
    assert first.name == "gbm-lr-0.1" and first.created_by == scientist
    assert RunMetric.objects.filter(run__idea=idea).count() == TOTAL_POINTS == 20_010

    readings = Reading.objects.filter(idea=idea)
    assert readings.count() == RUNS * 2 * STEPS
    assert set(readings.values_list("source", flat=True)) == set(run_ids)
    last_loss = readings.filter(metric__name="loss", source=run_ids[0]).order_by("-step").first()
    assert last_loss.step == STEPS - 1

    client = MlflowClient()
    history = client.get_metric_history(run_ids[1], "loss")
    assert [m.step for m in history] == list(range(STEPS))
    assert len(client.get_metric_history(run_ids[2], "epoch_seconds")) == EPOCHS
    found = client.search_runs([str(board.pk)], filter_string=f"tags.`tandem.idea` = '{idea.pk}'")
    assert {run.info.run_id for run in found} == set(run_ids)
    fetched = client.get_run(run_ids[0])
    assert fetched.data.params["model"] == "gbm"
    assert {"loss", "auc", "grad_norm", "epoch_seconds"} <= set(fetched.data.metrics)

    # Through the API: the runs, newest first, with their unmapped keys.
    api = Client()
    api.force_login(scientist)
    listed = api.get(f"/api/v1/runs/?idea={idea.pk}").json()["results"]
    assert [run["run_id"] for run in listed] == list(reversed(run_ids))
    assert listed[0]["unmapped_keys"] == ["epoch_seconds", "grad_norm"]
    readings_api = api.get(f"/api/v1/readings/?idea={idea.pk}&page_size=1").json()
    assert readings_api["count"] == RUNS * 2 * STEPS

    # On the idea page: the runs, their params, the unmapped keys and the charts' points.
    page = api.get(idea.get_absolute_url()).content.decode()
    for run_id in run_ids:
        assert run_id in page
    assert "gbm-lr-0.01" in page and "grad_norm" in page and "Unmapped keys" in page
    assert page.count(run_ids[0]) >= 1 and "lr=0.1" in page


def test_unknown_experiment_and_missing_token_answer_mlflow_errors(mlflow_env, monkeypatch):
    """The client raises MLflow's own exceptions with Tandem's messages, never a crash."""
    import mlflow
    from mlflow.exceptions import MlflowException

    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    with pytest.raises(MlflowException) as unauthenticated:
        mlflow.MlflowClient().get_experiment_by_name("x/y")
    assert "MLFLOW_TRACKING_TOKEN" in str(unauthenticated.value)
    assert os.environ.get("MLFLOW_TRACKING_TOKEN") is None
