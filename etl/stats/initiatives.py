"""Citizen participation initiatives (methods §7): coverage, comparisons, reach, resilience.

One analysis step, :func:`write_initiatives`, writes

- indicator_values rows ``initiative_coverage.<type>`` and ``initiative_coverage.all``
  (active initiatives per 1,000 inhabitants; n = number active) and
  ``initiative_count.all`` (value = n), per area of every level and year.  An
  initiative is active in a year when it started on or before 31 December and had
  not ended before 1 January.  No value (flag 'no-denominator') when the area has
  fewer than ``min_inhabitants`` inhabitants.  A register count, so no interval.
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
- ``initiative_reach``: per area and survey wave the active initiatives, their
  known members and key persons, and the weighted share and profile (age group,
  sex) of respondents who take part next to the profile of all respondents
  (JSON).  Share and profiles withheld below ``min_survey_n`` respondents, the
  participants' profile also below 10 participants.
- indicator_values rows ``collective_resilience.index``: a 0-10 scale from the
  four cohesion items and willingness to act, per area and survey wave, with
  the rules of the survey scales (methods §2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely

from etl.settings import Settings
from etl.stats import initiative_methods as m

TYPES = (
    "surveillance",
    "investigation",
    "public_space",
    "mediation",
    "contact",
    "information",
    "policy",
)
#: Types whose comparisons also look at woninginbraak.
BURGLARY_TYPES = ("surveillance", "information")
CONTROLS = 5
WINDOW_MONTHS = 12
MIN_WINDOW_MONTHS = 6
WAVE_MONTHS, WAVE_RATIO = 3, 1.5
DISPLACEMENT_MIN_RELATIVE, DISPLACEMENT_MIN_COUNT = 0.10, 20
MIN_PROFILE_N = 10
FAMILIES = ("initiative_coverage", "initiative_count", "collective_resilience")
IV_COLUMNS = ["indicator", "area_code", "level", "period", "value"]
IV_COLUMNS += ["ci_low", "ci_high", "se", "n", "flag", "source"]

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
REACH_COLUMNS = {
    "area_code": "text",
    "level": "text",
    "period": "text",
    "initiatives": "integer",
    "members": "double",
    "members_unknown": "integer",
    "members_per_1000": "double",
    "key_persons": "double",
    "participants_share": "double",
    "n_respondents": "integer",
    "n_participants": "integer",
    "flag": "text",
    "participants_profile": "text",
    "population_profile": "text",
}


@dataclass
class Inputs:
    """The tables the step reads, shaped for the computations."""

    initiatives: pd.DataFrame
    areas: pd.DataFrame  # code, level, is_water (all levels)
    ancestors: pd.DataFrame  # code, ancestor_code, ancestor_level
    population: pd.DataFrame  # area_code, period, inhabitants, denominator
    monthly: dict[str, pd.DataFrame]  # category -> buurt x month number counts
    survey: pd.DataFrame
    context: pd.DataFrame  # buurt x period (int)
    rings: dict[str, list[str]]
    ring_method: str


def write_initiatives(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Write coverage, effects, displacement, reach and collective resilience (see module)."""
    k = int(getattr(settings, "initiative_controls", CONTROLS))
    buffer_m = getattr(settings, "initiative_ring_buffer_m", None)
    buffer_m = float(buffer_m) if buffer_m not in (None, "", 0, 0.0) else None
    data = load_inputs(con, settings, buffer_m)
    names = "', '".join(FAMILIES)
    con.execute(f"delete from indicator_values where split_part(indicator, '.', 1) in ('{names}')")
    _insert_values(con, coverage_rows(data, settings))
    _insert_values(con, resilience_rows(data, settings))
    effects, displacement = comparisons(data, settings, k)
    _write_table(con, "initiative_effects", EFFECT_COLUMNS, effects)
    _write_table(con, "initiative_displacement", DISPLACEMENT_COLUMNS, displacement)
    _write_table(con, "initiative_reach", REACH_COLUMNS, reach_rows(data, settings))


