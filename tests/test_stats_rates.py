"""Empirical Bayes smoothing and funnel plots (etl.stats.rates)."""

from __future__ import annotations

import shutil
from math import sqrt

import libpysal
import numpy as np
import pytest
from esda.smoothing import Empirical_Bayes, Spatial_Empirical_Bayes

from etl import sqlfiles
from etl.db import connect
from etl.demo.incidents import CATEGORIES, SENSITIVE_RATES
from etl.settings import Settings
from etl.stats.rates import empirical_bayes, funnel, spatial_empirical_bayes, write_smoothed_rates

Z95 = 1.959963984540054
Z998 = 3.090232306167813


def test_empirical_bayes_by_hand():
    counts = [1, 20, 50, 5]
    population = [100, 400, 1000, 500]
    # pooled mean m = 76 / 2000; raw rates 0.01, 0.05, 0.05, 0.01
    m = 0.038
    # s2 = sum b (r - m)^2 / sum b
    #    = (100*0.028^2 + 400*0.012^2 + 1000*0.012^2 + 500*0.028^2) / 2000
    s2 = (0.0784 + 0.0576 + 0.144 + 0.392) / 2000
    assert s2 == pytest.approx(3.36e-4)
    a = s2 - m / 500  # between-area variance, mean population 500
    assert a == pytest.approx(2.6e-4)
    shrink = [2.6e-4 / (2.6e-4 + m / b) for b in population]
    assert shrink == pytest.approx([0.40625, 2.6 / 3.55, 2.6 / 2.98, 2.6 / 3.36])
    expected = [m + c * (r - m) for c, r in zip(shrink, [0.01, 0.05, 0.05, 0.01], strict=True)]
    got = empirical_bayes(counts, population)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert got[0] == pytest.approx(0.038 - 0.40625 * 0.028, abs=1e-9)
    # the same as esda's estimator when the variance is positive
    np.testing.assert_allclose(got, Empirical_Bayes(counts, population).r.ravel(), atol=1e-12)


def test_negative_between_area_variance_is_clipped_to_zero():
    counts = [9, 11, 10]
    population = [1000, 1000, 1000]
    # s2 = (0.001^2 + 0.001^2 + 0) / 3 < m / mean(b) = 1e-5: no variance between areas
    got = empirical_bayes(counts, population)
    np.testing.assert_allclose(got, [0.01, 0.01, 0.01], atol=1e-12)
    # esda does not clip and extrapolates away from the mean
    unclipped = Empirical_Bayes(counts, population).r.ravel()
    assert np.abs(unclipped - 0.01).max() > 0.01


def test_empirical_bayes_without_events_and_bad_input():
    np.testing.assert_array_equal(empirical_bayes([0, 0], [300, 500]), [0, 0])
    assert empirical_bayes([], []).size == 0
    with pytest.raises(ValueError):
        empirical_bayes([1, 2], [100, 0])
    with pytest.raises(ValueError):
        empirical_bayes([1, np.nan], [100, 200])


def test_spatial_empirical_bayes_equals_esda_without_islands():
    rng = np.random.default_rng(7)
    w = libpysal.weights.lat2W(5, 5, rook=False)
    population = rng.integers(300, 5000, 25)
    counts = rng.poisson(population * rng.gamma(4, 0.005, 25))
    got = spatial_empirical_bayes(counts, population, w)
    want = Spatial_Empirical_Bayes(counts, population, w).r.ravel()
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.filterwarnings("ignore:The weights matrix is not fully connected")
def test_spatial_empirical_bayes_island_gets_global_estimate():
    w = libpysal.weights.W({0: [1], 1: [0, 2], 2: [1], 3: []})
    counts = [4, 30, 12, 40]
    population = [1000, 1500, 800, 1200]
    got = spatial_empirical_bayes(counts, population, w)
    assert got[3] == pytest.approx(empirical_bayes(counts, population)[3], abs=1e-12)
    # neighbourhood of area 0 = {0, 1}: pooled 34 / 2500; tiny variance is clipped
    assert np.isfinite(got).all()


