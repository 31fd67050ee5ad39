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

The parts live beside this module: the incident outcomes in
:mod:`etl.stats.initiative_incidents`, the survey outcome in
:mod:`etl.stats.initiative_survey`, the matching in
:mod:`etl.stats.initiative_matching` and the shared row texts in
:mod:`etl.stats.initiative_rows`.  The counts are read once as buurt x month
arrays (:mod:`etl.stats.initiative_panel`), and what every initiative of a start
year shares (denominators, context, survey changes) is computed once per year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from etl.settings import Settings
from etl.stats import initiative_methods as m
from etl.stats.initiative_displacement import displacement_row
from etl.stats.initiative_incidents import BURGLARY_TYPES, WAVE_MONTHS, rate_effect, wave_notes
from etl.stats.initiative_matching import Comparison, pool_of
from etl.stats.initiative_panel import Buurten, MonthlyCounts
from etl.stats.initiative_rows import BREAK_CAVEAT, CAVEAT, EFFECT_COLUMNS
from etl.stats.initiative_survey import SurveyWaves, survey_effect, survey_waves
from etl.stats.initiative_windows import (
    comparison_windows,
    initiative_months,
    initiative_years,
    month_range,
    window_label,
)

if TYPE_CHECKING:
    from etl.stats.initiatives import Inputs

__all__ = ["EFFECT_COLUMNS", "comparisons"]


def denominators(data: Inputs, year: int, column: str = "denominator") -> pd.Series:
    """Buurt denominators of ``year``, else of the nearest year (earlier on a tie)."""
    pop = data.population.dropna(subset=[column])
    if pop.empty:
        return pd.Series(dtype=float)
    nearest = min(set(pop["period"]), key=lambda p: (abs(p - year), p))
    return pop[pop["period"] == nearest].set_index("area_code")[column]


def context_before(data: Inputs, year: int) -> pd.Series:
    """Context index of the last year before ``year``, else of the first year with context."""
    periods = sorted(data.context.columns)
    if not periods:
        return pd.Series(dtype=float)
    earlier = [p for p in periods if p < year]
    return data.context[earlier[-1] if earlier else periods[0]]


class ComparisonInputs:
    """What every comparison reads: the buurten, their counts (as they are and without
    the months in another initiative's area or ring), and per start year the
    denominators, context and survey changes."""

    def __init__(self, data: Inputs, settings: Settings, k: int):
        self.data, self.settings, self.k = data, settings, k
        areas = data.areas
        buurt = areas["level"] == "buurt"
        self.land = areas.loc[buurt & ~areas["is_water"].fillna(False).astype(bool), "code"]
        self.land = self.land.tolist()
        self.buurten = Buurten(areas.loc[buurt, "code"].tolist())
        self.counts = {c: MonthlyCounts.of(f, self.buurten) for c, f in data.monthly.items()}
        months = sorted({c for frame in data.monthly.values() for c in frame.columns})
        covered = initiative_months(data.initiatives, data.rings, self.land, months)
        self.clean = {
            category: counts.without(
                covered.reindex(
                    index=self.buurten.codes, columns=counts.months, fill_value=False
                ).to_numpy(dtype=bool)
            )
            for category, counts in self.counts.items()
        }
        self.sums = m.survey_sums(data.survey, "unsafe_own_buurt")
        self.waves = sorted(set(data.survey["period"]))
        busy = initiative_years(data.initiatives, data.rings, self.land, self.waves)
        busy = busy.stack()
        in_wave = busy.reindex(self.sums.index, fill_value=False).to_numpy(dtype=bool)
        self.clean_sums = self.sums[~in_wave]
        self._years: dict[int, tuple] = {}

    def year(self, year: int) -> tuple[np.ndarray, np.ndarray, SurveyWaves]:
        """Denominators and context per buurt, and the survey changes, of a start in ``year``."""
        if year not in self._years:
            land = self.land
            self._years[year] = (
                self.buurten.align(denominators(self.data, year).reindex(land)),
                self.buurten.align(context_before(self.data, year).reindex(land)),
                survey_waves(
                    self.sums,
                    self.clean_sums,
                    self.waves,
                    year,
                    list(self.data.breaks),
                    self.buurten,
                ),
            )
        return self._years[year]


