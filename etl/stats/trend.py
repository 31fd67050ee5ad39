"""Monthly incident series: trend tests, STL decomposition and last-month alerts (methods §6).

- **Trend**: seasonal Mann–Kendall test with the seasonal Sen slope (change of the
  monthly count per year), only for series of at least ``trend_min_months`` months.
  Over the many areas × categories of one level the p-values are adjusted with
  Benjamini–Hochberg (``mk_q``); the direction is 'rising' or 'falling' only when
  ``mk_q < fdr_alpha`` and the Sen slope has that sign.
- **Components**: robust STL with period 12, as ``statsmodels.tsa.seasonal.STL(period=12,
  robust=True)``, of all series of a level at once (:mod:`etl.stats.stl`).
- **Alert**: a Poisson GLM with month-of-year effects and a linear time trend is
  fitted to every month before the last; when its Pearson χ²/df exceeds
  ``OVERDISPERSION`` a negative binomial (NB2, dispersion by maximum likelihood)
  replaces it.  The prediction band of the last month is taken from the Poisson or
  NB distribution whose log-mean is spread by its estimation error (normal on the
  log scale, Gauss–Hermite quadrature), so a short history widens the band
  (:mod:`etl.stats.alert_models`).  An alert needs the observed count outside the
  ``alert_level`` band *and* a Benjamini–Hochberg q-value below ``fdr_alpha`` over
  all areas × categories of the month: with 9 areas × 8 categories about 4 bands
  would be crossed by chance each month, while a real spike has a p-value far below any q threshold.

Series count incidents by the month of their start date, from the first to the
last month in the incidents table; a last month that is not complete in the
extract will look like a drop.  All series are counted in one DuckDB aggregate and
tested and modelled a level at a time, not one series a call.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from etl.settings import Settings
from etl.sqlfiles import sql_root
from etl.stats.alert_models import (  # noqa: F401 (the band and one-series alert, as before)
    _NODES,
    _WEIGHTS,
    alert_for_last_month,
    alert_models,
    alerts_from_models,
    prediction_bands,
)
from etl.stats.change import months_since_last_break
from etl.stats.fdr import bh, family_size
from etl.stats.mann_kendall import seasonal_mann_kendall_many
from etl.stats.skips import record_skips
from etl.stats.stl import stl_many

#: Levels with STL components and alerts; trends are tested for buurten too.
DETAIL_LEVELS = ("wijk", "gemeente")
TREND_LEVELS = ("buurt", "wijk", "gemeente")
#: Name of this step in ``analysis_skips``.
STEP = "trends and alerts"


def month_range(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every month 'YYYY-MM' from the first to the last month in ``incidents``."""
    rows = con.execute(
        """
        select strftime(m, '%Y-%m')
        from (select min(month) as lo, max(month) as hi from incidents) b,
            range(strptime(b.lo || '-01', '%Y-%m-%d'), strptime(b.hi || '-01', '%Y-%m-%d')
                + interval 1 month, interval 1 month) t(m)
        where b.lo is not null
        order by 1
        """
    ).fetchall()
    return [r[0] for r in rows]


def drop_partial_last_month(
    con: duckdb.DuckDBPyConnection, months: list[str]
) -> tuple[list[str], dict | None]:
    """The months without a last one the extract holds only in part, and why.

    A police extract often ends within a month (up to the day it was drawn); that
    month's counts look like a fall and would raise a false alert, so trends and
    alerts end with the month before it (methods: compare like with like).
    """
    last = con.execute("select cast(max(date) as date) from incidents").fetchone()[0]
    if not months or last is None or f"{last.year:04d}-{last.month:02d}" != months[-1]:
        return months, None
    month_end = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
    if last >= month_end:
        return months, None
    reason = (
        f"month {months[-1]} holds incidents up to {last.isoformat()} only: trends and "
        f"alerts end with {months[-2] if len(months) > 1 else 'no month'}"
    )
    return months[:-1], dict(step=STEP, period=months[-1], reason=reason)


