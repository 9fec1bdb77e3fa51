"""Benchmark settings: Tandem's own, plus a floor route (``bench.urls``)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Its own namespace on a shared Redis, so a bench never reads a development server's keys.
CACHES["default"]["KEY_PREFIX"] = "tandem-bench"  # noqa: F405
