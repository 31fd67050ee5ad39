"""Ratio of rate ratios on counts: a Poisson GLM with area and period effects (methods §7).

The before/after comparison of an initiative's buurt with its controls, on the
monthly counts of the windows compared::

    log E[y_it] = a_i + g_t + b * (i is the initiative's buurt and t is after the start)

``a_i`` (one per buurt) absorbs the buurt's size and denominator, ``g_t`` (one per
month) the season and the city's trend, and exp(b) is the ratio of the buurt's
after/before rate ratio to that of its controls: 0.5 = the rate halved relative
to the controls, 1 = no change.  Fitted with ``statsmodels`` (a maintained GLM)
by maximum likelihood; the interval is the model's own, on the log scale with the
Pearson dispersion (quasi-Poisson, never below 1) and a t quantile on the residual
degrees of freedom (Poisson and a normal quantile when the model is saturated), so
overdispersed counts widen it.  It rests on the months
and counts of every buurt, not on a normal approximation over a handful of
control means.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning


@dataclass(frozen=True)
class RateRatio:
    """A ratio of rate ratios with its interval; NaN when it cannot be estimated."""

    ratio: float
    ci_low: float
    ci_high: float
    dispersion: float
    n_obs: int
    se: float = math.nan  # of the log ratio, dispersion included
    df: float = math.inf  # of the t quantile (inf = normal)

    @property
    def excludes_no_change(self) -> bool:
        """Whether the interval lies wholly on one side of 1."""
        return bool(self.ci_high < 1 or self.ci_low > 1)


NO_ESTIMATE = RateRatio(math.nan, math.nan, math.nan, math.nan, 0)


def ratio_of_rate_ratios(
    counts: pd.DataFrame, treated: str, after: Sequence[int], confidence: float
) -> RateRatio:
    """Fit the GLM of the module docstring on ``counts``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Counts per buurt (index; the treated buurt and its controls) and month
        (columns), only the months of the two windows compared.  NaN = a month
        that does not count for that buurt (left out of the fit).
    treated : str
        The initiative's buurt.
    after : sequence of int
        The columns that lie after the start.
    confidence : float
        Level of the interval.

    Returns
    -------
    RateRatio
        :data:`NO_ESTIMATE` without controls, without months on both sides, or
        when the buurt or its controls count nothing before or after (the ratio
        is then 0 or infinite).
    """
    after = set(after)
    is_after = np.array([c in after for c in counts.columns], dtype=bool)
    if treated not in counts.index:
        return NO_ESTIMATE
    return ratio_of_counts(
        counts.to_numpy(dtype=float), list(counts.index).index(treated), is_after, confidence
    )


def ratio_of_counts(
    counts: np.ndarray, treated: int, is_after: np.ndarray, confidence: float
) -> RateRatio:
    """:func:`ratio_of_rate_ratios` on a plain array: buurten (rows) x months (columns).

    ``treated``: the row of the initiative's buurt; ``is_after``: per column whether
    the month lies after the start.  NaN = a month that does not count for that buurt.
    """
    counts = np.asarray(counts, dtype=float)
    is_after = np.asarray(is_after, dtype=bool)
    n_areas, n_months = counts.shape
    if n_areas < 2 or is_after.all() or not is_after.any():
        return NO_ESTIMATE
    own = np.arange(n_areas) == treated
    sums = [
        np.nansum(counts[np.ix_(own, ~is_after)]),
        np.nansum(counts[np.ix_(own, is_after)]),
        np.nansum(counts[np.ix_(~own, ~is_after)]),
        np.nansum(counts[np.ix_(~own, is_after)]),
    ]
    if min(sums) <= 0:
        return NO_ESTIMATE
    y = counts.ravel()
    area_of = np.repeat(np.arange(n_areas), n_months)
    month_of = np.tile(np.arange(n_months), n_areas)
    # intercept, a dummy per buurt but the first, per month but the first, the effect
    x = np.zeros((len(y), n_areas + n_months), dtype=float)
    x[:, 0] = 1.0
    rows = np.arange(len(y))
    x[rows[area_of > 0], area_of[area_of > 0]] = 1.0
    x[rows[month_of > 0], n_areas - 1 + month_of[month_of > 0]] = 1.0
    x[:, -1] = (own[area_of] & is_after[month_of]).astype(float)
    kept = np.isfinite(y)
    y, x = y[kept], x[kept]
    x = x[:, np.r_[np.abs(x[:, :-1]).sum(axis=0) > 0, True]]  # a buurt or month left empty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning))
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    df = float(result.df_resid)
    dispersion = max(1.0, float(result.pearson_chi2) / df) if df > 0 else 1.0
    b = float(result.params[-1])
    se = float(result.bse[-1]) * math.sqrt(dispersion)
    if not (np.isfinite(b) and np.isfinite(se)):
        return NO_ESTIMATE
    # a saturated model (one month a side, one control) has no residual: Poisson, normal
    return _interval(b, se, df if df > 0 else math.inf, confidence, dispersion, len(y))


def _interval(
    log_ratio: float, se: float, df: float, confidence: float, dispersion: float, n_obs: int
) -> RateRatio:
    """The ratio and its interval ``exp(log_ratio -/+ q se)``, q of t(df) (normal at inf)."""
    tail = 1 - (1 - confidence) / 2
    q = float(stats.norm.ppf(tail)) if math.isinf(df) else float(stats.t.ppf(tail, df))
    return RateRatio(
        math.exp(log_ratio),
        math.exp(log_ratio - q * se),
        math.exp(log_ratio + q * se),
        dispersion,
        n_obs,
        se,
        df,
    )


def cross_fitted(folds: Sequence[RateRatio], confidence: float) -> RateRatio:
    """The mean of the log ratios of independent folds, with its interval.

    Folds fitted on disjoint months (independent Poisson counts) give
    ``se = sqrt(sum se_f^2) / F`` for the mean of F log ratios; the t quantile
    has the Welch-Satterthwaite degrees of freedom of that sum.  The dispersion
    reported is the largest of the folds'.  :data:`NO_ESTIMATE` when a fold has
    no estimate.
    """
    if not folds or any(not math.isfinite(f.ratio) or f.ratio <= 0 for f in folds):
        return NO_ESTIMATE
    variances = [f.se**2 for f in folds]
    total = sum(variances)
    if total <= 0:
        return NO_ESTIMATE
    spread = sum(v**2 / f.df for v, f in zip(variances, folds, strict=True))
    df = total**2 / spread if spread > 0 else math.inf
    return _interval(
        sum(math.log(f.ratio) for f in folds) / len(folds),
        math.sqrt(total) / len(folds),
        df,
        confidence,
        max(f.dispersion for f in folds),
        sum(f.n_obs for f in folds),
    )
