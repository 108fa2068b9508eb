"""Clusters of similar orders (30 heating complaints from one compound are one problem).

Orders are grouped by place (their compound, or their community when they have none) ×
category × window; inside a group, two orders are linked when the cosine similarity of their
texts is at least GONGZHI_CLUSTER_SIMILARITY, and each connected set of at least
GONGZHI_CLUSTER_MIN_SIZE orders is a cluster. Texts are compared as character 2–3-gram TF-IDF
vectors (scikit-learn, the n-grams hashed; Chinese needs no word segmentation for this, and a
category's vectors are built and compared at a time, so memory follows the largest category).
The inverse document frequencies are fitted on the texts being grouped (up to 20,000) plus the
district's latest orders up to the window's end (GONGZHI_CLUSTER_IDF_SAMPLE of them, any
category), so that what every order says ("来电人反映", "请尽快处理") weighs little while what a
category's orders share ("暖气不热") still counts: a group's own texts alone would make its
common subject look like boilerplate.

A cluster's identity is its earliest order (`anchor`). A rescan of the same window replaces
the open clusters it no longer finds, updates those it finds again (same anchor) and adds new
ones; clusters already acted on or dismissed are kept as they were, and their orders are left
out of the regrouping (new similar orders then form a new cluster).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from gongzhi.insights.hotspots.counts import local_bounds, next_month
from gongzhi.insights.hotspots.models import Cluster, ClusterMember, SignalStatus
from gongzhi.workorders.models import Channel, Status, WorkOrder

GroupKey = tuple[int, int | None, int]  # community, compound, category


@dataclass
class _Order:
    pk: int
    subdistrict_id: int
    received_at: dt.datetime
    text: str


@dataclass
class Found:
    """A cluster as found, before it is stored."""

    key: GroupKey
    subdistrict_id: int
    members: list[int]  # order ids, earliest first
    similarity: list[float]  # to the representative, in the same order
    representative: int
    cohesion: float


@dataclass
class ClusterScanResult:
    start: dt.date
    end: dt.date
    groups: int = 0
    orders: int = 0
    clusters: list[Cluster] = field(default_factory=list)
    new: int = 0
    removed: int = 0
    seconds: float = 0.0


# Character 2–3-grams hashed (no vocabulary to hold or to miss), weighted by TF-IDF.
_HASHER = HashingVectorizer(
    analyzer="char", ngram_range=(2, 3), alternate_sign=False, norm=None, n_features=2**20
)
# The document frequencies are learnt from at most this many of the grouped texts.
_IDF_FIT_TEXTS = 20_000


def weights(texts: Sequence[str], background: Sequence[str]) -> TfidfTransformer:
    """TF-IDF weights fitted on the background and (a sample of) the texts."""
    sample = list(texts)
    if len(sample) > _IDF_FIT_TEXTS:
        rng = np.random.default_rng(0)
        sample = [sample[i] for i in rng.choice(len(sample), _IDF_FIT_TEXTS, replace=False)]
    return TfidfTransformer(sublinear_tf=True).fit(_HASHER.transform([*sample, *background]))


def _groups(start: dt.datetime, end: dt.datetime, frozen: set[int]) -> dict[GroupKey, list[_Order]]:
    """The window's orders in groups of at least the minimum size (two queries: the group
    counts, then the orders of the groups big enough)."""
    min_size = settings.GONGZHI_CLUSTER_MIN_SIZE
    # Proactive orders are the government's own (some made from clusters): not a signal.
    window = WorkOrder.objects.filter(
        status__in=Status.values,  # the (status, received_at) index (hotspots/counts.py)
        received_at__gte=start,
        received_at__lt=end,
        community_id__isnull=False,
    ).exclude(channel=Channel.PROACTIVE)
    big = {
        (r["community_id"], r["compound_id"], r["category_id"])
        for r in window.values("community_id", "compound_id", "category_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_size)
        .order_by()
    }
    if not big:
        return {}
    groups: dict[GroupKey, list[_Order]] = defaultdict(list)
    rows = (
        window.filter(
            category_id__in={c for _m, _p, c in big}, community_id__in={m for m, _p, _c in big}
        )
        .values_list(
            "pk",
            "community_id",
            "compound_id",
            "category_id",
            "subdistrict_id",
            "received_at",
            "description",
        )
        .order_by("received_at", "pk")
    )
    for pk, community, compound, category, subdistrict, at, text in rows.iterator(chunk_size=5000):
        key = (community, compound, category)
        if key in big and pk not in frozen:
            groups[key].append(_Order(pk, subdistrict, at, text or ""))
    return {k: v for k, v in groups.items() if len(v) >= min_size}


def _background(end: dt.datetime) -> list[str]:
    """The latest orders' texts received before `end` (by id, newest first: an index scan)."""
    rows = (
        WorkOrder.objects.filter(received_at__lt=end)
        .order_by("-pk")
        .values_list("description", flat=True)[: settings.GONGZHI_CLUSTER_IDF_SAMPLE]
    )
    return [t or "" for t in rows]


