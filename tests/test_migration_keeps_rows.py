"""A database made by the old layout migrates to the new one and keeps every row.

Until commit 82ee79a, profiles and the activity log lived in the ``projects`` app and personal
API tokens in DRF's ``authtoken_token`` table. The new layout moves profiles to ``accounts``,
the activity log to ``activity``, and tokens to our own hashed ``accounts.ApiToken``. A real
deployment upgrades in place with ``manage.py migrate``, so this test takes a database that
the old code created and filled (``tests/fixtures/db_before_layout.sql``, a ``pg_dump`` of it),
migrates it with today's migrations, and checks that:

- ``migrate`` succeeds on it;
- every table keeps exactly as many rows, under its new name where the table was renamed;
- every personal token issued before the upgrade still authenticates as the same person;
- the tokens are no longer stored in plain text.

It runs on a scratch database of its own, next to the test database, dropped at the end.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
DUMP = BASE_DIR / "tests" / "fixtures" / "db_before_layout.sql"

# Old table -> its name in the new layout. Every other old table keeps its name.
RENAMED = {
    "projects_profile": "accounts_profile",
    "projects_activity": "activity_activity",
    "authtoken_token": "accounts_apitoken",
}

# Django's record of applied migrations grows by design; every other table must keep its rows.
NOT_COUNTED = {"django_migrations"}
# Django's registries of models gain rows for models the new layout adds (the token model's
# content type and permissions): these may grow, but keep every old row.
MAY_GROW = {"django_content_type", "auth_permission"}


@dataclass(repr=False)  # short failure reports: the counts are shown by the assertions
class MigratedDatabase:
    """The scratch database after ``migrate``, and what it held before."""

    url: str
    connect_kwargs: dict
    rows_before: dict[str, int]
    tokens_before: dict[str, int]  # plaintext key -> user id
    migrate: subprocess.CompletedProcess
    rows_after: dict[str, int]


def _server() -> dict:
    """Where the test database lives: the scratch database goes on the same server."""
    db = settings.DATABASES["default"]
    # The suite always runs on PostgreSQL (make test); elsewhere this must fail, not skip.
    assert db["ENGINE"] == "django.db.backends.postgresql", (
        "the layout migration test needs PostgreSQL (make test sets DATABASE_URL)"
    )
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "password": db.get("PASSWORD") or None,
    }


def _url(server: dict, name: str) -> str:
    credentials = quote(server["user"])
    if server["password"]:
        credentials += ":" + quote(server["password"])
    return f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"


def _row_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows in each table of the public schema, except ``NOT_COUNTED``."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        if name not in NOT_COUNTED
    ]
    query = sql.SQL("SELECT count(*) FROM public.{}")
    return {name: conn.execute(query.format(sql.Identifier(name))).fetchone()[0] for name in tables}


def _manage(*args: str, url: str) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a fresh process on the scratch database, with eager tasks."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _drop(admin: psycopg.Connection, name: str) -> None:
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def migrated():
    """Load the old database into a scratch database, count it, migrate it, count again."""
    server = _server()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"tandem_layout_{worker}_{os.getpid()}"
    connect_kwargs = {**server, "dbname": name}
    with psycopg.connect(**{**server, "dbname": "postgres"}, autocommit=True) as admin:
        _drop(admin, name)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            # The dump sets an empty search_path for its session: load it on its own connection.
            with psycopg.connect(**connect_kwargs, autocommit=True) as conn:
                conn.execute(DUMP.read_text(encoding="utf-8"))
            with psycopg.connect(**connect_kwargs, autocommit=True) as conn:
                rows_before = _row_counts(conn)
                tokens_before = dict(conn.execute("SELECT key, user_id FROM authtoken_token"))
            url = _url(server, name)
            result = _manage("migrate", "--noinput", url=url)
            with psycopg.connect(**connect_kwargs, autocommit=True) as conn:
                rows_after = _row_counts(conn)
            yield MigratedDatabase(
                url, connect_kwargs, rows_before, tokens_before, result, rows_after
            )
        finally:
            _drop(admin, name)


def _assert_migrated(db: MigratedDatabase) -> None:
    returncode = db.migrate.returncode
    assert returncode == 0, (
        f"manage.py migrate failed on the old database (exit {returncode}):\n"
        f"{db.migrate.stdout}\n{db.migrate.stderr}"
    )


def test_fixture_has_rows_in_every_table(migrated):
    """The old database really covers every table, so a lost row anywhere would show."""
    empty = sorted(table for table, rows in migrated.rows_before.items() if rows == 0)
    assert not empty, f"regenerate tests/fixtures/db_before_layout.sql with rows in {empty}"
    assert len(migrated.tokens_before) >= 2


def test_migrate_succeeds_on_the_old_database(migrated):
    _assert_migrated(migrated)


def test_every_row_is_kept_under_its_new_table_name(migrated):
    """Each old table's rows are all there after migrate, renamed tables under the new name."""
    _assert_migrated(migrated)
    expected = {RENAMED.get(table, table): rows for table, rows in migrated.rows_before.items()}
    kept = {table: migrated.rows_after.get(table) for table in expected}
    for table in MAY_GROW:
        assert kept[table] >= expected[table], table
        kept[table] = expected[table]
    assert kept == expected
    assert "authtoken_token" not in migrated.rows_after, "the plaintext token table is left over"


def test_old_tokens_still_authenticate_as_their_owner(migrated):
    """A token issued before the upgrade, sent as ``Bearer <key>``, logs in the same person.

    It goes through the first authentication class of the API settings, in a fresh process on
    the migrated database, exactly as a request to the API would.
    """
    _assert_migrated(migrated)
    script = f"""
import json
from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

authentication = import_string(settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0])()
factory = APIRequestFactory()
users = {{}}
for key in {sorted(migrated.tokens_before)!r}:
    request = Request(factory.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {{key}}"))
    try:
        result = authentication.authenticate(request)
        users[key] = result[0].pk if result else None
    except Exception as error:
        users[key] = f"{{type(error).__name__}}: {{error}}"
print("AUTHENTICATED", json.dumps(users))
"""
    result = _manage("shell", "-c", script, url=migrated.url)
    lines = [line for line in result.stdout.splitlines() if line.startswith("AUTHENTICATED ")]
    assert result.returncode == 0 and lines, f"{result.stdout}\n{result.stderr}"
    authenticated = json.loads(lines[-1].removeprefix("AUTHENTICATED "))
    assert authenticated == migrated.tokens_before


def test_tokens_are_stored_only_as_hashes(migrated):
    """No column of the new token table holds an old plaintext key."""
    _assert_migrated(migrated)
    with psycopg.connect(**migrated.connect_kwargs) as conn:
        rows = conn.execute("SELECT * FROM accounts_apitoken").fetchall()
    assert len(rows) == len(migrated.tokens_before)
    leaked = [
        key for key in migrated.tokens_before for row in rows for cell in row if key in str(cell)
    ]
    assert not leaked, "accounts_apitoken stores plaintext keys"
