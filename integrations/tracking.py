"""The MLflow-compatible tracking endpoint: ``/mlflow/api/2.0/mlflow/...``.

Point ``MLFLOW_TRACKING_URI`` at ``https://tandem.example.com/mlflow`` and
``MLFLOW_TRACKING_TOKEN`` at a personal API token, and the ordinary MLflow client logs into
Tandem. This module only speaks MLflow's REST dialect (its paths, its JSON, its error shape
``{"error_code", "message"}`` with its HTTP statuses); every write is a service of
``integrations.services.runs`` and every read a selector.

Authentication is the API's bearer token (no session, so no CSRF); the per-token rate is
``API_THROTTLE_MLFLOW``. Calls Tandem does not serve (artifacts, models, traces, ...)
answer ``NOT_IMPLEMENTED`` naming what is not supported.
"""

import codecs
import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions as drf_exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.api.authentication import BearerTokenAuthentication
from core.api.parsers import PayloadTooLarge, read_limited
from core.api.throttling import AnonRateThrottle, UserRateThrottle

from . import selectors
from .models import Run, RunMetric
from .services import runs as services

logger = logging.getLogger(__name__)

STATUS = {
    "INVALID_PARAMETER_VALUE": 400,
    "BAD_REQUEST": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "NOT_IMPLEMENTED": 501,
    "TEMPORARILY_UNAVAILABLE": 503,
}
#: The page size of searches and metric histories when the client names none.
DEFAULT_MAX_RESULTS = 1000
MAX_RESULTS_LIMIT = 50_000
HISTORY_PAGE = 25_000

NOT_SERVED = {
    "artifacts": "artifact storage",
    "mlflow-artifacts": "artifact storage",
    "registered-models": "the model registry",
    "model-versions": "the model registry",
    "logged-models": "logged models",
    "traces": "tracing",
    "datasets": "datasets",
    "scorers": "scorers",
    "gateway": "the AI gateway",
    "prompts": "prompts",
}


class MlflowError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def error_response(code: str, message: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error_code": code, "message": message}, status=STATUS.get(code, 400))
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)


class MlflowThrottle(UserRateThrottle):
    """Per token, ``API_THROTTLE_MLFLOW``: training jobs log fast, in bursts."""

    scope = "mlflow"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_MLFLOW


# --- JSON shapes -------------------------------------------------------------------------


def experiment_json(board) -> dict:
    created = int(board.created_at.timestamp() * 1000)
    return {
        "experiment_id": str(board.pk),
        "name": services.experiment_name(board),
        "artifact_location": "",
        "lifecycle_stage": "active",
        "creation_time": created,
        "last_update_time": int(board.updated_at.timestamp() * 1000),
        "tags": [{"key": "tandem.board_url", "value": board.get_absolute_url()}],
    }


def _number(value: float):
    if value != value:  # NaN
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def metric_json(point: RunMetric) -> dict:
    return {
        "key": point.key,
        "value": _number(point.value),
        "timestamp": point.timestamp,
        "step": point.step,
    }


def run_json(run: Run, latest: list[RunMetric]) -> dict:
    info = {
        "run_id": run.run_id,
        "run_uuid": run.run_id,
        "run_name": run.name,
        "experiment_id": str(run.board_id),
        "user_id": run.created_by.username,
        "status": run.status,
        "start_time": run.start_time,
        "artifact_uri": "",
        "lifecycle_stage": "deleted" if run.deleted else "active",
    }
    if run.end_time is not None:
        info["end_time"] = run.end_time
    return {
        "info": info,
        "data": {
            "metrics": [metric_json(point) for point in latest],
            "params": [{"key": k, "value": v} for k, v in sorted(run.params.items())],
            "tags": [{"key": k, "value": v} for k, v in sorted(run.tags.items())],
        },
        "inputs": {},
    }


def _run_json_one(run: Run) -> dict:
    return run_json(run, selectors.latest_metrics([run.pk]).get(run.pk, []))


# --- helpers -----------------------------------------------------------------------------


def _run(data: dict) -> Run:
    run_id = data.get("run_id") or data.get("run_uuid")
    if not run_id:
        raise MlflowError("INVALID_PARAMETER_VALUE", "Missing value for parameter 'run_id'.")
    run = selectors.run_by_id(run_id)
    if run is None:
        raise MlflowError("RESOURCE_DOES_NOT_EXIST", f"Run with id={run_id} not found")
    return run


def _board(experiment_id):
    board = selectors.board_by_experiment_id(experiment_id)
    if board is None:
        raise MlflowError(
            "RESOURCE_DOES_NOT_EXIST",
            f"No experiment with id={experiment_id}. Experiments are Tandem boards: "
            "set_experiment('project-slug/Board title').",
        )
    return board


def _max_results(data: dict, default: int = DEFAULT_MAX_RESULTS) -> int:
    value = services.int64(data.get("max_results"), "max_results", default=default)
    if not 1 <= value <= MAX_RESULTS_LIMIT:
        raise ValidationError(
            {"max_results": f"Invalid value {value} for parameter 'max_results': it must be "
                            f"at most {MAX_RESULTS_LIMIT} and positive."}
        )  # fmt: skip
    return value


