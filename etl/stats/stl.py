"""STL decomposition (Cleveland et al. 1990) of many series of one length at once.

The same procedure as ``statsmodels.tsa.seasonal.STL`` (its port of the netlib
Fortran): cycle-subseries loess, low-pass moving averages, trend loess, and with
``robust`` 15 outer passes of bisquare robustness weights, with statsmodels'
defaults for the smoother lengths, degrees (1) and jumps (1: every point
estimated).  Which points each loess estimates, over which window and with which
tricube weights depends only on the length of the series, so that plan is made
once and every step runs on a matrix of series; only the robustness weights (and
so the local fits) differ per series.  ``statsmodels`` decomposes one series a
call and is the reference in the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class _Loess:
    """Loess estimates at points ``xs`` of a series of length ``n``, as matrices over the
    series' positions: ``tricube`` (P x n) holds each estimate's neighbourhood weights
    (0 outside its window), ``offset`` (P x n) each position minus ``xs``."""

    n: int
    xs: np.ndarray  # P
    tricube: np.ndarray  # P x n
    offset: np.ndarray  # P x n
    local_linear: np.ndarray  # P: the window allows a local line (h > 0)


def _loess(n: int, span: int, windows: list[tuple[int, int, int]]) -> _Loess:
    """The estimates (xs, nleft, nright; 1-based) of statsmodels' ``_est``: tricube
    weights over the half-width h = max(xs - nleft, nright - xs), widened by
    (span - n) // 2 when the span exceeds the series."""
    tricube = np.zeros((len(windows), n))
    h = np.zeros(len(windows))
    for p, (xs, nleft, nright) in enumerate(windows):
        h[p] = max(xs - nleft, nright - xs) + ((span - n) // 2 if span > n else 0)
        r = np.abs(np.arange(nleft, nright + 1) - xs).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(r <= 0.001 * h[p], 1.0, (1.0 - (r / h[p]) ** 3) ** 3)
        tricube[p, nleft - 1 : nright] = np.where(r <= 0.999 * h[p], w, 0.0)
    xs = np.array([w[0] for w in windows], dtype=float)
    offset = np.arange(1, n + 1)[None, :] - xs[:, None]
    return _Loess(n=n, xs=xs, tricube=tricube, offset=offset, local_linear=h > 0)


@lru_cache(maxsize=64)
def _smoother(n: int, span: int) -> _Loess:
    """statsmodels' ``_ess`` with jump 1: an estimate at every point, over the whole
    series when the span exceeds it, else over the ``span`` points around it."""
    if span >= n:
        return _loess(n, span, [(i + 1, 1, n) for i in range(n)])
    windows, nsh, nleft, nright = [], (span + 2) // 2, 1, span
    for i in range(n):
        if i + 1 > nsh and nright != n:
            nleft, nright = nleft + 1, nright + 1
        windows.append((i + 1, nleft, nright))
    return _loess(n, span, windows)


@lru_cache(maxsize=64)
def _extension(n: int, span: int) -> _Loess:
    """The estimates one cycle before and after a cycle-subseries of length ``n``."""
    return _loess(n, span, [(0, 1, min(span, n)), (n + 1, max(1, n - span + 1), n)])


def _estimate(loess: _Loess, y: np.ndarray, rw: np.ndarray | None) -> np.ndarray:
    """Local linear loess estimates of every row of ``y`` (S x n): S x P, NaN where a
    window has no weight.  The weighted sums of each window are products with the
    tricube matrix, so a whole stack of series is one matrix product per sum."""
    weights = np.ones_like(y) if rw is None else rw
    wy = weights * y
    tri, tri_u = loess.tricube.T, (loess.tricube * loess.offset).T
    total = weights @ tri
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_u = (weights @ tri_u) / total
        spread = (weights @ (loess.tricube * loess.offset**2).T) / total - mean_u**2
        mean_y = (wy @ tri) / total
        mean_uy = (wy @ tri_u) / total
        slope = -mean_u / spread  # statsmodels' b = (xs - centre) / c
        line = loess.local_linear[None, :] & (np.sqrt(spread) > 0.001 * (loess.n - 1.0))
        ys = np.where(line, mean_y + slope * (mean_uy - mean_u * mean_y), mean_y)
    return np.where(total > 0, ys, np.nan)


def _smooth(y: np.ndarray, span: int, rw: np.ndarray | None) -> np.ndarray:
    """Loess of every row of ``y`` with ``span``; a point without weight keeps its value."""
    n = y.shape[1]
    if n < 2:
        return y.copy()
    values = _estimate(_smoother(n, span), y, rw)
    return np.where(np.isnan(values), y, values)


def _subseries(y: np.ndarray, period: int, seasonal: int, rw: np.ndarray | None) -> np.ndarray:
    """statsmodels' ``_ss``: each cycle-subseries smoothed and extended by one cycle at
    either end; S x (n + 2 period)."""
    rows, n = y.shape
    out = np.empty((rows, n + 2 * period))
    for length in sorted({(n - (j + 1)) // period + 1 for j in range(period)}):
        seasons = np.array([j for j in range(period) if (n - (j + 1)) // period + 1 == length])
        take = seasons[:, None] + period * np.arange(length)[None, :]  # J x k
        sub = y[:, take].reshape(-1, length)  # (S * J) x k
        sub_rw = rw[:, take].reshape(-1, length) if rw is not None else None
        smooth = _smooth(sub, seasonal, sub_rw)
        ends = _estimate(_extension(length, seasonal), sub, sub_rw)
        first = np.where(np.isnan(ends[:, 0]), smooth[:, 0], ends[:, 0])
        last = np.where(np.isnan(ends[:, 1]), smooth[:, -1], ends[:, 1])
        extended = np.column_stack([first, smooth, last]).reshape(rows, len(seasons), length + 2)
        out[:, seasons[:, None] + period * np.arange(length + 2)[None, :]] = extended
    return out


def _moving_average(x: np.ndarray, length: int) -> np.ndarray:
    windows = np.lib.stride_tricks.sliding_window_view(x, length, axis=1)
    return windows.sum(axis=2) / float(length)


def _robustness_weights(y: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """Bisquare weights of the residuals over 6 × their median absolute value."""
    n = y.shape[1]
    residual = np.abs(y - fit)
    mid = (n // 2, n - n // 2 - 1)
    part = np.partition(residual, mid, axis=1)
    cmad = 3.0 * (part[:, mid[0]] + part[:, mid[1]])[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(
            residual <= 0.001 * cmad,
            1.0,
            np.where(residual <= 0.999 * cmad, (1.0 - (residual / cmad) ** 2) ** 2, 0.0),
        )
    return np.where(cmad == 0, 1.0, weights)


def stl_many(
    series: np.ndarray,
    period: int = 12,
    seasonal: int = 7,
    robust: bool = True,
    inner_iter: int | None = None,
    outer_iter: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trend, seasonal and residual components of every row of ``series`` (S x n).

    statsmodels' STL defaults: trend span the smallest odd integer ≥ 1.5 period /
    (1 − 1.5 / seasonal), low-pass span the smallest odd integer > period, degree 1,
    every point estimated (jumps 1); 2 inner passes and 15 robust outer passes (5 and
    0 without ``robust``).
    """
    y = np.atleast_2d(np.asarray(series, dtype=float))
    n = y.shape[1]
    trend_len = math.ceil(1.5 * period / (1 - 1.5 / seasonal))
    trend_len += trend_len % 2 == 0
    low_pass = period + 1 + ((period + 1) % 2 == 0)
    inner, outer = (2, 15) if robust else (5, 0)
    inner = inner if inner_iter is None else inner_iter
    outer = outer if outer_iter is None else outer_iter
    trend = np.zeros_like(y)
    season = np.zeros_like(y)
    rw = None
    for k in range(outer + 1):
        for _ in range(inner):
            cycle = _subseries(y - trend, period, seasonal, rw)
            low = _moving_average(_moving_average(_moving_average(cycle, period), period), 3)
            low = _smooth(low, low_pass, None)
            season = cycle[:, period : period + n] - low
            trend = _smooth(y - season, trend_len, rw)
        if k < outer:
            rw = _robustness_weights(y, trend + season)
    return trend, season, y - trend - season
