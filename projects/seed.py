"""Demo data of the projects slice, called by ``manage.py seed_demo``. Idempotent."""


def seed(*, stdout) -> None:
    """Create the demo projects, targets, rotations and takeaways unless they exist."""
