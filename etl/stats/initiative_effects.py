"""Before/after comparisons of citizen initiatives and displacement (methods §7).

:mod:`etl.stats.initiatives` reads the inputs and writes the tables; this module
computes, per initiative,

- ``initiative_effects``: per outcome a before/after comparison of the
  initiative's buurt with K matched control buurten (K = ``initiative_controls``).

  *Incident outcomes* (all incidents; woninginbraak for surveillance and
  information initiatives) are compared as a **ratio of rate ratios on counts**:
  the Poisson GLM with buurt and month effects of :mod:`etl.stats.rate_ratio`
  on the monthly counts of up to 24 months before the start month and 24 after
  it (the start month counts as neither; at least 6 months a side).  A control
  buurt's months count only while it lies outside the area and ring of every
  active initiative (of any type; :func:`initiative_months`): the GLM leaves the
  other months out, so a control contributes the months in which it is clean.
  ``estimate`` is the ratio (0.5 = the rate halved relative to the controls),
  ``ci_low``/``ci_high`` its interval from the model (quasi-Poisson), not a
  normal approximation over K control means.  Beside it, a **placebo**: the same
  model with a start one year earlier (windows up to 12 months before the
  placebo start and the months between it and the real start, at least
  :data:`MIN_PLACEBO_MONTHS` a side, the same controls).  A placebo interval
  that excludes 1 (``pre_trend``) says the buurt was already moving away from
  its controls before the initiative: the estimate is then not to be read as an
  effect.

  *Perceived unsafety* (survey shares) pools the waves before the start year
  against those after it (the start year's wave counts as neither) and reports
  the difference in differences of the weighted shares in points, with a normal
  interval on the shares' sampling errors (respondents, not control means); no
  placebo (one wave a year leaves no wave between a placebo start and the start).

  Controls: land buurten with a denominator of at least ``min_inhabitants``,
  never the initiative's buurt or ring, **outside the area and ring of every
  initiative** (of any type) while it is active: for incidents month by month
  (above), at least 6 clean months a side; for the survey over the waves compared
  (and at least ``min_survey_n`` respondents each side).  The K nearest on the
  **outcome's own baseline** and the context index in the last year before the
  start, each divided by its standard deviation over the populated buurten; ties
  by code.  The incident baseline is the before-window rate smoothed by empirical
  Bayes: matching on raw rates picks small buurten that are high by chance and
  fall back afterwards (regression to the mean in the controls).

  A declared **series break** (``[periods] series_breaks``) is never crossed:
  every window (placebo included) is clipped to the series of the start month,
  and ``series_break`` names the break that clipped it.  A **wave** before the
  start (woninginbraak or all incidents in the 3 months before the start month
  above 1.5 times the buurt's own monthly mean over the other months, and beyond
  Poisson chance: :func:`~etl.stats.initiative_methods.is_wave`) is named in the
  caveat, and its months are left out of the baseline of every incident
  comparison of that initiative (``baseline_excludes``): a fall after a wave is
  regression to the mean, not an effect, nor displacement.  Every row says: a
  descriptive comparison, not an effect.
- ``initiative_displacement``: per incident category the change (per 1,000) in
  the buurt, in its ring (pooled: the ring's counts over its denominators), the
  matched controls' mean change and the pooled change of the whole comparison
  pool, with the relative changes, over the same windows (without the wave's
  months).  The ring is the land buurten sharing an edge or corner (queen
  contiguity), or with ``initiative_ring_buffer_m`` those within that many
  metres.  The flag (:func:`~etl.stats.initiative_methods.displacement_flag`)
  compares relative changes with the pool.  A screening flag, not a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from etl.settings import Settings
from etl.stats import initiative_methods as m
from etl.stats.change import period_key
from etl.stats.rate_ratio import NO_ESTIMATE, RateRatio, ratio_of_rate_ratios
from etl.stats.rates import empirical_bayes

if TYPE_CHECKING:
    from etl.stats.initiatives import Inputs

#: Types whose comparisons also look at woninginbraak.
BURGLARY_TYPES = ("surveillance", "information")
WINDOW_MONTHS = 24
MIN_WINDOW_MONTHS = 6
PLACEBO_SHIFT_MONTHS = 12
MIN_PLACEBO_MONTHS = 4
WAVE_MONTHS, WAVE_RATIO = 3, 1.5
DISPLACEMENT_MIN_RELATIVE, DISPLACEMENT_MIN_COUNT = 0.10, 20
RATE_MEASURE = "ratio of rate ratios (Poisson GLM, buurt and month effects)"
SHARE_MEASURE = "difference in differences of shares (points)"
CAVEAT = (
    "Beschrijvende vergelijking met vergelijkbare buurten, geen causaal effect. "
    "Descriptive comparison with matched buurten, not a causal effect."
)
WAVE_CAVEAT = (
    "Voorafgegaan door een {nl} ({ratio:.1f}x het eigen maandgemiddelde in de 3 maanden "
    "voor de start): een daling daarna kan deels regressie naar het gemiddelde zijn; "
    "die maanden tellen niet mee in de uitgangswaarde. "
    "Preceded by a {en} ({ratio:.1f}x the buurt's own monthly mean in the 3 months "
    "before the start): a fall afterwards may partly be regression to the mean; "
    "those months are left out of the baseline."
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
    "estimate": "double",
    "ci_low": "double",
    "ci_high": "double",
    "dispersion": "double",
    "placebo_estimate": "double",
    "placebo_ci_low": "double",
    "placebo_ci_high": "double",
    "pre_trend": "boolean",
    "n_controls": "integer",
    "controls": "text",
    "caveat": "text",
}
DISPLACEMENT_COLUMNS = {
    "initiative_id": "text",
    "category": "text",
    "change_area": "double",
    "change_ring": "double",
    "change_controls": "double",
    "change_pool": "double",
    "relative_area": "double",
    "relative_ring": "double",
    "relative_pool": "double",
    "baseline_excludes": "text",
    "ring": "text",
    "ring_method": "text",
    "flag_displacement": "boolean",
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


def break_months(breaks) -> list[int]:
    """Month numbers at which a series starts: 'YYYY' -> January, 'YYYY-MM' -> that month."""
    out = []
    for b in map(str, breaks):
        year, _, month = b.partition("-")
        if year.isdigit():
            out.append(m.month_number(int(year), int(month) if month.isdigit() else 1))
    return sorted(out)


def series_bounds(month: int, breaks: list[int], lo: int, hi: int):
    """The series holding ``month`` within the data's months ``lo``..``hi``.

    Returns (first, last, previous break, next break): the first and last month
    of the series, and the break months that bound it (None where the data bound it).
    """
    earlier = [b for b in breaks if lo < b <= month]
    later = [b for b in breaks if month < b <= hi]
    first = max(earlier) if earlier else lo
    last = min(later) - 1 if later else hi
    return first, last, (max(earlier) if earlier else None), (min(later) if later else None)


def survey_waves_in_series(waves: list[int], year: int, breaks) -> tuple[list[int], list[int]]:
    """Survey waves before and after ``year`` within the series of ``year``."""
    keys = [period_key(str(b)) for b in breaks]

    def segment(w: int) -> int:
        return sum(k <= period_key(str(w)) for k in keys)

    same = [w for w in waves if segment(w) == segment(year)]
    return [w for w in same if w < year], [w for w in same if w > year]


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


@dataclass(frozen=True)
class Windows:
    """The months compared: before (without skipped months) and after the start."""

    before: list[int]
    after: list[int]

    @property
    def usable(self) -> bool:
        return min(len(self.before), len(self.after)) >= MIN_WINDOW_MONTHS


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


def initiative_months(
    initiatives: pd.DataFrame, rings: dict[str, list[str]], buurten, months
) -> pd.DataFrame:
    """Buurt x month: True where the buurt lies in the area or ring of an active initiative.

    An initiative is active from its start month to its end month (open-ended
    without an end date).  Such months do not count for a control buurt.
    """
    out = pd.DataFrame(False, index=list(buurten), columns=list(months))
    for ini in initiatives.itertuples(index=False):
        start = pd.Timestamp(ini.start_date)
        first = m.month_number(start.year, start.month)
        end = pd.Timestamp(ini.end_date) if pd.notna(ini.end_date) else None
        last = m.month_number(end.year, end.month) if end is not None else max(months, default=0)
        cols = [c for c in out.columns if first <= c <= last]
        rows = [r for r in {ini.area_code, *rings.get(ini.area_code, [])} if r in out.index]
        out.loc[rows, cols] = True
    return out


def _waves(data: Inputs, code: str, start: int, confidence: float) -> list[str]:
    """Caveats of a wave (burglary or all incidents) in the months before ``start``."""
    notes = []
    for category, (nl, en) in WAVE_NAMES.items():
        counts = data.monthly.get(category)
        if counts is None or code not in counts.index or start not in counts.columns:
            continue
        position = list(counts.columns).index(start)
        ratio, recent = m.wave_ratio(counts.loc[code].to_numpy(), position, WAVE_MONTHS)
        if m.is_wave(ratio, recent, WAVE_RATIO, 1 - confidence):
            notes.append(WAVE_CAVEAT.format(nl=nl, en=en, ratio=ratio))
    return notes


def _window_label(months: list[int]) -> str | None:
    """``'YYYY-MM/YYYY-MM'``, or None for an empty window."""
    return f"{m.month_label(min(months))}/{m.month_label(max(months))}" if months else None


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
    pools: dict[str, list[str]]  # eligible controls of the survey and incident comparisons
    populated: pd.Index
    context: pd.Series
    notes: list[str]
    k: int
    confidence: float


def _pool(data: Inputs, code: str, populated: pd.Index, span) -> list[str]:
    """Populated buurten outside the area and ring of ``code`` and of every initiative
    (of any type) active at some moment of ``span`` (first, last day)."""
    excluded = {code, *data.rings.get(code, [])}
    if span is not None:
        others = data.initiatives
        active = m.active_between(others["start_date"], others["end_date"], *span)
        for other in others.loc[active, "area_code"]:
            excluded |= {other, *data.rings.get(other, [])}
    return [c for c in populated if c not in excluded]


def _controls(s: _Initiative, baseline: pd.Series, eligible, kind: str) -> list[str]:
    """The K nearest eligible buurten on the outcome's own baseline and the context."""
    features = pd.DataFrame({"context": s.context, "baseline": baseline})
    if s.ini.area_code not in features.index:
        return []
    scale = features.reindex(s.populated).std(ddof=1)
    usable = set(eligible)
    candidates = features.reindex([c for c in s.pools[kind] if c in usable])
    return m.nearest_controls(features.loc[s.ini.area_code], candidates, scale, s.k)


