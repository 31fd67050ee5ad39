"""Composites: the context index, the unease index and the perceived-vs-registered gap.

Context (methods §4): each criminogenic factor as a z-score against the city's
buurten in the base year (the first year with context), oriented so that higher
means more disadvantage, averaged with equal weights; the first principal
component of the same z-scores is reported as a check.  A benchmark, never a
label for an area.

Unease index (methods §5), kept as its parts side by side:

- each part (perceived unsafety, registered incidents, nuisance) is indexed to
  the **median of the city's buurten** in the part's base year (= 100), oriented so
  that higher means more unease.  The median, not the city value: a centre with
  many incidents and few residents drags the city rate far above the typical
  buurt (Demostad: city 101 per 1,000, median buurt 55), and every buurt would
  then read as having "more fear than the figures suggest".  The base year is
  the first period with values *within the series* of the period: a declared
  series break starts a new base, so no index compares across a break.
  Ids ``index_part.<part>``; the incident part alone is the *incident index*.
- the overall index ``unease_index.overall`` is the unweighted mean of the parts
  only where **all** parts are present; elsewhere it has no value, the flag
  ``incomplete`` and ``unease_index_parts`` names the missing parts.  When a part
  is absent from the whole build (no survey, as for Amsterdam) there is no overall
  index at all: a figure made of incidents alone is an incident index, never an
  unease index.
- n and flag of every composite come from its parts: the flag of the weakest part
  (:data:`etl.stats.flags.FLAG_ORDER`) and the n of the part with the smallest n.

The gap is the perceived index minus the incident index, with an interval from
the parts' standard errors (treated as independent), and a quadrant (high/low
fear x high/low incidents) only where each part's interval excludes the city
value of that part (the median of the areas of the same level and period, a
robust city value); otherwise the quadrant is ``not_distinguishable``.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from etl.registry import context_orientation
from etl.settings import Settings
from etl.stats.change import period_key
from etl.stats.flags import weakest_flag
from etl.stats.skips import record_skip

#: The family of the index parts ('index_part.perceived', ...).
PART_FAMILY = "index_part"
#: Flags from most to least confident: a composite takes the last of its parts'.
#: The parts of the unease index: part name -> indicator.
UNEASE_PARTS = {
    "perceived": "survey_share.unsafe_own_buurt",
    "incidents": "incident_rate.total",
    "nuisance": "survey_scale.nuisance",
}
MIN_SHARE_OF_FACTORS = 0.5

_IV_COLUMNS = [
    "indicator",
    "area_code",
    "level",
    "period",
    "value",
    "ci_low",
    "ci_high",
    "se",
    "n",
    "flag",
    "source",
]


def oriented_z_scores(
    wide: pd.DataFrame, base: pd.DataFrame, orientation: dict[str, int]
) -> pd.DataFrame:
    """z-scores of each column against ``base`` (mean, SD), multiplied by its orientation."""
    cols = [c for c in orientation if c in wide.columns]
    mean, sd = base[cols].mean(), base[cols].std(ddof=1)
    z = (wide[cols] - mean) / sd.replace(0, np.nan)
    return z * pd.Series({c: orientation[c] for c in cols})


def composite_index(z: pd.DataFrame, min_share: float = MIN_SHARE_OF_FACTORS) -> pd.Series:
    """Equal-weight mean of the z-scores present; NaN when fewer than ``min_share`` are."""
    present = z.notna().sum(axis=1)
    return z.mean(axis=1).where(present >= min_share * z.shape[1])


def first_component(z: pd.DataFrame) -> tuple[pd.Series, float, int]:
    """Loadings of the first principal component (sign: mostly positive), its share of variance."""
    complete = z.dropna()
    if len(complete) < 3 or complete.shape[1] < 2:
        return pd.Series(dtype=float), float("nan"), len(complete)
    x = (complete - complete.mean()) / complete.std(ddof=1)
    _, s, vt = np.linalg.svd(x.to_numpy(), full_matrices=False)
    loadings = pd.Series(vt[0], index=z.columns)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, float(s[0] ** 2 / (s**2).sum()), len(complete)


def index_to_base(values: pd.DataFrame, base_value: float) -> pd.DataFrame:
    """value, ci_low, ci_high and se as an index with the base value = 100."""
    out = values.copy()
    for col in ("value", "ci_low", "ci_high", "se"):
        out[col] = 100 * values[col] / base_value
    return out


def side(low: float, high: float, reference: float) -> str | None:
    """'high' when the interval lies above ``reference``, 'low' below it, else None."""
    if pd.isna(low) or pd.isna(high) or pd.isna(reference):
        return None
    if low > reference:
        return "high"
    if high < reference:
        return "low"
    return None


def quadrant(
    perceived_low: float,
    perceived_high: float,
    perceived_reference: float,
    incidents_low: float,
    incidents_high: float,
    incidents_reference: float,
) -> str | None:
    """High/low fear x high/low incidents where both intervals exclude their city value.

    None when a part has no interval; ``not_distinguishable`` when an interval
    contains its city value.
    """
    if any(pd.isna(v) for v in (perceived_low, perceived_high, incidents_low, incidents_high)):
        return None
    fear = side(perceived_low, perceived_high, perceived_reference)
    crime = side(incidents_low, incidents_high, incidents_reference)
    if fear is None or crime is None:
        return "not_distinguishable"
    return f"{fear}_fear_{crime}_incidents"


def write_context_index(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """indicator_values rows 'context_index.composite' and the table context_pca."""
    orientation = context_orientation()
    frame = con.execute(
        """
        select c.area_code, c.period, c.variable, c.value, a.level
        from context c join areas a on a.code = c.area_code
        where a.level = 'buurt' and not a.is_water
        """
    ).df()
    con.execute(
        "create or replace table context_pca (period text, variable text, loading double, "
        "explained_variance double, n_areas integer)"
    )
    frame = frame[frame["variable"].isin(orientation)]
    if frame.empty:
        record_skip(con, "context index", "no context variables of land buurten", level="buurt")
        return
    wide = frame.pivot_table(index=["area_code", "period"], columns="variable", values="value")
    base_period = min(wide.index.get_level_values("period"))
    base = wide.xs(base_period, level="period")
    for variable in base.columns[base.std(ddof=1).fillna(0).eq(0)]:
        reason = f"{variable}: the same value in every buurt (or one buurt): left out of the index"
        record_skip(con, "context index", reason, level="buurt", period=base_period)
    z = oriented_z_scores(wide, base, orientation)
    index = composite_index(z).rename("value").to_frame()
    index["n"] = z.notna().sum(axis=1)
    index = index.reset_index()
    loadings, explained, n_areas = first_component(z.xs(base_period, level="period"))
    if not len(loadings):
        reason = f"principal component needs 3 buurten and 2 variables; {n_areas} complete"
        record_skip(con, "context index", reason, level="buurt", period=base_period)
    else:
        con.executemany(
            "insert into context_pca values (?, ?, ?, ?, ?)",
            [(base_period, v, float(w), explained, n_areas) for v, w in loadings.items()],
        )
    pop = con.execute(
        "select area_code, period, inhabitants from area_population where level = 'buurt'"
    ).df()
    index = index.merge(pop, on=["area_code", "period"], how="left")
    parents = con.execute(
        "select code as area_code, ancestor_code, ancestor_level as level from area_ancestors "
        "where ancestor_level <> 'buurt'"
    ).df()
    up = index.dropna(subset=["value"]).merge(parents, on="area_code")
    up["w"] = up["inhabitants"].fillna(0)
    up["wv"] = up["w"] * up["value"]
    rolled = up.groupby(["ancestor_code", "level", "period"]).agg(
        wv=("wv", "sum"), w=("w", "sum"), n=("value", "size")
    )
    rolled["value"] = (rolled["wv"] / rolled["w"]).where(rolled["w"] > 0)
    rolled = rolled.reset_index().rename(columns={"ancestor_code": "area_code"})
    rows = pd.concat([index.assign(level="buurt"), rolled], ignore_index=True)
    rows = rows.assign(
        indicator="context_index.composite",
        ci_low=np.nan,
        ci_high=np.nan,
        se=np.nan,
        flag=np.where(rows["value"].notna(), "ok", "no-denominator"),
        source="context",
    )
    _insert_values(con, rows)


def write_unease_index(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Index parts, the overall index, the gap and quadrants (see the module docstring).

    Writes indicator_values rows 'index_part.<part>', 'unease_index.overall' and
    'unease_gap.perceived_minus_registered', and the tables unease_index_parts and
    perception_gap.
    """
    z = stats.norm.ppf(1 - (1 - settings.confidence) / 2)
    values = con.execute(
        f"""
        select indicator, area_code, level, period, value, ci_low, ci_high, se, n, flag
        from indicator_values
        where indicator in ({",".join("?" * len(UNEASE_PARTS))})
            and coalesce(method, 'direct') = 'direct'
        """,
        list(UNEASE_PARTS.values()),
    ).df()
    breaks = [r[0] for r in con.execute("select period from series_breaks").fetchall()]
    parts = []
    for part, indicator in UNEASE_PARTS.items():
        rows = values[values["indicator"] == indicator]
        bases = median_bases(rows, breaks)
        if not bases:
            reason = f"no city value of {indicator} to index against: part {part} left out"
            record_skip(con, "unease index", reason, indicator=f"{PART_FAMILY}.{part}")
            continue
        rows = rows[rows["period"].isin(bases)]
        indexed = pd.concat(
            [
                index_to_base(group, bases[period])
                for period, group in rows.groupby("period", sort=False)
            ]
        )
        parts.append(indexed.assign(indicator=f"{PART_FAMILY}.{part}", part=part))
    con.execute(
        "create or replace table unease_index_parts (area_code text, level text, period text, "
        "parts_present text, parts_missing text)"
    )
    con.execute(
        "create or replace table perception_gap (area_code text, level text, period text, "
        "perceived_index double, incident_index double, gap double, ci_low double, "
        "ci_high double, perceived_reference double, incident_reference double, "
        "quadrant text, n double, flag text)"
    )
    if not parts:
        return
    indexed = pd.concat(parts, ignore_index=True)
    _insert_values(con, indexed.assign(source="composite"))
    shown = indexed[indexed["value"].notna()]
    overall = overall_index(shown, z)
    con.register("parts_rows", overall[["area_code", "level", "period", "present", "missing"]])
    con.execute("insert into unease_index_parts select * from parts_rows")
    con.unregister("parts_rows")
    if set(shown["part"]) == set(UNEASE_PARTS):
        _insert_values(con, overall.assign(indicator="unease_index.overall", source="composite"))
    gap = perception_gap(shown, z)
    if gap.empty:
        reason = "the perception gap needs both the perceived and the incidents part"
        record_skip(con, "unease index", reason, indicator="unease_gap.perceived_minus_registered")
        return
    con.register("gap_rows", gap[GAP_COLUMNS])
    con.execute("insert into perception_gap select * from gap_rows")
    con.unregister("gap_rows")
    _insert_values(
        con,
        gap.assign(
            indicator="unease_gap.perceived_minus_registered", value=gap["gap"], source="composite"
        ),
    )


