"""Seasonal Mann–Kendall test and seasonal Sen slope of many series at once (methods §6).

The test of Hirsch & Slack (1984), as ``pymannkendall.seasonal_test``: the
Mann–Kendall scores S and their tie-corrected variances are summed over the
seasons; z = (S ∓ 1)/√var (continuity correction), two-sided normal p.  The slope
is the median of (x_j − x_i)/(j − i) over all pairs of years within a season.

Every series of a block is one row of a matrix; the pairs of years are one axis of
a sign array, the ties of a season come from an equality matrix of its values, so
a whole level of areas × categories is tested without a loop over series.
``pymannkendall`` tests one series per call and is the reference in the tests.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

#: Series per block: the pair arrays of a block stay a few tens of MB.
BLOCK = 2048


def seasonal_mann_kendall_many(
    series: np.ndarray, period: int = 12, min_months: int = 24
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seasonal Mann–Kendall z, two-sided p and Sen slope of every row of ``series``.

    Parameters
    ----------
    series : array (series x months)
        Monthly values, oldest first, no gaps (NaN values are skipped).
    period : int
        Season length (12 for months).
    min_months : int
        A row with fewer values gets NaNs.

    Returns
    -------
    tuple of arrays
        ``(z, p, slope)``, one value per row; the slope is per season cycle (per year
        for monthly data).  A row without any pair of different values gives (0, 1, 0).
    """
    x = np.atleast_2d(np.asarray(series, dtype=float))
    out = np.full((3, len(x)), np.nan)
    for start in range(0, len(x), BLOCK):
        out[:, start : start + BLOCK] = _block(x[start : start + BLOCK], period, min_months)
    return out[0], out[1], out[2]


def _block(x: np.ndarray, period: int, min_months: int) -> np.ndarray:
    rows, months = x.shape
    out = np.full((3, rows), np.nan)
    enough = np.isfinite(x).sum(axis=1) >= min_months
    if not enough.any() or months == 0:
        return out
    x = x[enough]
    years = -(-months // period)
    pad = np.full((len(x), years * period - months), np.nan)
    # series x season x year
    v = np.concatenate([x, pad], axis=1).reshape(len(x), years, period).transpose(0, 2, 1)
    i, j = np.triu_indices(years, k=1)
    diff = v[..., j] - v[..., i]  # series x season x pair; NaN where a value is missing
    paired = np.isfinite(diff)
    s = np.where(paired, np.sign(diff), 0.0).sum(axis=(1, 2))
    finite = np.isfinite(v)
    n = finite.sum(axis=2)
    # each value in a group of t equal values adds (t - 1)(2t + 5): t(t - 1)(2t + 5) a group
    same = (v[..., :, None] == v[..., None, :]).sum(axis=3)
    ties = np.where(finite, (same - 1) * (2 * same + 5), 0).sum(axis=2)
    var = ((n * (n - 1) * (2 * n + 5) - ties) / 18).sum(axis=1)
    slope = _row_median(np.where(paired, diff / (j - i), np.nan).reshape(len(x), -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s - np.sign(s)) / np.sqrt(var)
    flat = (s == 0) | (var <= 0)
    z = np.where(flat, 0.0, z)
    p = np.where(flat, 1.0, 2 * stats.norm.sf(np.abs(z)))
    out[:, enough] = z, p, slope
    return out


def _row_median(values: np.ndarray) -> np.ndarray:
    """Median of the finite values of each row (as ``np.median``), NaN for none."""
    if values.shape[1] == 0:
        return np.full(len(values), np.nan)
    ordered = np.sort(values, axis=1)  # NaN last
    count = np.isfinite(values).sum(axis=1)
    rows = np.arange(len(values))
    lo = ordered[rows, np.maximum(count - 1, 0) // 2]
    hi = ordered[rows, np.maximum(count, 1) // 2 - (count == 0)]
    return np.where(count > 0, (lo + hi) / 2, np.nan)
