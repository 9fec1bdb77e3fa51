"""The Celery application.

Tasks are discovered in each app's ``tasks.py`` (and the durable-work sweep in
``core.durable``). Without ``REDIS_URL`` the settings make every task run eagerly in-process,
so the embedded default needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tandem")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("core.durable",)

# A broker that does not answer must not hold a web request: prompts are best effort (the
# work is a row that the sweep runs), so one publish is bounded to about a second. Without a
# socket timeout, a Redis that accepts connections but never answers hangs the publish for
# ever. (The 19 s a release once took with Redis down was the result backend reconnecting:
# prompts ignore their results, see core.queue.publish.)
BROKER_TIMEOUT_SECONDS = 0.5
app.conf.broker_connection_timeout = BROKER_TIMEOUT_SECONDS
app.conf.broker_transport_options = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    # Synchronous commands only (a publish, an ack): the worker's blocking BRPOP is read by
    # its event loop once the socket is readable, so it is not cut short by this.
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    # Re-establishing a lost connection before a publish: once, at once (kombu's default
    # sleeps 2 s first). The worker's own reconnection loop has its own settings.
    "max_retries": 1,
    "interval_start": 0,
}
# No publish retries: each attempt against a Redis that hangs costs the socket timeout (and
# kombu's reconnect between attempts another), so one retry tripled the wait to 1.5 s. A
# pooled connection gone stale because Redis restarted is reconnected without one (measured).
app.conf.task_publish_retry = False

# How often beat runs the durable-work sweep; tests shorten it.
DURABLE_SWEEP_SECONDS = float(os.environ.get("DURABLE_SWEEP_SECONDS", "60"))

# The beat schedule: the one place that says what runs periodically. One comment per entry.
# Later slices add entries here.
app.conf.beat_schedule = {
    # Runs every row of durable work whose prompt was lost (broker down at commit, a worker
    # that died): takeaway requests today, digests and webhook deliveries next. A sweep that
    # waited in the queue longer than one interval is dropped: the next one does its work.
    "durable-sweep": {
        "task": "durable_sweep",
        "schedule": DURABLE_SWEEP_SECONDS,
        "options": {"expires": DURABLE_SWEEP_SECONDS},
    },
    # Escalates unacknowledged dependency flags past each step (FLAG_ESCALATION_DAYS) to
    # their owner and the project's manager. Hourly is fine-grained enough for steps counted
    # in days; a run twice or at once escalates each step once.
    # Queues the weekly digests whose send time (each person's weekday and hour, in their
    # time zone) has come, and gives failed ones another go. Hourly, since send times are
    # hours; a run twice or at once queues each person's week once.
    "digests-schedule": {
        "task": "digests_schedule",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "flags-escalate": {
        "task": "flags_escalate",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}