def series_base_periods(periods, breaks) -> dict[str, str]:
    """The base period of each period: the first period of its series.

    A series runs from one declared break (inclusive) to the next; periods before
    the first break form the first series.
    """
    ordered = sorted(set(map(str, periods)), key=period_key)
    out, base, segment = {}, None, None
    for period in ordered:
        seg = sum(period_key(b) <= period_key(period) for b in map(str, breaks))
        if seg != segment:
            base, segment = period, seg
        out[period] = base
    return out


def median_bases(rows: pd.DataFrame, breaks) -> dict[str, float]:
    """Base value per period: the median of the finest level's areas in the series' base period.

    Only areas with a shown value count; a period whose base has no such values
    gets no base (and no index).
    """
    shown = rows[rows["value"].notna()]
    if shown.empty:
        return {}
    finest = next(
        lv for lv in ("buurt", "wijk", "stadsdeel", "gemeente") if lv in set(shown["level"])
    )
    medians = shown[shown["level"] == finest].groupby("period")["value"].median()
    base_of = series_base_periods(medians.index, breaks)
    return {
        period: float(medians[base])
        for period, base in base_of.items()
        if np.isfinite(medians[base]) and medians[base] > 0
    }


def overall_index(shown: pd.DataFrame, z: float) -> pd.DataFrame:
    """Per area and period: parts present and missing; the mean only where all are present.

    n is the smallest n of the parts, the flag the weakest part's flag, or
    ``incomplete`` (and no value) when a part is missing.
    """
    names = sorted(UNEASE_PARTS)
    out = (
        shown.groupby(["area_code", "level", "period"])
        .agg(
            mean=("value", "mean"),
            se=("se", lambda s: np.sqrt((s**2).sum(min_count=1)) / len(s)),
            n=("n", "min"),
            flag=("flag", weakest_flag),
            present=("part", lambda p: ",".join(sorted(p))),
        )
        .reset_index()
    )
    out["missing"] = [
        ",".join(p for p in names if p not in present.split(",")) for present in out["present"]
    ]
    complete = out["missing"] == ""
    out["value"] = out["mean"].where(complete)
    out["se"] = out["se"].where(complete)
    out["n"] = out["n"].where(complete)
    out["flag"] = out["flag"].where(complete, "incomplete")
    out["ci_low"] = out["value"] - z * out["se"]
    out["ci_high"] = out["value"] + z * out["se"]
    return out


