"""The hotspot statistics on hand-made arrays (stats.py): shares, seasons, limits, dispersion."""

from __future__ import annotations

import numpy as np

from gongzhi.insights.hotspots import stats


def _baseline(place: list[list[float]], district: list[float], same: list[int]) -> stats.Baseline:
    """Cells from monthly series: each place's counts and the district's (the place included),
    `same` the indexes of the months of the same calendar month as the window."""
    f = np.array(district, dtype=float)
    rows = [np.array(p, dtype=float) for p in place]
    return stats.Baseline(
        s1=np.array([r.sum() for r in rows]),
        s2=np.array([(r * r).sum() for r in rows]),
        s3=np.array([(r * f).sum() for r in rows]),
        s_same=np.array([r[same].sum() for r in rows]),
        a1=np.full(len(rows), f.sum()),
        a2=np.full(len(rows), (f * f).sum()),
        a_same=np.full(len(rows), f[same].sum()),
        years=np.full(len(rows), float(len(same))),
    )


def test_the_expected_count_follows_the_rest_of_the_district_now() -> None:
    # A place with a tenth of the district in every past month; the district doubles now.
    b = _baseline([[10.0] * 12], [100.0] * 12, same=[])
    quiet = stats.expectation(
        b, n_now=np.array([10.0]), f_now=np.array([100.0]), phi=np.zeros(1), prior_years=1.0
    )
    doubled = stats.expectation(
        b, n_now=np.array([10.0]), f_now=np.array([190.0]), phi=np.zeros(1), prior_years=1.0
    )
    assert abs(quiet.mean[0] - 90 * (120.5 / 1080.5)) < 1e-9  # (S + ½) ÷ (R + ½) × rest now
    assert abs(doubled.mean[0] / quiet.mean[0] - 2.0) < 1e-9


def test_a_place_with_its_own_season_expects_its_own_season() -> None:
    # Two places alike over the year; the first has three times its share every November
    # (months 0 and 12 of the baseline are Novembers).
    usual = [4.0] * 24
    own = [12.0 if m in (0, 12) else 4.0 for m in range(24)]
    district = [100.0] * 24
    b = _baseline([own, usual], district, same=[0, 12])
    e = stats.expectation(
        b,
        n_now=np.array([4.0, 4.0]),
        f_now=np.array([100.0, 100.0]),
        phi=np.zeros(2),
        prior_years=1.0,
    )
    assert e.mean[0] > 2.0 * e.mean[1]
    without_season = stats.expectation(
        b,
        n_now=np.array([4.0, 4.0]),
        f_now=np.array([100.0, 100.0]),
        phi=np.zeros(2),
        prior_years=1e9,
    )
    assert without_season.mean[0] < 1.2 * without_season.mean[1]


def test_the_limit_is_the_first_count_whose_p_value_is_below_alpha() -> None:
    mean, var = np.array([4.0, 30.0]), np.array([6.0, 80.0])
    limit = stats.upper_limit(0.001, mean, var)
    assert all(stats.upper_p(limit, mean, var) <= 0.001)
    assert all(stats.upper_p(limit - 1, mean, var) > 0.001)


def test_a_place_with_little_history_gets_a_wider_limit() -> None:
    # Same share (a tenth), from 12 orders or from 1,200.
    small = _baseline([[1.0] * 12], [10.0] * 12, same=[])
    large = _baseline([[100.0] * 12], [1000.0] * 12, same=[])
    kw = {"n_now": np.array([0.0]), "phi": np.zeros(1), "prior_years": 1.0}
    e_small = stats.expectation(small, f_now=np.array([1000.0]), **kw)  # type: ignore[arg-type]
    e_large = stats.expectation(large, f_now=np.array([1000.0]), **kw)  # type: ignore[arg-type]
    assert abs(e_small.mean[0] - e_large.mean[0]) / e_large.mean[0] < 0.1
    assert e_small.variance[0] > 5 * e_large.variance[0]


def _simulated(phi: float, places: int = 60, months: int = 24) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    shares = rng.uniform(0.5, 2.0, places)
    season = 20 + 15 * np.cos(np.arange(months) * 2 * np.pi / 12)
    means = shares[:, None] * season[None, :]
    if phi == 0:
        counts = rng.poisson(means)
    else:
        k = 1 / phi
        counts = rng.negative_binomial(k, k / (k + means))
    return counts.astype(float), counts.sum(axis=0).astype(float)


def _phi(counts: np.ndarray, district: np.ndarray) -> float:
    b = _baseline(list(counts), list(district), same=[])
    excess, e2 = stats.dispersion_terms(b)
    groups = np.zeros(len(counts), dtype=np.int64)
    return float(stats.dispersion(excess, e2, groups, 1)[0])


def test_poisson_counts_have_almost_no_over_dispersion() -> None:
    assert _phi(*_simulated(0.0)) < 0.03


def test_over_dispersed_counts_are_measured_as_such() -> None:
    assert 0.15 < _phi(*_simulated(0.3)) < 0.5
