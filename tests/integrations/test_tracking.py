"""The MLflow endpoint's rules and error shapes, through the test client."""

import pytest

from accounts.models import Role
from integrations.models import MetricAlias, Run, RunMetric
from integrations.services.runs import metric_alias_create
from research.models import Reading
from tests.factories import IdeaFactory, UserFactory


def _start(mlflow_call, user, board, idea=None, name="r1"):
    tags = [{"key": "tandem.idea", "value": str(idea.pk)}] if idea else []
    status, body = mlflow_call(
        user, "runs/create", {"experiment_id": str(board.pk), "run_name": name, "tags": tags}
    )
    assert status == 200, body
    return body["run"]["info"]["run_id"]


def test_experiment_is_found_by_project_and_board_name(mlflow_call, scientist, board):
    status, body = mlflow_call(
        scientist,
        "experiments/get-by-name",
        {"experiment_name": "churn-radar/Predict churn"},
        "GET",
    )
    assert status == 200 and body["experiment"]["experiment_id"] == str(board.pk)
    status, body = mlflow_call(
        scientist, "experiments/get-by-name", {"experiment_name": "churn-radar/Nope"}, "GET"
    )
    assert status == 404 and body["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_only_managers_create_experiments(mlflow_call, scientist, manager, board):
    status, body = mlflow_call(scientist, "experiments/create", {"name": "churn-radar/New one"})
    assert status == 403 and body["error_code"] == "PERMISSION_DENIED"
    status, body = mlflow_call(manager, "experiments/create", {"name": "churn-radar/New one"})
    assert status == 200 and body["experiment_id"]
    status, body = mlflow_call(manager, "experiments/create", {"name": "churn-radar/New one"})
    assert status == 400 and body["error_code"] == "RESOURCE_ALREADY_EXISTS"


def test_params_are_immutable(mlflow_call, scientist, board, idea):
    run_id = _start(mlflow_call, scientist, board, idea)
    assert (
        mlflow_call(
            scientist, "runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.1"}
        )[0]
        == 200
    )
    # The same value again is fine, as in MLflow.
    assert (
        mlflow_call(
            scientist, "runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.1"}
        )[0]
        == 200
    )
    status, body = mlflow_call(
        scientist, "runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.2"}
    )
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Changing param values is not allowed" in body["message"]
    assert Run.objects.get(run_id=run_id).params == {"lr": "0.1"}


def test_a_token_logs_only_to_ideas_its_person_may_write(mlflow_call, scientist, board, idea):
    other = UserFactory(username="other-sci", role=Role.MEMBER)
    status, body = mlflow_call(
        other,
        "runs/create",
        {"experiment_id": str(board.pk), "tags": [{"key": "tandem.idea", "value": str(idea.pk)}]},
    )
    assert status == 403 and body["error_code"] == "PERMISSION_DENIED"
    run_id = _start(mlflow_call, scientist, board, idea)
    status, body = mlflow_call(
        other,
        "runs/log-metric",
        {"run_id": run_id, "key": "loss", "value": 1, "timestamp": 1, "step": 0},
    )
    assert status == 403 and body["error_code"] == "PERMISSION_DENIED"
    # Params and tags too (no reading involved, so only the run's own rule can refuse).
    status, body = mlflow_call(
        other, "runs/log-parameter", {"run_id": run_id, "key": "k", "value": "v"}
    )
    assert status == 403 and body["error_code"] == "PERMISSION_DENIED"
    assert Run.objects.get(run_id=run_id).params == {}
    viewer = UserFactory(username="v", role=Role.VIEWER)
    status, body = mlflow_call(viewer, "runs/create", {"experiment_id": str(board.pk)})
    assert status == 403
    assert Reading.objects.count() == 0


def test_unknown_keys_are_kept_and_mapped_later_into_readings(
    mlflow_call, scientist, manager, board, idea
):
    run_id = _start(mlflow_call, scientist, board, idea)
    metrics = [
        {"key": "val_auc", "value": 0.8 + i / 100, "timestamp": 1_760_000_000_000 + i, "step": i}
        for i in range(5)
    ] + [{"key": "loss", "value": 0.4, "timestamp": 1_760_000_000_000, "step": 0}]
    status, body = mlflow_call(scientist, "runs/log-batch", {"run_id": run_id, "metrics": metrics})
    assert status == 200, body
    assert RunMetric.objects.filter(run__run_id=run_id).count() == 6
    assert Reading.objects.filter(idea=idea).count() == 1  # loss only
    auc = board.metrics.get(name="auc")
    metric_alias_create(metric=auc, key="val_auc", actor=manager)
    readings = Reading.objects.filter(idea=idea, metric=auc).order_by("step")
    assert [r.step for r in readings] == [0, 1, 2, 3, 4] and readings[0].source == run_id
    # From now on the alias maps new points directly.
    mlflow_call(
        scientist, "runs/log-metric", {"run_id": run_id, "key": "val_auc", "value": 0.9, "step": 5}
    )
    assert Reading.objects.filter(idea=idea, metric=auc).count() == 6
    assert MetricAlias.objects.get().key == "val_auc"


