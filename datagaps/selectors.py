"""Every non-trivial read of the data-gaps app; the pages and the API call the same functions.

Overdue is one rule, :func:`overdue_q`, evaluated by the database: the lists annotate it
and the ``overdue`` filter uses it. Similar requests are ranked by PostgreSQL (full-text
search over a stored, trigger-maintained ``tsvector`` with a GIN index, re-ranked with
``pg_trgm``); on SQLite by the portable scorer of ``datagaps.similarity``.
"""

import datetime
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from projects.selectors import SubqueryCount

from . import similarity
from .models import (
    ACTIVE_STATUSES,
    URGENCY_RANK,
    DataGap,
    DataGapStatusChange,
    Status,
    Urgency,
)
from .permissions import can_edit, can_file, can_triage


def open_datagap_count() -> SubqueryCount:
    """The number of active (open, triaged or in progress) data-gap requests of each
    ``Project`` row, as an annotation (the portfolio's "Open data gaps" count)."""
    return SubqueryCount(
        DataGap.objects.filter(project=OuterRef("pk"), status__in=ACTIVE_STATUSES).values("pk")
    )


# Similar requests: how many to show, and the score below which a request is not similar.
SIMILAR_LIMIT = 5
SIMILAR_MIN_SCORE = 0.45
FALLBACK_MIN_SCORE = 0.25
# Full-text matches re-ranked with trigrams (the best by text rank): bounds the work on a
# query made of common words at any table size.
SIMILAR_POOL = 50
# Words of the typed text that make the full-text query.
MAX_QUERY_WORDS = 32
# The portable scorer looks at the newest requests only.
FALLBACK_SCAN = 5000

# Recurring asks: pairs at least this similar join a group; the newest RECURRING_SCAN
# requests are grouped; a word on more than RECURRING_COMMON titles does not pair requests.
RECURRING_MIN_SCORE = 0.3
RECURRING_SCAN = 5000
RECURRING_COMMON = 500


def _today() -> datetime.date:
    return timezone.localdate()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def sla_days() -> dict[str, int]:
    """Days each urgency may stay unresolved before it is overdue (read at call time)."""
    return {urgency: int(settings.DATAGAP_SLA_DAYS[urgency]) for urgency in Urgency.values}


def overdue_q(today: datetime.date | None = None) -> Q:
    """Active requests past their needed-by date, or unresolved for more days than their
    urgency's SLA (``age_days > sla``: filed 14 days ago with a 14-day SLA is still on time,
    15 days ago is overdue). The one definition of overdue."""
    today = today or _today()
    too_old = Q()
    for urgency, days in sla_days().items():
        cutoff = _start_of(today - datetime.timedelta(days=days))
        too_old |= Q(urgency=urgency, created_at__lt=cutoff)
    # "IS NOT NULL" spelled out: a NULL date must make the flag false, not unknown.
    past_date = Q(needed_by__isnull=False, needed_by__lt=today)
    return Q(status__in=ACTIVE_STATUSES) & (past_date | too_old)


def snoozed_q(today: datetime.date | None = None) -> Q:
    """Requests hidden from the queue today."""
    return Q(snoozed_until__isnull=False, snoozed_until__gt=today or _today())


