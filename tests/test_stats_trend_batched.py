"""The trend step's tests, models and decompositions of many series at once equal the
one-series implementations of pymannkendall and statsmodels, series by series."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pymannkendall
import pytest
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning
from statsmodels.tsa.seasonal import STL

from etl.db import connect
from etl.stats.alert_models import _design, alert_models
from etl.stats.count_models import fit_negbin, fit_poisson, pearson_chi2
from etl.stats.mann_kendall import seasonal_mann_kendall_many
from etl.stats.stl import stl_many
from etl.stats.trend import month_range, monthly_series

#: A seasonal mean with a different level and trend per series.
SEASON = 1 + 0.3 * np.cos(2 * np.pi * np.arange(60) / 12)


def _means(rng, series: int, months: int) -> np.ndarray:
    level = rng.uniform(0.5, 80, (series, 1))
    growth = rng.uniform(-0.3, 0.3, (series, 1))
    return level * SEASON[:months] * np.exp(growth * np.arange(months) / 12)


def test_seasonal_mann_kendall_of_many_series_equals_pymannkendall():
    rng = np.random.default_rng(20)
    for months in (24, 29, 36, 48, 53, 60):
        x = rng.poisson(_means(rng, 120, months)).astype(float)  # many ties
        x[::5, [2, 14]] = np.nan  # gaps
        x[::7, months - 1] = np.nan  # a missing last month
        x[3] = 0.0  # all zero
        x[4] = 7.0  # constant
        z, p, slope = seasonal_mann_kendall_many(x, min_months=0)
        for i, row in enumerate(x):
            ref = pymannkendall.seasonal_test(row, period=12)
            assert (z[i], p[i], slope[i]) == pytest.approx((ref.z, ref.p, ref.slope), abs=1e-9)
        assert (z[3], p[3], slope[3]) == (0.0, 1.0, 0.0)
        assert (z[4], p[4], slope[4]) == (0.0, 1.0, 0.0)


def test_seasonal_mann_kendall_of_many_series_leaves_short_ones_untested():
    x = np.vstack([np.arange(30.0), np.r_[np.arange(20.0), np.full(10, np.nan)]])
    z, p, slope = seasonal_mann_kendall_many(x, min_months=24)
    assert np.isfinite([z[0], p[0], slope[0]]).all() and slope[0] == 12.0
    assert np.isnan([z[1], p[1], slope[1]]).all()  # 20 values of 30 months


def test_poisson_fits_of_many_series_equal_statsmodels_glm():
    rng = np.random.default_rng(21)
    x = _design(47, 4)
    y = rng.poisson(_means(rng, 150, 47)).astype(float)
    fit = fit_poisson(y, x)
    chi2 = pearson_chi2(y, fit.mu)
    assert fit.ok.all()
    for i, row in enumerate(y):
        ref = sm.GLM(row, x, family=sm.families.Poisson()).fit()
        np.testing.assert_allclose(fit.params[i], ref.params, rtol=1e-8, atol=1e-10)
        # relative to the largest entry: a month with few incidents has a huge variance
        cov = ref.cov_params()
        np.testing.assert_allclose(fit.cov[i], cov, rtol=0, atol=1e-8 * np.abs(cov).max())
        assert chi2[i] == pytest.approx(ref.pearson_chi2, rel=1e-8)


def _negbin_reference(row: np.ndarray, x: np.ndarray, start: np.ndarray):
    """statsmodels' NB2 fit from the same start, to convergence: BFGS with a tight
    gradient tolerance, then Newton steps from there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        model = sm.NegativeBinomial(row, x, loglike_method="nb2")
        bfgs = model.fit(
            start_params=np.append(start, 0.1), method="bfgs", gtol=1e-10, maxiter=2000, disp=0
        )
        newton = model.fit(start_params=bfgs.params, method="newton", tol=1e-14, disp=0)
    return newton if np.isfinite(newton.params).all() else bfgs


def test_negative_binomial_fits_of_many_series_equal_statsmodels():
    rng = np.random.default_rng(22)
    x = _design(47, 1)
    means = _means(rng, 90, 47) + 3
    size = rng.uniform(0.8, 20, (90, 1))
    y = rng.negative_binomial(size, size / (size + means)).astype(float)
    start = fit_poisson(y, x).params
    fit = fit_negbin(y, x, start)
    assert fit.ok.mean() > 0.9
    compared = 0
    for i, row in enumerate(y):
        ref = _negbin_reference(row, x, start[i])
        if not fit.ok[i]:
            continue
        if ref.params[-1] < 1e-3:
            # alpha at the boundary 0 (no overdispersion): the likelihood is flat in it
            assert fit.alpha[i] < 1e-3
            continue
        compared += 1
        loglike = ref.model.loglike(np.append(fit.params[i], fit.alpha[i]))
        assert loglike >= ref.llf - 1e-12 * abs(ref.llf)
        np.testing.assert_allclose(fit.params[i], ref.params[:-1], rtol=1e-8, atol=1e-8)
        assert fit.alpha[i] == pytest.approx(ref.params[-1], rel=1e-8)
        cov = np.asarray(ref.cov_params())[:-1, :-1]
        np.testing.assert_allclose(fit.cov[i], cov, rtol=0, atol=1e-8 * np.abs(cov).max())
    assert compared > 60