def test_spatial_empirical_bayes_clips_local_variance():
    w = libpysal.weights.W({0: [1], 1: [0, 2], 2: [1]})
    got = spatial_empirical_bayes([10, 10, 11], [1000, 1000, 1000], w)
    # every neighbourhood's rates vary less than Poisson: each area gets its local mean
    np.testing.assert_allclose(got, [0.010, 31 / 3000, 0.0105], atol=1e-12)


def test_funnel_by_hand():
    counts = [10, 30, 5, 55]
    population = [1000, 2000, 1000, 4000]
    m = 100 / 8000
    z = [-0.0025 / sqrt(m / 1000), 0.0025 / sqrt(m / 2000), -0.0075 / sqrt(m / 1000)]
    z.append(0.00125 / sqrt(m / 4000))
    np.testing.assert_allclose(z, [-1 / sqrt(2), 1, -3 / sqrt(2), 1 / sqrt(2)])

    plain = funnel(counts, population, winsor=0)
    np.testing.assert_allclose(plain["z"], z, atol=1e-12)
    assert plain["phi"].iloc[0] == pytest.approx((0.5 + 1 + 4.5 + 0.5) / 4)  # 1.625

    # winsorised at the 10th and 90th percentiles (linear interpolation of 4 values):
    low = -3 / sqrt(2) + 0.3 * (2 / sqrt(2))  # between the 1st and 2nd smallest
    high = 1 / sqrt(2) + 0.7 * (1 - 1 / sqrt(2))  # between the 3rd and 4th
    phi = (0.5 + high**2 + low**2 + 0.5) / 4
    out = funnel(counts, population)
    assert out["phi"].iloc[0] == pytest.approx(phi, abs=1e-12)
    assert phi > 1
    np.testing.assert_allclose(out["z_adjusted"], np.array(z) / sqrt(phi), atol=1e-12)
    np.testing.assert_allclose(out["rate"], [10, 15, 5, 13.75])
    np.testing.assert_allclose(out["expected"], [12.5, 25, 12.5, 50])
    half95 = Z95 * sqrt(phi * m / 1000)
    assert out["lo95"].iloc[0] == pytest.approx((m - half95) * 1000)
    assert out["hi95"].iloc[0] == pytest.approx((m + half95) * 1000)
    assert out["hi998"].iloc[3] == pytest.approx((m + Z998 * sqrt(phi * m / 4000)) * 1000)
    # area 3 (z = -2.12 -> -1.95 adjusted) is just inside the 95 % limits
    assert out["outside95"].tolist() == [False, False, False, False]
    np.testing.assert_allclose(plain["z_adjusted"], np.array(z) / sqrt(1.625), atol=1e-12)


def test_funnel_without_overdispersion_keeps_z_and_limits():
    counts = [10, 20, 40]
    population = [1000, 2000, 4000]  # every rate equals the pooled rate
    out = funnel(counts, population)
    assert out["phi"].iloc[0] == 0
    np.testing.assert_allclose(out["z_adjusted"], out["z"])
    np.testing.assert_allclose(
        out["hi95"], [(0.01 + Z95 * sqrt(0.01 / b)) * 1000 for b in population]
    )
    assert (out["lo998"] >= 0).all()


def test_funnel_outside_matches_adjusted_z():
    rng = np.random.default_rng(3)
    population = rng.integers(200, 20000, 60)
    counts = rng.poisson(population * rng.gamma(3, 0.01, 60))
    out = funnel(counts, population)
    assert (out["outside95"] == (out["z_adjusted"].abs() > Z95)).all()
    assert (out["outside998"] == (out["z_adjusted"].abs() > Z998)).all()
    rate = out["rate"]
    inside = (rate >= out["lo95"] - 1e-9) & (rate <= out["hi95"] + 1e-9)
    assert (inside == ~out["outside95"]).all()


@pytest.fixture(scope="module")
def smoothed(demo_db):
    """The demo build's connection (the build runs write_smoothed_rates)."""
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


