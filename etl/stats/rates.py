"""Smoothed incident rates and funnel plots (methods.md §3).

Two estimators shrink unstable rates of small areas towards a mean:

- :func:`empirical_bayes`, global empirical Bayes towards the city mean
  (Marshall 1991, the method of ``esda.smoothing.Empirical_Bayes``);
- :func:`spatial_empirical_bayes`, the same towards the mean of the area and its
  queen neighbours (``esda.smoothing.Spatial_Empirical_Bayes``).

Both are written out here in a few vectorised lines rather than called from esda,
because esda's global estimator does not clip a negative between-area variance
(it then extrapolates *away* from the mean) and its spatial estimator leaves an
island unsmoothed.  On data where neither case arises the results equal esda's to
floating-point precision (see ``tests/test_stats_rates.py``).

:func:`funnel` gives the control limits of a funnel plot with the overdispersion
correction of Spiegelhalter (2005).  :func:`write_smoothed_rates` is the build step;
it uses the global estimator, so that a smoothed rate is comparable across the whole
municipality and the hotspot analysis (:mod:`etl.stats.hotspots`) does not find
clusters that the smoothing itself made by borrowing from neighbours.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse, stats

from etl.settings import Settings
from etl.stats.skips import record_skips

#: Two-sided coverage of the funnel's control limits, with their column suffixes.
FUNNEL_LEVELS = {"95": 0.95, "998": 0.998}

#: Levels at which incident rates are smoothed and put on a funnel plot.
LEVELS = ("buurt", "wijk")

#: Rates in the tables are per this many inhabitants (or addresses, dwellings).
PER = 1000.0


def _arrays(counts, population) -> tuple[np.ndarray, np.ndarray]:
    e = np.asarray(counts, dtype=float).ravel()
    b = np.asarray(population, dtype=float).ravel()
    if e.shape != b.shape:
        raise ValueError(f"{e.size} counts but {b.size} populations")
    if not (np.isfinite(e).all() and np.isfinite(b).all()):
        raise ValueError("counts and populations must be finite; drop areas without a rate")
    if (e < 0).any() or (b <= 0).any():
        raise ValueError("counts must be >= 0 and populations > 0")
    return e, b


def _shrink(rate, mean, variance, population) -> np.ndarray:
    """Marshall's estimator: ``mean + A / (A + mean / b) * (rate - mean)``, A clipped to 0."""
    a = np.maximum(variance, 0.0)
    within = mean / population
    total = a + within
    # total == 0 only where the mean is 0 and A is 0: every rate there is 0 as well
    factor = np.divide(a, total, out=np.zeros_like(total), where=total > 0)
    return mean + factor * (rate - mean)


def empirical_bayes(counts, population) -> np.ndarray:
    """Global empirical Bayes rates, shrunk towards the pooled (city) rate.

    Marshall's (1991) moment estimator, as in ``esda.smoothing.Empirical_Bayes``:
    with raw rates r_i = e_i / b_i, pooled mean m = Σe / Σb, weighted variance
    s² = Σ b_i (r_i − m)² / Σb and mean population b̄ = Σb / n, the between-area
    variance is A = s² − m / b̄, clipped to 0 when negative, and

        θ_i = m + C_i (r_i − m),  C_i = A / (A + m / b_i).

    With A = 0 every area gets the pooled mean.  Own lines, not esda's class,
    because esda does not clip A.

    Parameters
    ----------
    counts : array_like
        Events per area (non-negative).
    population : array_like
        Population at risk per area (positive), in the same order.

    Returns
    -------
    numpy.ndarray
        Smoothed rates per unit of population (multiply by 1,000 for per 1,000).
    """
    e, b = _arrays(counts, population)
    if e.size == 0:
        return np.empty(0)
    rate = e / b
    mean = e.sum() / b.sum()
    s2 = (b * (rate - mean) ** 2).sum() / b.sum()
    variance = s2 - mean / b.mean()
    return _shrink(rate, mean, variance, b)


