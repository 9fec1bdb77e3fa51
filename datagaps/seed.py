"""Demo data of the data-gaps slice (filled in below)."""


def seed(*, stdout) -> None:
    return None