def test_demo_smoothed_rates_cover_every_rate(smoothed):
    raw, eb = smoothed.execute(
        """
        select
            count(*) filter (where starts_with(indicator, 'incident_rate.')
                and level in ('buurt', 'wijk')),
            count(*) filter (where starts_with(indicator, 'incident_rate_eb.'))
        from indicator_values
        """
    ).fetchone()
    assert raw == eb > 0
    mismatched = smoothed.execute(
        """
        select count(*)
        from indicator_values e
        join indicator_values r
            on r.indicator = 'incident_rate.' || substr(e.indicator, 18)
            and r.area_code = e.area_code and r.period = e.period
        where starts_with(e.indicator, 'incident_rate_eb.')
            and (e.flag <> r.flag or e.n <> r.n or (e.value is null) <> (r.value is null)
                or e.ci_low is not null or e.se is not null or e.source <> 'incidents')
        """
    ).fetchone()[0]
    assert mismatched == 0
    assert sqlfiles.run_checks(smoothed) == []


def test_demo_smoothed_rates_shrink_towards_the_pooled_rate(smoothed):
    outside = smoothed.execute(
        """
        with pooled as (
            select r.indicator, r.level, r.period, 1000 * sum(r.n) / sum(p.inhabitants) as m
            from indicator_values r
            join area_population p on p.area_code = r.area_code and p.period = r.period
            where starts_with(r.indicator, 'incident_rate.') and r.flag = 'ok'
                and r.level in ('buurt', 'wijk')
            group by all
        )
        select count(*)
        from indicator_values e
        join indicator_values r
            on r.indicator = 'incident_rate.' || substr(e.indicator, 18)
            and r.area_code = e.area_code and r.period = e.period
        join pooled p on p.indicator = r.indicator and p.level = r.level and p.period = r.period
        where starts_with(e.indicator, 'incident_rate_eb.') and e.flag = 'ok'
            and e.value not between least(r.value, p.m) - 1e-6 and greatest(r.value, p.m) + 1e-6
        """
    ).fetchone()[0]
    assert outside == 0
    # small buurten (no rate) stay without a smoothed rate
    flags = smoothed.execute(
        """
        select distinct flag from indicator_values
        where indicator = 'incident_rate_eb.total' and area_code in (
            select area_code from area_population where inhabitants < 200)
        """
    ).fetchall()
    assert flags == [("no-denominator",)]


def test_demo_funnel_table(smoothed):
    rows, maps, bad = smoothed.execute(
        """
        select count(*), count(distinct (indicator, level, period)),
            count(*) filter (where outside95 <> (abs(z_adjusted) > 1.959963984540054)
                or outside998 and not outside95 or lo95 < lo998 or hi95 > hi998
                or rate < 0 or phi is null)
        from funnel
        """
    ).fetchone()
    ok = smoothed.execute(
        """
        select count(*) from indicator_values
        where starts_with(indicator, 'incident_rate.') and flag = 'ok'
            and level in ('buurt', 'wijk')
        """
    ).fetchone()[0]
    assert rows == ok
    # every demo category (sensitive ones included) and the total, 4 years, 2 levels
    assert maps == (len(CATEGORIES) + len(SENSITIVE_RATES) + 1) * 4 * 2
    assert bad == 0
    # the dense centre lies far above the funnel for total incidents at buurt level
    assert (
        smoothed.execute(
            "select count(*) from funnel where indicator = 'incident_rate.total' and outside998"
        ).fetchone()[0]
        > 0
    )


def test_write_smoothed_rates_twice_replaces(demo_db, tmp_path):
    shutil.copy(demo_db, tmp_path / "copy.duckdb")
    con = connect(tmp_path / "copy.duckdb")
    before = con.execute("select count(*) from indicator_values").fetchone()[0]
    write_smoothed_rates(con, Settings())
    assert con.execute("select count(*) from indicator_values").fetchone()[0] == before
    con.close()
