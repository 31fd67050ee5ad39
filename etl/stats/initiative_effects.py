"""Before/after comparisons of citizen initiatives (methods §7).

:mod:`etl.stats.initiatives` reads the inputs and writes the tables; this module
computes, per initiative,

- ``initiative_effects``: per outcome a before/after comparison of the
  initiative's buurt with matched control buurten (K = ``initiative_controls``).

  *Incident outcomes* (all incidents; woninginbraak for surveillance and
  information initiatives) are compared as a **ratio of rate ratios on counts**:
  the Poisson GLM with buurt and month effects of :mod:`etl.stats.rate_ratio`
  on the monthly counts of up to 24 months before the start month and 24 after
  it (the start month counts as neither; at least 6 months a side).  A control
  buurt's months count only while it lies outside the area and ring of every
  active initiative (of any type; :func:`initiative_months`): the GLM leaves the
  other months out, so a control contributes the months in which it is clean.
  ``estimate`` is the ratio (0.5 = the rate halved relative to the controls),
  ``ci_low``/``ci_high`` its interval from the model (quasi-Poisson: the
  Pearson dispersion, at least 1, and a t quantile; column ``inference``), not a
  normal approximation over K control means.  Beside it, a **placebo**: the same
  comparison with a start one year earlier (windows up to 24 months before the
  placebo start and the months between it and the real start, at least
  :data:`MIN_PLACEBO_MONTHS` a side, the same controls).  A placebo interval
  that excludes 1 (``pre_trend``) says the buurt was already moving away from
  its controls before the initiative: the estimate is then not to be read as an
  effect.  Without a placebo, ``placebo_skip`` says why.

  **Cross-fitted controls** (``initiative_cross_fit``, default on): the months
  are split into two folds (odd and even month numbers).  Fold f's controls
  are the K nearest on the baseline of fold f's before-months and are compared
  with the buurt on the *other* fold's months; the estimate is the mean of the
  two folds' log ratios (:func:`etl.stats.rate_ratio.cross_fitted`).  Matching
  on the very counts a comparison uses picks buurten that are high by chance;
  they fall back afterwards (regression to the mean in the controls) and hide
  a real fall.  On the demo, matching on the whole before-window gave 0.69
  [0.42, 1.13] for a planted halving; cross-fitted 0.53 [0.32, 0.89].  Off:
  one set matched and compared on all months (methods §7 read literally).

  *Perceived unsafety* (survey shares) pools the waves before the start year
  against those after it (the start year's wave counts as neither) and reports
  the difference in differences of the weighted shares in points, with a normal
  interval on the shares' sampling errors (respondents; the controls' spread
  when larger).  Its placebo compares the waves before the year before the
  start with the wave of that year (same series, at least ``min_survey_n``
  respondents); with annual waves a start in the second wave's year has none
  (``placebo_skip`` says so).

  Controls: land buurten with a denominator of at least ``min_inhabitants``,
  never the initiative's buurt or ring, **outside the area and ring of every
  initiative** (of any type) while it is active: for incidents month by month
  (above), at least 6 clean months a side; for the survey wave by wave (a wave
  counts for a control only when no initiative with the control in its area or
  ring was active in that year; at least ``min_survey_n`` respondents in its
  clean waves each side).  The K nearest on the
  **outcome's own baseline** and the context index in the last year before the
  start, each divided by its standard deviation over the populated buurten; ties
  by code.  The incident baseline is smoothed by empirical Bayes, so a few
  incidents in a small buurt do not make it look like a high-rate buurt.

  A declared **series break** (``[periods] series_breaks``) is never crossed:
  every window (placebo included) is clipped to the series of the start month,
  and ``series_break`` names the break that clipped it.  A **wave** before the
  start (woninginbraak or all incidents in the 3, else the 2, months before the start
  month above 1.5 times the buurt's own monthly mean over the months before them, and
  beyond Poisson chance: :func:`~etl.stats.initiative_methods.is_wave`) is named
  in the caveat, and its months are left out of the baseline of every incident
  comparison of that initiative (``baseline_excludes``): a fall after a wave is
  regression to the mean, not an effect, nor displacement.  Every row says: a
  descriptive comparison, not an effect.
- ``initiative_displacement`` rows (:mod:`etl.stats.initiative_displacement`)
  over the same windows.  The ring is the land buurten sharing an edge or
  corner (queen contiguity), or with ``initiative_ring_buffer_m`` those within
  that many metres.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from etl.settings import Settings
from etl.stats import initiative_methods as m
from etl.stats.initiative_displacement import displacement_row
from etl.stats.initiative_windows import (
    FOLDS,
    MIN_PLACEBO_MONTHS,
    MIN_WINDOW_MONTHS,
    WINDOW_MONTHS,
    Windows,
    comparison_windows,
    fold_months,
    initiative_months,
    initiative_years,
    month_range,
    survey_waves_in_series,
    window_label,
)
from etl.stats.rate_ratio import NO_ESTIMATE, RateRatio, cross_fitted, ratio_of_rate_ratios
from etl.stats.rates import empirical_bayes

if TYPE_CHECKING:
    from etl.stats.initiatives import Inputs

#: Types whose comparisons also look at woninginbraak.
BURGLARY_TYPES = ("surveillance", "information")
#: A wave fills the last 3 or the last 2 months before the start; 3 months leave the baseline.
WAVE_MONTHS, WAVE_WINDOWS, WAVE_RATIO = 3, (3, 2), 1.5
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


def _denominators(data: Inputs, year: int, column: str = "denominator") -> pd.Series:
    """Buurt denominators of ``year``, else of the nearest year (earlier on a tie)."""
    pop = data.population.dropna(subset=[column])
    if pop.empty:
        return pd.Series(dtype=float)
    nearest = min(set(pop["period"]), key=lambda p: (abs(p - year), p))
    return pop[pop["period"] == nearest].set_index("area_code")[column]


def _context_before(data: Inputs, year: int) -> pd.Series:
    """Context index of the last year before ``year``, else of the first year with context."""
    periods = sorted(data.context.columns)
    if not periods:
        return pd.Series(dtype=float)
    earlier = [p for p in periods if p < year]
    return data.context[earlier[-1] if earlier else periods[0]]


def _survey_changes(sums: pd.DataFrame, before: list[int], after: list[int]) -> pd.DataFrame:
    """Pooled weighted share (%) per buurt over the waves before and after, and the change."""
    out = pd.DataFrame(index=sums.index.get_level_values(0).unique())
    for side, waves in (("before", before), ("after", after)):
        pooled = sums[sums.index.get_level_values(1).isin(waves)].groupby(level=0).sum()
        pooled = pooled.reindex(out.index)
        value, se = m.share_from_sums(pooled["sw"], pooled["swy"], pooled["sw2"])
        out[f"{side}_value"], out[f"{side}_se"] = value, se
        out[f"{side}_n"] = pooled["n"].fillna(0).to_numpy()
    out["change"] = out["after_value"] - out["before_value"]
    out["se"] = np.sqrt(out["before_se"] ** 2 + out["after_se"] ** 2)
    out["n_min"] = out[["before_n", "after_n"]].min(axis=1)
    return out


def _rate_table(counts: pd.DataFrame, w: Windows, den: pd.Series) -> pd.DataFrame:
    """Per buurt: counts, annualised rates per 1,000 and their change over the windows.

    NaN counts (months that do not count for a buurt) are left out, and each buurt's
    rate uses its own number of counted months; fewer than ``MIN_WINDOW_MONTHS`` on
    a side, or a main window that is too short, gives no rate.
    """
    out = pd.DataFrame(index=counts.index)
    d = den.reindex(counts.index).to_numpy(dtype=float)
    for side, months in (("before", w.before), ("after", w.after)):
        window = counts.reindex(columns=months)
        c = window.sum(axis=1, min_count=0).to_numpy(dtype=float)
        n = window.notna().sum(axis=1).to_numpy(dtype=float)
        enough = (n >= MIN_WINDOW_MONTHS) & w.usable & np.isfinite(d) & (d > 0)
        rate = np.where(enough, c * 12.0 / np.maximum(n, 1) / np.where(d > 0, d, 1) * 1000, np.nan)
        out[f"{side}_count"], out[f"{side}_months"], out[f"{side}_value"] = c, n, rate
    out["change"] = out["after_value"] - out["before_value"]
    return out


def _waves(data: Inputs, code: str, start: int, confidence: float) -> list[str]:
    """Caveats of a wave (burglary or all incidents) in the months before ``start``."""
    notes = []
    for category, (nl, en) in WAVE_NAMES.items():
        counts = data.monthly.get(category)
        if counts is None or code not in counts.index or start not in counts.columns:
            continue
        position = list(counts.columns).index(start)
        for months in WAVE_WINDOWS:
            ratio, recent = m.wave_ratio(counts.loc[code].to_numpy(), position, months)
            if m.is_wave(ratio, recent, WAVE_RATIO, 1 - confidence):
                notes.append(WAVE_CAVEAT.format(nl=nl, en=en, ratio=ratio, months=months))
                break
    return notes


@dataclass
class _Initiative:
    """What the comparisons of one initiative share."""

    ini: tuple
    start_ts: pd.Timestamp
    start: int
    windows: Windows
    placebo: Windows
    skipped: list[int]
    series_break: str | None
    pool: list[str]  # populated buurten outside the area and ring: the possible controls
    populated: pd.Index
    context: pd.Series
    notes: list[str]
    k: int
    confidence: float
    cross_fit: bool


def _pool(data: Inputs, code: str, populated: pd.Index) -> list[str]:
    """Populated buurten outside the area and ring of ``code``.  Those inside the area or
    ring of another initiative count only in its clean months or survey waves (the counts
    and sums of the other months and waves are left out before)."""
    excluded = {code, *data.rings.get(code, [])}
    return [c for c in populated if c not in excluded]


def _controls(s: _Initiative, baseline: pd.Series, eligible) -> list[str]:
    """The K nearest eligible buurten on the outcome's own baseline and the context."""
    features = pd.DataFrame({"context": s.context, "baseline": baseline})
    if s.ini.area_code not in features.index:
        return []
    scale = features.reindex(s.populated).std(ddof=1)
    usable = set(eligible)
    candidates = features.reindex([c for c in s.pool if c in usable])
    return m.nearest_controls(features.loc[s.ini.area_code], candidates, scale, s.k)


