"""Differences between consecutive periods: survey shares and incident rates.

Two tests, one per indicator family (methods §2 and §3):

- ``survey_share.*``: z = (p2 − p1) / √(se1² + se2²) on the weighted shares and
  their standard errors (percentage points), two-sided normal p-value;
- ``incident_rate.*``: a test of the ratio of two Poisson rates, the counts with the
  rate's denominator (inhabitants by default) as exposure.  The E-test of
  Krishnamoorthy & Thomson (2004) with the score statistic is used for small and
  moderate counts, where it keeps its level better than the asymptotic tests; for
  large counts (sum above ``ETEST_MAX_COUNT``) the E-test costs seconds and gives
  the score test's answer, so the score test is used there.  The ``method`` column
  says which.

A list of changes is a family of tests (methods §2): a change is *significant* only
when its Benjamini–Hochberg q-value (``statsmodels.stats.multitest.multipletests``,
method ``fdr_bh``) is below the setting ``fdr_alpha``.  The family is one list of
areas: indicator × level × pair of periods, the list a map or a list of changes
shows; ``family_size`` holds its number of tests, for the wording "significant after
correction for N comparisons".  The unadjusted ``p_value`` is kept for reference only.

No change is tested across a declared series break (``[periods] series_breaks``):
such a row keeps its values and difference, has no z, p or q, is not significant
and names the break in ``blocked_by``.  A break applies to every series, survey and
registered incidents alike (a break in the police registration is declared the
same way).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep

from etl.settings import Settings
from etl.stats.coverage import split_like_with_like
from etl.stats.fdr import bh, family_size

#: Above this total count (both periods) the score test replaces the E-test.
ETEST_MAX_COUNT = 1000

CHANGE_COLUMNS = [
    "indicator",
    "area_code",
    "level",
    "period_from",
    "period_to",
    "value_from",
    "value_to",
    "diff",
    "ratio",
    "z",
    "p_value",
    "q_value",
    "family_size",
    "significant",
    "blocked_by",
    "method",
]


def share_change_z(p1: float, se1: float, p2: float, se2: float) -> tuple[float, float, float]:
    """Difference of two independent shares with its z statistic and p-value.

    Parameters
    ----------
    p1, se1 : float
        Share in the earlier period and its standard error (same scale, e.g. %).
    p2, se2 : float
        Share in the later period and its standard error.

    Returns
    -------
    tuple of float
        ``(diff, z, p_value)`` with diff = p2 − p1, z = diff / √(se1² + se2²) and
        the two-sided normal p-value.  z and p are NaN when both errors are zero.
    """
    diff = p2 - p1
    se = math.sqrt(se1 * se1 + se2 * se2)
    if not se > 0:
        return diff, math.nan, math.nan
    z = diff / se
    return diff, z, float(2 * stats.norm.sf(abs(z)))


def poisson_rate_change(
    count1: float, exposure1: float, count2: float, exposure2: float
) -> tuple[float, float, float, str]:
    """Ratio of two Poisson rates (later / earlier) with a two-sided test of ratio 1.

    Parameters
    ----------
    count1, exposure1 : float
        Count and exposure (e.g. inhabitants) of the earlier period.
    count2, exposure2 : float
        Count and exposure of the later period.

    Returns
    -------
    tuple
        ``(ratio, z, p_value, method)``: ratio = (count2/exposure2)/(count1/exposure1)
        (inf when the earlier count is 0, NaN when both are), the score statistic
        (positive for a rise), the p-value and the name of the test used
        (``poisson-etest`` or ``poisson-score``).  Two zero counts give z = 0, p = 1.
    """
    if count1 == 0 and count2 == 0:
        return math.nan, 0.0, 1.0, "poisson-etest"
    rate1, rate2 = count1 / exposure1, count2 / exposure2
    ratio = math.inf if rate1 == 0 else rate2 / rate1
    method = "etest" if count1 + count2 <= ETEST_MAX_COUNT else "score"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = test_poisson_2indep(count2, exposure2, count1, exposure1, method=method)
    return ratio, float(result.statistic), float(result.pvalue), f"poisson-{method}"


def period_key(period: str) -> tuple:
    """Natural sort key of a period label: '2023' < '2023-2' < '2023-10' < '2024'."""
    parts = re.findall(r"\d+|\D+", str(period))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def crosses_break(period_from: str, period_to: str, breaks: Iterable[str]) -> str | None:
    """The first series break ``p`` with ``period_from < p <= period_to``, else None.

    Parameters
    ----------
    period_from, period_to : str
        The two periods compared ('YYYY' or another sortable label).
    breaks : iterable of str
        Periods at which a new series starts.
    """
    lo, hi = period_key(period_from), period_key(period_to)
    inside = sorted((b for b in breaks if lo < period_key(b) <= hi), key=period_key)
    return str(inside[0]) if inside else None


def break_month(period: str) -> str | None:
    """The first month ('YYYY-MM') of a series that starts at ``period`` ('YYYY' or 'YYYY-MM')."""
    year, _, month = str(period).partition("-")
    if not year.isdigit():
        return None
    return f"{year}-{int(month) if month.isdigit() else 1:02d}"


def months_since_last_break(months: list[str], breaks: Iterable[str]) -> list[str]:
    """The months ('YYYY-MM', sorted) of the series that holds the last month."""
    if not months:
        return months
    starts = [b for b in map(break_month, breaks) if b is not None and b <= months[-1]]
    return [mo for mo in months if mo >= max(starts)] if starts else months


def consecutive_pairs(periods: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of consecutive periods, in order."""
    ordered = sorted(set(map(str, periods)), key=period_key)
    return list(zip(ordered[:-1], ordered[1:]))