def _row(s: _Initiative, outcome: str, labels, controls, table: pd.DataFrame, extra) -> dict:
    """The columns every effect row has: identity, windows, descriptive change, controls."""
    row = table.reindex([s.ini.area_code]).iloc[0]
    mean_c = float(table.reindex(controls)["change"].mean()) if controls else np.nan
    caveat = [*s.notes, *extra]
    if len(controls) < s.k:
        caveat.append(
            f"{len(controls)} van {s.k} controlebuurten. {len(controls)} of {s.k} control buurten."
        )
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
    """
    table = _rate_table(counts, s.windows, den)
    eligible = table.index[np.isfinite(table["change"])]
    controls = _controls(s, smoothed_baseline(table, den), eligible, "incidents")
    extra = []
    if s.windows.usable and min(len(s.windows.before), len(s.windows.after)) < WINDOW_MONTHS:
        extra.append("Korter venster (minder maanden in de reeks). Shorter window.")
    labels = (_window_label(s.windows.before), _window_label(s.windows.after))
    row = _row(s, f"incident_rate.{category}", labels, controls, table, extra)
    group = [s.ini.area_code, *controls]
    estimate, placebo = NO_ESTIMATE, NO_ESTIMATE
    if s.windows.usable:
        months = s.windows.before + s.windows.after
        estimate = ratio_of_rate_ratios(
            counts.reindex(index=group, columns=months, fill_value=0),
            s.ini.area_code,
            s.windows.after,
            s.confidence,
        )
    if min(len(s.placebo.before), len(s.placebo.after)) >= MIN_PLACEBO_MONTHS:
        placebo = ratio_of_rate_ratios(
            counts.reindex(index=group, columns=s.placebo.before + s.placebo.after, fill_value=0),
            s.ini.area_code,
            s.placebo.after,
            s.confidence,
        )
    row.update(_estimate_columns(estimate, placebo, RATE_MEASURE))
    row["baseline_excludes"] = _window_label(s.skipped)
    if row["pre_trend"]:
        row["caveat"].append(PRE_TREND_CAVEAT)
    return row, table, controls


def smoothed_baseline(table: pd.DataFrame, den: pd.Series) -> pd.Series:
    """The before-window rate per 1,000 a year, smoothed by empirical Bayes.

    Matching on the raw rate would pick small buurten whose rate is high by
    chance; they fall back afterwards (regression to the mean) and hide a real
    fall in the initiative's buurt.  The smoothed rate
    (:func:`etl.stats.rates.empirical_bayes`, exposure = denominator x months / 12)
    shrinks such rates towards the city's.
    """
    exposure = den.reindex(table.index) * table["before_months"] / 12
    ok = np.isfinite(table["before_value"]) & (exposure > 0)
    out = pd.Series(np.nan, index=table.index)
    if ok.sum() >= 2:
        rate = empirical_bayes(table.loc[ok, "before_count"], exposure[ok])
        out[ok[ok].index] = rate * 1000
    return out


def _estimate_columns(estimate: RateRatio, placebo: RateRatio, measure: str) -> dict:
    pre_trend = placebo.excludes_no_change if np.isfinite(placebo.ratio) else None
    return {
        "measure": measure,
        "estimate": estimate.ratio,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "dispersion": estimate.dispersion,
        "placebo_estimate": placebo.ratio,
        "placebo_ci_low": placebo.ci_low,
        "placebo_ci_high": placebo.ci_high,
        "pre_trend": pre_trend,
    }


def _survey_effect(s: _Initiative, sv: pd.DataFrame, labels, min_n: int) -> dict:
    """Effect row of perceived unsafety: difference in differences of shares."""
    enough = sv.index[sv["n_min"] >= min_n]
    extra = []
    if s.ini.area_code not in enough:
        sv.loc[s.ini.area_code, ["change", "se"]] = np.nan
        extra.append(
            f"Geen meting voor of na, of minder dan {min_n} respondenten. "
            f"No survey wave before or after, or fewer than {min_n} respondents."
        )
    controls = _controls(s, sv["before_value"], enough, "survey")
    row = _row(s, "unsafe_own_buurt", labels, controls, sv, extra)
    area = sv.reindex([s.ini.area_code]).iloc[0]
    ch = sv.reindex(controls)
    diff, low, high, _, _ = m.difference_in_differences(
        area["change"], area["se"], ch["change"], ch["se"], s.confidence
    )
    row.update(
        {
            "measure": SHARE_MEASURE,
            "estimate": diff,
            "ci_low": low,
            "ci_high": high,
            "baseline_excludes": None,
        }
    )
    return row


def _pooled(table: pd.DataFrame, codes: list[str], den: pd.Series) -> dict:
    """Pooled counts, change and relative change of a group of buurten.

    Counts are pooled over the months each buurt counted, the denominators
    weighted by those months (buurt-months).
    """
    part = table.reindex(codes)
    d = den.reindex(codes)
    out = {}
    for side in ("before", "after"):
        count = float(part[f"{side}_count"].sum())
        exposure = float((d * part[f"{side}_months"]).sum()) if codes else np.nan
        out[side] = count * 12 / exposure * 1000 if exposure > 0 else np.nan
        out[f"{side}_count"] = count
    relative = out["after"] / out["before"] - 1 if out["before"] > 0 else np.nan
    return {
        "count": out["before_count"],
        "change": out["after"] - out["before"],
        "relative": relative,
    }


def comparisons(data: Inputs, settings: Settings, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of initiative_effects and initiative_displacement (see module docstring)."""
    land = data.areas[(data.areas["level"] == "buurt") & ~data.areas["is_water"].fillna(False)]
    sums = m.survey_sums(data.survey, "unsafe_own_buurt")
    waves = sorted(set(data.survey["period"]))
    breaks = list(data.breaks)
    survey: dict[int, tuple] = {}
    months = sorted({c for frame in data.monthly.values() for c in frame.columns})
    covered = initiative_months(data.initiatives, data.rings, land["code"], months)
    effects, displaced = [], []
    for ini in data.initiatives.itertuples(index=False):
        year = pd.Timestamp(ini.start_date).year
        if year not in survey:
            before_w, after_w = survey_waves_in_series(waves, year, breaks)
            survey[year] = (_survey_changes(sums, before_w, after_w), (before_w, after_w))
        sv, survey_waves = survey[year]
        rows, moved = _compare_initiative(
            data, settings, k, ini, land["code"].tolist(), sv.copy(), survey_waves, covered
        )
        effects += rows
        displaced += moved
    effects_frame = pd.DataFrame(effects)
    if len(effects_frame):
        effects_frame["caveat"] = [" ".join(c) for c in effects_frame["caveat"]]
    return effects_frame, pd.DataFrame(displaced)


