"""Near-duplicate orders (重复诉求): a new order against the open orders at the same place.

At intake the new order's text is compared with the open orders of the same compound (else of
the same community) received in the last GONGZHI_DUPLICATE_DAYS days. The text similarity is the
cosine of character 1–2-gram vectors (sublinear counts) of the normalised texts, after what says
nothing about the matter is taken out: the place names the gazetteer finds (every order compared
is at the same place), the hotline's boilerplate (来电人反映, 请尽快处理 …) and punctuation. No
IDF: the pool is a handful of orders, and the common words IDF would discount are the ones
removed. An order of the same category gets GONGZHI_DUPLICATE_CATEGORY_BONUS on top. Orders at
or above GONGZHI_DUPLICATE_SIMILARITY are linked (DuplicateLink), the most similar first, and
the dispatcher sees them ready to merge (workorders.services.workorder_merge).

Paraphrases of one complaint score about 0.4–0.7 on the text alone; different matters at the
same place below 0.2 (see tests/test_duplicates.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from operator import mul
from typing import Any

from django.conf import settings
from django.db import connection

from gongzhi.dispatch.gazetteer import gazetteer
from gongzhi.dispatch.models import DuplicateLink
from gongzhi.dispatch.textnorm import normalise
from gongzhi.web.db import prepared_cursor
from gongzhi.workorders.models import OPEN_STATUSES, WorkOrder

__all__ = ["duplicate_links", "similarity", "text_similarity"]

#: At most this many open orders are compared (the newest), and this many links kept.
POOL = 50
LIMIT = 5

# Words every call has and no matter is told by: openers, politeness, the hotline's own words.
_BOILERPLATE = re.compile(
    "|".join(
        [
            r"(?:市民|来电人|来电|网友|网民|用户|居民)?(?:来电)?(?:反映|投诉|举报|求助|咨询|称|建议|表示)",
            r"(?:通过)?(?:北京)?12345(?:热线|小程序)?",
            r"(?:希望|请|要求|恳请|麻烦)?(?:相关部门|有关部门|有关单位|相关单位)?(?:尽快|及时|抓紧)?"
            r"(?:处理|解决|核实|协调|答复|回复|落实)",
            r"(?:谢谢|感谢|您好|你好|领导|尊敬的)",
        ]
    )
)
_NOT_TEXT = re.compile(r"[^\w]|_", re.UNICODE)


_MEMO_SIZE = 4096
_memo: tuple[object, dict[str, tuple[dict[str, float], float]]] = (None, {})


def _clean(text: str) -> str:
    """The words of a text that tell its matter: no place names, boilerplate or punctuation."""
    text = normalise(text)
    spans = [(m.start, m.end) for m in gazetteer().find(text)]
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return _NOT_TEXT.sub("", _BOILERPLATE.sub(" ", text.lower()))


def _vector(text: str) -> tuple[dict[str, float], float]:
    """Sublinear 1–2-gram weights of a text and their norm (kept per gazetteer: desk pages and
    the next intake at the same place ask again)."""
    return _vectors()(text)


def _vectors() -> Callable[[str], tuple[dict[str, float], float]]:
    """`_vector` with the memo's gazetteer checked once (a pool compares 50 texts)."""
    global _memo
    owner = gazetteer()
    if _memo[0] is not owner or len(_memo[1]) > _MEMO_SIZE:
        _memo = (owner, {})
    memo = _memo[1]

    def vector(text: str) -> tuple[dict[str, float], float]:
        found = memo.get(text)
        if found is None:
            clean = _clean(text)
            grams: Counter[str] = Counter(clean)
            grams.update(clean[i : i + 2] for i in range(len(clean) - 1))
            weights = {g: 1.0 + math.log(c) for g, c in grams.items()}
            found = weights, math.sqrt(sum(w * w for w in weights.values()))
            memo[text] = found
        return found

    return vector


def text_similarity(a: str, b: str) -> float:
    """Cosine of the two texts' character 1–2-gram vectors, 0 … 1."""
    return _cosine(_vector(a), _vector(b))


def _cosine(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> float:
    (va, na), (vb, nb) = a, b
    if not na or not nb:
        return 0.0
    # Only the grams both texts have count: intersect the keys (in C) before multiplying.
    shared = va.keys() & vb.keys()
    return min(
        1.0, sum(map(mul, map(va.__getitem__, shared), map(vb.__getitem__, shared))) / (na * nb)
    )


def similarity(text_score: float, *, same_category: bool) -> float:
    """The duplicate score: the text similarity, plus the bonus for the same category."""
    bonus = settings.GONGZHI_DUPLICATE_CATEGORY_BONUS if same_category else 0.0
    return min(1.0, text_score + bonus)


_OPEN = sorted(str(s) for s in OPEN_STATUSES)


def _pool(column: str, place_id: int, *, since: dt.datetime, exclude: int) -> list[Any]:
    """(id, description, category id) of the newest open orders at the place, at most POOL.
    Written out in SQL: it runs in every intake, and the ORM took longer to build the
    statement than the database took to answer it."""
    qn = connection.ops.quote_name
    statuses = ", ".join(["%s"] * len(_OPEN))
    sql = (
        f"SELECT {qn('id')}, {qn('description')}, {qn('category_id')} "
        f"FROM {qn(WorkOrder._meta.db_table)} "
        f"WHERE {qn(column)} = %s AND {qn('status')} IN ({statuses}) "
        f"AND {qn('received_at')} >= %s AND {qn('id')} <> %s "
        f"ORDER BY {qn('received_at')} DESC LIMIT %s"
    )
    params = [
        place_id,
        *_OPEN,
        connection.ops.adapt_datetimefield_value(since),
        exclude,
        POOL,
    ]
    # Prepared on PostgreSQL: planning it (work orders have many indexes) cost more than
    # running it.
    with prepared_cursor() if connection.vendor == "postgresql" else connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def duplicate_links(*, order: WorkOrder, at: dt.datetime) -> list[DuplicateLink]:
    """The links of `order` to the open orders at its place that look like the same matter,
    most similar first, not yet written (intake writes them with the order, in one statement;
    the order need not be written yet). One read; an order without a place is compared with
    nothing."""
    if order.compound_id is not None:
        column, place_id = "compound_id", order.compound_id
    elif order.community_id is not None:
        column, place_id = "community_id", order.community_id
    else:
        return []
    since = at - dt.timedelta(days=settings.GONGZHI_DUPLICATE_DAYS)
    rows = _pool(column, place_id, since=since, exclude=order.pk or 0)
    threshold = settings.GONGZHI_DUPLICATE_SIMILARITY
    scored: list[tuple[float, float, bool, int]] = []
    own = _vector(order.description)
    vector = _vectors()
    # Texts met again in the pool (a repeated call, a copied complaint) are scored once.
    scores: dict[str, float] = {}
    for pk, text, category_id in rows:
        score = scores.get(text)
        if score is None:
            score = scores[text] = _cosine(own, vector(text))
        same = category_id == order.category_id
        total = similarity(score, same_category=same)
        if total >= threshold:
            scored.append((round(total, 4), round(score, 4), same, pk))
    # The most similar first (the newest first among equals: the pool's order); rows are
    # built only for the links kept.
    scored.sort(key=lambda s: -s[0])
    return [
        DuplicateLink(
            order=order,
            original_id=pk,
            similarity=total,
            text_similarity=score,
            same_category=same,
            created_at=at,
        )
        for total, score, same, pk in scored[:LIMIT]
    ]
