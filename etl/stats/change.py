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

A change is *significant* when p < 1 − confidence (|z| > 1.96 at 95%).  A change of
a survey indicator is never tested across a declared series break: such a row keeps
its values and difference, has no z or p-value, is not significant and names the
break in ``blocked_by``.  Series breaks are method changes of the survey, so they
do not block incident rates.

``q_value`` is the Benjamini–Hochberg adjusted p-value within one list of areas
(indicator × level × pair of periods), for whoever shows a list of significant
changes under false discovery rate control (setting ``fdr_alpha``).
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
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.rates import test_poisson_2indep

from etl.settings import Settings

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


def consecutive_pairs(periods: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of consecutive periods, in order."""
    ordered = sorted(set(map(str, periods)), key=period_key)
    return list(zip(ordered[:-1], ordered[1:]))


def survey_changes(values: pd.DataFrame, breaks: list[str], confidence: float) -> pd.DataFrame:
    """Changes of survey shares between consecutive periods.

    Parameters
    ----------
    values : DataFrame
        Columns indicator, area_code, level, period, value, se (missing when withheld).
    breaks : list of str
        Series break periods.
    confidence : float
        A change is significant when p < 1 − confidence.
    """
    rows = []
    for r in _pairs(values).itertuples(index=False):
        blocked = crosses_break(r.period_from, r.period_to, breaks)
        diff, z, p = share_change_z(r.value_from, r.se_from, r.value_to, r.se_to)
        if blocked is not None:
            z = p = math.nan
        ratio = r.value_to / r.value_from if r.value_from > 0 else math.nan
        rows.append(_row(r, diff, ratio, z, p, confidence, blocked, "share-z"))
    return pd.DataFrame(rows, columns=[c for c in CHANGE_COLUMNS if c != "q_value"])


def rate_changes(values: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Changes of incident rates between consecutive periods (Poisson ratio tests).

    Parameters
    ----------
    values : DataFrame
        Columns indicator, area_code, level, period, value, n (count) and exposure
        (value missing where there is no rate).
    confidence : float
        A change is significant when p < 1 − confidence.
    """
    rows = []
    for r in _pairs(values).itertuples(index=False):
        ratio, z, p, method = poisson_rate_change(r.n_from, r.exposure_from, r.n_to, r.exposure_to)
        diff = r.value_to - r.value_from
        rows.append(_row(r, diff, ratio, z, p, confidence, None, method))
    return pd.DataFrame(rows, columns=[c for c in CHANGE_COLUMNS if c != "q_value"])


_KEYS = ("indicator", "area_code", "level")


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


def _row(r, diff, ratio, z, p, confidence, blocked, method) -> tuple:
    significant = bool(blocked is None and np.isfinite(p) and p < 1 - confidence)
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
        significant,
        blocked,
        method,
    )


def add_q_values(changes: pd.DataFrame) -> pd.DataFrame:
    """Benjamini–Hochberg q-values within each indicator × level × pair of periods."""
    q = pd.Series(np.nan, index=changes.index)
    keys = ["indicator", "level", "period_from", "period_to"]
    for _, group in changes.groupby(keys, sort=False):
        p = group["p_value"]
        tested = p[np.isfinite(p)]
        if len(tested):
            q[tested.index] = multipletests(tested.to_numpy(), method="fdr_bh")[1]
    return changes.assign(q_value=q)[CHANGE_COLUMNS]


def write_changes(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write the ``changes`` table: every area's change between consecutive periods.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The build connection, with ``indicator_values``, ``area_population`` and
        ``series_breaks``.
    settings : Settings
        ``confidence`` (significance level) and ``rate_denominator`` (exposure).
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
    changes = pd.concat(
        [
            frame
            for frame in (
                survey_changes(shares, breaks, settings.confidence),
                rate_changes(rates, settings.confidence),
            )
            if not frame.empty
        ]
        or [pd.DataFrame(columns=[c for c in CHANGE_COLUMNS if c != "q_value"])],
        ignore_index=True,
    )
    changes = add_q_values(changes)
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
            significant boolean not null,
            blocked_by text,
            method text not null,
            primary key (indicator, area_code, period_from, period_to)
        )
        """
    )
    con.register("change_rows", changes)
    con.execute("insert into changes select * from change_rows")
    con.unregister("change_rows")