@dataclass
class MonthlySeries:
    """The monthly series of one level: one row per category × area (category first)."""

    level: str
    categories: np.ndarray  # series: category ('total' for all incidents)
    codes: np.ndarray  # series: area code
    counts: np.ndarray  # series x months: incidents, 0 filled


def monthly_series(
    con: duckdb.DuckDBPyConnection, months: list[str], levels: tuple[str, ...] = TREND_LEVELS
) -> list[MonthlySeries]:
    """Complete monthly incident counts of every area × category of ``levels``.

    One aggregate over the incidents in DuckDB
    (``sql/analysis/monthly_incident_counts.sql``); every area of a level and every
    category (sorted, then 'total', their sum) gets a series over ``months``, 0 where
    it had no incident.  Counts of months outside ``months`` are left out.
    """
    categories = np.array(_categories(con), dtype=object)
    counted = con.execute(
        (sql_root() / "analysis" / "monthly_incident_counts.sql").read_text(encoding="utf-8"),
        {"levels": list(levels)},
    ).df()
    month_index = pd.Index(months)
    out = []
    for level in levels:
        codes = np.array(
            [
                r[0]
                for r in con.execute(
                    "select code from areas where level = ? order by code", [level]
                ).fetchall()
            ],
            dtype=object,
        )
        values = np.zeros((len(categories), len(codes), len(months)), dtype=np.int64)
        rows = counted[counted["level"] == level]
        c = pd.Index(categories).get_indexer(rows["category"])
        a = pd.Index(codes).get_indexer(rows["area_code"])
        m = month_index.get_indexer(rows["month"])
        found = (c >= 0) & (a >= 0) & (m >= 0)
        np.add.at(values, (c[found], a[found], m[found]), rows["n"].to_numpy()[found])
        values[-1] = values[:-1].sum(axis=0)  # 'total'
        out.append(
            MonthlySeries(
                level=level,
                categories=np.repeat(categories, len(codes)),
                codes=np.tile(codes, len(categories)),
                counts=values.reshape(-1, len(months)),
            )
        )
    return out


def monthly_counts(con: duckdb.DuckDBPyConnection, level: str, category: str) -> pd.DataFrame:
    """Complete monthly incident counts of every area of one level.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection with ``incidents``, ``areas`` and ``incident_areas``.
    level : str
        'buurt', 'wijk', 'gemeente', ...
    category : str
        An incident category, or 'total' for all incidents.

    Returns
    -------
    DataFrame
        Index: months 'YYYY-MM' (first to last month of the incidents table, none
        missing); columns: area codes of the level, sorted; values: counts, 0 filled.
    """
    months = month_range(con)
    (series,) = monthly_series(con, months, (level,))
    mine = series.categories == category
    wide = pd.DataFrame(
        series.counts[mine].T.astype(int),
        index=pd.Index(months, name="month"),
        columns=list(series.codes[mine]),
    )
    return wide


def seasonal_mann_kendall(
    series: np.ndarray | pd.Series, period: int = 12, min_months: int = 24
) -> tuple[float, float, float]:
    """Seasonal Mann–Kendall test (Hirsch & Slack 1984) and seasonal Sen slope.

    The Mann–Kendall scores S and their tie-corrected variances are summed over the
    seasons; z = (S ∓ 1)/√var (continuity correction), two-sided normal p.  The
    slope is the median of (x_j − x_i)/(j − i) over all pairs of years within a
    season.  This is ``pymannkendall.seasonal_test`` in a few lines of numpy.

    Parameters
    ----------
    series : array-like
        Monthly values, oldest first, no gaps (NaN values are skipped).
    period : int
        Season length (12 for months).
    min_months : int
        Fewer values give NaNs.

    Returns
    -------
    tuple of float
        ``(z, p, slope)``: the test statistic, its two-sided p-value and the Sen slope
        per season cycle (per year for monthly data).  A series without any pair
        of different values gives (0, 1, 0); a too short series (NaN, NaN, NaN).
    """
    z, p, slope = seasonal_mann_kendall_many(
        np.asarray(series, dtype=float)[None, :], period, min_months
    )
    return float(z[0]), float(p[0]), float(slope[0])