def find_clusters(
    groups: dict[GroupKey, list[_Order]], background: Sequence[str] = ()
) -> list[Found]:
    """The clusters in these groups (see the module's docstring). Pure computation, one
    category at a time (so that memory follows the largest category, not the month)."""
    if not groups:
        return []
    threshold = settings.GONGZHI_CLUSTER_SIMILARITY
    min_size = settings.GONGZHI_CLUSTER_MIN_SIZE
    by_category: dict[int, list[GroupKey]] = defaultdict(list)
    for key in groups:
        by_category[key[2]].append(key)
    tfidf = weights([o.text for orders in groups.values() for o in orders], background)
    found: list[Found] = []
    for keys in by_category.values():
        texts = [o.text for k in keys for o in groups[k]]
        vectors = tfidf.transform(_HASHER.transform(texts))  # rows L2-normalised
        offset = 0
        for key in keys:
            orders = groups[key]
            block = vectors[offset : offset + len(orders)]
            offset += len(orders)
            sim = _gram(block)
            linked = sim.multiply(sim >= threshold)
            n, labels = connected_components(linked, directed=False)
            for label in range(n):
                idx = np.flatnonzero(labels == label)
                if len(idx) >= min_size:
                    found.append(_found(key, orders, idx, sim[idx][:, idx].toarray()))
    return found


def _gram(block: csr_matrix) -> csr_matrix:
    """The rows' pairwise cosines (rows L2-normalised), on the columns they use only: the
    hashed space has a million columns, which a sparse product would otherwise convert."""
    columns, compact = np.unique(block.indices, return_inverse=True)
    small = csr_matrix((block.data, compact, block.indptr), shape=(block.shape[0], len(columns)))
    return (small @ small.T).tocsr()


def _found(key: GroupKey, orders: list[_Order], idx: np.ndarray, inner: np.ndarray) -> Found:
    """A cluster of orders[idx], `inner` their pairwise similarities."""
    mean_to_others = (inner.sum(axis=1) - 1.0) / (len(idx) - 1)
    rep = int(np.argmax(mean_to_others))
    off_diagonal = inner[~np.eye(len(idx), dtype=bool)]
    return Found(
        key=key,
        subdistrict_id=orders[idx[0]].subdistrict_id,
        members=[orders[i].pk for i in idx],
        similarity=[round(float(inner[j, rep]), 4) for j in range(len(idx))],
        representative=orders[idx[rep]].pk,
        cohesion=round(float(off_diagonal.mean()), 4),
    )


def clusters_scan(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ClusterScanResult:
    """Find and store the clusters of the window [start, end) (default: the current month;
    `end` defaults to the month after `start`'s month). Idempotent (see the module's
    docstring)."""
    clock = time.perf_counter()
    now = now or timezone.now()
    start = start or timezone.localdate(now).replace(day=1)
    end = end or next_month(start)
    result = ClusterScanResult(start, end)
    lo, hi = local_bounds(start, end)
    existing = Cluster.objects.filter(period_start=start, period_end=end)
    frozen = set(
        ClusterMember.objects.filter(
            cluster__in=existing.exclude(status=SignalStatus.OPEN)
        ).values_list("order_id", flat=True)
    )
    groups = _groups(lo, hi, frozen)
    result.groups = len(groups)
    result.orders = sum(len(v) for v in groups.values())
    found = find_clusters(groups, _background(hi) if groups else [])
    with transaction.atomic():
        _store(found, start, end, now, existing, result)
    result.seconds = round(time.perf_counter() - clock, 3)
    return result


_FIELDS = ["subdistrict_id", "community_id", "compound_id", "representative_id", "size"]


def _store(
    found: list[Found],
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    existing: QuerySet[Cluster],
    result: ClusterScanResult,
) -> None:
    """Write the clusters found: add the new ones and their members in bulk; of the open ones
    found again (same anchor) rewrite only those whose members or figures changed (a rescan
    mostly finds the same); delete the open ones not found again."""
    current = {
        c.anchor_id: c for c in existing.select_for_update().filter(status=SignalStatus.OPEN)
    }
    before: dict[int, set[int]] = defaultdict(set)
    for cluster_id, order_id in ClusterMember.objects.filter(
        cluster__in=list(current.values())
    ).values_list("cluster_id", "order_id"):
        before[cluster_id].add(order_id)
    new: list[Cluster] = []
    changed: list[Cluster] = []
    write: list[tuple[Cluster, Found]] = []
    result.clusters = []
    for f in found:
        community, compound, category = f.key
        values = {
            "subdistrict_id": f.subdistrict_id,
            "community_id": community,
            "compound_id": compound,
            "representative_id": f.representative,
            "size": len(f.members),
            "cohesion": f.cohesion,
        }
        row = current.get(f.members[0])
        if row is None or row.category_id != category:
            row = Cluster(
                period_start=start,
                period_end=end,
                category_id=category,
                anchor_id=f.members[0],
                found_at=now,
                scanned_at=now,
                **values,
            )
            new.append(row)
            write.append((row, f))
        elif before[row.pk] != set(f.members) or any(
            getattr(row, k) != v for k, v in values.items()
        ):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
            write.append((row, f))
        result.clusters.append(row)
    Cluster.objects.bulk_create(new, batch_size=1000)
    for row in changed:
        Cluster.objects.filter(pk=row.pk).update(
            **{k: getattr(row, k) for k in (*_FIELDS, "cohesion")}
        )
    ClusterMember.objects.filter(cluster__in=changed).delete()
    ClusterMember.objects.bulk_create(
        (
            ClusterMember(cluster=row, order_id=pk, similarity=sim)
            for row, f in write
            for pk, sim in zip(f.members, f.similarity, strict=True)
        ),
        batch_size=5000,
    )
    kept = {row.pk for row in result.clusters}
    Cluster.objects.filter(pk__in=kept - {r.pk for r in new}).update(scanned_at=now)
    stale = [c.pk for c in current.values() if c.pk not in kept]
    if stale:
        Cluster.objects.filter(pk__in=stale).delete()
    result.new, result.removed = len(new), len(stale)
