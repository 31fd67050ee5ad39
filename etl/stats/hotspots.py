"""Hotspots of incident rates: Getis–Ord Gi* with FDR control at buurt and wijk level.

Methods.md §6: Gi* (``esda.G_Local(star=True)``) on the empirical Bayes rates of
:mod:`etl.stats.rates`, pseudo p-values from 999 conditional permutations, the
false discovery rate controlled with Benjamini–Hochberg (:mod:`etl.stats.fdr`,
q < ``fdr_alpha``, the rule of every significant list) over the areas of one map (one
indicator, level and period), and a hotspot reported only when it holds at both
buurt and wijk level (the modifiable areal unit problem).

Scale of the statistic
    Gi* is a mean of the values around an area, so a few extreme values dominate
    it: a city centre with few residents and rates ten to twenty times the city
    rate raises the global mean and variance, and in the permutation test every
    random neighbourhood that happens to contain a centre buurt outweighs any
    other cluster.  A cluster at three times the city rate elsewhere is then
    invisible (the demo's planted geweld cluster: p_sim 0.27-0.41 on the rates,
    0.035-0.42 on their logarithm, against an FDR threshold near 0.01).  Gi* is
    therefore computed by default on the *ranks* of the smoothed rates (setting
    ``hotspot_scale`` = 'rank'; 'log' and 'rate' are available): it then asks
    whether an area and its neighbours rank high together, however extreme the
    centre is.  This departs from methods.md §6 (Gi* on the smoothed rates); the
    setting and the departure are shown on the Data page.  The ``value`` column
    stays the smoothed rate.

The z-score
    ``gi_z`` is the standard Gi* z of Getis & Ord (1995) with binary weights and
    the area itself included (w_ii = 1):
    z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((N W_i − W_i²) / (N − 1))), with W_i the
    number of areas in the neighbourhood including i, x̄ and S the mean and
    (population) standard deviation of the N values.  esda computes exactly this
    with ``transform='B'``; with row-standardised weights its moments take every
    W_i as 1 and the z comes out √(k(N − 1)/(N − k)) too small.  The permutation
    p-value does not depend on the transform.

Hot and cold
    A buurt is 'hot' when its p_sim passes the FDR threshold of the map, its Gi*
    z is positive *and* its own smoothed rate exceeds the pooled rate of the map
    ('cold' mirrored).  The last condition keeps out the halo of Gi*: an average
    buurt next to a cluster is significant through its neighbours alone (as in
    the high-high quadrant of a local Moran scatter plot, only the core counts).
    ``significant`` and ``gi_z`` keep the full test result.

Weights
    Queen contiguity of the areas' polygons (:func:`queen_weights`).  Gi* needs
    a value for every area in the weights, so areas without a rate (water, fewer
    inhabitants than ``min_inhabitants``) are dropped from the weights: their
    neighbours lose them as neighbours rather than inherit an invented value, and
    no connection is made *through* them (a river stays a separation).  An area
    left without neighbours (an island, or one cut off by dropped areas) is not
    tested: Gi* of a lone area compares the area with itself.  Such rows, and
    rows without a rate, have NULL ``gi_z`` and ``p_sim``.

Wijk level
    A municipality has few wijken (the demo 8), and Gi* over so few areas says
    little.  The permutation test has almost no power: a wijk with k neighbours
    among n − 1 others has only C(n − 1, k) distinct neighbour sets, so its
    smallest attainable p is about 1 / C(n − 1, k) — with n = 8 and k = 3 about
    0.03 — while the Benjamini–Hochberg threshold for a single discovery is
    α / n ≈ 0.006: a wijk can practically never be significant, and the MAUP
    rule would suppress every hotspot.  Nor is "the wijk with the largest Gi* z"
    a finding: with 8 wijken a neighbourhood covers a third of the city or more,
    so the largest z goes to the wijk that borders most high-rate wijken (on the
    demo one wijk with an average rate of its own has it in 6 of 8 categories).
    So on a level with fewer than :data:`MIN_AREAS_FOR_TEST` areas with a rate,
    the wijk level is a *consistency check*, not a second test: ``kind`` is 'hot'
    when the wijk's own smoothed rate exceeds the pooled rate of the map, 'cold'
    when below it.  In words: aggregated to wijken, the area still reads as
    high.  A buurt cluster in a wijk whose rate stays below the city rate fails
    the check.  It is no evidence of a cluster by itself, and the dashboard
    should say so.  The table keeps the two apart: ``gi_z``, ``p_sim`` and
    ``significant`` still hold the formal Gi* result at wijk level.  With at
    least :data:`MIN_AREAS_FOR_TEST` wijken with a rate, the formal rule of the
    buurt level applies to wijken as well.  The buurt level always uses the
    formal rule.

Stable
    A buurt is ``stable`` when it is hot and its wijk is hot at wijk level in the
    same indicator and period; a wijk is ``stable`` when it is hot at wijk level
    and holds at least one hot buurt.  Only stable hotspots are to be reported as
    hotspots (methods.md §6).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import duckdb
import esda
import libpysal
import numpy as np
import pandas as pd
import shapely
from scipy import stats

from etl.settings import Settings
from etl.stats.fdr import bh
from etl.stats.flags import weakest_flag
from etl.stats.rates import LEVELS, rate_inputs, smooth_frame
from etl.stats.skips import record_skips

#: A wijk level with fewer areas with a rate than this gets the descriptive check.
MIN_AREAS_FOR_TEST = 30

#: The period label of counts and populations summed over all years.
ALL_PERIODS = "all"

#: Name of this step in ``analysis_skips``.
STEP = "hotspots"

HOTSPOT_COLUMNS = (
    "indicator, area_code, level, period, value, gi_z, p_sim, q_value, significant, kind, stable"
)


def queen_weights(codes: Sequence[str], geometries: Sequence[shapely.Geometry]):
    """Binary queen contiguity of polygons (shared edge or corner).

    Parameters
    ----------
    codes : sequence of str
        Area codes, the ids of the weights (in this order).
    geometries : sequence of shapely geometries
        Polygons or multipolygons in a projected CRS, in the order of ``codes``.

    Returns
    -------
    libpysal.weights.W
        Islands are kept with no neighbours (``w.islands``).
    """
    codes = list(codes)
    if len(codes) != len(geometries):
        raise ValueError(f"{len(codes)} codes but {len(geometries)} geometries")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands; they are handled
        w = libpysal.weights.Queen.from_iterable(list(geometries), ids=codes)
    w.transform = "B"
    return w


def subset_weights(weights, keep: Sequence[str]):
    """The weights among ``keep`` only (in that order); links to other areas are dropped."""
    keep = list(keep)
    kept = set(keep)
    neighbours = {c: [n for n in weights.neighbors[c] if n in kept] for c in keep}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal.weights.W(neighbours, id_order=keep)


def getis_ord(values, weights, permutations: int, seed: int) -> pd.DataFrame:
    """Gi* z-scores and permutation pseudo p-values.

    Runs ``esda.G_Local(star=True, transform='B')``: binary weights with
    self-weight 1, so ``gi_z`` is the textbook Gi* z (module docstring).  Areas
    with a missing value, and islands among the others, are left out of the
    computation and get NaN.

    ``p_sim`` is one-sided in the direction of ``gi_z``: (number of permuted
    statistics at least as extreme as the observed one + 1) / (permutations + 1),
    ties counted as at least as extreme on both sides.  esda's own ``p_sim``
    counts ties only towards the upper tail, which makes the lower tail
    anti-conservative when the permutation distribution is discrete (few areas,
    or ranks): an area at the minimum of its distribution then gets p = 1 / (P + 1).

    Parameters
    ----------
    values : array_like
        Non-negative values in ``weights.id_order``; NaN = no value.
    weights : libpysal.weights.W
        Contiguity of all areas.
    permutations : int
        Conditional permutations for ``p_sim`` (0: the normal p of ``gi_z``).
    seed : int
        Seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        Index ``weights.id_order``; ``gi_z`` (standardised Gi*, analytical
        moments) and ``p_sim``.
    """
    ids = list(weights.id_order)
    y = pd.Series(np.asarray(values, dtype=float), index=ids)
    if (y < 0).any():
        raise ValueError("Gi* needs non-negative values")
    out = pd.DataFrame({"gi_z": np.nan, "p_sim": np.nan}, index=ids)
    present = subset_weights(weights, [c for c in ids if np.isfinite(y[c])])
    tested = [c for c in present.id_order if present.cardinalities[c] > 0]
    if len(tested) < 3 or y[tested].sum() <= 0:
        return out
    w = subset_weights(present, tested)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.fill_diagonal(w, 1.0)
        g = esda.G_Local(
            y[tested].to_numpy(),
            w,
            transform="B",
            star=True,
            permutations=permutations,
            seed=seed,
            n_jobs=1,
            keep_simulations=bool(permutations),
        )
    z = np.asarray(g.Zs, dtype=float)
    out.loc[tested, "gi_z"] = z
    if permutations:
        out.loc[tested, "p_sim"] = directional_p(g.Gs, g.rGs, z)
    else:
        out.loc[tested, "p_sim"] = g.p_norm
    return out


def directional_p(observed, simulated, z) -> np.ndarray:
    """One-sided permutation p in the direction of ``z`` (both tails when z is 0).

    Parameters
    ----------
    observed : array_like, shape (n,)
        Observed statistics.
    simulated : array_like, shape (n, permutations)
        Permuted statistics per area.
    z : array_like, shape (n,)
        Direction: positive = upper tail, negative = lower tail.
    """
    obs = np.asarray(observed, dtype=float)[:, None]
    sim = np.asarray(simulated, dtype=float)
    tol = 1e-9 * np.maximum(np.abs(obs), 1e-300)
    upper = ((sim >= obs - tol).sum(axis=1) + 1) / (sim.shape[1] + 1)
    lower = ((sim <= obs + tol).sum(axis=1) + 1) / (sim.shape[1] + 1)
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, upper, np.where(z < 0, lower, np.minimum(upper, lower)))


def gi_scale(values, scale: str) -> np.ndarray:
    """The values on the scale of the statistic; NaN stays NaN.

    Parameters
    ----------
    values : array_like
        Non-negative rates, NaN where an area has none.
    scale : {'rank', 'log', 'rate'}
        'rank': average ranks (1 = lowest) among the non-missing values;
        'log': log(1 + value); 'rate': unchanged.
    """
    v = np.asarray(values, dtype=float)
    if scale == "rate":
        return v.copy()
    if scale == "log":
        return np.log1p(v)
    if scale == "rank":
        out = np.full(v.shape, np.nan)
        ok = np.isfinite(v)
        out[ok] = stats.rankdata(v[ok])
        return out
    raise ValueError(f"scale must be rank, log or rate, not {scale!r}")


def classify(gi: pd.DataFrame, values, pooled: float, alpha: float, formal: bool) -> pd.DataFrame:
    """``significant`` and ``kind`` of the areas of one map.

    Parameters
    ----------
    gi : pandas.DataFrame
        :func:`getis_ord` of the map.
    values : array_like
        The smoothed rates of the areas, in the order of ``gi``.
    pooled : float
        The map's pooled rate, for the descriptive check.
    alpha : float
        False discovery rate.
    formal : bool
        True: ``kind`` is 'hot' for a significant area with gi_z > 0 whose own
        value exceeds ``pooled``, 'cold' mirrored.  False (too few areas for
        the test, see the module docstring): ``kind`` is 'hot' for a tested
        area whose value exceeds ``pooled`` and 'cold' for one below it.

    Returns
    -------
    pandas.DataFrame
        ``q_value`` (Benjamini–Hochberg over the map), ``significant``
        (q_value < ``alpha``) and ``kind`` ('hot', 'cold' or None), indexed like ``gi``.
    """
    values = np.asarray(values, dtype=float)
    z = gi["gi_z"].to_numpy()
    q = bh(gi["p_sim"])
    significant = (q < alpha).to_numpy()
    above, below = values > pooled, values < pooled
    if formal:
        hot, cold = significant & (z > 0) & above, significant & (z < 0) & below
    else:
        tested = np.isfinite(z)
        hot, cold = tested & above, tested & below
    kind = np.where(hot, "hot", np.where(cold, "cold", None))
    return pd.DataFrame(
        {"q_value": q.to_numpy(), "significant": significant, "kind": kind}, index=gi.index
    )


def hotspot_inputs(con: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    """Smoothed rates per map: every year and the period 'all'.

    Yearly values are the ``incident_rate_eb.<category>`` rows written by
    :func:`etl.stats.rates.write_smoothed_rates`.  For 'all', counts and
    denominators are summed over the years in which the area has a rate (its flag
    the weakest of those years'), and
    smoothed afresh with the same empirical Bayes estimator (a rate per 1,000
    per year).  ``pooled`` is the map's pooled raw rate per 1,000.

    Returns
    -------
    pandas.DataFrame
        ``category, area_code, level, period, value, pooled``.
    """
    frame = rate_inputs(con, settings)
    has = frame["flag"].eq("ok")
    summed = (
        frame[has]
        .groupby(["category", "area_code", "level"], as_index=False)
        .agg(n=("n", "sum"), denominator=("denominator", "sum"), flag=("flag", weakest_flag))
        .assign(period=ALL_PERIODS)
    )
    missing = (
        frame[["category", "area_code", "level"]]
        .drop_duplicates()
        .merge(summed, how="left", on=["category", "area_code", "level"])
    )
    missing = missing[missing["n"].isna()].assign(period=ALL_PERIODS, flag="no-denominator")
    overall = pd.concat([summed, missing], ignore_index=True)
    overall["value"] = smooth_frame(overall)

    yearly = con.execute(
        """
        select substr(indicator, length('incident_rate_eb.') + 1) as category,
            area_code, level, period, value
        from indicator_values
        where starts_with(indicator, 'incident_rate_eb.') and level in ?
        """,
        [list(LEVELS)],
    ).df()
    yearly = yearly.merge(
        frame[["category", "area_code", "period", "n", "denominator", "flag"]],
        on=["category", "area_code", "period"],
        how="left",
    )
    both = pd.concat([yearly, overall], ignore_index=True)
    ok = both["value"].notna()
    sums = (
        both[ok].groupby(["category", "level", "period"])[["n", "denominator"]].sum().reset_index()
    )
    sums["pooled"] = sums["n"] / sums["denominator"] * 1000
    both = both.merge(
        sums[["category", "level", "period", "pooled"]],
        on=["category", "level", "period"],
        how="left",
    )
    return both[["category", "area_code", "level", "period", "value", "pooled"]]


def area_weights(con: duckdb.DuckDBPyConnection, level: str):
    """Queen weights of the areas of one level, from ``areas.geom`` (RD New)."""
    rows = con.execute(
        "select code, st_aswkb(geom) from areas where level = ? and geom is not null order by code",
        [level],
    ).fetchall()
    return queen_weights([r[0] for r in rows], shapely.from_wkb([bytes(r[1]) for r in rows]))


def hotspot_map(
    values: pd.Series,
    weights,
    pooled: float,
    settings: Settings,
    formal: bool,
) -> pd.DataFrame:
    """Gi*, p_sim, significance and kind of one map.

    Parameters
    ----------
    values : pandas.Series
        Smoothed rates indexed by area code (NaN = no rate).
    weights : libpysal.weights.W
        Contiguity of all areas of the level.
    pooled : float
        Pooled rate of the map, for the descriptive check.
    settings : Settings
        Permutations, seed, FDR level and ``hotspot_scale`` (see :func:`gi_scale`).
    formal : bool
        See :func:`classify`.

    Returns
    -------
    pandas.DataFrame
        ``value, gi_z, p_sim, q_value, significant, kind`` indexed by ``weights.id_order``.
    """
    values = values.reindex(weights.id_order)
    gi = getis_ord(
        gi_scale(values.to_numpy(), settings.hotspot_scale),
        weights,
        settings.hotspot_permutations,
        settings.random_seed,
    )
    judged = classify(gi, values.to_numpy(), pooled, settings.fdr_alpha, formal)
    return pd.concat([values.rename("value"), gi, judged], axis=1)


def mark_stable(table: pd.DataFrame, wijk_of: dict[str, str]) -> pd.Series:
    """``stable`` per row: hot at its own level and at the other (buurt <-> wijk).

    A buurt is stable when it is hot and its wijk (``wijk_of``) is hot in the same
    indicator and period; a wijk when it is hot and holds at least one hot buurt.
    """
    hot = table["kind"].eq("hot")
    key = table["indicator"] + "|" + table["period"] + "|"
    hot_keys = set((key + table["area_code"])[hot])
    wijk = table["area_code"].map(wijk_of)
    buurt_ok = table["level"].eq("buurt") & (key + wijk.fillna("")).isin(hot_keys)
    hot_buurt_wijken = set((key + wijk.fillna(""))[hot & table["level"].eq("buurt")])
    wijk_ok = table["level"].eq("wijk") & (key + table["area_code"]).isin(hot_buurt_wijken)
    return hot & (buurt_ok | wijk_ok)


def _count_areas(con: duckdb.DuckDBPyConnection, level: str) -> int:
    return con.execute("select count(*) from areas where level = ?", [level]).fetchone()[0]


def _untested_reason(values: pd.Series) -> str:
    """Why a map has no Gi* value at all (see :func:`getis_ord`)."""
    present = values.dropna()
    if len(present) < 3:
        return f"{len(present)} areas with a rate: Gi* needs at least 3 with a neighbour"
    if present.sum() <= 0:
        return "no incidents in any area"
    if present.nunique() == 1:
        return "the same rate in every area"
    return "fewer than 3 areas with a rate have a neighbour with a rate"


def write_hotspots(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Build step: the ``hotspots`` table.

    ``hotspots(indicator, area_code, level, period, value, gi_z, p_sim,
    q_value, significant, kind, stable)``: for every ``incident_rate_eb.<category>``,
    level (buurt, wijk) and period (each year and 'all'), one row per area of
    the level, ``value`` the smoothed rate per 1,000 (NULL without a rate).
    Needs the rows of :func:`etl.stats.rates.write_smoothed_rates`.  Significance
    is FDR-controlled per map; see the module docstring for the wijk level.
    """
    data = hotspot_inputs(con, settings)
    weights, skipped = {}, []
    for level in LEVELS:
        w = area_weights(con, level) if _count_areas(con, level) >= 2 else None
        if w is None or w.s0 == 0:
            reason = f"fewer than 2 {level} areas" if w is None else f"no {level} has a neighbour"
            skipped.append(dict(step=STEP, level=level, reason=reason + ": no Gi* map"))
        else:
            weights[level] = w
    wijk_of = dict(
        con.execute(
            """
            select code, ancestor_code from area_ancestors
            where ancestor_level = 'wijk' and code in (select code from areas where level = 'buurt')
            """
        ).fetchall()
    )
    parts = []
    for (category, level, period), group in data.groupby(["category", "level", "period"]):
        if level not in weights:
            continue
        values = group.set_index("area_code")["value"]
        with_rate = int(values.notna().sum())
        formal = level == "buurt" or with_rate >= MIN_AREAS_FOR_TEST
        result = hotspot_map(values, weights[level], group["pooled"].iloc[0], settings, formal)
        if not result["gi_z"].notna().any():
            skipped.append(
                dict(
                    step=STEP,
                    indicator=f"incident_rate_eb.{category}",
                    level=level,
                    period=period,
                    reason=_untested_reason(values.reindex(weights[level].id_order)),
                )
            )
        result = result.rename_axis("area_code").reset_index()
        result[["indicator", "level", "period"]] = (
            f"incident_rate_eb.{category}",
            level,
            period,
        )
        parts.append(result)
    record_skips(con, skipped)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    con.execute(
        """
        create or replace table hotspots (
            indicator text not null, area_code text not null, level text not null,
            period text not null, value double, gi_z double, p_sim double,
            q_value double, significant boolean not null, kind text check (kind in ('hot', 'cold')),
            stable boolean not null, primary key (indicator, area_code, period)
        )
        """
    )
    if table.empty:
        return
    table["stable"] = mark_stable(table, wijk_of)
    con.register("_hotspot_rows", table)
    try:
        con.execute(f"insert into hotspots select {HOTSPOT_COLUMNS} from _hotspot_rows")
    finally:
        con.unregister("_hotspot_rows")