def _offset(data: dict) -> int:
    token = data.get("page_token") or ""
    if not token:
        return 0
    try:
        offset = int(token)
    except (TypeError, ValueError):
        raise ValidationError({"page_token": "Invalid page token."}) from None
    if not 0 <= offset < 2**31:
        raise ValidationError({"page_token": "Invalid page token."})
    return offset


# --- the operations --------------------------------------------------------------------


def get_experiment_by_name(request, data):
    name = data.get("experiment_name")
    if not name:
        raise ValidationError({"experiment_name": "Missing value for 'experiment_name'."})
    board = selectors.board_for_experiment(name)
    if board is None:
        raise MlflowError(
            "RESOURCE_DOES_NOT_EXIST",
            f"Could not find experiment with name '{name}'. Experiments are Tandem boards, "
            "named 'project-slug/Board title'.",
        )
    return {"experiment": experiment_json(board)}


def get_experiment(request, data):
    return {"experiment": experiment_json(_board(data.get("experiment_id")))}


def create_experiment(request, data):
    try:
        board = services.experiment_create(name=data.get("name"), actor=request.user)
    except services.AlreadyExists as exists:
        raise MlflowError("RESOURCE_ALREADY_EXISTS", str(exists)) from None
    return {"experiment_id": str(board.pk)}


def search_experiments(request, data):
    limit = _max_results(data)
    offset = _offset(data)
    boards = list(selectors.boards_as_experiments()[offset : offset + limit + 1])
    answer = {"experiments": [experiment_json(board) for board in boards[:limit]]}
    if len(boards) > limit:
        answer["next_page_token"] = str(offset + limit)
    return answer


def create_run(request, data):
    experiment_id = data.get("experiment_id")
    board = None
    if experiment_id not in (None, "", "0"):
        board = _board(experiment_id)
    run = services.run_create(
        board=board,
        actor=request.user,
        start_time=data.get("start_time"),
        tags=data.get("tags"),
        name=data.get("run_name") or "",
    )
    return {"run": run_json(run, [])}


def update_run(request, data):
    run = services.run_update(
        run=_run(data),
        actor=request.user,
        status=data.get("status"),
        end_time=data.get("end_time"),
        name=data.get("run_name"),
    )
    return {"run_info": run_json(run, [])["info"]}


def get_run(request, data):
    return {"run": _run_json_one(_run(data))}


def delete_run(request, data):
    services.run_set_deleted(run=_run(data), actor=request.user, deleted=True)
    return {}


def restore_run(request, data):
    services.run_set_deleted(run=_run(data), actor=request.user, deleted=False)
    return {}


def log_batch(request, data):
    services.run_log(
        run=_run(data),
        actor=request.user,
        metrics=data.get("metrics"),
        params=data.get("params"),
        tags=data.get("tags"),
    )
    return {}


def log_metric(request, data):
    point = {k: data.get(k) for k in ("key", "value", "timestamp", "step")}
    services.run_log(run=_run(data), actor=request.user, metrics=[point])
    return {}


def log_param(request, data):
    param = {"key": data.get("key"), "value": data.get("value")}
    services.run_log(run=_run(data), actor=request.user, params=[param])
    return {}


def set_tag(request, data):
    tag = {"key": data.get("key"), "value": data.get("value")}
    services.run_log(run=_run(data), actor=request.user, tags=[tag])
    return {}


def delete_tag(request, data):
    services.run_delete_tag(run=_run(data), actor=request.user, key=data.get("key") or "")
    return {}


def get_metric_history(request, data):
    run = _run(data)
    key = data.get("metric_key")
    if not key:
        raise ValidationError({"metric_key": "Missing value for parameter 'metric_key'."})
    limit = _max_results(data, default=HISTORY_PAGE)
    offset = _offset(data)
    points = list(selectors.metric_history(run, key)[offset : offset + limit + 1])
    answer = {"metrics": [metric_json(point) for point in points[:limit]]}
    if len(points) > limit:
        answer["next_page_token"] = str(offset + limit)
    return answer


def search_runs(request, data):
    from .search import runs_search

    runs, token = runs_search(
        experiment_ids=data.get("experiment_ids") or [],
        filter_string=data.get("filter") or "",
        run_view_type=data.get("run_view_type") or "ACTIVE_ONLY",
        order_by=data.get("order_by") or [],
        max_results=_max_results(data),
        offset=_offset(data),
    )
    latest = selectors.latest_metrics([run.pk for run in runs])
    answer = {"runs": [run_json(run, latest.get(run.pk, [])) for run in runs]}
    if token:
        answer["next_page_token"] = token
    return answer