def test_a_run_without_an_idea_keeps_its_points_until_attached(
    client, mlflow_call, scientist, board, idea
):
    run_id = _start(mlflow_call, scientist, board)
    mlflow_call(
        scientist, "runs/log-metric", {"run_id": run_id, "key": "loss", "value": 0.3, "step": 7}
    )
    assert Reading.objects.count() == 0
    client.force_login(scientist)
    response = client.post(f"/integrations/ideas/{idea.pk}/runs/attach/", {"run": run_id})
    assert response.status_code == 302
    (reading,) = Reading.objects.filter(idea=idea)
    assert reading.step == 7 and reading.value == 0.3 and reading.source == run_id


def test_the_idea_tag_set_later_attaches_the_run(mlflow_call, scientist, board, idea):
    run_id = _start(mlflow_call, scientist, board)
    mlflow_call(
        scientist, "runs/log-metric", {"run_id": run_id, "key": "loss", "value": 0.3, "step": 1}
    )
    status, _ = mlflow_call(
        scientist, "runs/set-tag", {"run_id": run_id, "key": "tandem.idea", "value": str(idea.pk)}
    )
    assert status == 200
    assert Run.objects.get(run_id=run_id).idea == idea
    assert Reading.objects.filter(idea=idea).count() == 1
    other_idea = IdeaFactory(board=board, owner=scientist)
    status, body = mlflow_call(
        scientist,
        "runs/set-tag",
        {"run_id": run_id, "key": "tandem.idea", "value": str(other_idea.pk)},
    )
    assert status == 400 and "already on idea" in body["message"]


def test_non_finite_values_stay_in_the_run_only(mlflow_call, scientist, board, idea):
    run_id = _start(mlflow_call, scientist, board, idea)
    stamp = 1_760_000_000_000
    points = [
        {"key": "loss", "value": "NaN", "timestamp": stamp, "step": 0},
        {"key": "loss", "value": "Infinity", "timestamp": stamp + 1, "step": 1},
    ]
    status, _ = mlflow_call(scientist, "runs/log-batch", {"run_id": run_id, "metrics": points})
    assert status == 200
    assert RunMetric.objects.count() == 2 and Reading.objects.count() == 0
    _, body = mlflow_call(
        scientist, "metrics/get-history", {"run_id": run_id, "metric_key": "loss"}, "GET"
    )
    assert [m["value"] for m in body["metrics"]] == ["NaN", "Infinity"]


@pytest.mark.parametrize(
    ("path", "data", "code"),
    [
        (
            "runs/log-batch",
            {"metrics": [{"key": "x", "value": 1}] * 1001},
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "runs/log-batch",
            {"params": [{"key": f"p{i}", "value": "1"} for i in range(101)]},
            "INVALID_PARAMETER_VALUE",
        ),
        ("runs/log-metric", {"key": "bad\x00key", "value": 1}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-metric", {"key": "a" * 251, "value": 1}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-metric", {"key": "loss", "value": "many"}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-metric", {"key": "loss", "value": 1, "step": "x"}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-metric", {"key": "loss", "value": 1, "step": 2**64}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-metric", {"key": "loss"}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-parameter", {"key": "p", "value": "v" * 6001}, "INVALID_PARAMETER_VALUE"),
        ("runs/update", {"status": "EXPLODED"}, "INVALID_PARAMETER_VALUE"),
        ("runs/log-batch", {"metrics": {"key": "x"}}, "INVALID_PARAMETER_VALUE"),
    ],
)
def test_bad_input_is_an_mlflow_error_never_a_500(
    mlflow_call, scientist, board, idea, path, data, code
):
    run_id = _start(mlflow_call, scientist, board, idea)
    status, body = mlflow_call(scientist, path, {"run_id": run_id, **data})
    assert status == 400 and body["error_code"] == code and body["message"]


@pytest.mark.parametrize(
    ("path", "method", "status", "code"),
    [
        ("artifacts/list", "GET", 501, "NOT_IMPLEMENTED"),
        ("registered-models/create", "POST", 501, "NOT_IMPLEMENTED"),
        ("logged-models", "POST", 501, "NOT_IMPLEMENTED"),
        ("traces", "POST", 501, "NOT_IMPLEMENTED"),
        ("something/else", "POST", 501, "NOT_IMPLEMENTED"),
        ("runs/get", "POST", 404, "ENDPOINT_NOT_FOUND"),
        ("runs/get", "GET", 400, "INVALID_PARAMETER_VALUE"),
    ],
)
def test_unsupported_calls_name_what_is_not_supported(
    mlflow_call, scientist, path, method, status, code
):
    got, body = mlflow_call(scientist, path, {}, method)
    assert (got, body["error_code"]) == (status, code)
    if code == "NOT_IMPLEMENTED":
        assert "does not support" in body["message"]


def test_unknown_run_and_malformed_body(client, mlflow_call, scientist, token_for):
    status, body = mlflow_call(scientist, "runs/get", {"run_id": "f" * 32}, "GET")
    assert status == 404 and body["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    response = client.post(
        "/mlflow/api/2.0/mlflow/runs/log-batch",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(scientist)}",
    )
    assert response.status_code == 400 and response.json()["error_code"] == "MALFORMED_REQUEST"


def test_without_a_valid_token_the_answer_is_unauthenticated(client, db):
    response = client.post(
        "/mlflow/api/2.0/mlflow/runs/create", "{}", content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["error_code"] == "UNAUTHENTICATED"
    response = client.get(
        "/mlflow/api/2.0/mlflow/runs/get", {"run_id": "x"}, HTTP_AUTHORIZATION="Bearer nope"
    )
    assert response.status_code == 401 and response.json()["error_code"] == "UNAUTHENTICATED"
