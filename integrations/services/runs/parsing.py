"""MLflow's tags, limits and key rule, and the parsing of what a client sends: keys,
texts, int64s, metric points and key-value pairs."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from ...models import KEY_MAX_LENGTH

#: The tag naming the idea a run tests (its id).
IDEA_TAG = "tandem.idea"
RUN_NAME_TAG = "mlflow.runName"
# MLflow's log-batch limits (mlflow/utils/validation.py).
MAX_BATCH_METRICS = 1000
MAX_BATCH_PARAMS = 100
MAX_BATCH_TAGS = 100
MAX_BATCH_ENTITIES = 1000
# MLflow's key rule: alphanumerics, underscores, dashes, periods, spaces, slashes, colons.
KEY_PATTERN = re.compile(r"^[/\w.\- :]*$")
MAX_INT64 = 2**63 - 1


@dataclass(frozen=True)
class Point:
    key: str
    value: float
    timestamp: int
    step: int


def _key(value, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError({what: f"Missing value for parameter '{what}'."})
    if len(value) > KEY_MAX_LENGTH:
        raise ValidationError(
            {what: f"'{value[:40]}…' exceeds the maximum length of {KEY_MAX_LENGTH} characters."}
        )
    if not KEY_PATTERN.match(value) or "\x00" in value:
        raise ValidationError(
            {
                what: f"Invalid {what} '{value}': names may only contain alphanumerics, "
                "underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)."
            }
        )
    return value


def _text(value, what: str, limit: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    if len(value) > limit:
        raise ValidationError({what: f"The {what} exceeds the maximum length of {limit}."})
    if "\x00" in value:
        raise ValidationError({what: f"The {what} may not contain NUL characters."})
    return value


def int64(value, what: str, *, default: int | None = None) -> int:
    """An int64 as protobuf JSON sends it (a number or a numeric string)."""
    if value is None or value == "":
        if default is None:
            raise ValidationError({what: f"Missing value for parameter '{what}'."})
        return default
    if isinstance(value, bool):
        raise ValidationError({what: f"Parameter '{what}' must be an integer."})
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationError({what: f"Parameter '{what}' must be an integer."}) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not -MAX_INT64 - 1 <= value <= MAX_INT64:
        raise ValidationError({what: f"Parameter '{what}' must be a 64-bit integer."})
    return value


def _float(value) -> float:
    """A metric value as protobuf JSON sends it: a number, or "NaN"/"Infinity"/"-Infinity"."""
    if isinstance(value, bool):
        raise ValidationError({"value": "Parameter 'value' must be a number."})
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip() in ("NaN", "Infinity", "-Infinity", "nan", "inf"):
        return float(value.strip().replace("Infinity", "inf"))
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValidationError({"value": "Parameter 'value' must be a number."})


def point_parse(raw, *, now_ms: int) -> Point:
    """One metric as MLflow sends it (``key``, ``value``, ``timestamp`` ms, ``step``)."""
    if not isinstance(raw, dict):
        raise ValidationError({"metrics": "Each metric must be an object."})
    return Point(
        key=_key(raw.get("key"), "key"),
        value=_float(raw.get("value")) if raw.get("value") is not None else _missing("value"),
        timestamp=int64(raw.get("timestamp"), "timestamp", default=now_ms),
        step=int64(raw.get("step"), "step", default=0),
    )


def _missing(what: str):
    raise ValidationError({what: f"Missing value for parameter '{what}'."})


def _pairs(raw, what: str, limit: int) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError({what: f"Parameter '{what}' must be a list."})
    pairs = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValidationError({what: f"Each of '{what}' must be an object."})
        pairs.append((_key(item.get("key"), "key"), _text(item.get("value"), "value", limit)))
    return pairs


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)
