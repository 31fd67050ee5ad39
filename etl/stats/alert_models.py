"""The model of an incident series' last month and its prediction band (methods §6).

A Poisson GLM with month-of-year effects and a linear time trend is fitted to every
month before the last; when its Pearson χ²/df exceeds ``OVERDISPERSION`` a negative
binomial (NB2, dispersion by maximum likelihood) replaces it.  The prediction band of
the last month is taken from the Poisson or NB distribution whose log-mean is spread
by its estimation error (normal on the log scale, Gauss–Hermite quadrature), so a
short history widens the band.  All series of a level are fitted at once
(:mod:`etl.stats.count_models`) and their bands come from the quantile function.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from etl.stats.count_models import fit_negbin, fit_poisson, pearson_chi2

#: Pearson chi2 / df above which the alert model is a negative binomial.
OVERDISPERSION = 1.5
#: Smallest NB2 alpha taken for a negative binomial (below it the fit is the Poisson).
MIN_ALPHA = 1e-5
#: Series fitted together.
BLOCK = 4096
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(21)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _design(n: int, first_month_of_year: int, period: int = 12) -> np.ndarray:
    """An indicator of each calendar month and time in years.

    The same model as an intercept with month-of-year dummies, but every month has a
    column of its own: a calendar month without any incident in a series' history then
    has an effect of -inf that leaves the others identified, also when it is January
    (with January as the reference the intercept and all the dummies would run off).
    """
    season = (np.arange(n) + first_month_of_year - 1) % period
    months = np.zeros((n, period))
    months[np.arange(n), season] = 1.0
    return np.column_stack([months, np.arange(n) / period])


def _fit_means(
    y: np.ndarray, x: np.ndarray, x_new: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Log-mean of the new month, its standard error, the NB alpha (0 = Poisson) and the
    model ('poisson' or 'negbin') of every row of ``y``, and whether it could be fitted.

    A Poisson fit whose Pearson χ²/df exceeds ``OVERDISPERSION`` is replaced by a NB2
    fit, unless the NB2's alpha goes to 0 (below ``MIN_ALPHA``: the NB2 is the Poisson,
    and its derivatives in alpha are rounding noise there); a NB2 fit without a
    covariance (minus its Hessian not positive definite) cannot be fitted.
    """
    keep = x.any(axis=0)  # months the history holds
    x, x_new = x[:, keep], x_new[keep]
    poisson = fit_poisson(y, x)
    eta, se = poisson.predict(x_new)
    alpha = np.zeros(len(y))
    model = np.full(len(y), "poisson", dtype=object)
    fitted = poisson.ok.copy()
    df = max(len(x) - x.shape[1], 1)
    over = np.flatnonzero(fitted & ~(pearson_chi2(y, poisson.mu) / df <= OVERDISPERSION))
    if len(over):
        nb = fit_negbin(y[over], x, poisson.params[over])
        dispersed = nb.alpha >= MIN_ALPHA
        over, nb_eta, nb_se = over[dispersed], *(v[dispersed] for v in nb.predict(x_new))
        eta[over], se[over] = nb_eta, nb_se
        alpha[over] = nb.alpha[dispersed]
        model[over] = "negbin"
        fitted[over] = nb.ok[dispersed]
    return eta, se, alpha, model, fitted


