"""Matched control buurten of an initiative comparison (methods §7).

Controls: land buurten with a denominator of at least ``min_inhabitants``, never
the initiative's buurt or ring; the K nearest on the outcome's own baseline and
the context index in the last year before the start, each divided by its
standard deviation over the populated buurten; ties by code
(:func:`etl.stats.initiative_methods.nearest_rows`).  Those inside the area or
ring of another initiative count only in its clean months or survey waves (the
counts and sums of the other months and waves are left out before matching).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.stats import initiative_methods as m
from etl.stats.initiative_panel import Buurten, MonthlyCounts, smoothed_baseline
from etl.stats.initiative_windows import FOLDS, MIN_WINDOW_MONTHS, Windows, fold_months


@dataclass
class Comparison:
    """What the comparisons of one initiative share; arrays are per buurt (``buurten``)."""

    ini: tuple
    start_ts: pd.Timestamp
    start: int
    windows: Windows
    placebo: Windows
    skipped: list[int]
    series_break: str | None
    buurten: Buurten
    populated: np.ndarray  # land buurten with a denominator of at least min_inhabitants
    pool: np.ndarray  # populated and outside the area and ring: the possible controls
    context: np.ndarray
    notes: list[str]
    k: int
    confidence: float
    cross_fit: bool

    @property
    def row(self) -> int | None:
        """The row of the initiative's buurt, None when it is not a buurt."""
        return self.buurten.row.get(self.ini.area_code)


def pool_of(buurten: Buurten, populated: np.ndarray, code: str, ring: list[str]) -> np.ndarray:
    """Populated buurten outside the area and ring of ``code``."""
    return populated & ~buurten.mask([code, *ring])


def controls(s: Comparison, baseline: np.ndarray, eligible: np.ndarray, own=None) -> list[str]:
    """The K nearest eligible buurten of the pool on the outcome's own baseline and the context.

    ``baseline`` and ``eligible`` are per buurt; ``own`` is the baseline of the
    initiative's buurt when it is not the one in ``baseline`` (survey: over all its
    waves, not only its clean ones).  No controls when the initiative's buurt is
    neither a buurt nor has a baseline of its own.
    """
    row = s.row
    if own is None and row is None:
        return []
    features = np.column_stack([s.context, baseline])
    if own is not None and row is not None:
        features[row, 1] = own
    target = np.array(
        [
            s.context[row] if row is not None else np.nan,
            own if own is not None else baseline[row],
        ]
    )
    scale = m.feature_scale(features[s.populated])
    candidates = s.pool & eligible
    return m.nearest_rows(target, features[candidates], s.buurten.codes_of(candidates), scale, s.k)


def cross_fitted_controls(
    s: Comparison, counts: MonthlyCounts, den: np.ndarray, eligible: np.ndarray
) -> list[list[str]]:
    """The matched controls of each fold: K nearest on the baseline of the fold's months.

    With ``initiative_cross_fit`` fold ``f`` matches on the smoothed rate of the
    before-window months with ``month % 2 == f`` (and the context) and is
    compared on the other months
    (:func:`etl.stats.initiative_incidents.cross_fitted_ratio`).  Matching on the
    very counts a comparison uses picks buurten that are high by chance; they
    fall back afterwards (regression to the mean in the controls) and hide a
    real fall in the initiative's buurt.  On disjoint months the chance that
    made a buurt look similar is not the chance it is compared with.  Without
    cross-fitting: one set, matched on the whole before-window.
    """
    folds = FOLDS if s.cross_fit else 1
    return [
        controls(
            s,
            smoothed_baseline(
                counts,
                fold_months(s.windows.before, f) if s.cross_fit else s.windows.before,
                den,
                MIN_WINDOW_MONTHS // folds,
            ),
            eligible,
        )
        for f in range(folds)
    ]
