"""With PostgreSQL down, Tandem answers 503 with ``Retry-After`` and recovers by itself.

A private PostgreSQL cluster is created for this module, Tandem is served from it by gunicorn
in production mode, and the test stops and starts the cluster under it: signed-in pages get
a 503 page, the API a 503 JSON answer, and both work again once the database is back.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, stop

BASE_DIR = Path(__file__).resolve().parents[2]


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    assert found, "PostgreSQL's server binaries (Debian's postgresql package) are needed"
    return found[-1].parent


class Cluster:
    """A throwaway PostgreSQL cluster that the test may stop and start."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="tandem-outage-"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb refuses to run as root
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.dir), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in command)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -F"
        self._run("pg_ctl", "-D", str(self.dir), "-o", options, "-l", f"{self.dir}/log", "-w",
                  "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def served():
    """Tandem under gunicorn (DEBUG off) on a private cluster; yields what a client needs."""
    cluster = Cluster()
    cluster.start()
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/postgres",
        "REDIS_URL": "",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(cluster.dir.with_name(cluster.dir.name + "-static")),
    }
    python = sys.executable
    for command in (["migrate"], ["collectstatic"]):  # production serves a static manifest
        subprocess.run(
            [python, "manage.py", *command, "--noinput", "-v", "0"],
            cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    script = """
import contextlib
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.services import api_token_create, person_create
person = person_create(username="outage", password="a-long-password-1", role="member")
_, key = api_token_create(user=person, name="outage test", actor=person)
session = SessionStore()
session[SESSION_KEY] = str(person.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = person.get_session_auth_hash()
session.create()
print(json.dumps({"token": key, "session": session.session_key}))
"""
    made = subprocess.run(
        [python, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    secrets = json.loads(made.stdout.strip().splitlines()[-1])
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--no-control-socket", "--timeout", "60"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield {"base": base, "cluster": cluster, **secrets}
    finally:
        stop(server, timeout=30)
        cluster.remove()
        shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)


def _get(served, path: str, *, api: bool) -> tuple[int, dict, str]:
    headers = (
        {"Authorization": f"Bearer {served['token']}", "Accept": "application/json"}
        if api
        else {"Cookie": f"sessionid={served['session']}", "Accept": "text/html"}
    )
    request = urllib.request.Request(served["base"] + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_pages_and_api_answer_503_while_the_database_is_down_and_recover(served):
    status, _, body = _get(served, "/", api=False)
    assert status == 200, body[:500]
    assert _get(served, "/api/v1/me/", api=True)[0] == 200

    served["cluster"].stop()
    try:
        status, headers, body = _get(served, "/", api=False)
        assert status == 503, body[:500]
        assert headers.get("Retry-After") == "30"
        assert "text/html" in headers.get("Content-Type", "")
        assert "cannot reach its database" in body

        status, headers, body = _get(served, "/api/v1/me/", api=True)
        assert status == 503, body[:500]
        assert headers.get("Retry-After") == "30"
        assert json.loads(body) == {
            "detail": "Tandem's database is unavailable; try again shortly."
        }
    finally:
        served["cluster"].start()

    status, _, body = _get(served, "/", api=False)
    assert status == 200, body[:500]
    status, _, body = _get(served, "/api/v1/me/", api=True)
    assert status == 200, body[:500]
    assert json.loads(body)["username"] == "outage"