def _row(
    s: _Initiative, outcome: str, labels, controls, table: pd.DataFrame, extra, matched=None
) -> dict:
    """The columns every effect row has: identity, windows, descriptive change, controls.

    ``matched``: the control sets compared (the folds), when not ``[controls]``.
    """
    row = table.reindex([s.ini.area_code]).iloc[0]
    mean_c = float(table.reindex(controls)["change"].mean()) if controls else np.nan
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
        "before_area": row["before_value"],
        "after_area": row["after_value"],
        "change_area": row["change"],
        "change_controls": mean_c,
        "difference": row["change"] - mean_c,
        "n_controls": len(controls),
        "controls": ",".join(controls),
        "caveat": caveat,
    }


def _rate_effect(s: _Initiative, category: str, counts: pd.DataFrame, den: pd.Series):
    """Effect row of one incident category, and its rate table (for displacement).

    ``counts`` holds NaN in the months that do not count for a control buurt.
    The controls are cross-fitted (:func:`cross_fitted_controls`); main and
    placebo estimates are the mean of the two folds' log ratios.
    """
    table = _rate_table(counts, s.windows, den)
    eligible = table.index[np.isfinite(table["change"])]
    folds = cross_fitted_controls(s, counts, den, eligible)
    controls = list(dict.fromkeys(c for fold in folds for c in fold))
    extra = []
    if s.windows.usable and min(len(s.windows.before), len(s.windows.after)) < WINDOW_MONTHS:
        extra.append("Korter venster (minder maanden in de reeks). Shorter window.")
    labels = (window_label(s.windows.before), window_label(s.windows.after))
    row = _row(s, f"incident_rate.{category}", labels, controls, table, extra, matched=folds)
    estimate, placebo = NO_ESTIMATE, NO_ESTIMATE
    if s.windows.usable:
        estimate = _cross_fitted_ratio(s, counts, folds, s.windows)
    if min(len(s.placebo.before), len(s.placebo.after)) >= MIN_PLACEBO_MONTHS:
        placebo = _cross_fitted_ratio(s, counts, folds, s.placebo)
    inference = RATE_INFERENCE.format(
        **(CROSS_FIT_INFERENCE if s.cross_fit else {"nl": "", "en": ""})
    )
    row.update(_estimate_columns(estimate, placebo, RATE_MEASURE, inference))
    if min(len(s.placebo.before), len(s.placebo.after)) < MIN_PLACEBO_MONTHS:
        row["placebo_skip"] = _placebo_skip(s.placebo, MIN_PLACEBO_MONTHS, "months")
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


