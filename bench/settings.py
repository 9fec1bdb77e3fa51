"""Benchmark settings: Tandem's own, plus a floor route (``bench.urls``)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
