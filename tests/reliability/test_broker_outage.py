"""With Redis down, a release answers at once, and its emails go out once Redis is back.

Real processes: a throwaway Redis that the test freezes, kills and restarts; Tandem served by
gunicorn; a Celery worker and Celery beat (sweeping every second) on that Redis; all on the
test database, with email going to the test SMTP server. Prompts published while Redis is
down are lost; the takeaway requests are rows, and the sweep sends each one exactly once.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from accounts.services import api_token_create
from core.durable import WorkStatus
from projects.models import Phase, TakeawayRequest
from tests.conftest import _database_url
from tests.factories import RotationFactory, UserFactory, project_with_open_gates
from tests.processes import free_port, wait_until

BASE_DIR = Path(__file__).resolve().parents[2]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Redis:
    """A throwaway Redis that the test may freeze, kill and start again on one port."""

    def __init__(self, directory: Path) -> None:
        self.dir, self.port = directory, free_port()
        self.pidfile = directory / "redis.pid"
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(self.pidfile),
             "--dir", str(self.dir), "--logfile", str(self.dir / "redis.log")],
            check=True, timeout=30,
        )  # fmt: skip
        wait_until(lambda: _answers(self.port) and self.pidfile.exists(), 10, "Redis to start")

    @property
    def pid(self) -> int:
        return int(self.pidfile.read_text())

    def freeze(self) -> None:
        """Stopped, not dead: connections open, nothing answers (a hung or partitioned host)."""
        os.kill(self.pid, signal.SIGSTOP)

    def kill(self) -> None:
        """Gone at once, without running anything sent while it was frozen."""
        pid = self.pid
        os.kill(pid, signal.SIGKILL)
        self.pidfile.unlink(missing_ok=True)
        wait_until(lambda: not _answers(self.port), 10, "Redis to stop")
        wait_until(lambda: not Path(f"/proc/{pid}").exists(), 10, "the Redis process to go")


class Served:
    """Redis, gunicorn, a worker and beat; each process's output in its own log."""

    def __init__(self, smtp_server) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tandem-broker-outage-"))
        self.redis = Redis(self.dir)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": _database_url(connection.settings_dict),
            "REDIS_URL": self.redis.url,
            "CELERY_QUEUE": "tandem-broker-outage",
            "EMAIL_HOST": smtp_server.host,
            "EMAIL_PORT": str(smtp_server.port),
            "DURABLE_SWEEP_SECONDS": "1",
            "LOG_LEVEL": "INFO",
        }

    def spawn(self, name: str, *command: str) -> Path:
        log = self.dir / f"{name}.log"
        with open(log, "w") as out:
            self.processes.append(
                subprocess.Popen(
                    command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT
                )
            )
        return log

    def start(self) -> None:
        self.redis.start()
        python = sys.executable
        self.worker_log = self.spawn(
            "worker", python, "-m", "celery", "-A", "config", "worker", "--pool=solo",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-Q", self.env["CELERY_QUEUE"], "-n", f"outage-{self.port}@%h", "--loglevel=INFO",
        )  # fmt: skip
        self.spawn(
            "beat", python, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
            "-s", str(self.dir / "beat-schedule"), "--pidfile", str(self.dir / "beat.pid"),
        )  # fmt: skip
        self.spawn(
            "web", python, "-m", "gunicorn", "config.wsgi", "-w", "1",
            "-b", f"127.0.0.1:{self.port}", "--no-control-socket", "--timeout", "60",
        )  # fmt: skip
        wait_until(lambda: "ready." in self.worker_log.read_text(), 60, "the worker")
        wait_until(lambda: _answers(self.port), 60, "gunicorn")
        wait_until(lambda: self.sweeps() >= 1, 30, "beat's first sweep")

    def sweeps(self) -> int:
        """How many sweeps the worker has finished so far."""
        return len(
            re.findall(r"Task durable_sweep\[[^]]+\] succeeded", self.worker_log.read_text())
        )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis.pidfile.exists():
            os.kill(self.redis.pid, signal.SIGKILL)
        if not os.environ.get("KEEP_OUTAGE_LOGS"):
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def served(transactional_db, smtp_inbox):
    served = Served(smtp_inbox)
    try:
        served.start()
        yield served
    finally:
        served.stop()


