"""A worker killed (SIGKILL) in the middle of a batch, then a restarted one: every person
still gets exactly one digest. The batch's rows are claimed one by one; the row being sent
when the worker died is taken over once its claim times out, and the ones already sent are
never sent again."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from digests import services
from digests.models import DigestDelivery
from tests.conftest import _database_url, _namespace
from tests.processes import free_port, stop, wait_until

from .test_delivery import _people_with_a_week

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 6


class _SlowInbox:
    """An SMTP handler that holds each message at RCPT while ``slow`` is set, and says when
    the message after the ``signal_after``-th has started."""

    def __init__(self, signal_after: int) -> None:
        self.messages: list = []
        self.slow = threading.Event()
        self.slow.set()
        self.next_started = threading.Event()
        self.signal_after = signal_after

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(self.messages) >= self.signal_after:
            self.next_started.set()
        while self.slow.is_set() and len(self.messages) >= self.signal_after:
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes

        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


def _worker(queue: str, smtp_port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CELERY_QUEUE": queue,
        "DEBUG": "true",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "DIGEST_CLAIM_TIMEOUT_SECONDS": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_batch_and_restarted_sends_each_digest_once(tmp_path):
    from aiosmtpd.controller import Controller

    from config.celery import app

    assert settings.REDIS_URL, "needs the real Redis broker (make test provides it)"
    inbox = _SlowInbox(signal_after=3)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"{_namespace()}-killed"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    first = _worker(queue, port, tmp_path / "worker-1.log")
    second = None
    try:
        _people_with_a_week(PEOPLE)
        assert services.digests_schedule() == PEOPLE  # one batch of six
        wait_until(inbox.next_started.is_set, 60, "the fourth message to start")
        first.send_signal(signal.SIGKILL)  # mid-way through the fourth message
        first.wait(timeout=10)
        assert len(inbox.messages) == 3
        inbox.slow.clear()
        time.sleep(1.2)  # the dead worker's claim is now older than its timeout

        second = _worker(queue, port, tmp_path / "worker-2.log")
        sweep = app.send_task("durable_sweep", queue=queue)
        report = sweep.get(timeout=60)
        assert report["digests.DigestDelivery"] == {"done": PEOPLE - 3}
    finally:
        app.conf.task_default_queue = default_queue
        for process in (first, second):
            if process is not None and process.poll() is None:
                stop(process)
        controller.stop()
    recipients = sorted(message["To"] for message in inbox.messages)
    assert recipients == sorted(f"reader{n}@example.com" for n in range(PEOPLE))
    assert {d.state for d in DigestDelivery.objects.all()} == {"sent"}
