"""A live Tandem for the contract tests: demo data, a member and an admin with API tokens.

The server is gunicorn (2 workers, as in production) in a subprocess on the real PostgreSQL
test database, like the Celery worker of ``tests/conftest.py``: the data is committed
(``transactional_db``) so that it sees it. pytest-django's in-process ``live_server`` was
tried first and answered about 15 requests a second, too slow to fuzz with. The API
throttles are opened wide for this server: the fuzzer sends thousands of requests a minute
from one address, and the throttles have tests of their own (tests/core/test_throttling.py).
"""

import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from accounts.models import Role
from accounts.services import api_token_create
from tests.conftest import _database_url, _namespace
from tests.processes import free_port, stop

BASE_DIR = Path(__file__).resolve().parent.parent.parent
UNLIMITED = "1000000/second"


@dataclass
class LiveApi:
    url: str  # the server's root, no trailing slash
    tokens: dict[str, str]  # "member" / "admin" -> bearer token

    @property
    def schema_url(self) -> str:
        return f"{self.url}/api/schema/"

    def get_schema(self, token: str) -> dict:
        request = urllib.request.Request(
            f"{self.schema_url}?format=json", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            return json.loads(response.read())


@pytest.fixture
def gunicorn_url(transactional_db, tmp_path):
    """Tandem under gunicorn on this test's database; its log is printed if it fails."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DEBUG": "true",
        "CACHE_KEY_PREFIX": f"{_namespace()}-contract",
        "IDEA_LIST_CACHE_SECONDS": "0",
        "API_THROTTLE_USER": UNLIMITED,
        "API_THROTTLE_ANON": UNLIMITED,
        "API_THROTTLE_FAILED_TOKEN": UNLIMITED,
        "API_THROTTLE_BURST": "1000000",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log_path = tmp_path / "gunicorn.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")), "config.wsgi",
            "-w", "2", "-b", f"127.0.0.1:{port}", "--no-control-socket", "--timeout", "60",
            # The fuzzer's over-long query strings (a q past its maxLength in 4-byte
            # characters) would otherwise meet gunicorn's 4 KB request-line cap, a 414 from
            # the front server before Tandem sees the request: the contract is Tandem's.
            "--limit-request-line", "0",
        ],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited at start-up:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api/schema/", timeout=2)
        except urllib.error.HTTPError:
            break  # it answers (401 without a token)
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn did not answer within 30 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        else:
            break
    yield url
    stop(process)
    log.close()
    errors = [line for line in log_path.read_text().splitlines() if "Traceback" in line]
    assert not errors, f"the server logged errors:\n{log_path.read_text()[-20000:]}"


@pytest.fixture
def live_api(gunicorn_url) -> LiveApi:
    """The demo data (committed), and API tokens for its first member and first admin."""
    call_command("seed_demo", stdout=io.StringIO())
    tokens = {}
    for kind, role in (("member", Role.MEMBER), ("admin", Role.ADMIN)):
        person = User.objects.filter(profile__role=role, is_active=True).order_by("pk").first()
        assert person is not None, f"the demo data has no active {kind}"
        _, tokens[kind] = api_token_create(user=person, name=f"contract-{kind}", actor=person)
    return LiveApi(url=gunicorn_url, tokens=tokens)
