"""Copy helpers: counted nouns ("1 reading", "2 readings") and percentages ("+7.5 %")."""

MINUS = "\u2212"  # a real minus sign reads better than a hyphen in numbers


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` with its noun in the right number: ``counted(1, "reading")`` is "1 reading",
    ``counted(2, "delivery", "deliveries")`` is "2 deliveries" (thousands separated)."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count:,} {noun}"


def percent(value: float, *, signed: bool = False, below: float | None = None) -> str:
    """``value`` percent with one decimal, or two when the second one counts: "7.5 %",
    "4.99 %", "5.0 %".

    ``below``: a bar ``value`` is under. The text then keeps as many decimals as it takes
    not to read as reaching the bar ("4.996 %", not "5.0 %", beside a 5 % bar), up to nine.

    A fall takes a true minus sign; ``signed`` also puts "+" before a rise and "±" before
    zero (and before what rounds to zero). Every percentage of a gain or a change goes
    through here, so a message and a badge agree.
    """
    places = 2
    while below is not None and value < below and places < 9 and round(value, places) >= below:
        places += 1
    text = f"{abs(value):.{places}f}"
    if places == 2 and text.endswith("0"):
        text = text[:-1]
    if float(text) == 0:
        sign = "±" if signed else ""
    elif value < 0:
        sign = MINUS
    elif signed:
        sign = "+"
    else:
        sign = ""
    return f"{sign}{text} %"