def load_inputs(
    con: duckdb.DuckDBPyConnection, settings: Settings, buffer_m: float | None = None
) -> Inputs:
    """Read the initiatives, areas, population, monthly incidents, survey and context."""
    column = {"addresses": "addresses", "dwellings": "dwellings"}.get(
        settings.rate_denominator, "inhabitants"
    )
    initiatives = con.execute(
        "select initiative_id, type, start_date, end_date, area_code, members, key_persons "
        "from initiatives where area_code is not null and start_date is not null "
        "order by initiative_id"
    ).df()
    areas = con.execute("select code, level, is_water from areas order by code").df()
    ancestors = con.execute(
        "select code, ancestor_code, ancestor_level from area_ancestors order by all"
    ).df()
    population = con.execute(
        f"select area_code, period, inhabitants, {column} as denominator from area_population "
        "where regexp_full_match(period, '\\d{4}')"
    ).df()
    population["period"] = population["period"].astype(int)
    counts = con.execute(
        "select area_code, category, month from incidents "
        "where area_code is not null and month is not null"
    ).df()
    buurten = areas.loc[areas["level"] == "buurt", "code"].tolist()
    survey = con.execute(
        "select period, area_code, weight, age_group, sex, unsafe_own_buurt, "
        f"participates_initiative, {', '.join(m.RESILIENCE_ITEMS)} from survey_responses "
        "where area_code is not null and weight is not null "
        "and regexp_full_match(period, '\\d{4}')"
    ).df()
    survey["period"] = survey["period"].astype(int)
    context = con.execute(
        "select area_code, period, value from indicator_values "
        "where indicator = 'context_index.composite' and level = 'buurt' "
        "and regexp_full_match(period, '\\d{4}')"
    ).df()
    context["period"] = context["period"].astype(int)
    geoms = con.execute(
        "select code, st_aswkb(geom) as wkb from areas where level = 'buurt' "
        "and geom is not null order by code"
    ).fetchall()
    codes = [r[0] for r in geoms]
    ring = m.rings(codes, shapely.from_wkb([bytes(r[1]) for r in geoms]), buffer_m)
    water = set(areas.loc[areas["is_water"].fillna(False).astype(bool), "code"])
    ring = {c: [n for n in r if n not in water] for c, r in ring.items()}
    return Inputs(
        initiatives=initiatives,
        areas=areas,
        ancestors=ancestors,
        population=population,
        monthly=monthly_counts(counts, buurten),
        survey=survey,
        context=context.pivot_table(index="area_code", columns="period", values="value"),
        rings=ring,
        ring_method="contiguity (queen)" if buffer_m is None else f"buffer {buffer_m:g} m",
    )


def monthly_counts(incidents: pd.DataFrame, buurten: list[str]) -> dict[str, pd.DataFrame]:
    """Counts per category (and 'total') as buurt x month-number frames, zeros filled."""
    if incidents.empty:
        return {}
    frame = incidents.assign(
        m=[m.month_number(int(s[:4]), int(s[5:7])) for s in incidents["month"]]
    )
    months = range(int(frame["m"].min()), int(frame["m"].max()) + 1)
    out = {}
    for cat, part in [("total", frame), *frame.groupby("category")]:
        table = part.groupby(["area_code", "m"]).size().unstack(fill_value=0)
        out[str(cat)] = table.reindex(index=buurten, columns=months, fill_value=0)
    return out


