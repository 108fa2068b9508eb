"""The statistics of the hotspot scan, on arrays (one element per place × category cell), free
of the database so that they can be checked by hand.

**The expected count.** A place's count of a category moves with the season and with the
district's overall level (heating complaints rise everywhere each November; a cold snap or a
news story lifts every place at once). So the place is compared with *the rest of the
district in the same window*: its expected count is its usual *share* of the category times
the count in the rest of the district now,

    expected μ = ρ̂ · r_now,          r_now = F_now − n_now   (the rest of the district)

where ρ is the place's count over the rest's count in the baseline months (the months before
the window, GONGZHI_HOTSPOT_BASELINE_MONTHS of them). A place with a seasonal pattern of its
own (an old heating network that fails every November more than elsewhere) has its own share
in the same calendar month of past years, so the two are blended, the same-month share
weighted by the number of past years Y it rests on, the all-months share by κ
(GONGZHI_HOTSPOT_SEASON_PRIOR_YEARS):

    ρ_all  = (S_all + ½) / (R_all + ½)        S = the place's count, R = the rest's count
    ρ_same = (S_same + ½) / (R_same + ½)      over the same calendar month of past years
    ρ̂      = (Y · ρ_same + κ · ρ_all) / (Y + κ)          (ρ_all alone when Y = 0)

(the ½ keeps a place with no past orders of the category from having a zero expectation).

**The control limit.** Counts are over-dispersed (a broken boiler brings a burst), so the
count under "nothing unusual" is taken as negative binomial with mean μ and variance

    V = μ + φ·μ² + r_now² · Var(ρ̂)

φ: the category's over-dispersion, estimated from the baseline months of all places by the
method of moments (per place Σ[(n − E)² − E] ÷ Σ E² with E = ρ_all·r_t, floored at 0; the
category's φ is the weighted median over its places). Var(ρ̂): the
uncertainty of the share itself, Var(ρ)/ρ² ≈ 1/(S + ½) for each part, so a place with little
history gets a wide limit rather than a false alarm. The p-value is P(X ≥ n); the limit is
the smallest count whose p-value is at most α_cell = α ÷ m, α = GONGZHI_HOTSPOT_ALPHA (the
chance that a scan raises any false alarm at all, Bonferroni over the m cells tested). A cell
is a hotspot when n ≥ max(limit, GONGZHI_HOTSPOT_MIN_COUNT). z = (n − μ) ÷ √V is reported for
reading, not used to decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Array = NDArray[np.float64]

_TINY = 1e-9


@dataclass
class Baseline:
    """Per cell: the place's counts (s1: all baseline months, s2: Σ n², s3: Σ n·F_t,
    s_same: the same calendar months) and its category's district totals over the same
    months (a1: Σ F_t, a2: Σ F_t², a_same: Σ F_t over the same months, years: Y)."""

    s1: Array
    s2: Array
    s3: Array
    s_same: Array
    a1: Array
    a2: Array
    a_same: Array
    years: Array


def dispersion_terms(b: Baseline) -> tuple[Array, Array]:
    """Per cell: Σ_t [(n_t − E_t)² − E_t] and Σ_t E_t² over the baseline months, with
    E_t = ρ_all·(F_t − n_t) and ρ_all = S ÷ R (no pseudo-count: the in-sample fit). Sum them
    over a category's cells and divide for its φ (dispersion())."""
    rest = b.a1 - b.s1
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(rest > 0, b.s1 / np.where(rest > 0, rest, 1.0), 0.0)
    rest_sq = b.a2 - 2.0 * b.s3 + b.s2  # Σ (F_t − n_t)²
    n_rest = b.s3 - b.s2  # Σ n_t (F_t − n_t)
    ssr = b.s2 - 2.0 * rho * n_rest + rho * rho * rest_sq
    sum_e = rho * rest
    sum_e2 = rho * rho * rest_sq
    return ssr - sum_e, sum_e2


def dispersion(excess: Array, e2: Array, groups: NDArray[np.int64], size: int) -> Array:
    """φ per group (category index 0…size−1) from the per-cell terms of dispersion_terms():
    the median of the cells' own estimates max(0, excess ÷ ΣE²), weighted by ΣE² (the more a
    cell expects, the more it tells). A median, not the pooled ratio, so that the few places
    whose months were themselves hotspots do not widen every place's limits. 0 for a group
    without cells."""
    out = np.zeros(size)
    keep = e2 > 0
    excess, e2, groups = excess[keep], e2[keep], groups[keep]
    if not len(groups):
        return out
    own = np.maximum(excess, 0.0) / e2
    order = np.lexsort((own, groups))
    groups, own, weight = groups[order], own[order], e2[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:], len(groups)]
    for a, b in zip(starts, ends, strict=True):
        cumulative = np.cumsum(weight[a:b])
        out[groups[a]] = own[a:b][np.searchsorted(cumulative, cumulative[-1] / 2.0)]
    return out


@dataclass
class Expectation:
    mean: Array
    variance: Array
    share: Array
    share_all: Array
    share_same: Array  # NaN where no same calendar month is in the baseline
    rest_now: Array


def expectation(
    b: Baseline, *, n_now: Array, f_now: Array, phi: Array, prior_years: float
) -> Expectation:
    """μ and V per cell (see the module's docstring)."""
    rest_all = np.maximum(b.a1 - b.s1, 0.0)
    rest_same = np.maximum(b.a_same - b.s_same, 0.0)
    rho_all = (b.s1 + 0.5) / (rest_all + 0.5)
    has_same = (b.years > 0) & (rest_same > 0)
    rho_same = np.where(has_same, (b.s_same + 0.5) / (rest_same + 0.5), np.nan)
    years = np.where(has_same, b.years, 0.0)
    w_same = years / (years + prior_years)
    w_all = 1.0 - w_same
    share = np.where(has_same, w_same * np.nan_to_num(rho_same) + w_all * rho_all, rho_all)
    rest_now = np.maximum(f_now - n_now, 0.0)
    mean = share * rest_now
    var_share = (w_all * rho_all) ** 2 / (b.s1 + 0.5) + np.where(
        has_same, (w_same * np.nan_to_num(rho_same)) ** 2 / (b.s_same + 0.5), 0.0
    )
    variance = mean + phi * mean * mean + rest_now * rest_now * var_share
    return Expectation(mean, variance, share, rho_all, rho_same, rest_now)


def _nb_params(mean: Array, variance: Array) -> tuple[Array, Array]:
    """(size k, p) of the negative binomial with this mean and variance (variance floored a
    hair above the mean: Poisson is the limit)."""
    mean = np.maximum(mean, _TINY)
    extra = np.maximum(variance - mean, _TINY * mean * mean)
    k = mean * mean / extra
    return k, k / (k + mean)


def upper_p(observed: Array, mean: Array, variance: Array) -> Array:
    """P(X ≥ observed) under NB(mean, variance)."""
    k, p = _nb_params(mean, variance)
    return np.asarray(stats.nbinom.sf(observed - 1, k, p), dtype=np.float64)


def upper_limit(alpha: float, mean: Array, variance: Array) -> Array:
    """The smallest count L with P(X ≥ L) ≤ alpha."""
    k, p = _nb_params(mean, variance)
    return np.asarray(stats.nbinom.isf(alpha, k, p), dtype=np.float64) + 1.0


def z_score(observed: Array, mean: Array, variance: Array) -> Array:
    return (observed - mean) / np.sqrt(np.maximum(variance, _TINY))
