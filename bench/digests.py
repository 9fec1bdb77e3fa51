"""Benchmark of the weekly digest: 1,000 people with a realistic week, one Celery worker,
a local SMTP sink. ``make bench`` runs it after the research benchmark.

1. Creates a throwaway database next to ``DATABASE_URL`` (``<name>_digest_bench``), migrates
   it and seeds 1,000 people on 20 projects with a week of activity: takeaways, phase
   changes, readings on the projects' boards, flags, rotations starting and ending.
2. Starts an SMTP sink on 127.0.0.1 and one Celery worker (solo pool) on its own queue.
3. Runs the hourly job once and times until every delivery is done; counts the emails.
4. Prints a summary, saves JSON under ``bench/results/`` and drops the database.
"""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PEOPLE = int(os.environ.get("BENCH_DIGEST_PEOPLE", "1000"))
PROJECTS = 20
BUDGET_SECONDS = 60.0

from bench.run import _bench_database_url, _drop_database, _free_port, _recreate_database  # noqa: E402


class _Sink:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.count += 1
        return "250 OK"


def _seed(now: datetime) -> None:
    from django.contrib.auth.models import User

    from accounts.models import Role
    from digests.models import DigestPreference
    from flags.models import Flag
    from projects.models import PhaseChange, Project, Rotation, Takeaway
    from research.models import Board, Idea, IdeaStatusChange, Metric, Reading

    week_ago = now - timedelta(days=7)
    users = User.objects.bulk_create(
        User(
            username=f"person{n}", email=f"person{n}@example.com", first_name="P", last_name=str(n)
        )
        for n in range(PEOPLE)
    )
    from accounts.models import Profile

    Profile.objects.filter(user__in=users).update(role=Role.MEMBER)
    DigestPreference.objects.bulk_create(
        DigestPreference(user=user, weekday=now.weekday(), hour=0, time_zone="UTC")
        for user in users
    )
    projects = Project.objects.bulk_create(
        Project(
            name=f"Project {n}", slug=f"project-{n}", phase="prototype", product_manager=users[n]
        )
        for n in range(PROJECTS)
    )
    Rotation.objects.bulk_create(
        Rotation(
            person=user,
            project=projects[n % PROJECTS],
            role="Data scientist",
            start=(now - timedelta(days=60)).date(),
            planned_end=(now + timedelta(days=3 + n % 20)).date(),
            allocation=50,
        )
        for n, user in enumerate(users)
    )
    for n in range(30):
        takeaway = Takeaway.objects.create(
            author=users[n],
            project=projects[n % PROJECTS],
            title=f"Lesson {n}",
            text="What we learned.",
        )
        Takeaway.objects.filter(pk=takeaway.pk).update(created_at=week_ago + timedelta(hours=n))
    for project in projects:
        change = PhaseChange.objects.create(
            project=project, from_phase="research", to_phase="prototype"
        )
        PhaseChange.objects.filter(pk=change.pk).update(created_at=week_ago + timedelta(days=2))
        board = Board.objects.create(
            project=project, title=f"Board of {project.name}", gain_bar=2.0
        )
        metrics = [
            Metric.objects.create(board=board, name=name, direction=direction, baseline=0.5)
            for name, direction in (("AUC", "higher"), ("RMSE", "lower"))
        ]
        readings = []
        for i in range(8):
            idea = Idea.objects.create(
                board=board, title=f"Idea {i} of {project.name}", owner=users[i], position=i + 1
            )
            change = IdeaStatusChange.objects.create(idea=idea, board=board, to_status="proposed")
            IdeaStatusChange.objects.filter(pk=change.pk).update(
                created_at=week_ago - timedelta(days=3)
            )
            for metric in metrics:
                for day in range(10):
                    readings.append(
                        Reading(
                            idea=idea,
                            metric=metric,
                            value=0.5 + 0.01 * day * (i + 1),
                            recorded_at=now - timedelta(days=10 - day),
                        )
                    )
        Reading.objects.bulk_create(readings)
        for f in range(3):
            flag = Flag.objects.create(
                project=project,
                title=f"Dependency {f}",
                kind="data_pipeline",
                severity="high",
                raised_in_phase="prototype",
                opened_at=now - timedelta(days=f * 3),
                raised_by=users[0],
            )
            Flag.objects.filter(pk=flag.pk).update(created_at=now - timedelta(days=f * 3))


def main() -> None:
    url, admin_url, name = _bench_database_url()
    name = name.replace("_bench", "_digest_bench")
    url = url.rsplit("/", 1)[0] + f"/{name}"
    _recreate_database(admin_url, name)
    smtp_port = _free_port()
    queue = "tandem-digest-bench"
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="bench",
        ALLOWED_HOSTS="127.0.0.1",
        CELERY_QUEUE=queue,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        SECURE_SSL_REDIRECT="false",
    )
    import logging

    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's per-command chatter
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    from config.celery import app
    from core.durable import WorkStatus
    from digests.models import DigestDelivery
    from digests.services import digests_schedule

    call_command("migrate", verbosity=0)
    now = datetime.now(UTC)
    started = time.monotonic()
    _seed(now)
    seeded = time.monotonic() - started
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    (ROOT / ".run").mkdir(exist_ok=True)
    log = open(ROOT / ".run" / "digest-bench-worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
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
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(3)  # the worker connects
        began = time.monotonic()
        queued = digests_schedule(now=now)
        while DigestDelivery.objects.exclude(
            status__in=[WorkStatus.DONE, WorkStatus.FAILED]
        ).exists():
            if time.monotonic() - began > 600:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - began
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()
        log.close()
    states = {
        state: DigestDelivery.objects.filter(status=state).count() for state in WorkStatus.values
    }
    summary = {
        "when": now.isoformat(),
        "people": PEOPLE,
        "queued": queued,
        "seconds": round(elapsed, 2),
        "per_second": round(PEOPLE / elapsed, 1) if elapsed else None,
        "emails_received": sink.count,
        "deliveries": states,
        "budget_seconds": BUDGET_SECONDS,
        "within_budget": elapsed < BUDGET_SECONDS,
        "seed_seconds": round(seeded, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(
        f"digests: {PEOPLE} people, {sink.count} emails by one worker in {elapsed:.1f} s "
        f"({summary['per_second']}/s; budget {BUDGET_SECONDS:.0f} s)"
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"digests-{stamp}.json").write_text(json.dumps(summary, indent=2) + "\n")
    from django.db import connections

    connections.close_all()
    if "--keep" not in sys.argv:
        _drop_database(admin_url, name)


if __name__ == "__main__":
    main()