def survey_changes(values: pd.DataFrame, breaks: list[str]) -> pd.DataFrame:
    """Changes of survey shares between consecutive periods.

    Parameters
    ----------
    values : DataFrame
        Columns indicator, area_code, level, period, value, se (missing when withheld).
    breaks : list of str
        Series break periods.
    """
    rows = []
    for r in _pairs(values).itertuples(index=False):
        blocked = crosses_break(r.period_from, r.period_to, breaks)
        diff, z, p = share_change_z(r.value_from, r.se_from, r.value_to, r.se_to)
        if blocked is not None:
            z = p = math.nan
        ratio = r.value_to / r.value_from if r.value_from > 0 else math.nan
        rows.append(_row(r, diff, ratio, z, p, blocked, "share-z"))
    return pd.DataFrame(rows, columns=_UNADJUSTED)


def rate_changes(values: pd.DataFrame, breaks: list[str]) -> pd.DataFrame:
    """Changes of incident rates between consecutive periods (Poisson ratio tests).

    Parameters
    ----------
    values : DataFrame
        Columns indicator, area_code, level, period, value, n (count) and exposure
        (value missing where there is no rate).
    breaks : list of str
        Series break periods.
    """
    rows = []
    for r in _pairs(values).itertuples(index=False):
        blocked = crosses_break(r.period_from, r.period_to, breaks)
        ratio, z, p, method = poisson_rate_change(r.n_from, r.exposure_from, r.n_to, r.exposure_to)
        if blocked is not None:
            z = p = math.nan
        diff = r.value_to - r.value_from
        rows.append(_row(r, diff, ratio, z, p, blocked, method))
    return pd.DataFrame(rows, columns=_UNADJUSTED)


_KEYS = ("indicator", "area_code", "level")
#: The columns before the family's correction.
_UNADJUSTED = [c for c in CHANGE_COLUMNS if c not in ("q_value", "family_size", "significant")]


