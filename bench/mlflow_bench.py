"""The MLflow training script (``bench/mlflow_script.py``, 20,010 points) timed against
Tandem and against a real MLflow tracking server, on the same PostgreSQL, in one run.

Tandem is served by ``gunicorn bench.wsgi -w 2`` on a throwaway database; MLflow by
``mlflow server --workers 2`` on another throwaway database of the same cluster. The full
``mlflow`` package is not one of Tandem's requirements: set ``MLFLOW_SERVER`` to its
``mlflow`` executable (default ``.run/mlflow-server/bin/mlflow``, e.g. from
``python3 -m venv .run/mlflow-server && .run/mlflow-server/bin/pip install mlflow==3.17.2
'psycopg[binary]'``); without it only Tandem is timed. Results go to
``bench/results/mlflow-<time>.json``. ``make bench`` runs this after the research benchmark;
``python bench/mlflow_bench.py`` (with ``DATABASE_URL``) runs it alone.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    RESULTS,
    _drop_database,
    _free_port,
    _recreate_database,
    _server,
)


def _urls(suffix: str) -> tuple[str, str, str]:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    parsed = urlparse(base)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("mlflow bench: needs PostgreSQL in DATABASE_URL")
    name = f"{(parsed.path.lstrip('/') or 'tandem').removesuffix('_bench')}_{suffix}"
    admin = urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))
    return urlunparse(parsed._replace(path=f"/{name}")), admin, name


def _client_env(uri: str, token: str = "") -> None:
    os.environ.update(
        MLFLOW_TRACKING_URI=uri,
        MLFLOW_HTTP_REQUEST_MAX_RETRIES="0",
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
    )
    if token:
        os.environ["MLFLOW_TRACKING_TOKEN"] = token
    else:
        os.environ.pop("MLFLOW_TRACKING_TOKEN", None)


def _timed_script(experiment: str, idea_id: int | None) -> float:
    """Run the script in a fresh interpreter (the client caches its store per URI)."""
    code = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); "
        "from bench.mlflow_script import train; t = time.perf_counter(); "
        f"train({experiment!r}, idea_id={idea_id!r}); print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=False
    )
    if out.returncode:
        sys.exit(f"mlflow bench: the script failed:\n{out.stderr[-3000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def _tandem() -> dict:
    url, admin, name = _urls("mlflow_tandem")
    _recreate_database(admin, name)
    os.environ.update(DATABASE_URL=url, DEBUG="false", SECRET_KEY="bench-only-secret-key")
    os.environ.update(ALLOWED_HOSTS="127.0.0.1,testserver", DJANGO_SETTINGS_MODULE="bench.settings")
    # Plain http on 127.0.0.1, as behind a TLS-terminating proxy.
    os.environ.update(SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Role
    from accounts.services import api_token_create
    from research.models import Direction
    from tests.factories import (
        BoardFactory,
        IdeaFactory,
        MetricFactory,
        ProjectFactory,
        UserFactory,
    )

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    person = UserFactory(username="bench-scientist", role=Role.MEMBER)
    board = BoardFactory(project=ProjectFactory(slug="bench"), title="Churn")
    MetricFactory(board=board, name="loss", direction=Direction.LOWER, baseline=0.5)
    MetricFactory(board=board, name="auc", baseline=0.8)
    idea = IdeaFactory(board=board, owner=person)
    _, token = api_token_create(user=person, name="bench", actor=person)
    from django.db import connection

    connection.close()
    with _server(dict(os.environ)) as base:
        _client_env(f"{base}/mlflow", token)
        seconds = _timed_script("bench/Churn", idea.pk)
    from integrations.models import RunMetric
    from research.models import Reading

    answer = {
        "seconds": round(seconds, 2),
        "points": RunMetric.objects.count(),
        "readings": Reading.objects.count(),
    }
    connection.close()
    _drop_database(admin, name)
    return answer


def _mlflow() -> dict | None:
    executable = os.environ.get("MLFLOW_SERVER", str(ROOT / ".run/mlflow-server/bin/mlflow"))
    if not Path(executable).exists():
        print(f"mlflow bench: no MLflow server at {executable}; timing Tandem only")
        return None
    url, admin, name = _urls("mlflow_server")
    _recreate_database(admin, name)
    store = urlunparse(urlparse(url)._replace(scheme="postgresql+psycopg"))
    port = _free_port()
    artifacts = ROOT / ".run" / "mlflow-artifacts"
    server = subprocess.Popen(
        [executable, "server", "--backend-store-uri", store, "--workers", "2",
         "--host", "127.0.0.1", "--port", str(port), "--default-artifact-root", str(artifacts)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("mlflow bench: the MLflow server did not start")
            return None
        _client_env(base)
        seconds = _timed_script("bench/Churn", None)
    finally:
        server.terminate()
        server.wait(timeout=30)
        _drop_database(admin, name)
    return {"seconds": round(seconds, 2)}


def main() -> None:
    tandem = _tandem()
    mlflow = _mlflow()
    result = {
        "when": datetime.now(UTC).isoformat(),
        "script": "bench/mlflow_script.py: 3 runs, 20,010 points, params and tags",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "tandem": tandem,
        "mlflow": mlflow,
        "mlflow_over_tandem": round(mlflow["seconds"] / tandem["seconds"], 2) if mlflow else None,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"mlflow-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"mlflow bench: saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