def spatial_empirical_bayes(counts, population, weights) -> np.ndarray:
    """Spatial empirical Bayes rates, shrunk towards the mean of each neighbourhood.

    The estimator of ``esda.smoothing.Spatial_Empirical_Bayes``, with the
    neighbourhood of area i being i and its neighbours in ``weights`` (binary,
    whatever the weights' transform): the local pooled mean m_i, the local
    population-weighted variance s²_i and local mean population b̄_i replace their
    global counterparts in :func:`empirical_bayes`; a negative local variance is
    clipped to 0 (then θ_i = m_i).  An island (no neighbours) has no neighbourhood
    to borrow from and gets its global empirical Bayes rate instead of its raw rate.

    Parameters
    ----------
    counts, population : array_like
        As in :func:`empirical_bayes`, ordered as ``weights.id_order``.
    weights : libpysal.weights.W
        Contiguity of the areas, e.g. from :func:`etl.stats.hotspots.queen_weights`.

    Returns
    -------
    numpy.ndarray
        Smoothed rates per unit of population.
    """
    e, b = _arrays(counts, population)
    if weights.n != e.size:
        raise ValueError(f"{e.size} areas but weights for {weights.n}")
    rate = e / b
    adjacency = weights.sparse.copy().tocsr()
    adjacency.data = np.ones_like(adjacency.data)
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    island = np.asarray(adjacency.sum(axis=1)).ravel() == 0
    hood = adjacency + sparse.identity(e.size, format="csr")
    local_b = hood @ b
    mean = (hood @ e) / local_b
    s2 = (hood @ (b * rate**2) - 2 * mean * (hood @ (b * rate)) + mean**2 * local_b) / local_b
    variance = s2 - mean / (local_b / (hood @ np.ones_like(b)))
    smoothed = _shrink(rate, mean, variance, b)
    if island.any():
        smoothed[island] = empirical_bayes(e, b)[island]
    return smoothed


def _winsorised(z: np.ndarray, winsor: float) -> np.ndarray:
    """z clipped to its ``winsor`` and ``1 - winsor`` quantiles (linear interpolation)."""
    if winsor <= 0:
        return z
    low, high = np.quantile(z, [winsor, 1 - winsor])
    return np.clip(z, low, high)


def funnel(counts, population, winsor: float = 0.1) -> pd.DataFrame:
    """Funnel plot of rates against population, with an overdispersion correction.

    With r_i = e_i / b_i and the pooled rate m = Σe / Σb, the z-score is
    z_i = (r_i − m) / √(m / b_i) (normal approximation to the Poisson).  The
    overdispersion factor is φ = mean of the squared z-scores after winsorising
    them at the ``winsor`` and ``1 − winsor`` quantiles (Spiegelhalter 2005,
    10 % each tail by default).  When φ > 1, the multiplicative correction
    z_adjusted = z / √φ applies and the limits widen by √φ; otherwise
    z_adjusted = z.  Limits are m ± k √(φ' m / b_i) with φ' = max(φ, 1) and
    k the two-sided normal quantile of 95 % or 99.8 %, clipped below at 0.  An
    area is outside a limit exactly when |z_adjusted| exceeds k.

    Parameters
    ----------
    counts, population : array_like
        Events and population at risk per area (population > 0).
    winsor : float
        Share winsorised in each tail when estimating φ.

    Returns
    -------
    pandas.DataFrame
        One row per area, in input order: ``rate`` (per 1,000), ``expected``
        (expected count m · b_i), ``z``, ``phi`` (the same on every row),
        ``z_adjusted``, ``lo95``, ``hi95``, ``lo998``, ``hi998`` (rates per 1,000)
        and the booleans ``outside95`` and ``outside998``.  NaN z-scores when the
        pooled rate is 0 (no events at all).
    """
    e, b = _arrays(counts, population)
    if not 0 <= winsor < 0.5:
        raise ValueError(f"winsor must lie in [0, 0.5), not {winsor}")
    rate = e / b
    mean = e.sum() / b.sum() if e.size else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (rate - mean) / np.sqrt(mean / b)
    ok = np.isfinite(z)
    phi = float(np.mean(_winsorised(z[ok], winsor) ** 2)) if ok.any() else np.nan
    inflation = max(phi, 1.0) if np.isfinite(phi) else 1.0
    z_adjusted = z / np.sqrt(inflation)
    out = pd.DataFrame(
        {
            "rate": rate * PER,
            "expected": mean * b,
            "z": z,
            "phi": phi,
            "z_adjusted": z_adjusted,
        }
    )
    for suffix, coverage in FUNNEL_LEVELS.items():
        k = stats.norm.ppf(0.5 + coverage / 2)
        half = k * np.sqrt(inflation * mean / b)
        out[f"lo{suffix}"] = np.maximum(mean - half, 0.0) * PER
        out[f"hi{suffix}"] = (mean + half) * PER
    for suffix, coverage in FUNNEL_LEVELS.items():
        k = stats.norm.ppf(0.5 + coverage / 2)
        out[f"outside{suffix}"] = np.abs(np.nan_to_num(z_adjusted)) > k
    return out