def stl_components(series: np.ndarray | pd.Series, period: int = 12) -> pd.DataFrame:
    """Robust STL decomposition of a monthly series.

    Returns
    -------
    DataFrame
        Columns observed, trend, seasonal, resid (same index as ``series``).
    """
    x = pd.Series(series, dtype=float)
    trend, seasonal, resid = stl_many(x.to_numpy()[None, :], period)
    return pd.DataFrame(
        {"observed": x.to_numpy(), "trend": trend[0], "seasonal": seasonal[0], "resid": resid[0]},
        index=x.index,
    )


def _categories(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("select distinct category from incidents order by 1").fetchall()
    return [r[0] for r in rows] + ["total"]


def write_trends(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write the ``trends``, ``trend_components`` and ``alerts`` tables.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build connection, with ``incidents``, ``areas`` and ``area_ancestors``.
    settings : Settings
        ``trend_min_months``, ``alert_level``, ``fdr_alpha``.
    """
    # many small stacked matrix products: one BLAS thread each is faster than two
    # fighting over the cores with DuckDB
    with threadpool_limits(limits=1):
        _write_trends(con, settings)


def _write_trends(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    # a declared series break starts a new series: trends and alerts use its months only
    breaks = [r[0] for r in con.execute("select period from series_breaks").fetchall()]
    months, partial = drop_partial_last_month(con, month_range(con))
    months = months_since_last_break(months, breaks)
    skipped = [partial] if partial else []
    blocks = monthly_series(con, months) if months else []
    trend_frames, component_frames, alert_rows, models = [], [], [], []
    first_moy = int(months[0][5:7]) if months else 1
    for block in blocks:
        # the trend test of every area x category of the level at once
        z, p, slope = seasonal_mann_kendall_many(block.counts, 12, settings.trend_min_months)
        trend_frames.append(
            pd.DataFrame(
                {
                    "area_code": block.codes,
                    "level": block.level,
                    "category": block.categories,
                    "months": len(months),
                    "first_month": months[0],
                    "last_month": months[-1],
                    "mk_z": z,
                    "mk_p": p,
                    "sen_slope_per_year": slope,
                }
            )
        )
        if block.level not in DETAIL_LEVELS or len(months) < settings.trend_min_months:
            continue
        # the alert models and components of every series of the level at once
        kept = []
        for i, model in enumerate(alert_models(block.counts, first_moy)):
            code, category, y = block.codes[i], block.categories[i], block.counts[i]
            part = dict(
                step=STEP,
                indicator=f"incident_rate.{category}",
                level=block.level,
                area_code=code,
                period=months[-1],
            )
            history = f"{int(y[:-1].sum())} incidents in {len(y) - 1} months"
            if model is None:
                reason = f"no components or alert: the model cannot be fitted on {history}"
                skipped.append({**part, "reason": reason})
                continue
            if model["model"] != "none" and "eta" not in model:
                reason = f"no alert band: the month's mean cannot be estimated from {history}"
                skipped.append({**part, "reason": reason})
            kept.append(i)
            models.append(model)
            alert_rows.append(
                {"area_code": code, "level": block.level, "category": category, "month": months[-1]}
            )
        component_frames.append(_components(block, kept, months))
    # the bands of all series at once
    for row, alert in zip(alert_rows, alerts_from_models(models, settings.alert_level)):
        row.update(alert)
    if not months:
        skipped.append(dict(step=STEP, reason="no point incidents: no monthly series"))
    elif len(months) < settings.trend_min_months:
        reason = (
            f"{len(months)} months of incidents: trend tests, components and alerts need "
            f"trend_min_months = {settings.trend_min_months}"
        )
        skipped.append(dict(step=STEP, period=f"{months[0]}..{months[-1]}", reason=reason))
    record_skips(con, skipped)
    _write_trends_table(con, trend_frames, settings)
    _write_components(con, component_frames)
    _write_alerts(con, alert_rows, settings)


def _components(block: MonthlySeries, rows: list[int], months: list[str]) -> pd.DataFrame:
    """STL components of the ``rows`` of a level's series, one row per series and month."""
    observed = block.counts[rows].astype(float)
    trend, seasonal, resid = stl_many(observed, 12) if rows else (observed,) * 3
    return pd.DataFrame(
        {
            "area_code": np.repeat(block.codes[rows], len(months)),
            "category": np.repeat(block.categories[rows], len(months)),
            "month": np.tile(np.asarray(months, dtype=object), len(rows)),
            "observed": observed.ravel(),
            "trend": trend.ravel(),
            "seasonal": seasonal.ravel(),
            "resid": resid.ravel(),
        }
    )


def _write_trends_table(
    con: duckdb.DuckDBPyConnection, frames: list[pd.DataFrame], settings: Settings
) -> None:
    columns = [
        "area_code",
        "level",
        "category",
        "months",
        "first_month",
        "last_month",
        "mk_z",
        "mk_p",
        "sen_slope_per_year",
    ]
    frame = (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )
    frame["mk_q"] = frame.groupby("level")["mk_p"].transform(bh) if len(frame) else []
    significant = frame["mk_q"] < settings.fdr_alpha
    frame["direction"] = np.select(
        [
            significant & (frame["sen_slope_per_year"] > 0),
            significant & (frame["sen_slope_per_year"] < 0),
        ],
        ["rising", "falling"],
        "none",
    )
    frame = frame[[*columns[:8], "mk_q", "sen_slope_per_year", "direction"]]
    con.execute(
        """
        create or replace table trends (
            area_code text not null, level text not null, category text not null,
            months integer not null, first_month text, last_month text,
            mk_z double, mk_p double, mk_q double, sen_slope_per_year double,
            direction text not null check (direction in ('rising', 'falling', 'none')),
            primary key (area_code, category)
        )
        """
    )
    _insert(con, "trends", frame)


def _write_components(con: duckdb.DuckDBPyConnection, frames: list[pd.DataFrame]) -> None:
    columns = ["area_code", "category", "month", "observed", "trend", "seasonal", "resid"]
    frame = (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )
    con.execute(
        """
        create or replace table trend_components (
            area_code text not null, category text not null, month text not null,
            observed double, trend double, seasonal double, resid double,
            primary key (area_code, category, month)
        )
        """
    )
    _insert(con, "trend_components", frame)


def _write_alerts(con: duckdb.DuckDBPyConnection, rows: list[dict], settings: Settings) -> None:
    columns = [
        "area_code",
        "level",
        "category",
        "month",
        "observed",
        "expected",
        "lower",
        "upper",
        "p_value",
        "q_value",
        "family_size",
        "alert",
        "model",
    ]
    frame = pd.DataFrame(rows, columns=[c for c in columns if c not in ("q_value", "family_size")])
    frame["q_value"] = bh(frame["p_value"].astype(float))
    frame["family_size"] = family_size(frame["p_value"])
    frame["alert"] = frame["alert"].astype(bool) & (frame["q_value"] < settings.fdr_alpha)
    con.execute(
        """
        create or replace table alerts (
            area_code text not null, level text not null, category text not null,
            month text not null, observed integer, expected double, lower double,
            upper double, p_value double, q_value double, family_size integer not null,
            alert boolean not null,
            model text not null,
            primary key (area_code, category, month)
        )
        """
    )
    _insert(con, "alerts", frame[columns])


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("trend_rows", frame)
    con.execute(f"insert into {table} select * from trend_rows")
    con.unregister("trend_rows")
