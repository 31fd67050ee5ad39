"""Incident outcomes of an initiative comparison: the ratio of rate ratios (methods §7).

The Poisson GLM with buurt and month effects of :mod:`etl.stats.rate_ratio` on
the monthly counts of the windows of :mod:`etl.stats.initiative_windows`, with
cross-fitted controls (:func:`etl.stats.initiative_matching.cross_fitted_controls`)
and a placebo start one year earlier; and the caveat of a wave of incidents in the
months before the start.
"""

from __future__ import annotations

import numpy as np

from etl.stats import initiative_methods as m
from etl.stats.initiative_matching import Comparison, cross_fitted_controls
from etl.stats.initiative_panel import MonthlyCounts, RateTable, rate_table
from etl.stats.initiative_rows import (
    CROSS_FIT_INFERENCE,
    PRE_TREND_CAVEAT,
    RATE_INFERENCE,
    RATE_MEASURE,
    WAVE_CAVEAT,
    WAVE_NAMES,
    effect_row,
    estimate_columns,
    placebo_skip,
)
from etl.stats.initiative_windows import (
    FOLDS,
    MIN_PLACEBO_MONTHS,
    WINDOW_MONTHS,
    Windows,
    window_label,
)
from etl.stats.rate_ratio import NO_ESTIMATE, RateRatio, cross_fitted, ratio_of_counts

#: Types whose comparisons also look at woninginbraak.
BURGLARY_TYPES = ("surveillance", "information")
#: A wave fills the last 3 or the last 2 months before the start; 3 months leave the baseline.
WAVE_MONTHS, WAVE_WINDOWS, WAVE_RATIO = 3, (3, 2), 1.5


def wave_notes(
    monthly: dict[str, MonthlyCounts], row: int | None, start: int, confidence: float
) -> list[str]:
    """Caveats of a wave (burglary or all incidents) in the months before ``start``."""
    notes = []
    for category, (nl, en) in WAVE_NAMES.items():
        counts = monthly.get(category)
        if counts is None or row is None or not 0 <= start - counts.first < len(counts.months):
            continue
        for months in WAVE_WINDOWS:
            ratio, recent = m.wave_ratio(counts.values[row], start - counts.first, months)
            if m.is_wave(ratio, recent, WAVE_RATIO, 1 - confidence):
                notes.append(WAVE_CAVEAT.format(nl=nl, en=en, ratio=ratio, months=months))
                break
    return notes


def rate_effect(
    s: Comparison, category: str, counts: MonthlyCounts, den: np.ndarray
) -> tuple[dict, RateTable, list[str]]:
    """Effect row of one incident category, its rate table (for displacement) and controls.

    ``counts`` holds NaN in the months that do not count for a control buurt.
    The controls are cross-fitted (:func:`cross_fitted_controls`); main and
    placebo estimates are the mean of the two folds' log ratios.
    """
    table = rate_table(counts, s.windows, den)
    eligible = np.isfinite(table.change)
    folds = cross_fitted_controls(s, counts, den, eligible)
    controls = list(dict.fromkeys(c for fold in folds for c in fold))
    extra = []
    if s.windows.usable and min(len(s.windows.before), len(s.windows.after)) < WINDOW_MONTHS:
        extra.append("Korter venster (minder maanden in de reeks). Shorter window.")
    labels = (window_label(s.windows.before), window_label(s.windows.after))
    i = s.row
    own = (
        (table.before_value[i], table.after_value[i], table.change[i])
        if i is not None
        else (np.nan, np.nan, np.nan)
    )
    changes = table.change[s.buurten.rows(controls)]
    row = effect_row(
        s, f"incident_rate.{category}", labels, controls, own, changes, extra, matched=folds
    )
    estimate, placebo = NO_ESTIMATE, NO_ESTIMATE
    if s.windows.usable:
        estimate = cross_fitted_ratio(s, counts, folds, s.windows)
    if min(len(s.placebo.before), len(s.placebo.after)) >= MIN_PLACEBO_MONTHS:
        placebo = cross_fitted_ratio(s, counts, folds, s.placebo)
    inference = RATE_INFERENCE.format(
        **(CROSS_FIT_INFERENCE if s.cross_fit else {"nl": "", "en": ""})
    )
    row.update(estimate_columns(estimate, placebo, RATE_MEASURE, inference))
    if min(len(s.placebo.before), len(s.placebo.after)) < MIN_PLACEBO_MONTHS:
        row["placebo_skip"] = placebo_skip(s.placebo, MIN_PLACEBO_MONTHS, "months")
    elif not np.isfinite(placebo.ratio):
        row["placebo_skip"] = (
            "Placebo-start een jaar eerder: geen schatting (geen controlebuurt of te weinig "
            "incidenten). Placebo start one year earlier: no estimate (no control buurt or "
            "too few incidents)."
        )
    row["baseline_excludes"] = window_label(s.skipped)
    if row["pre_trend"]:
        row["caveat"].append(PRE_TREND_CAVEAT)
    return row, table, controls


def cross_fitted_ratio(
    s: Comparison, counts: MonthlyCounts, folds: list[list[str]], w: Windows
) -> RateRatio:
    """Mean log ratio over the folds: fold ``f``'s controls compared on the other months
    (on all months without cross-fitting)."""
    fits = []
    months = np.array(w.before + w.after, dtype=int)
    after = np.isin(months, w.after)
    for f, controls in enumerate(folds):
        compared = (months % FOLDS != f) if s.cross_fit else np.ones(len(months), dtype=bool)
        # the buurt first, then its controls; a month outside the counts counts 0
        own = [s.row] if s.row is not None else []
        group = counts.window(months[compared], fill=0.0, rows=[*own, *s.buurten.rows(controls)])
        if s.row is None:
            group = np.vstack([np.zeros((1, group.shape[1])), group])
        fits.append(ratio_of_counts(group, 0, after[compared], s.confidence))
    return cross_fitted(fits, s.confidence)