def coverage_rows(data: Inputs, settings: Settings) -> pd.DataFrame:
    """indicator_values rows of initiative coverage and counts (see module docstring)."""
    ini = data.initiatives
    years = sorted(set(data.population["period"]))
    if not years and not ini.empty:
        years = list(range(ini["start_date"].min().year, pd.Timestamp.today().year + 1))
    up = ini.merge(data.ancestors, left_on="area_code", right_on="code", suffixes=("", "_b"))
    frames = []
    for year in years:
        active = up[m.active_in_year(up["start_date"], up["end_date"], year)]
        for kind in (*TYPES, "all"):
            sel = active if kind == "all" else active[active["type"] == kind]
            n = sel.groupby("ancestor_code").size()
            frames.append(
                pd.DataFrame(
                    {
                        "indicator": f"initiative_coverage.{kind}",
                        "area_code": data.areas["code"],
                        "level": data.areas["level"],
                        "period": str(year),
                        "n": data.areas["code"].map(n).fillna(0).to_numpy(),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=IV_COLUMNS)
    rows = pd.concat(frames, ignore_index=True)
    pop = data.population.assign(period=data.population["period"].astype(str))
    rows = rows.merge(pop[["area_code", "period", "inhabitants"]], how="left")
    rows["value"] = m.per_thousand(rows["n"], rows["inhabitants"], settings.min_inhabitants)
    rows["flag"] = np.where(rows["value"].notna(), "ok", "no-denominator")
    counts = rows[rows["indicator"] == "initiative_coverage.all"].assign(
        indicator="initiative_count.all", flag="ok"
    )
    counts["value"] = counts["n"]
    return pd.concat([rows, counts], ignore_index=True).assign(source="initiatives")


def resilience_rows(data: Inputs, settings: Settings) -> pd.DataFrame:
    """indicator_values rows 'collective_resilience.index' per area and survey wave."""
    s = data.survey.assign(score=m.resilience_scores(data.survey[list(m.RESILIENCE_ITEMS)]))
    s = s.dropna(subset=["score"]).merge(data.ancestors, left_on="area_code", right_on="code")
    rows = []
    for (code, level, period), g in s.groupby(["ancestor_code", "ancestor_level", "period"]):
        mean, se, half, n = m.weighted_mean_t(g["score"], g["weight"], settings.confidence)
        flag = m.survey_flag(
            n,
            half,
            settings.min_survey_n,
            settings.indicative_survey_n,
            10 * settings.indicative_halfwidth,
        )
        shown = flag != "suppressed"
        rows.append(
            {
                "indicator": "collective_resilience.index",
                "area_code": code,
                "level": level,
                "period": str(period),
                "value": mean if shown else np.nan,
                "ci_low": max(mean - half, 0.0) if shown else np.nan,
                "ci_high": min(mean + half, 10.0) if shown else np.nan,
                "se": se if shown else np.nan,
                "n": n,
                "flag": flag,
                "source": "survey",
            }
        )
    return pd.DataFrame(rows, columns=IV_COLUMNS)


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


def survey_sums(survey: pd.DataFrame, item: str) -> pd.DataFrame:
    """Sums of w, w*y, w^2 and n of a 0/1 item per area and wave (answers only)."""
    s = survey.dropna(subset=[item])
    s = s.assign(swy=s["weight"] * s[item], sw2=s["weight"] ** 2)
    return s.groupby(["area_code", "period"]).agg(
        sw=("weight", "sum"), swy=("swy", "sum"), sw2=("sw2", "sum"), n=("weight", "size")
    )


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
    sums = survey_sums(data.survey, "unsafe_own_buurt")
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


def _profiles(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> dict:
    """JSON profile (weighted shares of each column's categories) per group of ``keys``."""
    out: dict = {}
    total = frame.groupby(keys)["weight"].sum()
    for col in columns:
        shares = frame.groupby([*keys, col])["weight"].sum() / total
        for idx, share in shares.items():
            out.setdefault(idx[:-1], {}).setdefault(col, {})[str(idx[-1])] = round(float(share), 3)
    return {key: json.dumps(value, sort_keys=True) for key, value in out.items()}


def reach_rows(data: Inputs, settings: Settings) -> pd.DataFrame:
    """Rows of initiative_reach per area and survey wave (see module docstring)."""
    keys = ["ancestor_code", "period"]
    waves = sorted(set(data.survey["period"]))
    if not waves:
        return pd.DataFrame(columns=list(REACH_COLUMNS))
    ini = data.initiatives.merge(data.ancestors, left_on="area_code", right_on="code")
    frames = []
    for year in waves:
        active = ini[m.active_in_year(ini["start_date"], ini["end_date"], year)]
        frames.append(
            active.assign(period=year, unknown=active["members"].isna())
            .groupby(keys)
            .agg(
                initiatives=("initiative_id", "size"),
                members=("members", lambda x: x.sum(min_count=1)),
                members_unknown=("unknown", "sum"),
                key_persons=("key_persons", lambda x: x.sum(min_count=1)),
            )
        )
    resp = data.survey.dropna(subset=["participates_initiative"])
    resp = resp.merge(data.ancestors, left_on="area_code", right_on="code")
    sums = survey_sums(resp.assign(area_code=resp["ancestor_code"]), "participates_initiative")
    sums.index.names = keys
    takers = resp[resp["participates_initiative"] == 1]
    grid = pd.MultiIndex.from_product([data.areas["code"], waves], names=keys)
    counted = ["initiatives", "members", "members_unknown", "key_persons"]
    out = pd.concat(frames).reindex(index=grid, columns=counted)
    out = out.join(sums).reset_index()
    out = out.merge(data.areas.rename(columns={"code": "ancestor_code"}), how="left")
    out["initiatives"] = out["initiatives"].fillna(0)
    out["members_unknown"] = out["members_unknown"].fillna(0)
    pop = data.population.rename(columns={"area_code": "ancestor_code"})
    out = out.merge(pop[["ancestor_code", "period", "inhabitants"]], how="left")
    out["members_per_1000"] = m.per_thousand(
        out["members"], out["inhabitants"], settings.min_inhabitants
    )
    share, _ = m.share_from_sums(out["sw"], out["swy"], out["sw2"])
    out["n_respondents"] = out["n"].fillna(0).astype(int)
    out["n_participants"] = out.set_index(keys).index.map(takers.groupby(keys).size())
    out["n_participants"] = out["n_participants"].fillna(0).astype(int)
    out["flag"] = [
        m.survey_flag(n, 0.0, settings.min_survey_n, settings.indicative_survey_n, np.inf)
        for n in out["n_respondents"]
    ]
    shown = out["flag"] != "suppressed"
    out["participants_share"] = np.where(shown, share, np.nan)
    profile_cols = ["age_group", "sex"]
    takers_profile = _profiles(takers, keys, profile_cols)
    all_profile = _profiles(resp, keys, profile_cols)
    idx = list(zip(out["ancestor_code"], out["period"], strict=True))
    out["participants_profile"] = [
        takers_profile.get(i) if ok and n >= MIN_PROFILE_N else None
        for i, ok, n in zip(idx, shown, out["n_participants"], strict=True)
    ]
    out["population_profile"] = [all_profile.get(i) if ok else None for i, ok in zip(idx, shown)]
    out = out.rename(columns={"ancestor_code": "area_code"})
    out["period"] = out["period"].astype(str)
    return out.reindex(columns=list(REACH_COLUMNS))


def _write_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: pd.DataFrame
) -> None:
    spec = ", ".join(f"{c} {t}" for c, t in columns.items())
    con.execute(f"create or replace table {name} ({spec})")
    if rows.empty:
        return
    con.register("new_rows", rows.reindex(columns=list(columns)))
    con.execute(f"insert into {name} by name select * from new_rows")
    con.unregister("new_rows")


def _insert_values(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    con.register("iv_rows", rows.reindex(columns=IV_COLUMNS))
    con.execute("insert into indicator_values by name select * from iv_rows")
    con.unregister("iv_rows")
