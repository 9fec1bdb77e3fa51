"""The Celery application.

Tasks are discovered in each app's ``tasks.py``. Without ``REDIS_URL`` the settings make
every task run eagerly in-process, so the embedded default needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tandem")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule: the one place that says what runs periodically. One comment per entry.
# Later slices add entries here (e.g. the weekly digest, flag escalation).
app.conf.beat_schedule = {}
