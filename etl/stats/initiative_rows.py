"""The rows of ``initiative_effects``: columns, texts and the parts every row shares (methods §7).

The texts of a row (caveats, how its interval was computed, why there is no
placebo) are in Dutch and English, as everything a user reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from etl.stats.initiative_windows import Windows
from etl.stats.rate_ratio import RateRatio

if TYPE_CHECKING:
    from etl.stats.initiative_matching import Comparison

RATE_MEASURE = "ratio of rate ratios (Poisson GLM, buurt and month effects)"
SHARE_MEASURE = "difference in differences of shares (points)"
#: How the interval of each kind of row is computed (column ``inference``), Dutch and English.
RATE_INFERENCE = (
    "Interval van het model: quasi-Poisson-GLM (Pearson-dispersie, minstens 1; t op de "
    "resterende vrijheidsgraden){nl}. Interval from the model: quasi-Poisson GLM (Pearson "
    "dispersion, at least 1; t on the residual degrees of freedom){en}."
)
CROSS_FIT_INFERENCE = {
    "nl": "; gemiddelde van twee helften van de maanden, controles kruislings gekozen",
    "en": "; mean of two folds of months, controls cross-fitted",
}
SHARE_INFERENCE = (
    "Normale benadering: steekproeffout van de buurt plus de grootste van de spreiding en de "
    "steekproeffout van de controles. Normal approximation: the buurt's sampling error plus "
    "the larger of the controls' spread and their sampling error."
)
#: Singular and plural of the units of a window, Dutch and English.
UNITS = {
    "months": ("maand", "maanden", "month", "months"),
    "waves": ("meting", "metingen", "wave", "waves"),
}
CAVEAT = (
    "Beschrijvende vergelijking met vergelijkbare buurten, geen causaal effect. "
    "Descriptive comparison with matched buurten, not a causal effect."
)
WAVE_CAVEAT = (
    "Voorafgegaan door een {nl} ({ratio:.1f}x het eigen maandgemiddelde in de {months} maanden "
    "voor de start): een daling daarna kan deels regressie naar het gemiddelde zijn; "
    "de 3 maanden voor de start tellen niet mee in de uitgangswaarde. "
    "Preceded by a {en} ({ratio:.1f}x the buurt's own monthly mean in the {months} months "
    "before the start): a fall afterwards may partly be regression to the mean; "
    "the 3 months before the start are left out of the baseline."
)
PRE_TREND_CAVEAT = (
    "Placebo-start een jaar eerder wijkt al af van de controles: geen effect af te lezen. "
    "A placebo start one year earlier already departs from the controls: no effect to read."
)
BREAK_CAVEAT = (
    "Venster ingekort tot de reeks rond de start (trendbreuk {b}). "
    "Window clipped to the series around the start (series break {b})."
)
WAVE_NAMES = {
    "woninginbraak": ("inbraakgolf", "burglary wave"),
    "total": ("piek in incidenten", "peak in incidents"),
}

EFFECT_COLUMNS = {
    "initiative_id": "text",
    "type": "text",
    "area_code": "text",
    "start_date": "date",
    "outcome": "text",
    "before_period": "text",
    "after_period": "text",
    "baseline_excludes": "text",
    "series_break": "text",
    "before_area": "double",
    "after_area": "double",
    "change_area": "double",
    "change_controls": "double",
    "difference": "double",
    "measure": "text",
    "inference": "text",
    "estimate": "double",
    "ci_low": "double",
    "ci_high": "double",
    "dispersion": "double",
    "placebo_estimate": "double",
    "placebo_ci_low": "double",
    "placebo_ci_high": "double",
    "pre_trend": "boolean",
    "placebo_skip": "text",
    "n_controls": "integer",
    "controls": "text",
    "caveat": "text",
}


def effect_row(
    s: Comparison,
    outcome: str,
    labels,
    controls: list[str],
    own: tuple[float, float, float],
    control_changes: np.ndarray,
    extra: list[str],
    matched: list[list[str]] | None = None,
) -> dict:
    """The columns every effect row has: identity, windows, descriptive change, controls.

    ``own``: the buurt's value before, after and its change; ``control_changes``:
    the change of each control (in the order of ``controls``); ``matched``: the
    control sets compared (the folds), when not ``[controls]``.
    """
    before, after, change = own
    mean_c = _mean(control_changes) if controls else np.nan
    caveat = [*s.notes, *extra]
    fewest = min(len(c) for c in (matched or [controls]))
    if fewest < s.k:
        caveat.append(f"{fewest} van {s.k} controlebuurten. {fewest} of {s.k} control buurten.")
    return {
        "initiative_id": s.ini.initiative_id,
        "type": s.ini.type,
        "area_code": s.ini.area_code,
        "start_date": s.start_ts.date(),
        "outcome": outcome,
        "before_period": labels[0],
        "after_period": labels[1],
        "series_break": s.series_break,
        "before_area": before,
        "after_area": after,
        "change_area": change,
        "change_controls": mean_c,
        "difference": change - mean_c,
        "n_controls": len(controls),
        "controls": ",".join(controls),
        "caveat": caveat,
    }


def _mean(values: np.ndarray) -> float:
    """Mean of the values present (as pandas: the sum with missing ones as 0, over the count)."""
    present = ~np.isnan(values)
    count = present.sum()
    return float(np.where(present, values, 0.0).sum() / count) if count else np.nan


def placebo_skip(placebo: Windows, minimum: int, unit: str) -> str:
    """Why there is no placebo: too few months (or waves) before or after the placebo start."""
    one_nl, many_nl, one_en, many_en = UNITS[unit]
    before, after = len(placebo.before), len(placebo.after)
    return (
        f"Placebo-start een jaar eerder: {before} {one_nl if before == 1 else many_nl} ervoor "
        f"en {after} erna in de reeks, minimaal {minimum} nodig. "
        f"Placebo start one year earlier: {before} {one_en if before == 1 else many_en} before "
        f"and {after} after it in the series, at least {minimum} needed."
    )


def estimate_columns(estimate: RateRatio, placebo: RateRatio, measure: str, inference: str) -> dict:
    pre_trend = placebo.excludes_no_change if np.isfinite(placebo.ratio) else None
    return {
        "measure": measure,
        "inference": inference,
        "estimate": estimate.ratio,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "dispersion": estimate.dispersion,
        "placebo_estimate": placebo.ratio,
        "placebo_ci_low": placebo.ci_low,
        "placebo_ci_high": placebo.ci_high,
        "pre_trend": pre_trend,
    }
