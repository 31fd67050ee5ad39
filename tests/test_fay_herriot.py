"""The Fay–Herriot model against a published worked example.

The milk data (Arora & Lahiri 1997): expenditure on fresh milk in 43 small areas of the
U.S. Consumer Expenditure Survey 1989, direct estimate ``yi`` and its standard error ``SD``,
grouped in four major areas, as shipped with the R package ``sae`` (Molina & Marhuenda
2015, The R Journal 7(1)). The reference figures are that package's output of
``mseFH(yi ~ as.factor(MajorArea), SD^2, method = "REML", data = milk)``, as recorded in
the test suite of the Python package samplics (which reproduces them too).
"""

import numpy as np
import pytest

from etl.stats.fay_herriot import arcsine, arcsine_back, arcsine_mean, fit_fay_herriot

# area: (major area, yi, SD)
MILK = """
1 1.099 .163|1 1.075 .080|1 1.105 .083|1 .628 .109|1 .753 .119|1 .981 .141|1 1.257 .202
2 1.095 .127|2 1.405 .168|2 1.356 .178|2 .615 .100|2 1.460 .201|2 1.338 .148|2 .854 .143
3 1.176 .149|3 1.111 .145|3 1.257 .135|3 1.430 .172|3 1.278 .137|3 1.292 .163|3 1.002 .125
3 1.183 .247|3 1.044 .140|3 1.267 .171|3 1.193 .106|4 .791 .121|4 .795 .121|4 .759 .259
4 .796 .106|4 .565 .089|4 .886 .225|4 .952 .205|4 .807 .119|4 .582 .067|4 .684 .106
4 .787 .126|4 .440 .092|4 .759 .132|4 .770 .100|4 .800 .113|4 .756 .083|4 .865 .121
4 .640 .129
"""
# published EBLUP and MSE of areas 1-10, 22, 28, 37 and 43
EBLUP = {1: 1.0219703, 2: 1.0476018, 3: 1.0679513, 4: 0.7608170, 5: 0.8461574,
         6: 0.9743727, 7: 1.0584523, 8: 1.0977762, 9: 1.2215449, 10: 1.1951455,
         22: 1.1923057, 28: 0.7338443, 37: 0.5298867, 43: 0.6810870}  # fmt: skip
MSE = {1: 0.013460220, 2: 0.005372876, 3: 0.005701990, 4: 0.008541740, 5: 0.009579594,
       6: 0.011670632, 7: 0.015926137, 8: 0.010586518, 9: 0.014184043, 10: 0.014901472,
       22: 0.017243977, 28: 0.016476912, 37: 0.006404335, 43: 0.009903626}  # fmt: skip


@pytest.fixture(scope="module")
def milk():
    rows = [r.split() for r in MILK.replace("\n", "|").split("|") if r.strip()]
    major = np.array([int(r[0]) for r in rows])
    y = np.array([float(r[1]) for r in rows])
    sd = np.array([float(r[2]) for r in rows])
    x = np.column_stack([np.ones(len(rows))] + [(major == k).astype(float) for k in (2, 3, 4)])
    return y, sd**2, x


def test_milk_reml_variance_and_coefficients(milk):
    fit = fit_fay_herriot(*milk)
    assert len(milk[0]) == 43
    assert fit.converged
    assert fit.sigma2_u == pytest.approx(0.01855, abs=5e-5)
    assert fit.beta == pytest.approx([0.9681890, 0.1327801, 0.2269462, -0.2413011], abs=1e-5)
    assert np.sqrt(np.diag(fit.beta_cov)) == pytest.approx(
        [0.06936208, 0.10300072, 0.09232981, 0.08161707], abs=1e-5
    )


def test_milk_eblup_and_prasad_rao_mse(milk):
    fit = fit_fay_herriot(*milk)
    for area, value in EBLUP.items():
        assert fit.eblup[area - 1] == pytest.approx(value, abs=1e-5), area
    for area, value in MSE.items():
        assert fit.mse[area - 1] == pytest.approx(value, abs=1e-6), area
    # the model borrows strength: every MSE is below the area's sampling variance
    assert (fit.mse < milk[1]).all()


def test_synthetic_estimate_of_an_area_without_a_survey(milk):
    y, d, x = milk
    fit = fit_fay_herriot(y[1:], d[1:], x[1:])
    estimate, mse = fit.predict_synthetic(x[:1])
    assert estimate[0] == pytest.approx(fit.beta[0])  # major area 1: the intercept
    assert mse[0] == pytest.approx(fit.sigma2_u + fit.beta_cov[0, 0])
    assert mse[0] > fit.mse.max()


def test_no_between_area_variance_gives_the_synthetic_estimate():
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(60), rng.normal(size=60)])
    d = np.full(60, 0.04)
    y = x @ [1.0, 0.5] + rng.normal(0, 0.2, 60) * 0.5  # less spread than d alone
    fit = fit_fay_herriot(y, d, x)
    assert fit.sigma2_u == 0.0 and fit.converged
    assert fit.eblup == pytest.approx(fit.synthetic)


def test_arcsine_scale_round_trip_and_bias():
    p = np.array([0.0, 0.1, 0.25, 0.5, 1.0])
    assert arcsine_back(arcsine(p)) == pytest.approx(p)
    theta = arcsine(np.array([0.2]))
    draws = np.sin(np.clip(np.random.default_rng(1).normal(theta, 0.1, 400_000), -9, 9)) ** 2
    assert arcsine_mean(theta, 0.01)[0] == pytest.approx(draws.mean(), abs=1e-3)
