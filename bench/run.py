"""Benchmark of the research API on PostgreSQL; ``make bench`` runs it.

1. Creates a throwaway database next to ``DATABASE_URL`` (``<name>_bench``), migrates it and
   seeds 200 ideas with 1,000,000 readings (readings with COPY), and one more idea with
   1,000,000 readings of its own (the idea page's worst case).
2. Serves Tandem under ``gunicorn bench.wsgi -w 2 --no-control-socket`` with DEBUG off.
3. Drives ``GET /api/v1/ideas/?page_size=100`` (progress fields for 100 ideas), the board
   page, the idea page of the busy idea, and a floor,
   a bare view returning pre-built JSON of the same size, with ``wrk`` (another process):
   requests/s, p50 and p99 latency.
4. Counts the endpoint's queries per request in-process, and times bulk ingestion of
   10,000 readings in one request over HTTP.
5. Prints a summary, saves JSON under ``bench/results/`` and drops the database
   (``--keep`` keeps it).
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
IDEAS_PATH = "/api/v1/ideas/?page_size=100"
DURATION = os.environ.get("BENCH_DURATION", "10s")
# Two loads: one connection per worker (latency without queueing), then 8 (throughput).
LOADS = {"c2": 2, "c8": 8}


def _bench_database_url() -> tuple[str, str, str]:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    parsed = urlparse(base)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("bench: needs PostgreSQL in DATABASE_URL (make bench provides it)")
    name = parsed.path.lstrip("/") or "tandem"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    admin = urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))
    return urlunparse(parsed._replace(path=f"/{name}")), admin, name


def _recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _parse_wrk(output: str) -> dict:
    def ms(text: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "requests_per_s": rps,
        "p50_ms": round(ms(latency["50"]), 2),
        "p99_ms": round(ms(latency["99"]), 2),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _wrk(url: str, headers: dict[str, str], connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}", "--latency", url]
    for key, value in headers.items():
        command[1:1] = ["-H", f"{key}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return _parse_wrk(output)


def _line(numbers: dict) -> str:
    return (
        f"{numbers['requests_per_s']:8.1f} req/s   p50 {numbers['p50_ms']:6.1f} ms"
        f"   p99 {numbers['p99_ms']:6.1f} ms"
    )


def _ratios(endpoint: dict, floor: dict) -> dict:
    return {
        load: round(endpoint[load]["requests_per_s"] / floor[load]["requests_per_s"], 3)
        for load in endpoint
    }


@contextmanager
def _server(env: dict):
    """gunicorn with 2 workers on a free port, for the length of the ``with``."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--no-control-socket", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/floor/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def main() -> None:
    keep = "--keep" in sys.argv
    if not shutil.which("wrk"):
        sys.exit("bench: needs wrk as the load generator (apt-get install wrk)")
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    if load_at_start[0] > (os.cpu_count() or 1):
        print(f"bench: warning: load average {load_at_start[0]} is above the core count")
    url, admin_url, name = _bench_database_url()
    print(f"bench: throwaway database {name}")
    _recreate_database(admin_url, name)
    os.environ.update(DATABASE_URL=url, DEBUG="false", SECRET_KEY="bench-only-secret-key")
    os.environ.update(ALLOWED_HOSTS="127.0.0.1,testserver", API_THROTTLE_USER="100000000/hour")
    # Plain http to gunicorn, as behind a TLS-terminating proxy: with DEBUG off every request
    # was otherwise answered with a 301 to https (which wrk counts as a success), so the
    # board figures measured redirects.
    os.environ.update(SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false")
    # Production-like: Redis is the shared cache (bench/settings.py gives it its own prefix).
    # This process measures the uncached path; each server run sets the cache itself.
    os.environ["IDEA_LIST_CACHE_SECONDS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench.seed_scale import seed, seed_big_idea
    from research.models import Reading

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest
    print("bench: seeding 200 ideas and 1,000,000 readings (COPY) ...")
    info = seed()
    print(f"bench: seeded {info['readings']:,} readings in {info['seconds']} s")
    began = time.perf_counter()
    big = seed_big_idea()
    print(f"bench: one idea with {big['readings']:,} more readings in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {info['token']}")
    api.get(IDEAS_PATH)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(IDEAS_PATH).content
    query_count = len(queries)  # now: the next request's request_started resets the log
    # Sequential requests in this process: the latency without wrk sharing the two cores.
    in_process = []
    for _ in range(30):
        began = time.perf_counter()
        api.get(IDEAS_PATH)
        in_process.append((time.perf_counter() - began) * 1000)
    floor_file = RESULTS / ".floor.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    floor_file.write_bytes(body)
    connection.close()

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from research.models import Board

    # The board page is HTML for a signed-in person: give the load a session cookie.
    person = User.objects.get(pk=info["user"])
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    board_path = f"/research/boards/{Board.objects.order_by('pk').first().pk}/"
    cookie = {"Cookie": f"sessionid={session.session_key}"}
    web = Client()
    web.cookies["sessionid"] = session.session_key
    web.get(board_path)
    with CaptureQueriesContext(connection) as queries:
        board_status = web.get(board_path).status_code
    board_queries = len(queries)
    board_in_process = []
    for _ in range(15):
        began = time.perf_counter()
        assert web.get(board_path).status_code == 200
        board_in_process.append((time.perf_counter() - began) * 1000)
    assert board_status == 200, board_status

    # The idea page of the idea with a million readings, and its charts' series.
    idea_path = f"/research/ideas/{big['idea']}/"
    web.get(idea_path)
    with CaptureQueriesContext(connection) as queries:
        idea_status = web.get(idea_path).status_code
    idea_queries = len(queries)
    assert idea_status == 200, idea_status
    idea_in_process, idea_cpu = [], []
    for _ in range(15):
        began, cpu = time.perf_counter(), time.process_time()
        assert web.get(idea_path).status_code == 200
        idea_in_process.append((time.perf_counter() - began) * 1000)
        # This process's CPU time: less skewed than wall time when the cores are shared.
        idea_cpu.append((time.process_time() - cpu) * 1000)
    series_path = f"/api/v1/ideas/{big['idea']}/series/?metric={big['metrics'][0]}&points=500"
    series_in_process = []
    for _ in range(5):
        began = time.perf_counter()
        answer = api.get(series_path)
        series_in_process.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.status_code
    series_body = answer.json()
    connection.close()

    auth = {"Authorization": f"Bearer {info['token']}"}
    env = {**os.environ, "BENCH_FLOOR_FILE": str(floor_file)}
    print(f"bench: wrk {DURATION} per run against gunicorn -w 2")
    with _server({**env, "IDEA_LIST_CACHE_SECONDS": "0"}) as base:
        for _ in range(20):  # warm both workers' connections
            urllib.request.urlopen(urllib.request.Request(base + IDEAS_PATH, headers=auth))
        ideas = {load: _wrk(base + IDEAS_PATH, auth, c) for load, c in LOADS.items()}
        for path in (board_path, idea_path):  # 200s, not redirects (wrk counts 3xx as fine)
            request = urllib.request.Request(base + path, headers=cookie)
            with urllib.request.urlopen(request) as response:
                assert response.status == 200 and response.url == base + path, response.url
        board = {load: _wrk(base + board_path, cookie, c) for load, c in LOADS.items()}
        idea_page = {load: _wrk(base + idea_path, cookie, c) for load, c in LOADS.items()}
        floor = {load: _wrk(base + "/bench/floor/", {}, c) for load, c in LOADS.items()}
    with _server({**env, "IDEA_LIST_CACHE_SECONDS": "30"}) as base:
        for _ in range(20):
            urllib.request.urlopen(urllib.request.Request(base + IDEAS_PATH, headers=auth))
        ideas_cached = {load: _wrk(base + IDEAS_PATH, auth, c) for load, c in LOADS.items()}
        ideas_cached_floor = {
            load: _wrk(base + "/bench/floor/", {}, c) for load, c in LOADS.items()
        }
    with _server(env) as base:
        try:
            start = datetime.now(UTC) - timedelta(days=2)
            items = [
                {
                    "idea": info["idea_for_ingest"],
                    "metric": info["metric_for_ingest"],
                    "value": 0.8 + i * 1e-6,
                    "recorded_at": (start + timedelta(seconds=i)).isoformat(),
                    "source": "bench-run",
                }
                for i in range(10_000)
            ]
            payload = json.dumps(items).encode()
            timings = []
            for _ in range(5):
                request = urllib.request.Request(
                    base + "/api/v1/readings/",
                    data=payload,
                    headers={**auth, "Content-Type": "application/json"},
                    method="POST",
                )
                began = time.perf_counter()
                with urllib.request.urlopen(request) as response:
                    assert response.status == 201, response.status
                timings.append(time.perf_counter() - began)
            stored = Reading.objects.filter(source="bench-run").count()

        finally:
            connection.close()

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            # Other work on the machine skews every number; keep it with the result.
            "load_average_at_start": load_at_start,
        },
        "data": {"ideas": info["ideas"], "readings": info["readings"]},
        "ideas_endpoint": {
            "path": IDEAS_PATH,
            "response_bytes": len(body),
            "queries_per_request": query_count,
            "in_process_median_ms": round(statistics.median(in_process), 1),
            "in_process_p90_ms": round(sorted(in_process)[int(len(in_process) * 0.9)], 1),
            "connections": ideas,
            "ratio_to_floor": _ratios(ideas, floor),
        },
        "ideas_endpoint_cached": {
            "path": IDEAS_PATH,
            "note": "IDEA_LIST_CACHE_SECONDS=30: repeated reads between writes",
            "connections": ideas_cached,
            "floor_same_run": ideas_cached_floor,
            "ratio_to_floor": _ratios(ideas_cached, ideas_cached_floor),
        },
        "board_page": {
            "path": board_path,
            "status": board_status,
            "queries_per_request": board_queries,
            "in_process_median_ms": round(statistics.median(board_in_process), 1),
            "connections": board,
            "ratio_to_floor": _ratios(board, floor),
        },
        "idea_page_1m_readings": {
            "path": idea_path,
            "readings_on_idea": big["readings"],
            "status": idea_status,
            "queries_per_request": idea_queries,
            "in_process_median_ms": round(statistics.median(idea_in_process), 1),
            "in_process_p90_ms": round(sorted(idea_in_process)[int(len(idea_in_process) * 0.9)], 1),
            "in_process_cpu_median_ms": round(statistics.median(idea_cpu), 1),
            "connections": idea_page,
            "budget_ms": 100,
        },
        "idea_series_1m_readings": {
            "path": series_path,
            "note": "one chart's series: a third of the idea's readings, bucketed in SQL",
            "total": series_body["total"],
            "points": len(series_body["points"]),
            "in_process_median_ms": round(statistics.median(series_in_process), 1),
        },
        "floor": {"path": "/bench/floor/", "response_bytes": len(body), "connections": floor},
        "bulk_ingest_10k": {
            "median_s": round(statistics.median(timings), 3),
            "min_s": round(min(timings), 3),
            "max_s": round(max(timings), 3),
            "stored": stored,
            "budget_s": 0.7,
        },
    }
    out = RESULTS / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    floor_file.unlink(missing_ok=True)
    if not keep:
        _drop_database(admin_url, name)
    i, f, b = result["ideas_endpoint"], result["floor"], result["bulk_ingest_10k"]
    print(
        f"\nGET {IDEAS_PATH}  ({i['response_bytes']:,} bytes, {i['queries_per_request']} queries)"
    )
    print(f"  in process, one at a time: median {i['in_process_median_ms']} ms")
    for load, c in LOADS.items():
        print(f"  {c} connections: {_line(i['connections'][load])}")
    print(f"  ratio to the floor: {i['ratio_to_floor']}")
    cached = result["ideas_endpoint_cached"]
    print("the same, served from the cache between writes (IDEA_LIST_CACHE_SECONDS=30)")
    for load, c in LOADS.items():
        print(f"  {c} connections: {_line(cached['connections'][load])}")
    print(f"  ratio to the floor (same run): {cached['ratio_to_floor']}")
    bp = result["board_page"]
    print(f"GET {bp['path']}  (HTML, {bp['queries_per_request']} queries)")
    print(f"  in process, one at a time: median {bp['in_process_median_ms']} ms")
    for load, c in LOADS.items():
        print(f"  {c} connections: {_line(bp['connections'][load])}")
    ip = result["idea_page_1m_readings"]
    print(f"GET {ip['path']}  (HTML, idea with {ip['readings_on_idea']:,} readings, "
          f"{ip['queries_per_request']} queries)")  # fmt: skip
    print(f"  in process, one at a time: median {ip['in_process_median_ms']} ms "
          f"(p90 {ip['in_process_p90_ms']} ms, CPU {ip['in_process_cpu_median_ms']} ms); "
          "budget 100 ms")  # fmt: skip
    for load, c in LOADS.items():
        print(f"  {c} connections: {_line(ip['connections'][load])}")
    sp = result["idea_series_1m_readings"]
    print(f"GET {sp['path']}  ({sp['total']:,} readings as {sp['points']} points)")
    print(f"  in process, one at a time: median {sp['in_process_median_ms']} ms")
    print("floor: same bytes, pre-built")
    for load, c in LOADS.items():
        print(f"  {c} connections: {_line(f['connections'][load])}")
    print(f"POST 10,000 readings: median {b['median_s']} s (min {b['min_s']}, max {b['max_s']}); "
          f"budget 0.7 s")  # fmt: skip
    print(f"saved {out.relative_to(ROOT)}")
    # The MLflow script against Tandem and a real MLflow server (its own databases).
    subprocess.run([sys.executable, str(ROOT / "bench" / "mlflow_bench.py")], check=False)


if __name__ == "__main__":
    main()