def _month_range(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def _windows(data: Inputs, start: int, skipped: list[int]):
    """Main and placebo windows inside the series of the start month, and the break that
    clipped one of them ('YYYY-MM'), if any."""
    if not data.monthly:
        return Windows([], []), Windows([], []), None
    lo = min(f.columns.min() for f in data.monthly.values())
    hi = max(f.columns.max() for f in data.monthly.values())
    first, last, previous, following = series_bounds(start, break_months(data.breaks), lo, hi)
    before = _month_range(max(start - WINDOW_MONTHS, first), start - 1)
    after = _month_range(start + 1, min(start + WINDOW_MONTHS, last))
    fake = start - PLACEBO_SHIFT_MONTHS
    placebo = Windows(
        _month_range(max(fake - WINDOW_MONTHS, first), fake - 1) if fake >= first else [],
        _month_range(fake + 1, start - 1) if fake >= first else [],
    )
    clipped = [
        b
        for b, hit in (
            (previous, previous is not None and previous > fake - WINDOW_MONTHS),
            (following, following is not None and following <= start + WINDOW_MONTHS),
        )
        if hit
    ]
    label = ", ".join(m.month_label(b) for b in clipped) or None
    main = Windows([mo for mo in before if mo not in skipped], after)
    return main, placebo, label


def _compare_initiative(
    data: Inputs,
    settings: Settings,
    k: int,
    ini: tuple,
    land: list[str],
    sv: pd.DataFrame,
    survey_waves: tuple[list[int], list[int]],
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
    skipped = _month_range(start - WAVE_MONTHS, start - 1) if wave_notes else []
    windows, placebo, bounding = _windows(data, start, skipped)
    survey_span = (
        (pd.Timestamp(survey_waves[0][0], 1, 1), pd.Timestamp(survey_waves[1][-1], 12, 31))
        if survey_waves[0] and survey_waves[1]
        else None
    )
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
        pools={
            "survey": _pool(data, ini.area_code, populated, survey_span),
            "incidents": _pool(data, ini.area_code, populated, None),
        },
        populated=populated,
        context=_context_before(data, start_ts.year).reindex(land),
        notes=notes,
        k=k,
        confidence=settings.confidence,
    )
    labels = tuple(",".join(map(str, w)) for w in survey_waves)
    effects = [_survey_effect(s, sv, labels, settings.min_survey_n)]
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
        usable = set(table.index[np.isfinite(table["change"])])
        area = _pooled(table, [ini.area_code], den)
        around = _pooled(table, ring, den)
        pool = _pooled(table, [c for c in s.pools["incidents"] if c in usable], den)
        displaced.append(
            {
                "initiative_id": ini.initiative_id,
                "category": category,
                "change_area": row["change_area"],
                "change_ring": around["change"],
                "change_controls": row["change_controls"],
                "change_pool": pool["change"],
                "relative_area": area["relative"],
                "relative_ring": around["relative"],
                "relative_pool": pool["relative"],
                "baseline_excludes": _window_label(skipped),
                "ring": ",".join(ring),
                "ring_method": data.ring_method,
                "flag_displacement": m.displacement_flag(
                    area["relative"],
                    around["relative"],
                    pool["relative"],
                    area["count"],
                    around["count"],
                    DISPLACEMENT_MIN_RELATIVE,
                    DISPLACEMENT_MIN_COUNT,
                ),
            }
        )
    return effects, displaced
