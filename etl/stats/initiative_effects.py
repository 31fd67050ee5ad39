"""Before/after comparisons of citizen initiatives and displacement (methods §7).

Split from :mod:`etl.stats.initiatives` (which reads the inputs and writes the
tables): per initiative and outcome,

- ``initiative_effects``: per initiative and outcome a before/after comparison of
  the initiative's buurt with up to K matched control buurten
  (difference-in-differences; K is the setting ``initiative_controls`` when the
  settings have it, else 5).  Perceived unsafety pools the survey waves before
  the start year against those after it (the start year's wave counts as
  neither: fieldwork may fall before or after the start).  Incident rates compare
  the 12 months before the start month with the 12 months after it (the start
  month itself counts as neither), annualised per 1,000 inhabitants (or the
  ``rate_denominator``), over the months with data (at least 6 each side).
  Controls: buurten with a denominator of at least ``min_inhabitants`` and (for
  the survey) at least ``min_survey_n`` respondents in each window, without an
  initiative of the same type active in the compared period, and outside the
  initiative's buurt and its ring (which may receive displaced incidents);
  the K nearest on (context index in the last year before the start, or the
  first year with context; total incident rate in the 12 months before), each
  divided by its standard deviation over the eligible buurten; ties by code.
  The interval is a normal approximation (see
  :func:`~etl.stats.initiative_methods.difference_in_differences`), so a build
  needs no random draws.  Every row carries a caveat: a descriptive
  comparison, not an effect; and a preceding wave (woninginbraak, or all
  incidents, in the 3 months before the start month above 1.5 times the buurt's
  own monthly mean over the other months, and beyond Poisson chance at the
  ``1 - confidence`` level: :func:`~etl.stats.initiative_methods.is_wave`) is
  named, as the fall after it may be regression to the mean.
- ``initiative_displacement``: per initiative and incident category the change
  (per 1,000) in the buurt, in its ring (pooled: the ring's counts over its
  denominators), the matched controls' mean change, and the pooled change of the
  whole comparison pool (every eligible control candidate), with the relative
  changes.  The ring is the land buurten sharing an edge or corner (queen
  contiguity), or with ``initiative_ring_buffer_m`` those within that many
  metres.  The flag (:func:`~etl.stats.initiative_methods.displacement_flag`)
  compares relative changes with the pool rather than the K controls: these are
  matched to the buurt, not to its ring, and five buurten with a dozen burglaries
  a year show no background trend.  A screening flag, not a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from etl.settings import Settings
from etl.stats import initiative_methods as m

if TYPE_CHECKING:
    from etl.stats.initiatives import Inputs

#: Types whose comparisons also look at woninginbraak.
BURGLARY_TYPES = ("surveillance", "information")
CONTROLS = 5
WINDOW_MONTHS = 12
MIN_WINDOW_MONTHS = 6
WAVE_MONTHS, WAVE_RATIO = 3, 1.5
DISPLACEMENT_MIN_RELATIVE, DISPLACEMENT_MIN_COUNT = 0.10, 20
CAVEAT = (
    "Beschrijvende vergelijking met vergelijkbare buurten, geen causaal effect. "
    "Descriptive comparison with matched buurten, not a causal effect."
)
WAVE_CAVEAT = (
    "Voorafgegaan door een {nl} ({ratio:.1f}x het eigen maandgemiddelde in de 3 maanden "
    "voor de start): een daling daarna kan deels regressie naar het gemiddelde zijn. "
    "Preceded by a {en} ({ratio:.1f}x the buurt's own monthly mean in the 3 months "
    "before the start): a fall afterwards may partly be regression to the mean."
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
    "before_area": "double",
    "after_area": "double",
    "change_area": "double",
    "change_controls": "double",
    "difference": "double",
    "ci_low": "double",
    "ci_high": "double",
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


def _rate_changes(data: Inputs, category: str, start: int, den: pd.Series) -> pd.DataFrame:
    """Rates per buurt in the windows around month ``start``, their change and SE.

    The windows (first, last month) are in ``attrs['before']`` and ``attrs['after']``.
    """
    counts = data.monthly.get(category)
    if counts is None or counts.empty:
        return pd.DataFrame()
    lo, hi = counts.columns.min(), counts.columns.max()
    out = pd.DataFrame(index=counts.index)
    d = den.reindex(counts.index).to_numpy(dtype=float)
    for side in ("before", "after"):
        first, last = m.window(start, side, lo, hi, WINDOW_MONTHS)
        n_months = last - first + 1
        c = counts.loc[:, first:last].sum(axis=1).to_numpy(dtype=float)
        rate, se = m.window_rate(c, n_months if n_months >= MIN_WINDOW_MONTHS else 0, d)
        out[f"{side}_count"], out[f"{side}_value"], out[f"{side}_se"] = c, rate, se
        out.attrs[side] = (first, last)
    out["change"] = out["after_value"] - out["before_value"]
    out["se"] = np.sqrt(out["before_se"] ** 2 + out["after_se"] ** 2)
    return out


def _wave_caveats(data: Inputs, code: str, start: int, confidence: float) -> list[str]:
    """The caveats of a preceding burglary wave or incident peak in buurt ``code``."""
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


@dataclass
class _Setting:
    """What the comparisons of one initiative share."""

    ini: tuple
    start: pd.Timestamp
    pool: list[str]
    populated: pd.Index
    context: pd.Series
    notes: list[str]
    k: int
    confidence: float


def _effect_row(
    s: _Setting, outcome: str, table: pd.DataFrame, baseline: pd.Series, eligible, labels, extra
) -> dict:
    """One row of initiative_effects: the area's change against its nearest controls."""
    ini = s.ini
    features = pd.DataFrame({"context": s.context, "baseline": baseline})
    scale = features.reindex(s.populated).std(ddof=1)
    controls = []
    if ini.area_code in features.index:
        usable = set(eligible)
        candidates = features.reindex([c for c in s.pool if c in usable])
        controls = m.nearest_controls(features.loc[ini.area_code], candidates, scale, s.k)
    row = table.reindex([ini.area_code]).iloc[0]
    ch = table.reindex(controls)
    diff, low, high, mean_c, n_c = m.difference_in_differences(
        row["change"], row["se"], ch["change"], ch["se"], s.confidence
    )
    caveat = [*s.notes, *extra]
    if n_c < s.k:
        caveat.append(f"{n_c} van {s.k} controlebuurten. {n_c} of {s.k} control buurten.")
    return {
        "initiative_id": ini.initiative_id,
        "type": ini.type,
        "area_code": ini.area_code,
        "start_date": s.start.date(),
        "outcome": outcome,
        "before_period": labels[0],
        "after_period": labels[1],
        "before_area": row["before_value"],
        "after_area": row["after_value"],
        "change_area": row["change"],
        "change_controls": mean_c,
        "difference": diff,
        "ci_low": low,
        "ci_high": high,
        "n_controls": n_c,
        "controls": ",".join(controls),
        "caveat": " ".join(caveat),
    }