def _mixture_cdf(k: np.ndarray, mus: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """P(X <= k) of each series, for Poisson/NB counts whose log-mean is Normal(eta, se²).

    ``mus`` holds each series' means at the quadrature nodes (series x nodes), ``alpha``
    its NB dispersion (0 = Poisson), ``k`` one count per series.
    """
    k = np.asarray(k, dtype=float)[:, None]
    cdf = np.empty(mus.shape)
    nb = alpha > 0
    if nb.any():
        size = 1.0 / alpha[nb, None]
        cdf[nb] = stats.nbinom.cdf(k[nb], size, size / (size + mus[nb]))
    if not nb.all():
        cdf[~nb] = stats.poisson.cdf(k[~nb], mus[~nb])
    return cdf @ _WEIGHTS


def _mixture_quantile(q: float, mus: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The smallest count k with P(X <= k) >= q, for each series.

    The mixture's quantile lies between the smallest and the largest quantile of its
    components (``ppf`` of each node's Poisson or NB), so the search runs by halving
    between them, for all series at once, instead of a CDF over every count.
    """
    nb = alpha > 0
    parts = np.empty(mus.shape)
    if nb.any():
        size = 1.0 / alpha[nb, None]
        parts[nb] = stats.nbinom.ppf(q, size, size / (size + mus[nb]))
    if not nb.all():
        parts[~nb] = stats.poisson.ppf(q, mus[~nb])
    lo = np.maximum(parts.min(axis=1) - 1, 0)  # a count below the quantile, or 0
    hi = parts.max(axis=1) + 1  # a count at or above it
    active = lo < hi
    while active.any():
        mid = np.floor((lo[active] + hi[active]) / 2)
        reached = _mixture_cdf(mid, mus[active], alpha[active]) >= q
        hi[active] = np.where(reached, mid, hi[active])
        lo[active] = np.where(reached, lo[active], mid + 1)
        active = lo < hi
    return lo


#: Log of the largest monthly mean a prediction band is computed for (above it the fit
#: is degenerate: a month-of-year effect without any incident in its history).
MAX_LOG_MEAN = math.log(1e6)


def prediction_bands(
    eta: np.ndarray, se: np.ndarray, alpha: np.ndarray, level: float, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds of the central ``level`` band and the two-sided p of
    ``observed``, for many series at once (arrays of one value per series)."""
    eta, se, alpha, observed = (np.asarray(v, dtype=float) for v in (eta, se, alpha, observed))
    mus = np.exp(eta[:, None] + se[:, None] * _NODES[None, :])
    mu_hi = mus[:, -1]
    top = np.floor(np.maximum(observed, mu_hi + 12 * np.sqrt(mu_hi * (1 + alpha * mu_hi)) + 20))
    tail = (1 - level) / 2
    lower = _mixture_quantile(tail - 1e-12, mus, alpha)
    upper = np.minimum(_mixture_quantile(1 - tail - 1e-12, mus, alpha), top)
    below = _mixture_cdf(observed, mus, alpha)
    above = 1.0 - np.where(observed > 0, _mixture_cdf(np.maximum(observed - 1, 0), mus, alpha), 0)
    return lower, upper, np.minimum(1.0, 2 * np.minimum(below, above))


def alert_models(series: np.ndarray, first_month_of_year: int = 1) -> list[dict | None]:
    """The model of the last month of every row of ``series`` from the months before it.

    Each is a dict of observed and model ('poisson', 'negbin' or 'none' when the history
    has no incidents) and, when the month's mean can be estimated, its log-mean ``eta``,
    the standard error ``se`` of it and the NB dispersion ``alpha`` (0 for Poisson); None
    for a series whose model cannot be fitted.  All series are fitted at once.
    """
    y = np.atleast_2d(np.asarray(series, dtype=float))
    history = y[:, :-1]
    models: list[dict | None] = [dict(observed=int(v), model="none") for v in y[:, -1]]
    rows = np.flatnonzero(history.sum(axis=1) > 0)
    if not len(rows):
        return models
    x_all = _design(y.shape[1], first_month_of_year)
    # blocks of series, so the stacked matrices stay a few tens of MB
    parts = [
        _fit_means(history[rows[start : start + BLOCK]], x_all[:-1], x_all[-1])
        for start in range(0, len(rows), BLOCK)
    ]
    eta, se, alpha, model, fitted = (np.concatenate(values) for values in zip(*parts))
    with np.errstate(invalid="ignore"):
        band = np.isfinite(eta + se) & ~(eta + se * _NODES[-1] > MAX_LOG_MEAN)
    for j, i in enumerate(rows):
        if not fitted[j]:
            models[i] = None
        elif band[j]:
            models[i].update(model=model[j], eta=eta[j], se=se[j], alpha=alpha[j])
        else:
            # the month's mean cannot be estimated (e.g. no incident in that calendar
            # month before): no band and no alert rather than an overflow
            models[i]["model"] = model[j]
    return models


def alert_model(series: np.ndarray | pd.Series, first_month_of_year: int = 1) -> dict:
    """The model of the last month of one series (:func:`alert_models`).

    Raises
    ------
    ValueError
        When the model cannot be fitted.
    """
    (model,) = alert_models(np.asarray(series, dtype=float)[None, :], first_month_of_year)
    if model is None:
        raise ValueError("the alert model cannot be fitted")
    return model


def alerts_from_models(models: list[dict], level: float = 0.95) -> list[dict]:
    """Prediction band, p-value and alert of each model of :func:`alert_model`.

    The bands of all models are computed at once (:func:`prediction_bands`).
    """
    fitted = [i for i, m in enumerate(models) if "eta" in m]
    values = {k: np.array([models[i][k] for i in fitted]) for k in ("eta", "se", "alpha")}
    observed = np.array([models[i]["observed"] for i in fitted], dtype=float)
    lower, upper, p = prediction_bands(
        values["eta"], values["se"], values["alpha"], level, observed
    )
    expected = np.exp(values["eta"][:, None] + values["se"][:, None] * _NODES) @ _WEIGHTS
    out = []
    for m in models:
        observed = m["observed"]
        if m["model"] == "none":
            out.append(
                dict(
                    observed=observed,
                    expected=0.0,
                    lower=0.0,
                    upper=0.0,
                    p_value=1.0 if observed == 0 else 0.0,
                    alert=observed > 0,
                    model="none",
                )
            )
        else:
            nan = float("nan")
            out.append(
                dict(
                    observed=observed,
                    expected=nan,
                    lower=nan,
                    upper=nan,
                    p_value=nan,
                    alert=False,
                    model=m["model"],
                )
            )
    for j, i in enumerate(fitted):
        out[i].update(
            expected=float(expected[j]),
            lower=float(lower[j]),
            upper=float(upper[j]),
            p_value=float(p[j]),
            alert=bool(out[i]["observed"] < lower[j] or out[i]["observed"] > upper[j]),
        )
    return out


def alert_for_last_month(
    series: np.ndarray | pd.Series, level: float = 0.95, first_month_of_year: int = 1
) -> dict:
    """Is the last month outside the prediction band of the months before it?

    Parameters
    ----------
    series : array-like of int
        Monthly counts, oldest first, no gaps; the last value is the month judged.
    level : float
        Coverage of the prediction band (e.g. 0.95).
    first_month_of_year : int
        Calendar month (1–12) of the first value, for the month-of-year effects.

    Returns
    -------
    dict
        observed, expected (mean of the predictive distribution), lower, upper (the
        band), p_value (two-sided), alert (observed outside the band) and model
        ('poisson', 'negbin' or 'none' when the history has no incidents).
    """
    return alerts_from_models([alert_model(series, first_month_of_year)], level)[0]
