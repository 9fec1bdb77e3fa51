"""Demo data of the research slice, called by ``manage.py seed_demo``. Idempotent."""


def seed(*, stdout) -> None:
    """Create the demo boards, metrics, ideas and readings unless they exist."""
