"""Monthly trends, STL components and last-month alerts."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest
from scipy import stats

from etl.db import connect
from etl.settings import Settings
from etl.stats.trend import (
    _NODES,
    _WEIGHTS,
    alert_for_last_month,
    monthly_counts,
    prediction_bands,
    seasonal_mann_kendall,
    stl_components,
    write_trends,
)

SEASON = 1 + 0.3 * np.cos(2 * np.pi * (np.arange(48) % 12) / 12)


def test_seasonal_mann_kendall_hand_example():
    # two years of x = t: in each of the 12 seasons one rising pair, S = 12,
    # var = 12 * (2 * 1 * 9 / 18) = 12, z = (12 - 1) / sqrt(12), slope = 12 per year
    z, p, slope = seasonal_mann_kendall(np.arange(24.0))
    assert z == pytest.approx(11 / math.sqrt(12), abs=1e-9)
    assert p == pytest.approx(0.0014961642897455493, abs=1e-9)
    assert slope == pytest.approx(12.0, abs=1e-12)


def test_seasonal_mann_kendall_matches_pymannkendall():
    import pymannkendall

    rng = np.random.default_rng(7)
    for n in (24, 30, 48, 53):
        x = rng.poisson(5 + np.arange(n) * 0.05).astype(float)  # many ties
        z, p, slope = seasonal_mann_kendall(x)
        ref = pymannkendall.seasonal_test(x, period=12)
        assert (z, p, slope) == pytest.approx((ref.z, ref.p, ref.slope), abs=1e-9)


def test_seasonal_mann_kendall_finds_a_rising_series_and_not_a_flat_one():
    rng = np.random.default_rng(1)
    rising = rng.poisson(20 * SEASON * 1.3 ** (np.arange(48) / 12))
    z, p, slope = seasonal_mann_kendall(rising)
    assert z > 0 and p < 0.01 and slope > 0
    flat = rng.poisson(20 * SEASON)
    assert seasonal_mann_kendall(flat)[1] > 0.05
    pure_season = np.round(20 * SEASON)
    assert seasonal_mann_kendall(pure_season) == (0.0, 1.0, 0.0)


def test_seasonal_mann_kendall_needs_enough_months():
    assert all(math.isnan(v) for v in seasonal_mann_kendall(np.arange(23.0), min_months=24))


def test_stl_components_add_up():
    rng = np.random.default_rng(3)
    y = rng.poisson(20 * SEASON).astype(float)
    parts = stl_components(y)
    assert list(parts.columns) == ["observed", "trend", "seasonal", "resid"]
    total = parts["trend"] + parts["seasonal"] + parts["resid"]
    np.testing.assert_allclose(total, y, atol=1e-9)
    assert parts["seasonal"].iloc[0] > parts["seasonal"].iloc[6]  # peak in January


def test_alert_fires_for_a_spike_and_not_for_a_normal_month():
    rng = np.random.default_rng(11)
    y = rng.poisson(20 * SEASON)
    normal = alert_for_last_month(np.append(y[:-1], round(20 * SEASON[-1])), 0.95)
    assert normal["alert"] is False and normal["model"] == "poisson"
    assert normal["lower"] <= normal["observed"] <= normal["upper"]
    assert normal["expected"] == pytest.approx(20 * SEASON[-1], rel=0.25)
    spike = alert_for_last_month(np.append(y[:-1], 3 * round(20 * SEASON[-1])), 0.95)
    assert spike["alert"] is True and spike["observed"] > spike["upper"]
    assert spike["p_value"] < 1e-6
    assert (spike["lower"], spike["upper"]) == (normal["lower"], normal["upper"])


def test_alert_uses_a_negative_binomial_when_overdispersed():
    rng = np.random.default_rng(5)
    mean = 20 * SEASON
    y = rng.negative_binomial(2, 2 / (2 + mean))  # variance mean + mean^2 / 2
    result = alert_for_last_month(y, 0.95)
    assert result["model"] == "negbin"
    poisson_upper = 20 * SEASON[-1] + 2 * math.sqrt(20 * SEASON[-1])
    assert result["upper"] > poisson_upper  # the band widens with the overdispersion


def test_alert_without_history():
    result = alert_for_last_month(np.zeros(30), 0.95)
    assert result["alert"] is False and result["model"] == "none"


def test_alert_of_a_month_never_seen_with_an_incident_is_no_alert():
    # a rare category: every December before the last one without an incident
    y = np.zeros(48)
    y[[2, 7, 15, 20, 29, 33, 40]] = 1
    result = alert_for_last_month(y, 0.95, 1)
    assert result["alert"] is False and math.isnan(result["p_value"])


def test_monthly_counts_are_complete_with_zeros(tiny_con):
    wide = monthly_counts(tiny_con, "wijk", "total")
    assert list(wide.index[[0, -1]]) == ["2023-01", "2024-07"] and len(wide) == 19
    assert list(wide.columns) == ["WK999801", "WK999802"]
    assert wide.sum().to_dict() == {"WK999801": 5, "WK999802": 2}
    assert wide.loc["2024-02", "WK999802"] == 1 and wide.loc["2024-03"].sum() == 0
    theft = monthly_counts(tiny_con, "gemeente", "fietsdiefstal")
    assert theft["GM9998"].sum() == 2


def test_short_series_give_no_trend_and_no_alert(tiny_db, tmp_path):
    path = tmp_path / "tiny.duckdb"
    shutil.copy(tiny_db, path)
    con = connect(path)
    try:
        write_trends(con, Settings())
        trends = con.execute(
            "select count(*), count(mk_p), count(*) filter (where direction = 'none') from trends"
        ).fetchone()
        alerts = con.execute("select count(*) from alerts").fetchone()[0]
        parts = con.execute("select count(*) from trend_components").fetchone()[0]
    finally:
        con.close()
    assert trends[0] > 0 and trends[1] == 0 and trends[2] == trends[0]
    assert alerts == 0 and parts == 0


@pytest.fixture(scope="module")
def demo_trends(demo_db):
    """The demo build's connection (the build runs write_trends)."""
    con = connect(demo_db, read_only=True)
    yield (con,)
    con.close()


