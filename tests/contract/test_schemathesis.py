"""The API does what its schema says: schemathesis fuzzes every operation of a live server.

Once with a member's token and once with an admin's, with every check schemathesis has
(``--checks all``), every phase, a fixed seed and ``MAX_EXAMPLES`` examples per operation.
Any server error, undocumented status code, response that does not match its schema,
schema-valid request refused or schema-violating request accepted fails the test, which
prints schemathesis's report. ``schemathesis.toml`` beside this file lists the operations
whose documented 400s follow rules a schema cannot state (unknown ids, the transition
table); nothing else is configured away.

The time it takes is measured at ``MAX_EXAMPLES``.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"
# Examples per operation and run. Measured here (2 cores, 55 operations): about 5,800 test
# cases per run; the member run takes about 80 s, the admin run 90 to 105 s, and the whole of
# tests/contract about 3.3 minutes on its own.
MAX_EXAMPLES = 50
SEED = 1


def _schemathesis(api, token: str, workdir: Path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(CONFIG),
        "--no-color",
        "run", api.schema_url,
        "--checks", "all",
        "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES),
        "--generation-database", "none",
        "--request-timeout", "30",
        "-H", f"Authorization: Bearer {token}",
    ]  # fmt: skip
    return subprocess.run(
        command,
        cwd=workdir,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("who", ["member", "admin"])
def test_every_operation_keeps_the_contract(live_api, who, tmp_path):
    token = live_api.tokens[who]
    schema = live_api.get_schema(token)
    operations = sum(
        1
        for item in schema["paths"].values()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    )
    assert operations >= 50, f"the schema lists only {operations} operations"
    run = _schemathesis(live_api, token, tmp_path)
    report = run.stdout + run.stderr
    tested = re.search(r"Tested:\s+(\d+)", report)
    selected = re.search(r"Selected:\s+(\d+)/(\d+)", report)
    assert tested and selected, f"schemathesis did not run (exit {run.returncode}):\n{report}"
    assert int(selected.group(1)) == int(selected.group(2)) == operations, report
    assert int(tested.group(1)) == operations, f"some operations were not tested:\n{report}"
    assert run.returncode == 0, f"schemathesis found contract violations as {who}:\n{report}"
