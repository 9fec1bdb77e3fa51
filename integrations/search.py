"""``runs/search``: MLflow's search over runs, for the filters scripts use on their own runs.

Supported: clauses joined by ``AND``, each ``<entity>.<key> <op> <value>`` with entities
``attributes`` (``run_id``, ``run_name``, ``status``, ``user_id``, ``start_time``,
``end_time``), ``tags``, ``params`` and ``metrics`` (any logged point; MLflow compares the
latest), operators ``=``
``!=`` (and ``<`` ``<=`` ``>`` ``>=`` for metrics and times), and string values in quotes.
Anything else is refused with MLflow's ``INVALID_PARAMETER_VALUE`` naming what is supported.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform

from . import selectors
from .models import Run, RunMetric

_CLAUSE = re.compile(
    r"""\s*(?P<entity>attributes?|attr|tags?|params?|parameters?|metrics?|run)\.
        (?P<key>`[^`]+`|"[^"]+"|[\w.\-:/ ]+?)\s*
        (?P<op>=|!=|<=|>=|<|>|LIKE|ILIKE)\s*
        (?P<value>'[^']*'|"[^"]*"|-?[\d.eE+\-]+)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)
_ORDER = re.compile(
    r"^\s*(?P<entity>attributes?|attr|metrics?|params?|tags?)\.(?P<key>`[^`]+`|[\w.\-]+)"
    r"(\s+(?P<dir>ASC|DESC))?\s*$",
    re.IGNORECASE,
)
SUPPORTED = (
    "Tandem supports filters like \"tags.`tandem.idea` = '12' AND attributes.status = "
    "'FINISHED' AND metrics.loss < 0.5\": clauses joined by AND on attributes, tags, params "
    "and metrics."
)
_ATTRIBUTES = {
    "run_id": "run_id",
    "run_name": "name",
    "status": "status",
    "user_id": "created_by__username",
    "start_time": "start_time",
    "end_time": "end_time",
}
_LOOKUP = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "`\"'":
        return text[1:-1]
    return text


def _refuse(detail: str):
    raise ValidationError({"filter": f"{detail} {SUPPORTED}"})


def _clause(text: str, n: int) -> tuple[dict, Q]:
    match = _CLAUSE.match(text)
    if not match:
        _refuse(f"Unsupported filter clause '{text.strip()}'.")
    entity = match["entity"].lower().rstrip("s")
    key, op, raw = _unquote(match["key"]), match["op"].upper(), match["value"]
    quoted = raw[0] in "'\""
    value = _unquote(raw)
    if op in ("LIKE", "ILIKE"):
        _refuse("LIKE is not supported.")
    if entity in ("attribute", "attr", "run"):
        field = _ATTRIBUTES.get(key)
        if field is None:
            _refuse(f"Unknown attribute '{key}'.")
        if field in ("start_time", "end_time"):
            try:
                number = int(value)
            except ValueError:
                _refuse(f"'{key}' compares with a number.")
            lookup = field if op in ("=", "!=") else f"{field}__{_LOOKUP[op]}"
            q = Q(**{lookup: number})
        else:
            if op not in ("=", "!="):
                _refuse(f"'{key}' compares with = or != only.")
            q = Q(**{field: value})
        return {}, ~q if op == "!=" else q
    if entity in ("tag", "param", "parameter"):
        if not quoted or op not in ("=", "!="):
            _refuse(f"{entity.title()}s compare with = or != and a quoted value.")
        column = "tags" if entity == "tag" else "params"
        name = f"_clause_{n}"
        q = Q(**{name: value})
        return {name: KeyTextTransform(key, column)}, ~q if op == "!=" else q
    # metrics: any logged point matches (MLflow compares the latest one only)
    try:
        number = float(value)
    except ValueError:
        _refuse("Metrics compare with a number.")
    lookup = "exact" if op in ("=", "!=") else _LOOKUP[op]
    matching = RunMetric.objects.filter(key=key, **{f"value__{lookup}": number})
    q = Q(pk__in=matching.values("run_id"))
    return {}, ~q if op == "!=" else q


def runs_search(
    *,
    experiment_ids: list,
    filter_string: str,
    run_view_type: str,
    order_by: list,
    max_results: int,
    offset: int,
) -> tuple[list[Run], str | None]:
    """Runs of the given experiments (boards) matching the filter, newest first unless
    ``order_by`` names attributes; a page of ``max_results`` and the next page's token."""
    if not isinstance(experiment_ids, list):
        experiment_ids = [experiment_ids]
    ids = []
    for experiment_id in experiment_ids:
        try:
            ids.append(int(str(experiment_id)))
        except ValueError:
            raise ValidationError(
                {"experiment_ids": f"Invalid experiment id '{experiment_id}'."}
            ) from None
    runs = selectors.run_list().filter(board_id__in=ids)
    view = str(run_view_type).upper()
    if view in ("ACTIVE_ONLY", "1"):
        runs = runs.filter(deleted=False)
    elif view in ("DELETED_ONLY", "2"):
        runs = runs.filter(deleted=True)
    if not isinstance(filter_string, str):
        _refuse("The filter must be a string.")
    if filter_string.strip():
        for n, text in enumerate(_AND.split(filter_string.strip())):
            aliases, q = _clause(text, n)
            runs = runs.alias(**aliases).filter(q)
    ordering = []
    for item in order_by if isinstance(order_by, list) else [order_by]:
        match = _ORDER.match(str(item))
        if not match or match["entity"].lower().rstrip("s") not in ("attribute", "attr"):
            raise ValidationError({"order_by": f"Tandem orders runs by attributes only: '{item}'."})
        field = _ATTRIBUTES.get(_unquote(match["key"]))
        if field is None:
            raise ValidationError({"order_by": f"Unknown attribute in '{item}'."})
        descending = (match["dir"] or "ASC").upper() == "DESC"
        ordering.append(f"-{field}" if descending else field)
    runs = runs.order_by(*ordering, "-start_time", "-id")
    page = list(runs[offset : offset + max_results + 1])
    token = str(offset + max_results) if len(page) > max_results else None
    return page[:max_results], token
