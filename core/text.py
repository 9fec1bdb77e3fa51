"""Copy helpers: counted nouns ("1 reading", "2 readings")."""


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` with its noun in the right number: ``counted(1, "reading")`` is "1 reading",
    ``counted(2, "delivery", "deliveries")`` is "2 deliveries" (thousands separated)."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count:,} {noun}"
