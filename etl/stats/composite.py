"""Composites: the context index, the unease index and the perceived-vs-registered gap.

Context (methods §4): each criminogenic factor as a z-score against the city's
buurten in the base year (the first year with context), oriented so that higher
means more disadvantage, averaged with equal weights; the first principal
component of the same z-scores is reported as a check.  A benchmark, never a
label for an area.

Unease index (methods §5): each part indexed to the city's value in the part's
base year (= 100), oriented so that higher means more unease; the overall index
is the mean of the parts present, and which parts are missing is stored.  The
gap is the perceived-unease index minus the registered-incident index, with an
interval from the parts' standard errors (treated as independent), and a
quadrant: high/low fear (perceived index above/below 100) x high/low incidents.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from etl.registry import context_orientation
from etl.settings import Settings

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


def quadrant(perceived: float, incidents: float) -> str | None:
    if pd.isna(perceived) or pd.isna(incidents):
        return None
    fear = "high_fear" if perceived > 100 else "low_fear"
    crime = "high_incidents" if incidents > 100 else "low_incidents"
    return f"{fear}_{crime}"


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
        return
    wide = frame.pivot_table(index=["area_code", "period"], columns="variable", values="value")
    base_period = min(wide.index.get_level_values("period"))
    base = wide.xs(base_period, level="period")
    z = oriented_z_scores(wide, base, orientation)
    index = composite_index(z).rename("value").to_frame()
    index["n"] = z.notna().sum(axis=1)
    index = index.reset_index()
    loadings, explained, n_areas = first_component(z.xs(base_period, level="period"))
    if len(loadings):
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
    """Index parts, the overall index, the gap and quadrants.

    Writes indicator_values rows 'unease_index.<part>', 'unease_index.overall' and
    'unease_gap.perceived_minus_registered', and the tables unease_index_parts and
    perception_gap.
    """
    z = stats.norm.ppf(1 - (1 - settings.confidence) / 2)
    values = con.execute(
        f"""
        select indicator, area_code, level, period, value, ci_low, ci_high, se, n, flag
        from indicator_values
        where indicator in ({",".join("?" * len(UNEASE_PARTS))})
        """,
        list(UNEASE_PARTS.values()),
    ).df()
    city = con.execute("select code from areas where level = 'gemeente' order by code").df()
    parts = []
    for part, indicator in UNEASE_PARTS.items():
        rows = values[values["indicator"] == indicator]
        at_city = rows[rows["area_code"].isin(city["code"]) & rows["value"].notna()]
        if at_city.empty:
            continue
        base = at_city.sort_values("period").iloc[0]["value"]
        indexed = index_to_base(rows, base).assign(indicator=f"unease_index.{part}", part=part)
        parts.append(indexed)
    con.execute(
        "create or replace table unease_index_parts (area_code text, level text, period text, "
        "parts_present text, parts_missing text)"
    )
    con.execute(
        "create or replace table perception_gap (area_code text, level text, period text, "
        "perceived_index double, incident_index double, gap double, ci_low double, "
        "ci_high double, quadrant text)"
    )
    if not parts:
        return
    indexed = pd.concat(parts, ignore_index=True)
    shown = indexed[indexed["value"].notna()]
    overall = (
        shown.groupby(["area_code", "level", "period"])
        .agg(
            value=("value", "mean"),
            se=("se", lambda s: np.sqrt((s**2).sum()) / len(s)),
            n=("value", "size"),
            worst=("flag", lambda f: "indicative" if (f != "ok").any() else "ok"),
            present=("part", lambda p: ",".join(sorted(p))),
        )
        .reset_index()
    )
    names = sorted(UNEASE_PARTS)
    overall["missing"] = [
        ",".join(p for p in names if p not in present.split(",")) for present in overall["present"]
    ]
    overall_rows = overall.assign(
        indicator="unease_index.overall",
        ci_low=overall["value"] - z * overall["se"],
        ci_high=overall["value"] + z * overall["se"],
        flag=np.where(overall["missing"] != "", "indicative", overall["worst"]),
        source="composite",
    )
    _insert_values(con, indexed.assign(source="composite"))
    _insert_values(con, overall_rows)
    con.register("parts_rows", overall[["area_code", "level", "period", "present", "missing"]])
    con.execute("insert into unease_index_parts select * from parts_rows")
    con.unregister("parts_rows")

    wide = shown.pivot_table(
        index=["area_code", "level", "period"], columns="part", values=["value", "se"]
    )
    if ("value", "perceived") not in wide or ("value", "incidents") not in wide:
        return
    # pivot_table drops a column that is missing everywhere (no interval of that part)
    se = {p: wide[("se", p)] if ("se", p) in wide else np.nan for p in ("perceived", "incidents")}
    gap = (
        pd.DataFrame(
            {
                "perceived_index": wide[("value", "perceived")],
                "incident_index": wide[("value", "incidents")],
                "gap": wide[("value", "perceived")] - wide[("value", "incidents")],
                "se": np.sqrt(se["perceived"] ** 2 + se["incidents"] ** 2),
            }
        )
        .dropna(subset=["gap"])
        .reset_index()
    )
    gap["ci_low"] = gap["gap"] - z * gap["se"]
    gap["ci_high"] = gap["gap"] + z * gap["se"]
    gap["quadrant"] = [
        quadrant(p, i) for p, i in zip(gap["perceived_index"], gap["incident_index"])
    ]
    con.register(
        "gap_rows",
        gap[
            [
                "area_code",
                "level",
                "period",
                "perceived_index",
                "incident_index",
                "gap",
                "ci_low",
                "ci_high",
                "quadrant",
            ]
        ],
    )
    con.execute("insert into perception_gap select * from gap_rows")
    con.unregister("gap_rows")
    _insert_values(
        con,
        gap.assign(
            indicator="unease_gap.perceived_minus_registered",
            value=gap["gap"],
            n=2,
            flag="ok",
            source="composite",
        ),
    )


def _insert_values(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    frame = rows.reindex(columns=_IV_COLUMNS)
    con.register("iv_rows", frame)
    con.execute("insert into indicator_values by name select * from iv_rows")
    con.unregister("iv_rows")