def _pairs(values: pd.DataFrame) -> pd.DataFrame:
    """Join each area's value in a period to its value in the next period of the indicator.

    The periods of an indicator are all periods it has rows for; an area whose value
    is missing in one of two consecutive periods gets no pair (no jump over the gap).
    """
    frames = []
    for _indicator, rows in values.groupby("indicator", sort=True):
        pairs = pd.DataFrame(
            consecutive_pairs(rows["period"]), columns=["period_from", "period_to"]
        )
        present = rows.dropna()
        earlier = present.rename(columns=lambda c: f"{c}_from" if c not in _KEYS else c)
        later = present.drop(columns=["indicator", "level"]).rename(
            columns=lambda c: f"{c}_to" if c != "area_code" else c
        )
        merged = pairs.merge(earlier, on="period_from").merge(later, on=["area_code", "period_to"])
        frames.append(merged)
    if not frames:
        return pd.DataFrame(columns=["indicator", "area_code", "level", "period_from", "period_to"])
    return pd.concat(frames, ignore_index=True)


def _row(r, diff, ratio, z, p, blocked, method) -> tuple:
    return (
        r.indicator,
        r.area_code,
        r.level,
        r.period_from,
        r.period_to,
        float(r.value_from),
        float(r.value_to),
        diff,
        ratio if np.isfinite(ratio) else math.nan,
        z,
        p,
        blocked,
        method,
    )


#: One family of tests: the list of areas of one indicator, level and pair of periods.
FAMILY = ["indicator", "level", "period_from", "period_to"]


def add_q_values(changes: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """q-values, family size and ``significant`` (q < ``alpha``) per family (:data:`FAMILY`)."""
    q = pd.Series(np.nan, index=changes.index)
    size = pd.Series(0, index=changes.index)
    for _, group in changes.groupby(FAMILY, sort=False):
        q[group.index] = bh(group["p_value"])
        size[group.index] = family_size(group["p_value"])
    significant = (q < alpha) & changes["blocked_by"].isna()
    return changes.assign(q_value=q, family_size=size, significant=significant)[CHANGE_COLUMNS]


def write_changes(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write the ``changes`` table: every area's change between consecutive periods.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build connection, with ``indicator_values``, ``area_population`` and
        ``series_breaks``.
    settings : Settings
        ``fdr_alpha`` (false discovery rate of a family) and ``rate_denominator``.
    """
    breaks = [r[0] for r in con.execute("select period from series_breaks").fetchall()]
    shares = con.execute(
        """
        select indicator, area_code, level, period, value, se
        from indicator_values
        where indicator like 'survey_share.%'
        """
    ).df()
    denominator = {"addresses": "addresses", "dwellings": "dwellings"}.get(
        settings.rate_denominator, "inhabitants"
    )
    rates = con.execute(
        f"""
        select v.indicator, v.area_code, v.level, v.period, v.value, v.n,
            case when p.{denominator} > 0 then p.{denominator} end as exposure
        from indicator_values v
        left join area_population p on p.area_code = v.area_code and p.period = v.period
        where v.indicator like 'incident_rate.%'
        """
    ).df()
    rates, same_months = split_like_with_like(con, rates)
    changes = pd.concat(
        [
            frame
            for frame in (
                survey_changes(shares, breaks),
                rate_changes(rates, breaks),
                *(rate_changes(f, breaks).assign(months=m) for m, f in same_months),
            )
            if not frame.empty
        ]
        or [pd.DataFrame(columns=_UNADJUSTED)],
        ignore_index=True,
    )
    months = changes["months"] if "months" in changes else None
    changes = add_q_values(changes, settings.fdr_alpha).assign(months=months)
    con.execute(
        """
        create or replace table changes (
            indicator text not null,
            area_code text not null,
            level text not null,
            period_from text not null,
            period_to text not null,
            value_from double,
            value_to double,
            diff double,
            ratio double,
            z double,
            p_value double,
            q_value double,
            family_size integer not null,
            significant boolean not null,
            blocked_by text,
            method text not null,
            -- the months both years were counted over when one is partial ('01..09')
            months text,
            primary key (indicator, area_code, period_from, period_to)
        )
        """
    )
    con.register("change_rows", changes)
    con.execute("insert into changes by name select * from change_rows")
    con.unregister("change_rows")