@pytest.fixture(scope="module")
def planted(demo_dir):
    return json.loads((demo_dir / "planted.json").read_text())


def test_demo_planted_rising_trend(demo_trends, planted):
    rising = planted["rising_trend"]
    row = (
        demo_trends[0]
        .execute(
            "select direction, mk_q, sen_slope_per_year from trends "
            "where area_code = ? and category = ?",
            [rising["wijk"], rising["category"]],
        )
        .fetchone()
    )
    assert row[0] == "rising" and row[1] < 0.05 and row[2] > 0


def test_demo_planted_alert(demo_trends, planted):
    alert = planted["alert"]
    row = (
        demo_trends[0]
        .execute(
            "select alert, observed, upper, q_value from alerts "
            "where area_code = ? and category = ? and month = ?",
            [alert["wijk"], alert["category"], alert["month"]],
        )
        .fetchone()
    )
    assert row[0] is True and row[1] > row[2]


def test_demo_few_unplanted_findings(demo_trends, planted):
    rising, alert = planted["rising_trend"], planted["alert"]
    gemeente = planted["gemeente"]
    # an aggregate that contains a planted area and category shows it too
    trends = (
        demo_trends[0]
        .execute(
            """
        select t.area_code, t.category from trends t
        join area_ancestors a on a.code = t.area_code
        where t.direction <> 'none'
        group by all
        having not (bool_or(a.ancestor_code = $wijk) or t.area_code = $gm)
            or t.category not in ($category, 'total')
        """,
            {"wijk": rising["wijk"], "gm": gemeente, "category": rising["category"]},
        )
        .fetchall()
    )
    alerts = (
        demo_trends[0]
        .execute(
            "select area_code, category from alerts where alert and "
            "(area_code not in ($wijk, $gm) or category not in ($category, 'total'))",
            {"wijk": alert["wijk"], "gm": gemeente, "category": alert["category"]},
        )
        .fetchall()
    )
    print(f"unplanted trends: {trends}; unplanted alerts: {alerts}")
    assert len(trends) <= 2 and len(alerts) <= 2


def test_demo_components_and_alerts_cover_wijken_and_gemeente(demo_trends, planted):
    n_areas = planted["n_wijken"] + 1
    n_categories = (
        demo_trends[0].execute("select count(distinct category) from trends").fetchone()[0]
    )
    alerts = demo_trends[0].execute("select count(*) from alerts").fetchone()[0]
    assert alerts == n_areas * n_categories
    months = (
        demo_trends[0]
        .execute("select count(distinct month), min(month), max(month) from trend_components")
        .fetchone()
    )
    assert months == (48, "2021-01", "2024-12")


def test_an_extract_ending_within_a_month_ends_trends_and_alerts_the_month_before():
    import duckdb

    from etl.stats.trend import drop_partial_last_month

    con = duckdb.connect()
    con.execute(
        "create table incidents as "
        "select * from (values (date '2024-07-02'), (date '2024-09-20')) t(date)"
    )
    months = ["2024-07", "2024-08", "2024-09"]
    kept, skip = drop_partial_last_month(con, months)
    assert kept == ["2024-07", "2024-08"]
    assert skip["period"] == "2024-09" and "up to 2024-09-20 only" in skip["reason"]
    # an extract that reaches the last day of its month keeps that month
    con.execute("insert into incidents values (date '2024-09-30')")
    assert drop_partial_last_month(con, months) == (months, None)


def test_bands_from_quantiles_equal_the_cdf_over_every_count():
    """The bands of many series at once equal the first counts at which the mixture's
    CDF, summed over every count from 0, reaches each tail; p from the same CDF."""
    rng = np.random.default_rng(3)
    n = 60
    eta = rng.uniform(-2, 6, n)
    se = rng.uniform(0, 0.5, n)
    alpha = np.where(np.arange(n) % 2 == 0, 0.0, rng.uniform(0.01, 1.5, n))
    observed = rng.poisson(np.exp(eta) * rng.uniform(0.5, 2, n)).astype(float)
    lower, upper, p = prediction_bands(eta, se, alpha, 0.95, observed)
    for i in range(n):
        k = np.arange(int(observed[i] + 50 * np.exp(eta[i] + 3 * se[i])) + 60)[:, None]
        mus = np.exp(eta[i] + se[i] * _NODES)[None, :]
        if alpha[i] > 0:
            size = 1 / alpha[i]
            cdf = stats.nbinom.cdf(k, size, size / (size + mus)) @ _WEIGHTS
        else:
            cdf = stats.poisson.cdf(k, mus) @ _WEIGHTS
        assert lower[i] == np.searchsorted(cdf, 0.025 - 1e-12)
        assert upper[i] == np.searchsorted(cdf, 0.975 - 1e-12)
        o = int(observed[i])
        expected_p = min(1.0, 2 * min(cdf[o], 1 - (cdf[o - 1] if o else 0.0)))
        assert p[i] == pytest.approx(expected_p, abs=1e-12)
