"""Pure building blocks of the initiative analyses (methods §7).

Everything here works on plain numbers, arrays and data frames, so each rule can
be checked by hand; :mod:`etl.stats.initiatives` reads the build's tables and
applies them.  Months are integers ``year * 12 + month - 1`` so windows are
plain ranges.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from scipy import stats

from etl.stats.hotspots import queen_weights

#: Items of the collective resilience scale (all on 1-5, recoded to 0-4).
RESILIENCE_ITEMS = (
    "cohesion_know",
    "cohesion_pleasant",
    "cohesion_home",
    "cohesion_contact",
    "willing_act",
)


def month_number(year: int, month: int) -> int:
    """Month as one integer: ``year * 12 + month - 1`` (2022-06 -> 24269)."""
    return year * 12 + month - 1


def month_label(number: int) -> str:
    """Inverse of :func:`month_number` as ``'YYYY-MM'``."""
    return f"{number // 12}-{number % 12 + 1:02d}"


def active_in_year(start: pd.Series, end: pd.Series, year: int) -> pd.Series:
    """Whether each initiative was active at some moment of ``year``.

    Active when ``start <= 31 December`` and (no end or ``end >= 1 January``).
    """
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    return (start <= last) & (end.isna() | (end >= first))


def active_between(start: pd.Series, end: pd.Series, first: pd.Timestamp, last: pd.Timestamp):
    """Whether each initiative was active at some moment between ``first`` and ``last``."""
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    return (start <= last) & (end.isna() | (end >= first))


def per_thousand(count, denominator, min_denominator: float = 1.0):
    """``count / denominator * 1000``; NaN where the denominator is missing or too small."""
    count = np.asarray(count, dtype=float)
    den = np.asarray(denominator, dtype=float)
    ok = np.isfinite(den) & (den >= max(min_denominator, 1e-12))
    return np.where(ok, count / np.where(ok, den, 1.0) * 1000.0, np.nan)


def share_from_sums(sw, swy, sw2) -> tuple[np.ndarray, np.ndarray]:
    """Weighted share (%) and its SE in points from sums of w, w*y and w^2.

    ``p = sum(w y) / sum(w)``, ``n_eff = (sum w)^2 / sum(w^2)``,
    ``se = 100 * sqrt(p (1 - p) / n_eff)``; NaN where ``sum(w)`` is 0.
    """
    sw, swy, sw2 = (np.asarray(a, dtype=float) for a in (sw, swy, sw2))
    ok = sw > 0
    p = np.where(ok, swy / np.where(ok, sw, 1.0), np.nan)
    n_eff = np.where(ok, sw**2 / np.where(sw2 > 0, sw2, 1.0), np.nan)
    return 100.0 * p, 100.0 * np.sqrt(p * (1 - p) / n_eff)


def survey_sums(survey: pd.DataFrame, item: str) -> pd.DataFrame:
    """Sums of w, w*y, w^2 and n of a 0/1 item per area and wave (answers only)."""
    s = survey.dropna(subset=[item])
    s = s.assign(swy=s["weight"] * s[item], sw2=s["weight"] ** 2)
    return s.groupby(["area_code", "period"]).agg(
        sw=("weight", "sum"), swy=("swy", "sum"), sw2=("sw2", "sum"), n=("weight", "size")
    )


def weighted_share(y, w) -> tuple[float, float, int]:
    """Weighted share (%) of ``y == 1``, its SE (:func:`share_from_sums`) and the n.

    Missing answers are left out.
    """
    y, w = np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    ok = np.isfinite(y) & np.isfinite(w)
    y, w = y[ok], w[ok]
    p, se = share_from_sums(w.sum(), (w * y).sum(), (w**2).sum())
    return float(p), float(se), int(len(y))


def resilience_scores(items: pd.DataFrame) -> pd.Series:
    """Collective resilience score 0-10 per respondent.

    Each item on 1-5 is recoded to 0-4; the score is ``10 * mean(recoded) / 4``
    over the items answered, and NaN when fewer than 2/3 of the items are answered.
    """
    recoded = items.astype(float) - 1.0
    answered = recoded.notna().sum(axis=1)
    score = 10.0 * recoded.mean(axis=1) / 4.0
    return score.where(3 * answered >= 2 * items.shape[1])


def weighted_mean_t(
    scores: np.ndarray, weights: np.ndarray, confidence: float
) -> tuple[float, float, float, int]:
    """Weighted mean, its SE and the half-width of a t-interval on ``n_eff``.

    ``s2 = sum w (x - mean)^2 / sum w * n_eff / (n_eff - 1)``, ``se = sqrt(s2 / n_eff)``,
    half-width ``t(q, n_eff - 1) * se`` (as ``sql/marts/41_survey_scales.sql``).
    Returns (mean, se, half, n).
    """
    mean, se, n_eff, n = weighted_mean_se(scores, weights)
    if not np.isfinite(n_eff):
        return mean, se, float("nan"), n
    return mean, se, float(t_quantile(confidence, n_eff) * se), n


def weighted_mean_se(scores: np.ndarray, weights: np.ndarray) -> tuple[float, float, float, int]:
    """Weighted mean, its SE, the effective n and the n of :func:`weighted_mean_t`
    (without the interval, so the quantiles of many groups can be taken at once).

    NaN for the SE and effective n when ``n_eff <= 1``, for all three without weight.
    """
    x, w = np.asarray(scores, dtype=float), np.asarray(weights, dtype=float)
    ok = np.isfinite(x) & np.isfinite(w)
    x, w = x[ok], w[ok]
    n = int(len(x))
    if n == 0 or w.sum() <= 0:
        return float("nan"), float("nan"), float("nan"), n
    mean = float((w * x).sum() / w.sum())
    n_eff = w.sum() ** 2 / (w**2).sum()
    if n_eff <= 1:
        return mean, float("nan"), float("nan"), n
    s2 = (w * (x - mean) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
    return mean, float(np.sqrt(s2 / n_eff)), float(n_eff), n


def t_quantile(confidence: float, n_eff):
    """The t quantile of a two-sided interval at ``confidence`` on ``n_eff - 1`` degrees
    of freedom (element-wise for an array of ``n_eff``)."""
    return stats.t.ppf(1 - (1 - confidence) / 2, np.asarray(n_eff, dtype=float) - 1)


def survey_flag(n: int, half: float, min_n: int, indicative_n: int, max_half: float) -> str:
    """'suppressed' below ``min_n``; 'indicative' below ``indicative_n`` or a wide interval."""
    if n < min_n:
        return "suppressed"
    if n < indicative_n or not np.isfinite(half) or half > max_half:
        return "indicative"
    return "ok"


def weighted_profile(frame: pd.DataFrame, weight: str, columns: Sequence[str]) -> str | None:
    """Weighted shares of the categories of each column, as JSON (sorted, 3 decimals)."""
    if frame.empty or frame[weight].sum() <= 0:
        return None
    out = {}
    for col in columns:
        shares = frame.groupby(col)[weight].sum() / frame[weight].sum()
        out[col] = {str(k): round(float(v), 3) for k, v in shares.sort_index().items()}
    return json.dumps(out, sort_keys=True)


def nearest_controls(
    target: pd.Series, candidates: pd.DataFrame, scale: pd.Series, k: int
) -> list[str]:
    """The ``k`` candidates nearest to ``target`` on standardised features.

    Parameters
    ----------
    target : pandas.Series
        Feature values of the initiative's area (NaN features are not used).
    candidates : pandas.DataFrame
        One row per candidate area (index = area code), the same feature columns.
        Candidates missing a used feature are left out.
    scale : pandas.Series
        Standard deviation of each feature (over all eligible areas); a feature
        with no spread is not used.
    k : int
        Number of controls.

    Returns
    -------
    list of str
        Codes by increasing Euclidean distance on ``feature / scale``; equal
        distances (to 1e-9) are ordered by code, so the choice is reproducible.
    """
    return nearest_rows(
        target.to_numpy(dtype=float),
        candidates.reindex(columns=target.index).to_numpy(dtype=float),
        list(candidates.index),
        scale.reindex(target.index).to_numpy(dtype=float),
        k,
    )


def nearest_rows(
    target: np.ndarray, candidates: np.ndarray, codes: Sequence[str], scale: np.ndarray, k: int
) -> list[str]:
    """:func:`nearest_controls` on plain arrays: ``target`` (features), ``candidates``
    (one row per code of ``codes``, the same features) and ``scale`` (per feature)."""
    used = np.isfinite(target) & (np.nan_to_num(scale, nan=0.0) > 0)
    if not used.any() or not len(codes):
        return []
    values = candidates[:, used]
    keep = ~np.isnan(values).any(axis=1)
    z = (values[keep] - target[used]) / scale[used]
    distance = np.sqrt((z**2).sum(axis=1)).round(9)
    kept = [codes[i] for i in np.flatnonzero(keep)]
    return [code for _, code in sorted(zip(distance.tolist(), kept, strict=True))[:k]]


def feature_scale(values: np.ndarray) -> np.ndarray:
    """Standard deviation (ddof 1) of each column of ``values``, missing values left out.

    Computed as pandas' ``DataFrame.std`` does (two passes: the mean, then the
    squared deviations), so matching gives the same answers to the last digit;
    NaN for a column with fewer than two values.
    """
    out = np.full(values.shape[1], np.nan)
    for j, column in enumerate(np.asarray(values, dtype=float).T):
        present = ~np.isnan(column)
        count = float(present.sum())
        if count <= 1:
            continue
        filled = np.where(present, column, 0.0)
        squares = (filled.sum() / count - filled) ** 2
        squares[~present] = 0.0
        out[j] = np.sqrt(squares.sum() / (count - 1))
    return out


def difference_in_differences(
    change_area: float,
    se_area: float,
    control_changes: Sequence[float],
    control_ses: Sequence[float],
    confidence: float,
) -> tuple[float, float, float, float, int]:
    """Difference-in-differences with a normal-approximation interval.

    ``difference = change_area - mean(control changes)``.  Its variance is the
    area's sampling variance plus the variance of the control mean, taken as the
    larger of the controls' spread (``s^2 / k``) and their own sampling variance
    (``sum se^2 / k^2``); the interval is ``difference -/+ z * se``.

    Returns
    -------
    tuple
        (difference, ci_low, ci_high, mean of control changes, number of controls used)
    """
    ch = np.asarray(control_changes, dtype=float)
    se_c = np.asarray(control_ses, dtype=float)
    ok = np.isfinite(ch)
    ch, se_c = ch[ok], np.nan_to_num(se_c[ok])
    k = len(ch)
    if k == 0 or not np.isfinite(change_area):
        return float("nan"), float("nan"), float("nan"), float("nan"), k
    mean_c = float(ch.mean())
    spread = ch.var(ddof=1) / k if k >= 2 else 0.0
    sampling = (se_c**2).sum() / k**2
    se = np.sqrt(np.nan_to_num(se_area) ** 2 + max(spread, sampling))
    diff = change_area - mean_c
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    return diff, diff - z * se, diff + z * se, mean_c, k


def wave_ratio(monthly: np.ndarray, start_index: int, months: int = 3) -> tuple[float, float]:
    """Mean count in the ``months`` before ``start_index`` over the mean of the months before.

    ``monthly`` is one area's count per month; ``start_index`` the position of the
    start month.  The reference is the months before those ``months`` (at least as
    many), never the months after the start: a fall after the start (what an
    initiative hopes for) would otherwise make the months before it look like a
    wave, and leave them out of the baseline the fall is measured against.
    Returns (ratio, count in the months before); the ratio is NaN when the
    window or its reference does not fit in the series or the reference averages 0.
    """
    monthly = np.asarray(monthly, dtype=float)
    lo = start_index - months
    if lo < 0 or start_index > len(monthly):
        return float("nan"), float("nan")
    recent = monthly[lo:start_index]
    rest = monthly[:lo]
    if len(rest) < months or rest.mean() <= 0:
        return float("nan"), float(recent.sum())
    return float(recent.mean() / rest.mean()), float(recent.sum())


def is_wave(ratio: float, recent: float, min_ratio: float = 1.5, alpha: float = 0.05) -> bool:
    """Whether the months before a start were a wave: above ``min_ratio`` and beyond chance.

    ``ratio`` and ``recent`` come from :func:`wave_ratio`.  Besides the ratio, the
    count must be improbable as Poisson noise around the area's own mean
    (``P(X >= recent | mean = recent / ratio) < alpha``), so that 3 burglaries
    where 1.5 are usual do not count as a wave.
    """
    if not (np.isfinite(ratio) and np.isfinite(recent)) or ratio <= min_ratio:
        return False
    expected = recent / ratio
    return bool(stats.poisson.sf(recent - 1, expected) < alpha)


def displacement_flag(
    relative_area: float,
    relative_ring: float,
    relative_reference: float,
    count_area: float,
    count_ring: float,
    min_relative: float = 0.10,
    min_count: int = 20,
) -> bool:
    """Whether a change looks like displacement from the area to its ring.

    All relative changes are ``after / before - 1`` of the annualised rate.  True when all of:

    - the area and the ring each counted at least ``min_count`` incidents in the
      window before (below that a relative change is mostly noise);
    - the area's rate fell (``relative_area < 0``) and by more than ``min_relative``
      beyond the reference (``relative_area - relative_reference < -min_relative``);
    - the ring's rate rose (``relative_ring > 0``) and by more than ``min_relative``
      beyond the reference (``relative_ring - relative_reference > min_relative``).

    False when any figure is missing.  A screening flag, not a test.
    """
    values = [relative_area, relative_ring, relative_reference, count_area, count_ring]
    if not all(np.isfinite(v) for v in values):
        return False
    return bool(
        min(count_area, count_ring) >= min_count
        and relative_area < 0
        and relative_area - relative_reference < -min_relative
        and relative_ring > 0
        and relative_ring - relative_reference > min_relative
    )


def rings(
    codes: Sequence[str], geometries: Sequence[shapely.Geometry], buffer_m: float | None = None
) -> dict[str, list[str]]:
    """Neighbouring areas of each area: queen contiguity, or within ``buffer_m`` metres.

    With ``buffer_m`` None (default) the ring is the areas sharing an edge or a
    corner; otherwise the areas whose polygon lies within ``buffer_m`` metres of
    the area's polygon (a buffer, in the CRS's units: metres in RD New).  The
    area itself is never in its ring; rings are sorted by code.
    """
    codes = list(codes)
    if buffer_m is None:
        w = queen_weights(codes, geometries)
        return {c: sorted(w.neighbors[c]) for c in codes}
    tree = shapely.STRtree(list(geometries))
    out = {}
    for code, geom in zip(codes, geometries, strict=True):
        hits = tree.query(geom, predicate="dwithin", distance=buffer_m)
        out[code] = sorted(codes[i] for i in hits if codes[i] != code)
    return out