def rate_inputs(con: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    """Counts and denominators of every yearly incident rate at buurt and wijk level.

    Returns
    -------
    pandas.DataFrame
        ``category, area_code, level, period, n, denominator, flag``, where flag is
        the flag of ``incident_rate.<category>`` ('ok' = the area has a rate).
    """
    column = {"addresses": "addresses", "dwellings": "dwellings"}.get(
        settings.rate_denominator, "inhabitants"
    )
    return con.execute(
        f"""
        select substr(v.indicator, length('incident_rate.') + 1) as category,
            v.area_code, v.level, v.period, v.n, p.{column} as denominator, v.flag
        from indicator_values v
        left join area_population p on p.area_code = v.area_code and p.period = v.period
        where starts_with(v.indicator, 'incident_rate.') and v.level in ?
        order by all
        """,
        [list(LEVELS)],
    ).df()


def smooth_frame(frame: pd.DataFrame) -> pd.Series:
    """Empirical Bayes rate per 1,000 per row of ``frame``, within each map.

    A map is one (category, level, period); only rows with flag 'ok' take part
    (and get a value), the others get NaN.
    """
    out = pd.Series(np.nan, index=frame.index)
    has = frame["flag"].eq("ok") & frame["denominator"].gt(0)
    for _, group in frame[has].groupby(["category", "level", "period"], sort=False):
        out.loc[group.index] = empirical_bayes(group["n"], group["denominator"]) * PER
    return out


def funnel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`funnel` of every map of ``frame`` (rows with flag 'ok' only)."""
    parts = []
    has = frame["flag"].eq("ok") & frame["denominator"].gt(0)
    for _, group in frame[has].groupby(["category", "level", "period"], sort=False):
        result = funnel(group["n"], group["denominator"])
        result.index = group.index
        parts.append(pd.concat([group, result], axis=1))
    return pd.concat(parts) if parts else pd.DataFrame()


FUNNEL_COLUMNS = (
    "indicator, area_code, level, period, population, rate, expected, z, z_adjusted, phi, "
    "lo95, hi95, lo998, hi998, outside95, outside998"
)


def write_smoothed_rates(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Build step: ``incident_rate_eb.<category>`` rows and the ``funnel`` table.

    For every category, year and level (buurt, wijk), the areas with a rate
    (flag 'ok' of ``incident_rate.<category>``) get their global empirical Bayes
    rate per 1,000 (:func:`empirical_bayes`); areas without one keep value NULL
    and flag 'no-denominator'.  ci_low, ci_high and se are NULL (a posterior
    interval is not part of the contract); n is the incident count.  Rows of an
    earlier run are replaced.

    Table ``funnel(indicator, area_code, level, period, population, rate,
    expected, z, z_adjusted, phi, lo95, hi95, lo998, hi998, outside95,
    outside998)``: one row per area with a rate, indicator
    ``incident_rate.<category>`` (the raw rate is what a funnel plot shows),
    ``population`` the denominator, ``expected`` the expected count.
    """
    frame = rate_inputs(con, settings)
    frame["value"] = smooth_frame(frame)
    with_rate = frame.groupby(["category", "level", "period"])["value"].count()
    record_skips(
        con,
        (
            dict(
                step="smoothed rates and funnel",
                indicator=f"incident_rate_eb.{category}",
                level=level,
                period=period,
                reason="no area has a rate (no population, or below min_inhabitants)",
            )
            for (category, level, period), n in with_rate.items()
            if n == 0
        ),
    )
    frame["indicator"] = "incident_rate_eb." + frame["category"]
    frame["flag"] = np.where(frame["value"].notna(), "ok", "no-denominator")
    rows = frame[["indicator", "area_code", "level", "period", "value", "n", "flag"]]
    con.execute("delete from indicator_values where starts_with(indicator, 'incident_rate_eb.')")
    con.register("_eb_rows", rows)
    try:
        con.execute(
            """
            insert into indicator_values by name
            select indicator, area_code, level, period, value, n, flag, 'incidents' as source
            from _eb_rows
            """
        )
    finally:
        con.unregister("_eb_rows")

    plotted = funnel_frame(frame)
    if not plotted.empty:
        plotted["indicator"] = "incident_rate." + plotted["category"]
        plotted = plotted.rename(columns={"denominator": "population"})
    con.execute(
        """
        create or replace table funnel (
            indicator text not null, area_code text not null, level text not null,
            period text not null, population double, rate double, expected double,
            z double, z_adjusted double, phi double, lo95 double, hi95 double,
            lo998 double, hi998 double, outside95 boolean, outside998 boolean,
            primary key (indicator, area_code, period)
        )
        """
    )
    if not plotted.empty:
        con.register("_funnel_rows", plotted)
        try:
            con.execute(f"insert into funnel select {FUNNEL_COLUMNS} from _funnel_rows")
        finally:
            con.unregister("_funnel_rows")