def back_from_snooze_q(today: datetime.date | None = None) -> Q:
    """Active requests whose snooze has ended and nobody has moved since."""
    today = today or _today()
    return Q(status__in=ACTIVE_STATUSES, snoozed_until__isnull=False, snoozed_until__lte=today)


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def datagap_list(today: datetime.date | None = None) -> QuerySet[DataGap]:
    """Requests with project, requester, assignee and canonical request, annotated with
    ``overdue``, ``snoozed``, ``back_from_snooze`` and ``urgency_rank``, newest first."""
    today = today or _today()
    return DataGap.objects.select_related(
        "project", "requester", "assignee", "duplicate_of", "idea"
    ).annotate(
        overdue=_flag(overdue_q(today)),
        snoozed=_flag(snoozed_q(today)),
        back_from_snooze=_flag(back_from_snooze_q(today)),
        urgency_rank=Case(
            *(When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def datagap_queue(today: datetime.date | None = None) -> QuerySet[DataGap]:
    """The data engineers' queue order: back from snooze, then overdue, then most urgent,
    then oldest."""
    return datagap_list(today).order_by(
        F("back_from_snooze").desc(), F("overdue").desc(), "-urgency_rank", "created_at", "id"
    )


def datagap_api_list() -> QuerySet[DataGap]:
    """The list with watchers and duplicates (ids), for the API."""
    return datagap_list().prefetch_related(
        Prefetch("watchers", queryset=User.objects.only("pk").order_by("pk")),
        Prefetch("duplicates", queryset=DataGap.objects.only("pk", "duplicate_of").order_by("pk")),
    )


def datagap_detail() -> QuerySet[DataGap]:
    """One request's page: the list's joins, watchers with names, and its duplicates."""
    return datagap_list().prefetch_related(
        Prefetch("watchers", queryset=User.objects.order_by("first_name", "username")),
        Prefetch(
            "duplicates",
            queryset=DataGap.objects.select_related("project", "requester").order_by("pk"),
        ),
    )


def datagap_history(request: DataGap) -> QuerySet[DataGapStatusChange]:
    """The request's status changes, oldest first, with who made them."""
    return request.status_changes.select_related("actor").order_by("created_at", "id")


def datagaps_of_idea(idea) -> QuerySet[DataGap]:
    return datagap_list().filter(idea=idea).order_by("-created_at", "-id")


# --- similar requests ----------------------------------------------------------------------

_QUERY_WORD = re.compile(r"[a-z0-9]+")


def _tsquery_text(text: str) -> str:
    """``word | word | ...`` from ``text``'s words: any shared word makes a candidate, the
    rank decides. Only ``[a-z0-9]`` words, so the raw tsquery cannot be malformed."""
    seen: dict[str, None] = {}
    for word in _QUERY_WORD.findall(text.lower()):
        if len(word) > 1 and word not in similarity.STOP_WORDS:
            seen.setdefault(word[:64], None)
        if len(seen) >= MAX_QUERY_WORDS:
            break
    return " | ".join(seen)


# Similar requests on PostgreSQL, in one statement. ``pool``: any shared word makes a
# candidate (the GIN index on ``search_vector`` finds them); the best SIMILAR_POOL by text
# rank (title words weigh A, the description B) go on. Each is scored 0 to 1: half how much
# of one text the other says, by PostgreSQL's stems (the share of the typed words the request
# contains, or the share of the request's title words the typed text contains, whichever is
# higher), half how well its title appears within the typed text (pg_trgm word similarity,
# which also meets "click stream" with "clickstream"). Written as SQL: the pool is a CTE the
# ORM cannot express without correlating the raw column with the outer query.
_SIMILAR_SQL = """
WITH pool AS (
    SELECT id, title, search_vector
    FROM datagaps_datagap
    WHERE search_vector @@ to_tsquery('english'::regconfig, %(terms)s)
      AND NOT (id = ANY(%(exclude)s))
    ORDER BY ts_rank(search_vector, to_tsquery('english'::regconfig, %(terms)s)) DESC, id DESC
    LIMIT %(pool)s
), typed AS (
    SELECT tsvector_to_array(to_tsvector('english'::regconfig, %(words)s)) AS lexemes
), scored AS (
    SELECT pool.id,
           0.5 * GREATEST(
               (SELECT count(*) FROM unnest(typed.lexemes) AS w
                 WHERE w = ANY(tsvector_to_array(pool.search_vector)))::float
                 / greatest(1, cardinality(typed.lexemes)),
               (SELECT count(*) FROM unnest(title_lexemes) AS t WHERE t = ANY(typed.lexemes))::float
                 / greatest(1, cardinality(title_lexemes))
           ) + 0.5 * word_similarity(pool.title, %(text)s) AS score
    FROM pool, typed,
         LATERAL tsvector_to_array(to_tsvector('english'::regconfig, pool.title)) AS title_lexemes
)
SELECT id, score FROM scored
WHERE score >= %(threshold)s
ORDER BY score DESC, id DESC
LIMIT %(limit)s
"""


def _similar_postgresql(text: str, exclude: list[int], limit: int) -> list[tuple[int, float]]:
    terms = _tsquery_text(text)
    if not terms:
        return []
    params = {
        "terms": terms,
        "words": terms.replace(" | ", " "),
        "text": text[:2000],
        "exclude": exclude,
        "pool": SIMILAR_POOL,
        "threshold": SIMILAR_MIN_SCORE,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SIMILAR_SQL, params)
        return [(pk, round(score, 4)) for pk, score in cursor.fetchall()]


def _similar_fallback(text: str, exclude: list[int], limit: int) -> list[tuple[int, float]]:
    candidates = (
        DataGap.objects.exclude(pk__in=exclude)
        .order_by("-pk")
        .values_list("pk", "title", "data_needed")[:FALLBACK_SCAN]
    )
    return similarity.rank(text, candidates, threshold=FALLBACK_MIN_SCORE, limit=limit)


def datagap_similar(
    text: str, exclude: DataGap | None = None, limit: int = SIMILAR_LIMIT
) -> list[DataGap]:
    """The requests most similar to ``text`` across all projects, best first, each with
    its ``similarity`` score (0 to 1); those under the threshold are left out, and so is
    ``exclude`` (the request whose page this is)."""
    text = (text or "").strip()
    if not text:
        return []
    excluded = []
    if exclude is not None:
        excluded = [exclude.pk]
    if connection.vendor == "postgresql":
        ranked = _similar_postgresql(text, excluded, limit)
    else:
        ranked = _similar_fallback(text, excluded, limit)
    if not ranked:
        return []
    found = {gap.pk: gap for gap in datagap_list().filter(pk__in=[pk for pk, _ in ranked])}
    result = []
    for pk, score in ranked:
        if pk in found:
            found[pk].similarity = score
            result.append(found[pk])
    return result


def datagap_similar_to(request: DataGap, limit: int = SIMILAR_LIMIT) -> list[DataGap]:
    """Requests similar to ``request`` (its title and description), itself left out."""
    return datagap_similar(f"{request.title}\n{request.data_needed}", exclude=request, limit=limit)


# --- recurring asks -------------------------------------------------------------------------


@dataclass
class RecurringGroup:
    """Similar requests filed across projects: the evidence for a platform piece."""

    requests: list[DataGap]
    projects: list = field(default_factory=list)
    requesters: list = field(default_factory=list)
    status_mix: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def oldest(self) -> datetime.datetime:
        return min(r.created_at for r in self.requests)

    @property
    def canonical(self) -> DataGap:
        """The suggested canonical request: one others already duplicate, else the oldest."""
        linked = Counter(r.duplicate_of_id for r in self.requests if r.duplicate_of_id)
        if linked:
            pk = linked.most_common(1)[0][0]
            return next((r for r in self.requests if r.pk == pk), self.requests[0])
        return min(self.requests, key=lambda r: (r.created_at, r.pk))


def _groups_of(rows: list[tuple]) -> list[list[int]]:
    """Union-find over similar pairs (and duplicate links) of ``(pk, title, text, dup)``."""
    parent = {pk: pk for pk, *_ in rows}

    def find(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    words = {}
    by_word: dict[str, list[int]] = defaultdict(list)
    for pk, title, text, duplicate_of in rows:
        title_words = similarity.words(title)
        words[pk] = (title_words, title_words | similarity.words(text))
        for word in title_words:
            by_word[word].append(pk)
        if duplicate_of in parent:
            union(pk, duplicate_of)
    compared = set()
    for pks in by_word.values():
        if len(pks) > RECURRING_COMMON:
            continue
        for i, a in enumerate(pks):
            for b in pks[i + 1 :]:
                if (a, b) in compared:
                    continue
                compared.add((a, b))
                if similarity.pair_score(words[a], words[b]) >= RECURRING_MIN_SCORE:
                    union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk in parent:
        groups[find(pk)].append(pk)
    return [members for members in groups.values() if len(members) > 1]


def datagap_recurring() -> list[RecurringGroup]:
    """Groups of similar requests filed on at least two projects, the largest first (then
    the oldest). Two queries whatever the number of requests: their words, then the
    members of the groups with their projects and requesters."""
    rows = list(
        DataGap.objects.order_by("-pk").values_list("pk", "title", "data_needed", "duplicate_of")[
            :RECURRING_SCAN
        ]
    )
    groups = _groups_of(rows)
    members = {
        gap.pk: gap
        for gap in datagap_list().filter(pk__in=[pk for group in groups for pk in group])
    }
    result = []
    for group in groups:
        requests = sorted((members[pk] for pk in group if pk in members), key=lambda r: r.pk)
        projects = {r.project_id: r.project for r in requests}
        if len(projects) < 2:
            continue
        requesters = {r.requester_id: r.requester for r in requests}
        mix = Counter(r.status for r in requests)
        result.append(
            RecurringGroup(
                requests=requests,
                projects=sorted(projects.values(), key=lambda p: p.name),
                requesters=sorted(requesters.values(), key=lambda u: u.get_full_name() or ""),
                status_mix={s: mix[s] for s in Status.values if mix[s]},
            )
        )
    result.sort(key=lambda g: (-g.count, g.oldest))
    return result


# --- triage figures --------------------------------------------------------------------------


def _median_hours(deltas: list[datetime.timedelta]) -> float | None:
    if not deltas:
        return None
    return round(statistics.median(d.total_seconds() for d in deltas) / 3600, 1)


def datagap_stats(months: int = 12, today: datetime.date | None = None) -> dict:
    """Time in triage and time to delivery: per month of filing (the last ``months``
    months, oldest first) the requests filed, the median hours from filing to first triage
    and to delivery; and today's untriaged, active and overdue counts. Two queries."""
    today = today or _today()
    first_month = today.replace(day=1)
    for _ in range(months - 1):
        first_month = (first_month - datetime.timedelta(days=1)).replace(day=1)
    rows = DataGap.objects.filter(created_at__gte=_start_of(first_month)).values_list(
        "created_at", "first_triaged_at", "delivered_at"
    )
    by_month: dict[str, dict] = {}
    month = first_month
    while month <= today:
        by_month[month.strftime("%Y-%m")] = {"filed": 0, "triage": [], "delivery": []}
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    for created, triaged, delivered in rows:
        key = timezone.localtime(created).strftime("%Y-%m")
        if key not in by_month:
            continue
        by_month[key]["filed"] += 1
        if triaged:
            by_month[key]["triage"].append(triaged - created)
        if delivered:
            by_month[key]["delivery"].append(delivered - created)
    counts = DataGap.objects.aggregate(
        untriaged=_count(Q(status=Status.OPEN) & ~snoozed_q(today)),
        active=_count(Q(status__in=ACTIVE_STATUSES)),
        overdue=_count(overdue_q(today)),
        snoozed=_count(Q(status__in=ACTIVE_STATUSES) & snoozed_q(today)),
    )
    return {
        "months": [
            {
                "month": key,
                "filed": data["filed"],
                "triaged": len(data["triage"]),
                "delivered": len(data["delivery"]),
                "median_hours_to_triage": _median_hours(data["triage"]),
                "median_hours_to_delivery": _median_hours(data["delivery"]),
            }
            for key, data in by_month.items()
        ],
        **counts,
        "sla_days": sla_days(),
    }


def _count(q: Q):
    from django.db.models import Count

    return Count("pk", filter=q)


# --- dashboard and idea page ------------------------------------------------------------------

DASHBOARD_ROWS = 8


def dashboard_panel(user: User | AnonymousUser) -> dict:
    """The data-gaps panels of ``user``'s dashboard: a triager's queue (assigned to them,
    untriaged, overdue) and a requester's open requests. Lazy querysets, a fixed number."""
    queue = datagap_queue().exclude(snoozed_q())
    return {
        "can_triage": can_triage(user),
        # A viewer cannot file: the panel does not invite them to.
        "can_file": can_file(user),
        "assigned": queue.filter(assignee=user.pk, status__in=ACTIVE_STATUSES)[:DASHBOARD_ROWS],
        "untriaged": queue.filter(status=Status.OPEN)[:DASHBOARD_ROWS],
        "overdue": queue.filter(overdue_q())[:DASHBOARD_ROWS],
        "mine": datagap_list()
        .filter(requester=user.pk, status__in=ACTIVE_STATUSES)
        .order_by("-created_at", "-id")[:DASHBOARD_ROWS],
    }


def idea_panel(idea, user: User | AnonymousUser) -> dict:
    """The idea page's section: the idea's requests, and for its owner a link to file one
    pre-filled with the project and the idea."""
    return {
        "requests": datagaps_of_idea(idea),
        "idea": idea,
        "can_file_for_idea": can_file(user) and idea.owner_id == user.pk,
    }


def may_edit(user, request: DataGap) -> bool:
    return can_edit(user, request)