def _pooled(table: pd.DataFrame, codes: list[str], den: pd.Series) -> dict[str, float]:
    """Pooled counts, rate before, change and relative change of a group of buurten."""
    (b0, b1), (a0, a1) = table.attrs["before"], table.attrs["after"]
    counts = table.reindex(codes)[["before_count", "after_count"]].sum()
    d = den.reindex(codes).sum() if codes else np.nan
    before = float(m.window_rate(counts["before_count"], b1 - b0 + 1, d)[0])
    after = float(m.window_rate(counts["after_count"], a1 - a0 + 1, d)[0])
    relative = m.relative_change(
        counts["before_count"], counts["after_count"], b1 - b0 + 1, a1 - a0 + 1
    )
    return {
        "count": float(counts["before_count"]),
        "before": before,
        "change": after - before,
        "relative": relative,
    }


def comparisons(data: Inputs, settings: Settings, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of initiative_effects and initiative_displacement (see module docstring)."""
    land = data.areas[(data.areas["level"] == "buurt") & ~data.areas["is_water"].fillna(False)]
    sums = m.survey_sums(data.survey, "unsafe_own_buurt")
    waves = sorted(set(data.survey["period"]))
    survey: dict[int, pd.DataFrame] = {}
    effects, displaced = [], []
    for ini in data.initiatives.itertuples(index=False):
        year = pd.Timestamp(ini.start_date).year
        before_w = [w for w in waves if w < year]
        after_w = [w for w in waves if w > year]
        if year not in survey:
            survey[year] = _survey_changes(sums, before_w, after_w)
        rows, moved = _compare_initiative(
            data, settings, k, ini, land["code"].tolist(), survey[year].copy(), (before_w, after_w)
        )
        effects += rows
        displaced += moved
    return pd.DataFrame(effects), pd.DataFrame(displaced)


def _window_label(first: int, last: int) -> str | None:
    """``'YYYY-MM/YYYY-MM'``, or None for an empty window."""
    return f"{m.month_label(first)}/{m.month_label(last)}" if first <= last else None


def _compared_period(start: pd.Timestamp, before: list[int], after: list[int]):
    """First and last day of the windows compared (incidents and survey waves)."""
    first = start - pd.DateOffset(months=WINDOW_MONTHS)
    last = start + pd.DateOffset(months=WINDOW_MONTHS + 1)
    if before:
        first = min(first, pd.Timestamp(before[0], 1, 1))
    if after:
        last = max(last, pd.Timestamp(after[-1], 12, 31))
    return first, last


def _compare_initiative(
    data: Inputs,
    settings: Settings,
    k: int,
    ini: tuple,
    land: list[str],
    sv: pd.DataFrame,
    waves: tuple[list[int], list[int]],
) -> tuple[list[dict], list[dict]]:
    """Effect rows (survey, incident categories) and displacement rows of one initiative."""
    start_ts = pd.Timestamp(ini.start_date)
    start = m.month_number(start_ts.year, start_ts.month)
    den = _denominators(data, start_ts.year).reindex(land)
    populated = den.index[den >= settings.min_inhabitants]
    has_rate = set(populated)
    ring = [c for c in data.rings.get(ini.area_code, []) if c in has_rate]
    first, last = _compared_period(start_ts, *waves)
    same = data.initiatives[data.initiatives["type"] == ini.type]
    active = m.active_between(same["start_date"], same["end_date"], first, last)
    excluded = {ini.area_code, *data.rings.get(ini.area_code, []), *same.loc[active, "area_code"]}
    s = _Setting(
        ini=ini,
        start=start_ts,
        pool=[c for c in populated if c not in excluded],
        populated=populated,
        context=_context_before(data, start_ts.year).reindex(land),
        notes=[CAVEAT, *_wave_caveats(data, ini.area_code, start, settings.confidence)],
        k=k,
        confidence=settings.confidence,
    )
    rates = {"total": _rate_changes(data, "total", start, den)}
    if ini.type in BURGLARY_TYPES and "woninginbraak" in data.monthly:
        rates["woninginbraak"] = _rate_changes(data, "woninginbraak", start, den)
    total = rates["total"]
    total_before = total["before_value"] if len(total) else pd.Series(np.nan, index=land)

    enough = sv.index[sv["n_min"] >= settings.min_survey_n]
    extra = []
    if ini.area_code not in enough:
        sv.loc[ini.area_code, ["change", "se"]] = np.nan
        extra.append(
            f"Geen meting voor of na, of minder dan {settings.min_survey_n} respondenten. "
            f"No survey wave before or after, or fewer than {settings.min_survey_n} respondents."
        )
    labels = tuple(",".join(map(str, w)) for w in waves)
    effects = [_effect_row(s, "unsafe_own_buurt", sv, total_before, enough, labels, extra)]
    displaced = []
    for category, table in rates.items():
        if table.empty:
            continue
        (b0, b1), (a0, a1) = table.attrs["before"], table.attrs["after"]
        extra = []
        if min(b1 - b0, a1 - a0) + 1 < WINDOW_MONTHS:
            extra.append("Korter venster (minder maanden met data). Shorter window.")
        labels = (_window_label(b0, b1), _window_label(a0, a1))
        eligible = table.index[np.isfinite(table["change"])]
        outcome = f"incident_rate.{category}"
        row = _effect_row(s, outcome, table, total_before, eligible, labels, extra)
        effects.append(row)
        usable = set(eligible)
        area = _pooled(table, [ini.area_code], den)
        around = _pooled(table, ring, den)
        pool = _pooled(table, [c for c in s.pool if c in usable], den)
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