# (path, method) → operation; mlflow/protos/service.proto names the paths.
OPERATIONS = {
    ("experiments/get-by-name", "GET"): get_experiment_by_name,
    ("experiments/get", "GET"): get_experiment,
    ("experiments/create", "POST"): create_experiment,
    ("experiments/search", "POST"): search_experiments,
    ("experiments/search", "GET"): search_experiments,
    ("runs/create", "POST"): create_run,
    ("runs/update", "POST"): update_run,
    ("runs/get", "GET"): get_run,
    ("runs/delete", "POST"): delete_run,
    ("runs/restore", "POST"): restore_run,
    ("runs/log-batch", "POST"): log_batch,
    ("runs/log-metric", "POST"): log_metric,
    ("runs/log-parameter", "POST"): log_param,
    ("runs/set-tag", "POST"): set_tag,
    ("runs/delete-tag", "POST"): delete_tag,
    ("runs/search", "POST"): search_runs,
    ("metrics/get-history", "GET"): get_metric_history,
}
WRITES = {path for path, method in OPERATIONS if method == "POST"}


class TrackingView(APIView):
    """Dispatches one MLflow REST call; every answer is JSON, every error MLflow's shape."""

    authentication_classes = [BearerTokenAuthentication]
    throttle_classes = [MlflowThrottle, AnonRateThrottle]
    parser_classes = []
    schema = None  # not part of /api/v1's OpenAPI schema: MLflow's own protocol

    def get_authenticate_header(self, request) -> str:
        return "Bearer"

    def dispatch_operation(self, request: Request, version: str, path: str):
        if not (request.user and request.user.is_authenticated):
            self.check_throttles(request)
            raise MlflowError(
                "UNAUTHENTICATED",
                "Set MLFLOW_TRACKING_TOKEN to a Tandem personal API token.",
            )
        top = path.split("/", 1)[0]
        if top in NOT_SERVED or version != "2.0":
            what = NOT_SERVED.get(top, f"the MLflow {version} API")
            raise MlflowError(
                "NOT_IMPLEMENTED",
                f"Tandem's MLflow endpoint does not support {what} ({path}); it records "
                "experiments, runs, params, tags and metrics. See docs/integrations.md.",
            )
        operation = OPERATIONS.get((path, request.method))
        if operation is None:
            if any(p == path for p, _ in OPERATIONS):
                raise MlflowError(
                    "ENDPOINT_NOT_FOUND", f"{request.method} is not allowed on {path}."
                )
            raise MlflowError(
                "NOT_IMPLEMENTED",
                f"Tandem's MLflow endpoint does not support '{path}'; it records "
                "experiments, runs, params, tags and metrics. See docs/integrations.md.",
            )
        if request.method == "GET":
            data = {key: request.query_params.get(key) for key in request.query_params}
        else:
            data = self._body(request)
        return operation(request, data)

    @staticmethod
    def _body(request: Request) -> dict:
        try:
            body = read_limited(request._request, settings.API_MAX_BODY_BYTES)
        except PayloadTooLarge as too_large:
            raise MlflowError("INVALID_PARAMETER_VALUE", str(too_large.detail)) from None
        if not body.strip():
            return {}
        try:
            data = json.loads(codecs.decode(body, "utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise MlflowError("MALFORMED_REQUEST", f"The body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise MlflowError("MALFORMED_REQUEST", "The body must be a JSON object.")
        return data

    def _answer(self, request, version, path):
        try:
            return JsonResponse(self.dispatch_operation(request, version, path))
        except MlflowError as error:
            return error_response(error.code, error.message)
        except ValidationError as error:
            return error_response("INVALID_PARAMETER_VALUE", _messages(error))
        except PermissionDenied as error:
            return error_response(
                "PERMISSION_DENIED", str(error) or "You may not do this in Tandem."
            )
        except drf_exceptions.Throttled as error:
            wait = int(error.wait or 1)
            return error_response(
                "REQUEST_LIMIT_EXCEEDED",
                f"Too many requests for this token; retry in {wait} s.",
                {"Retry-After": str(wait)},
            )
        except drf_exceptions.AuthenticationFailed as error:
            return error_response("UNAUTHENTICATED", str(error.detail))
        except DatabaseError:
            logger.exception("Database error in the MLflow endpoint")
            return error_response(
                "TEMPORARILY_UNAVAILABLE",
                "The database is not answering; retry shortly.",
                {"Retry-After": "5"},
            )

    def initial(self, request, *args, **kwargs):
        # Authentication and throttling happen inside _answer, so their errors take MLflow's
        # shape; DRF's own checks (permissions) are not used here.
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg

    def _handle(self, request, version="2.0", path=""):
        try:
            request.user  # noqa: B018  (authenticates now, inside the error mapping)
            if request.user and request.user.is_authenticated:
                self.check_throttles(request)
        except (drf_exceptions.Throttled, drf_exceptions.AuthenticationFailed) as error:
            if isinstance(error, drf_exceptions.Throttled):
                wait = int(error.wait or 1)
                return error_response(
                    "REQUEST_LIMIT_EXCEEDED",
                    f"Too many requests for this token; retry in {wait} s.",
                    {"Retry-After": str(wait)},
                )
            return error_response("UNAUTHENTICATED", str(error.detail))
        return self._answer(request, version, path)

    get = post = patch = delete = _handle

    def finalize_response(self, request, response, *args, **kwargs):
        return response


tracking_view = login_not_required(csrf_exempt(TrackingView.as_view()))