def _get(served: Served, path: str, key: str) -> int:
    request = urllib.request.Request(served.base + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def _release(served: Served, project, key: str) -> tuple[int, float]:
    request = urllib.request.Request(
        f"{served.base}/api/v1/projects/{project.pk}/phase/",
        data=json.dumps({"to": Phase.RELEASED}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, time.monotonic() - started


def test_a_release_during_a_broker_outage_answers_at_once_and_mails_once_after(served, smtp_inbox):
    manager = UserFactory(role="manager")
    _, key = api_token_create(user=manager, name="outage", actor=manager)
    frozen_project = project_with_open_gates(phase=Phase.IMPLEMENTATION, name="Frozen")
    down_project = project_with_open_gates(phase=Phase.IMPLEMENTATION, name="Down")
    emails = []
    for project, count in ((frozen_project, 2), (down_project, 3)):
        RotationFactory(project=project, person=None)  # a placeholder: nobody to ask
        for n in range(count):
            email = f"{project.name.lower()}{n}@example.com"
            RotationFactory(project=project, person=UserFactory(email=email))
            emails.append(email)

    # A web process that has served before (its connections to Redis are pooled).
    assert _get(served, "/api/v1/projects/", key) == 200

    # Redis hangs: connections are accepted, nothing answers.
    served.redis.freeze()
    status, seconds = _release(served, frozen_project, key)
    assert status == 200
    assert seconds < 2, f"the release took {seconds:.1f} s with Redis hanging"
    served.redis.kill()  # what it was sent while frozen is lost with it

    # Redis is down: connections are refused.
    status, seconds = _release(served, down_project, key)
    assert status == 200
    assert seconds < 2, f"the release took {seconds:.1f} s with Redis down"

    rows = TakeawayRequest.objects.all()
    assert rows.count() == 5
    assert set(rows.values_list("status", "attempts")) == {(WorkStatus.PENDING, 0)}
    time.sleep(2)  # two sweep intervals: nothing can be sent while Redis is down
    assert smtp_inbox.messages == []
    assert set(rows.values_list("status", flat=True)) == {WorkStatus.PENDING}

    # Redis is back, empty: every prompt was lost; the sweep sends each email.
    served.redis.start()
    smtp_inbox.wait_for(5, timeout=60)
    assert sorted(message["To"] for message in smtp_inbox.messages) == sorted(emails)
    wait_until(lambda: set(rows.values_list("status", flat=True)) == {WorkStatus.DONE}, 10, "done")
    assert set(rows.values_list("attempts", flat=True)) == {1}

    # Later sweeps find nothing to do: still exactly one email per request.
    swept = served.sweeps()
    wait_until(lambda: served.sweeps() >= swept + 2, 30, "two more sweeps")
    assert len(smtp_inbox.messages) == 5


_PUBLISH = """
import sys, time
import django
django.setup()
from core.queue import broker_resume, publish
def timed():
    started = time.monotonic()
    sent = publish("system_ping", ())
    return sent, round(time.monotonic() - started, 3)
assert publish("system_ping", ()) is True  # a pooled connection to the live Redis
print("ready", flush=True)
sys.stdin.readline()  # the test froze Redis
print(*timed(), *timed(), flush=True)  # the second is paused: not even tried
sys.stdin.readline()  # the test killed Redis
broker_resume()
print(*timed(), flush=True)
"""


def test_a_prompt_to_a_hung_or_dead_broker_gives_up_within_a_second(tmp_path):
    redis = Redis(tmp_path)
    redis.start()
    env = {**os.environ, "DEBUG": "true", "REDIS_URL": redis.url, "LOG_LEVEL": "CRITICAL"}
    process = subprocess.Popen(
        [sys.executable, "-c", _PUBLISH], cwd=BASE_DIR, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout.readline().strip() == "ready"
        redis.freeze()
        process.stdin.write("\n")
        process.stdin.flush()
        hung = process.stdout.readline().split()
        redis.kill()
        refused, _ = process.communicate("\n", timeout=60)
    finally:
        process.kill()
        if redis.pidfile.exists():
            redis.kill()
    sent, seconds, again, paused_seconds = hung
    assert (sent, again) == ("False", "False")
    assert float(seconds) < 1.0, f"a publish to a hung Redis took {seconds} s"
    assert float(paused_seconds) < 0.05
    sent, seconds = refused.split()
    assert sent == "False"
    # Not the result backend's 20 reconnection attempts (19 s) that a prompt used to wait for.
    assert float(seconds) < 1.0, f"a publish to a stopped Redis took {seconds} s"