#: Columns of the perception_gap table, in order.
GAP_COLUMNS = (
    "area_code level period perceived_index incident_index gap ci_low ci_high "
    "perceived_reference incident_reference quadrant n flag"
).split()


def perception_gap(shown: pd.DataFrame, z: float) -> pd.DataFrame:
    """The gap perceived − incidents with its interval, n, flag and quadrant per area."""
    both = shown[shown["part"].isin(["perceived", "incidents"])]
    keys = ["area_code", "level", "period"]
    reference = both.groupby(["level", "period", "part"])["value"].median()
    perceived = both[both["part"] == "perceived"].set_index(keys)
    incidents = both[both["part"] == "incidents"].set_index(keys)
    common = perceived.index.intersection(incidents.index)
    if common.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    p, i = perceived.loc[common], incidents.loc[common]
    gap = pd.DataFrame(index=common)
    gap["perceived_index"], gap["incident_index"] = p["value"], i["value"]
    gap["gap"] = p["value"] - i["value"]
    se = np.sqrt(p["se"] ** 2 + i["se"] ** 2)
    gap["ci_low"], gap["ci_high"] = gap["gap"] - z * se, gap["gap"] + z * se
    levels = common.get_level_values("level")
    periods = common.get_level_values("period")
    gap["perceived_reference"] = reference.reindex(
        list(zip(levels, periods, ["perceived"] * len(common)))
    ).to_numpy()
    gap["incident_reference"] = reference.reindex(
        list(zip(levels, periods, ["incidents"] * len(common)))
    ).to_numpy()
    gap["quadrant"] = [
        quadrant(pl, ph, pr, il, ih, ir)
        for pl, ph, pr, il, ih, ir in zip(
            p["ci_low"],
            p["ci_high"],
            gap["perceived_reference"],
            i["ci_low"],
            i["ci_high"],
            gap["incident_reference"],
        )
    ]
    gap["n"] = np.fmin(p["n"].to_numpy(dtype=float), i["n"].to_numpy(dtype=float))
    gap["flag"] = [weakest_flag([a, b]) for a, b in zip(p["flag"], i["flag"])]
    return gap.reset_index()[GAP_COLUMNS]


def _insert_values(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    frame = rows.reindex(columns=_IV_COLUMNS)
    con.register("iv_rows", frame)
    con.execute("insert into indicator_values by name select * from iv_rows")
    con.unregister("iv_rows")