def comparisons(data: Inputs, settings: Settings, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of initiative_effects and initiative_displacement (see module docstring)."""
    setting = ComparisonInputs(data, settings, k)
    effects, displaced = [], []
    for ini in data.initiatives.itertuples(index=False):
        rows, moved = _compare_initiative(setting, ini)
        effects += rows
        displaced += moved
    effects_frame = pd.DataFrame(effects)
    if len(effects_frame):
        effects_frame["caveat"] = [" ".join(c) for c in effects_frame["caveat"]]
    return effects_frame, pd.DataFrame(displaced)


def comparison_of(setting: ComparisonInputs, ini: tuple) -> Comparison:
    """The windows, controls' pool and caveats of one initiative's comparisons."""
    data, settings, buurten = setting.data, setting.settings, setting.buurten
    start_ts = pd.Timestamp(ini.start_date)
    start = m.month_number(start_ts.year, start_ts.month)
    den, context, _ = setting.year(start_ts.year)
    with np.errstate(invalid="ignore"):
        populated = den >= settings.min_inhabitants
    waves = wave_notes(setting.counts, buurten.row.get(ini.area_code), start, settings.confidence)
    skipped = month_range(start - WAVE_MONTHS, start - 1) if waves else []
    windows, placebo, bounding = comparison_windows(data.monthly, data.breaks, start, skipped)
    notes = [CAVEAT, *waves]
    if bounding:
        notes.append(BREAK_CAVEAT.format(b=bounding))
    return Comparison(
        ini=ini,
        start_ts=start_ts,
        start=start,
        windows=windows,
        placebo=placebo,
        skipped=skipped,
        series_break=bounding,
        buurten=buurten,
        populated=populated,
        pool=pool_of(buurten, populated, ini.area_code, data.rings.get(ini.area_code, [])),
        context=context,
        notes=notes,
        k=setting.k,
        confidence=settings.confidence,
        cross_fit=settings.initiative_cross_fit,
    )


def _compare_initiative(setting: ComparisonInputs, ini: tuple) -> tuple[list[dict], list[dict]]:
    """Effect rows (survey, incident categories) and displacement rows of one initiative."""
    data, buurten = setting.data, setting.buurten
    s = comparison_of(setting, ini)
    den, _, sw = setting.year(s.start_ts.year)
    has_rate = set(buurten.codes_of(s.populated))
    ring = [c for c in data.rings.get(ini.area_code, []) if c in has_rate]
    labels = tuple(",".join(map(str, w)) for w in sw.waves)
    effects = [survey_effect(s, sw, labels, setting.settings.min_survey_n)]
    categories = ["total"]
    if ini.type in BURGLARY_TYPES and "woninginbraak" in data.monthly:
        categories.append("woninginbraak")
    displaced = []
    own = buurten.rows([ini.area_code, *ring])
    for category in categories:
        frame = data.monthly.get(category)
        if frame is None or frame.empty:
            continue
        counts = setting.clean[category].with_rows_of(setting.counts[category], own)
        row, table, _ = rate_effect(s, category, counts, den)
        effects.append(row)
        displaced.append(
            displacement_row(
                table,
                den,
                buurten.rows([ini.area_code]),
                buurten.rows(ring),
                np.flatnonzero(s.pool & np.isfinite(table.change)),
                {
                    "initiative_id": ini.initiative_id,
                    "category": category,
                    "change_area": row["change_area"],
                    "change_controls": row["change_controls"],
                    "baseline_excludes": window_label(s.skipped),
                    "ring": ",".join(ring),
                    "ring_method": data.ring_method,
                },
            )
        )
    return effects, displaced
