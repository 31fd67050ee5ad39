"""Like with like: changes that touch a partial year compare the same months of both years.

A point extract that ends in September makes its last year a partial one
(``period_coverage``); its rate would look like a fall of a quarter against the
full year before.  For every pair of consecutive years of which one is partial,
the incident rates of both years are recounted over the months both hold (Jan–Sep
2017 against Jan–Sep 2016), with the same denominators, and tested like any other
pair.  Counts without months (a yearly table) cannot be recounted: such a pair is
skipped with its reason in ``analysis_skips``.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.stats.skips import record_skips

STEP = "changes"


def partial_periods(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Partial years and the months they hold: period -> (first month, last month)."""
    rows = con.execute(
        "select period, max(first_month), min(last_month) from period_coverage "
        "where not complete group by period"
    ).fetchall()
    return {p: (int(a), int(b)) for p, a, b in rows}


def months_label(first: int, last: int) -> str:
    """'01..09': the months compared."""
    return f"{first:02d}..{last:02d}"


def split_like_with_like(
    con: duckdb.DuckDBPyConnection, rates: pd.DataFrame
) -> tuple[pd.DataFrame, list[tuple[str, pd.DataFrame]]]:
    """Whole-year rates, and per pair touching a partial year its rates on common months.

    Parameters
    ----------
    rates : DataFrame
        indicator (``incident_rate.<category>``), area_code, level, period, value, n,
        exposure: one row per area and year.

    Returns
    -------
    tuple
        The rows of whole years only, and a list of (months label, frame of the same
        columns holding the two years recounted over their common months).
    """
    if rates.empty:
        return rates, []
    partial = partial_periods(con)
    if not partial:
        return rates, []
    whole = rates[~rates["period"].isin(partial)]
    years = sorted(rates["period"].unique())
    pairs, skipped = [], []
    for earlier, later in zip(years[:-1], years[1:]):
        if earlier not in partial and later not in partial:
            continue
        a = partial.get(earlier, (1, 12))
        b = partial.get(later, (1, 12))
        first, last = max(a[0], b[0]), min(a[1], b[1])
        label = months_label(first, last)
        if first > last:
            reason = f"{earlier} and {later} hold no month in common: no change"
            skipped.append(dict(step=STEP, period=f"{earlier}..{later}", reason=reason))
            continue
        counted = _counts_in_months(con, [earlier, later], first, last)
        if counted is None:
            reason = f"partial year without monthly incidents: {earlier}..{later} not compared"
            skipped.append(dict(step=STEP, period=f"{earlier}..{later}", reason=reason))
            continue
        both = rates[rates["period"].isin([earlier, later]) & rates["value"].notna()]
        both = both.drop(columns=["n"]).merge(
            counted, on=["indicator", "area_code", "period"], how="left"
        )
        both["n"] = both["n"].fillna(0.0)
        both["value"] = both["n"] / both["exposure"] * 1000
        pairs.append((label, both[rates.columns]))
    record_skips(con, skipped)
    return whole, pairs


def _counts_in_months(
    con: duckdb.DuckDBPyConnection, years: list[str], first: int, last: int
) -> pd.DataFrame | None:
    """Point incidents per indicator, area and year within months first..last (None: none)."""
    has_points = con.execute("select count(*) from incidents where year in ?", [years]).fetchone()[
        0
    ]
    if not has_points:
        return None
    return con.execute(
        """
        select 'incident_rate.' || coalesce(i.category, 'total') as indicator,
            ia.area_code, i.year as period, count(*)::double as n
        from incidents i
        join incident_areas ia on ia.incident_id = i.incident_id
        where i.year in $years and month(i.date) between $first and $last
        group by grouping sets ((i.category, ia.area_code, i.year), (ia.area_code, i.year))
        """,
        {"years": years, "first": first, "last": last},
    ).df()