def cross_fitted_controls(
    s: _Initiative, counts: pd.DataFrame, den: pd.Series, eligible
) -> list[list[str]]:
    """The matched controls of each fold: K nearest on the baseline of the fold's months.

    With ``initiative_cross_fit`` fold ``f`` matches on the smoothed rate of the
    before-window months with ``month % 2 == f`` (and the context) and is
    compared on the other months (:func:`_cross_fitted_ratio`).  Matching on the
    very counts a comparison uses picks buurten that are high by chance; they
    fall back afterwards (regression to the mean in the controls) and hide a
    real fall in the initiative's buurt.  On disjoint months the chance that
    made a buurt look similar is not the chance it is compared with.  Without
    cross-fitting: one set, matched on the whole before-window.
    """
    folds = FOLDS if s.cross_fit else 1
    return [
        _controls(
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


def _cross_fitted_ratio(
    s: _Initiative, counts: pd.DataFrame, folds: list[list[str]], w: Windows
) -> RateRatio:
    """Mean log ratio over the folds: fold ``f``'s controls compared on the other months
    (on all months without cross-fitting)."""
    fits = []
    for f, controls in enumerate(folds):
        compared = [mo for mo in w.before + w.after if not s.cross_fit or mo % FOLDS != f]
        group = [s.ini.area_code, *controls]
        fits.append(
            ratio_of_rate_ratios(
                counts.reindex(index=group, columns=compared, fill_value=0),
                s.ini.area_code,
                [mo for mo in w.after if mo in set(compared)],
                s.confidence,
            )
        )
    return cross_fitted(fits, s.confidence)


def smoothed_baseline(
    counts: pd.DataFrame, months: list[int], den: pd.Series, min_months: int
) -> pd.Series:
    """The rate per 1,000 a year over ``months``, smoothed by empirical Bayes.

    Months that do not count for a buurt (NaN) are left out; a buurt with fewer
    than ``min_months`` counted months has no baseline.  The smoothed rate
    (:func:`etl.stats.rates.empirical_bayes`, exposure = denominator x months / 12)
    shrinks the rate of a small buurt towards the city's, so a few incidents do
    not make it look like a high-rate buurt.
    """
    window = counts.reindex(columns=months)
    count = window.sum(axis=1, min_count=1)
    n = window.notna().sum(axis=1)
    exposure = den.reindex(counts.index) * n / 12
    ok = count.notna() & (n >= min_months) & (exposure > 0)
    out = pd.Series(np.nan, index=counts.index)
    if ok.sum() >= 2:
        out[ok[ok].index] = empirical_bayes(count[ok], exposure[ok]) * 1000
    return out


def _placebo_skip(placebo: Windows, minimum: int, unit: str) -> str:
    """Why there is no placebo: too few months (or waves) before or after the placebo start."""
    one_nl, many_nl, one_en, many_en = UNITS[unit]
    before, after = len(placebo.before), len(placebo.after)
    return (
        f"Placebo-start een jaar eerder: {before} {one_nl if before == 1 else many_nl} ervoor "
        f"en {after} erna in de reeks, minimaal {minimum} nodig. "
        f"Placebo start one year earlier: {before} {one_en if before == 1 else many_en} before "
        f"and {after} after it in the series, at least {minimum} needed."
    )


def _estimate_columns(
    estimate: RateRatio, placebo: RateRatio, measure: str, inference: str
) -> dict:
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


@dataclass(frozen=True)
class SurveyWaves:
    """Survey changes per buurt over the waves compared, for the start and the placebo start:
    over all waves (the initiative's own buurt) and over a buurt's clean waves (controls)."""

    changes: pd.DataFrame
    clean: pd.DataFrame
    waves: tuple[list[int], list[int]]
    placebo_changes: pd.DataFrame
    placebo_clean: pd.DataFrame
    placebo_waves: tuple[list[int], list[int]]


def survey_waves(
    sums: pd.DataFrame, clean_sums: pd.DataFrame, waves: list[int], year: int, breaks
) -> SurveyWaves:
    """The waves before and after a start in ``year`` and those of a placebo start a year
    earlier: the waves before that (within the start's series) against the wave of that year.

    ``clean_sums`` holds only the waves in which a buurt lay outside the area and ring of
    every active initiative (the waves that count for a control)."""
    before, after = survey_waves_in_series(waves, year, breaks)
    placebo = ([w for w in before if w < year - 1], [w for w in before if w == year - 1])
    return SurveyWaves(
        _survey_changes(sums, before, after),
        _survey_changes(clean_sums, before, after),
        (before, after),
        _survey_changes(sums, *placebo),
        _survey_changes(clean_sums, *placebo),
        placebo,
    )


def _own_and_clean(changes: pd.DataFrame, clean: pd.DataFrame, code: str) -> pd.DataFrame:
    """Controls' changes over their clean waves, the initiative's buurt over all its waves."""
    out = clean.reindex(clean.index.union([code]))
    if code in changes.index:
        out.loc[code] = changes.loc[code]
    return out


def _survey_effect(s: _Initiative, sw: SurveyWaves, labels, min_n: int) -> dict:
    """Effect row of perceived unsafety: difference in differences of shares, and its placebo."""
    sv = _own_and_clean(sw.changes, sw.clean, s.ini.area_code)
    enough = sv.index[sv["n_min"] >= min_n]
    extra = []
    if s.ini.area_code not in enough:
        sv.loc[s.ini.area_code, ["change", "se"]] = np.nan
        extra.append(
            f"Geen meting voor of na, of minder dan {min_n} respondenten. "
            f"No survey wave before or after, or fewer than {min_n} respondents."
        )
    controls = _controls(s, sv["before_value"], enough)
    row = _row(s, "unsafe_own_buurt", labels, controls, sv, extra)
    diff, low, high = _share_difference(s, sv, controls, min_n)
    row.update(
        {
            "measure": SHARE_MEASURE,
            "inference": SHARE_INFERENCE,
            "estimate": diff,
            "ci_low": low,
            "ci_high": high,
            "baseline_excludes": None,
        }
    )
    placebo = Windows(*sw.placebo_waves)
    p_diff, p_low, p_high = _share_difference(
        s, _own_and_clean(sw.placebo_changes, sw.placebo_clean, s.ini.area_code), controls, min_n
    )
    if not (placebo.before and placebo.after):
        row["placebo_skip"] = _placebo_skip(placebo, 1, "waves")
    elif not np.isfinite(p_diff):
        row["placebo_skip"] = (
            f"Placebo-start een jaar eerder: minder dan {min_n} respondenten in de buurt of "
            f"geen controlebuurt met {min_n}. Placebo start one year earlier: fewer than "
            f"{min_n} respondents in the buurt, or no control buurt with {min_n}."
        )
    else:
        row.update(
            {
                "placebo_estimate": p_diff,
                "placebo_ci_low": p_low,
                "placebo_ci_high": p_high,
                "pre_trend": bool(p_low > 0 or p_high < 0),
            }
        )
        if row["pre_trend"]:
            row["caveat"].append(PRE_TREND_CAVEAT)
    return row


def _share_difference(s: _Initiative, sv: pd.DataFrame, controls, min_n: int):
    """Difference in differences of the buurt's share with its controls' (those with
    ``min_n`` respondents a side); NaN when the buurt itself has fewer."""
    enough = sv[sv["n_min"] >= min_n]
    if s.ini.area_code not in enough.index:
        return np.nan, np.nan, np.nan
    area = enough.loc[s.ini.area_code]
    ch = enough.reindex([c for c in controls if c in enough.index])
    diff, low, high, _, _ = m.difference_in_differences(
        area["change"], area["se"], ch["change"], ch["se"], s.confidence
    )
    return diff, low, high


def comparisons(data: Inputs, settings: Settings, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of initiative_effects and initiative_displacement (see module docstring)."""
    land = data.areas[(data.areas["level"] == "buurt") & ~data.areas["is_water"].fillna(False)]
    sums = m.survey_sums(data.survey, "unsafe_own_buurt")
    waves = sorted(set(data.survey["period"]))
    breaks = list(data.breaks)
    survey: dict[int, SurveyWaves] = {}
    months = sorted({c for frame in data.monthly.values() for c in frame.columns})
    covered = initiative_months(data.initiatives, data.rings, land["code"], months)
    busy = initiative_years(data.initiatives, data.rings, land["code"], waves)
    in_wave = [
        bool(busy.at[code, wave]) if code in busy.index else False for code, wave in sums.index
    ]
    clean_sums = sums[~np.asarray(in_wave, dtype=bool)]
    effects, displaced = [], []
    for ini in data.initiatives.itertuples(index=False):
        year = pd.Timestamp(ini.start_date).year
        if year not in survey:
            survey[year] = survey_waves(sums, clean_sums, waves, year, breaks)
        rows, moved = _compare_initiative(
            data, settings, k, ini, land["code"].tolist(), survey[year], covered
        )
        effects += rows
        displaced += moved
    effects_frame = pd.DataFrame(effects)
    if len(effects_frame):
        effects_frame["caveat"] = [" ".join(c) for c in effects_frame["caveat"]]
    return effects_frame, pd.DataFrame(displaced)


def _compare_initiative(
    data: Inputs,
    settings: Settings,
    k: int,
    ini: tuple,
    land: list[str],
    sw: SurveyWaves,
    covered: pd.DataFrame,
) -> tuple[list[dict], list[dict]]:
    """Effect rows (survey, incident categories) and displacement rows of one initiative."""
    start_ts = pd.Timestamp(ini.start_date)
    start = m.month_number(start_ts.year, start_ts.month)
    den = _denominators(data, start_ts.year).reindex(land)
    populated = den.index[den >= settings.min_inhabitants]
    has_rate = set(populated)
    ring = [c for c in data.rings.get(ini.area_code, []) if c in has_rate]
    wave_notes = _waves(data, ini.area_code, start, settings.confidence)
    skipped = month_range(start - WAVE_MONTHS, start - 1) if wave_notes else []
    windows, placebo, bounding = comparison_windows(data.monthly, data.breaks, start, skipped)
    notes = [CAVEAT, *wave_notes]
    if bounding:
        notes.append(BREAK_CAVEAT.format(b=bounding))
    s = _Initiative(
        ini=ini,
        start_ts=start_ts,
        start=start,
        windows=windows,
        placebo=placebo,
        skipped=skipped,
        series_break=bounding,
        pool=_pool(data, ini.area_code, populated),
        populated=populated,
        context=_context_before(data, start_ts.year).reindex(land),
        notes=notes,
        k=k,
        confidence=settings.confidence,
        cross_fit=settings.initiative_cross_fit,
    )
    labels = tuple(",".join(map(str, w)) for w in sw.waves)
    effects = [_survey_effect(s, sw, labels, settings.min_survey_n)]
    categories = ["total"]
    if ini.type in BURGLARY_TYPES and "woninginbraak" in data.monthly:
        categories.append("woninginbraak")
    displaced = []
    for category in categories:
        counts = data.monthly.get(category)
        if counts is None or counts.empty:
            continue
        own = [ini.area_code, *ring]
        masked = counts.where(~covered.reindex_like(counts).fillna(False).astype(bool))
        masked.loc[[c for c in own if c in masked.index]] = counts.loc[
            [c for c in own if c in counts.index]
        ]
        row, table, controls = _rate_effect(s, category, masked, den)
        effects.append(row)
        displaced.append(
            displacement_row(
                table,
                den,
                ini.area_code,
                ring,
                [c for c in s.pool if np.isfinite(table["change"].get(c, np.nan))],
                {
                    "initiative_id": ini.initiative_id,
                    "category": category,
                    "change_area": row["change_area"],
                    "change_controls": row["change_controls"],
                    "baseline_excludes": window_label(skipped),
                    "ring_method": data.ring_method,
                },
            )
        )
    return effects, displaced