def test_a_month_without_incidents_is_left_out_of_the_negative_binomial_fit():
    """Its effect is -inf; the other estimates are those of the fit without its rows."""
    rng = np.random.default_rng(23)
    x = _design(47, 1)
    means = _means(rng, 40, 47) + 20
    y = rng.negative_binomial(3, 3 / (3 + means)).astype(float)
    never = np.flatnonzero(x[:, 5] == 1)  # every May
    y[:, never] = 0
    start = fit_poisson(y, x).params
    fit = fit_negbin(y, x, start)
    assert fit.ok.all() and np.isneginf(fit.params[:, 5]).all()
    rows, columns = np.flatnonzero(x[:, 5] == 0), np.r_[0:5, 6 : x.shape[1]]
    for i in range(len(y)):
        ref = _negbin_reference(y[i, rows], x[np.ix_(rows, columns)], start[i, columns])
        np.testing.assert_allclose(fit.params[i, columns], ref.params[:-1], rtol=1e-8, atol=1e-8)
        assert fit.alpha[i] == pytest.approx(ref.params[-1], rel=1e-8)
    eta, se = fit.predict(x[never[-1]])
    assert np.isneginf(eta).all() and np.isposinf(se).all()  # May: no band
    eta, se = fit.predict(x[-1])
    assert np.isfinite(eta).all() and np.isfinite(se).all()


def test_alert_models_of_many_series_equal_those_of_one_series_at_a_time():
    rng = np.random.default_rng(24)
    means = _means(rng, 60, 48)
    y = np.vstack(
        [
            rng.poisson(means[:30]),
            rng.negative_binomial(2, 2 / (2 + means[30:])),
            np.zeros((1, 48)),  # no history: no model
        ]
    ).astype(float)
    together = alert_models(y, 3)
    for i, row in enumerate(y):
        (alone,) = alert_models(row[None, :], 3)
        assert together[i].keys() == alone.keys()
        assert together[i]["model"] == alone["model"]
        for key in alone.keys() - {"model"}:
            assert together[i][key] == pytest.approx(alone[key], rel=1e-9, abs=1e-12)
    models = [m["model"] for m in together]
    assert models[-1] == "none" and "poisson" in models and "negbin" in models


def test_stl_of_many_series_equals_statsmodels():
    """Robust STL (15 passes of robustness weights) from 47 months on, where the
    residuals are more than rounding noise; without robustness weights from 24 months.

    With fewer months most robust residuals are at the rounding level (few values per
    calendar month), so their median, and with it the weights, is rounding noise that
    15 passes amplify: statsmodels and any other order of summation then differ."""
    rng = np.random.default_rng(25)
    for months, robust in [(47, True), (48, True), (60, True), (24, False), (31, False)]:
        y = rng.poisson(_means(rng, 60, months)).astype(float)
        y[3] = 0.0
        trend, seasonal, resid = stl_many(y, 12, robust=robust)
        for i, row in enumerate(y):
            ref = STL(row, period=12, robust=robust).fit()
            scale = max(1.0, np.abs(row).max())
            np.testing.assert_allclose(trend[i], ref.trend, rtol=0, atol=1e-9 * scale)
            np.testing.assert_allclose(seasonal[i], ref.seasonal, rtol=0, atol=1e-9 * scale)
            np.testing.assert_allclose(resid[i], ref.resid, rtol=0, atol=1e-9 * scale)


def test_an_overdispersed_series_without_any_january_incident_gets_a_band():
    """January, the first calendar month, never had an incident: its effect is -inf and
    the other months' band is estimated as usual (December here)."""
    rng = np.random.default_rng(26)
    means = 40 * SEASON[:48]
    y = rng.negative_binomial(3, 3 / (3 + means)).astype(float)
    y[::12] = 0
    (model,) = alert_models(y[None, :], 1)
    assert model["model"] == "negbin" and model["alpha"] > 0.05
    assert np.exp(model["eta"]) == pytest.approx(y[11:47:12].mean(), rel=0.5)
    january = np.append(y[:36], 5.0)  # the month judged is a January: no band
    (model,) = alert_models(january[None, :], 1)
    assert model is not None and "eta" not in model


def test_monthly_series_count_the_rows_of_incident_areas(tiny_db, tmp_path):
    """Incidents counted per finest area and rolled up equal the rows of the view
    incident_areas, also for a point placed in another wijk than its buurt's."""
    path = tmp_path / "tiny.duckdb"
    shutil.copy(tiny_db, path)
    con = connect(path)
    try:
        con.execute(
            """
            insert into incident_area_overrides
            select i.incident_id, 'wijk', 'WK999802'
            from incidents i join area_ancestors a on a.code = i.area_code
            where a.ancestor_code = 'WK999801'
            order by i.incident_id limit 2
            """
        )
        months = month_range(con)
        counted = {
            (s.level, code, category, month): int(n)
            for s in monthly_series(con, months)
            for code, category, row in zip(s.codes, s.categories, s.counts)
            for month, n in zip(months, row)
            if n
        }
        rows = con.execute(
            """
            select ia.level, ia.area_code, i.category, i.month, count(*)
            from incidents i join incident_areas ia using (incident_id)
            group by grouping sets ((1, 2, 3, 4), (1, 2, 4))
            """
        ).fetchall()
    finally:
        con.close()
    expected = {(lv, a, c or "total", m): n for lv, a, c, m, n in rows}
    assert counted == expected
    assert counted[("wijk", "WK999802", "total", "2024-02")] >= 1
