"""Loading one table-like source (every kind but boundaries) onto the loaded areas.

Read, reshape (wide columns into rows, rows of other municipalities skipped, codes
of other systems mapped), validate, locate points in the areas, then insert the
good rows and quarantine the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.bookkeeping import BuildError, SourceResult, insert_rows, log_source, quarantine_rows
from etl.config import Source
from etl.extract import read_source
from etl.harmonise import (
    categories,
    keep_rows,
    map_area_codes,
    melt_indicators,
    melt_wide,
    other_municipality,
)
from etl.ingest import load_clean_rows
from etl.schema import LOCATED
from etl.settings import Settings
from etl.source_checks import coordinate_cause
from etl.validate import LINE, MAPPED_CODES, Problems, noted_frame, rejected_frame, validate_table
from geo.assign import assign_areas
from geo.crosswalk import carry_values, split_counts
from geo.crs import resolve_crs, to_rd

#: Columns that identify a row of an area-level table: a second such row is quarantined.
KEYS = {
    "indicator_table": ["area_code", "indicator", "period"],
    "incident_counts": ["area_code", "category", "period"],
    "context": ["area_code", "period"],
}


@dataclass
class AreaIndex:
    """What located sources are checked and assigned against."""

    codes: set[str]
    areas: pd.DataFrame  # code, name, level
    gemeente_code: str
    finest_level: str
    finest_codes: np.ndarray
    finest_geoms: np.ndarray
    municipality: shapely.Geometry
    dropped: dict[str, list[str]] = field(default_factory=dict)
    by_level: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    crosswalks: dict[str, pd.DataFrame] = field(default_factory=dict)


def load_table(con, source: Source, index: AreaIndex, settings: Settings) -> SourceResult:
    started = datetime.now()
    where = f"{source.path}: source '{source.name}'"
    clean = load_clean_rows(con, source, index, settings) if settings.ingest_in_duckdb else None
    frame = clean.rest if clean else read_source(source)
    is_csv = not isinstance(frame, gpd.GeoDataFrame) and source.path.suffix.lower() != ".parquet"
    offset = 2 if is_csv else 1
    if "wide" in source.options or "wide_indicators" in source.options:
        if "wide" in source.options:
            frame = melt_wide(frame, source.options["wide"], where)
        else:
            frame = melt_indicators(frame, source.options["wide_indicators"], where)
        frame[LINE] = frame.pop("_row") + offset
    elif LINE not in frame:
        frame[LINE] = np.arange(len(frame)) + offset
    rows_read = len(frame) + (clean.loaded if clean else 0)
    area_column = source.columns.get("area_code")
    notes: list[str] = []
    skipped = 0
    if "keep" in source.options:
        kept = keep_rows(frame, source.options["keep"])
        skipped += int((~kept).sum())
        if (~kept).any():
            notes.append(f"{int((~kept).sum())} rows not selected by keep")
        frame = frame[kept]
    if "period" in source.options and "period" not in source.columns:
        frame = frame.assign(_period=str(source.options["period"]))
        source = replace(source, columns={**source.columns, "period": "_period"})
    if area_column in frame:
        other = other_municipality(frame[area_column], index.gemeente_code)
        skipped += int(other.sum())
        frame = frame[~other]
        if other.any():
            notes.append(f"{int(other.sum())} rows of other municipalities skipped")
    harmonised = None
    if area_column in frame and MAPPED_CODES & set(source.options):
        name_column = source.columns.get("area_name")
        names = frame[name_column] if name_column in frame else None
        frame = frame.copy()
        frame[area_column], harmonised = map_area_codes(
            frame[area_column], names, source, index.areas, index.gemeente_code
        )
        notes.append(
            ", ".join(f"{n} codes mapped by {how}" for how, n in harmonised.value_counts().items())
        )
    overlay = None
    if "crosswalk" in source.options and area_column in frame:
        name = source.options["crosswalk"]
        if name not in index.crosswalks:
            raise BuildError(f"{where}: crosswalk {name!r} is not a source with crosswalk_only")
        overlay = index.crosswalks[name]
    typed, problems = validate_table(source, frame, is_csv, settings.date_range())
    if harmonised is not None:
        typed["harmonised"] = harmonised
        _record_mapping(con, source, frame[area_column], typed["area_code"], harmonised)
    old = pd.Series(False, index=typed.index)
    if overlay is not None:
        old = ~typed["area_code"].isin(index.codes) & typed["area_code"].isin(overlay["from_code"])
        if "harmonised" not in typed:
            typed["harmonised"] = pd.Series(None, index=typed.index, dtype=object)
        typed.loc[old, "harmonised"] = "overlay"
    if source.kind == "incident_counts":
        raw_category = typed["category"]
        typed["category"] = categories(raw_category, source)
        notes += _unknown_category_notes(raw_category, typed["category"])
    if "area_code" in typed:
        unknown = typed["area_code"].notna() & ~typed["area_code"].isin(index.codes) & ~old
        reason = "unknown area code: " + typed["area_code"].astype(str)
        if harmonised is not None and typed.get("area_name") is not None:
            reason = reason + " (name " + typed["area_name"].astype(str) + " not matched)"
        problems.add(unknown, "area_code", reason)
    key = KEYS.get(source.kind)
    if key:
        dupe = typed.duplicated(subset=key, keep="first") & typed[key].notna().all(axis=1)
        problems.add(dupe, "; ".join(key), "the same area, period and category occurs twice")
    if source.kind == "indicator_table":
        _check_directions(source, typed, problems)
    causes = []
    if source.kind in LOCATED:
        causes += _locate(source, frame, typed, problems, index, clean.loaded if clean else 0)
    good = typed[~problems.rejected_mask()]
    rejected = rejected_frame(frame, problems, typed["row_number"])
    noted = noted_frame(frame, problems, typed["row_number"])
    if clean:
        _add_formats(problems, clean.formats)
    notes += _date_notes(problems)
    loaded = len(good) + (clean.loaded if clean else 0)
    if overlay is not None:
        moved = good[old[good.index]]
        if source.kind == "incident_counts":
            moved = split_counts(moved, overlay)
        else:
            moved = carry_values(moved, overlay, KEYS.get(source.kind, ["area_code"]))
        good = pd.concat([good[~old[good.index]], moved], ignore_index=True)
        notes.append(f"{int(old.sum())} rows of an older vintage mapped by overlay")
    _insert_source_rows(con, source, good)
    if source.kind == "incidents":
        _insert_point_levels(con, good, index)
    if source.kind == "indicator_table":
        _declare_indicators(con, source, sorted(good["indicator"].dropna().unique()))
    result = SourceResult(
        source.name, source.kind, rows_read, loaded, len(rejected), notes, skipped=skipped
    )
    result.reasons = quarantine_rows(con, source, rejected)
    result.noted = len(noted)
    result.noted_reasons = quarantine_rows(con, source, noted, "note")
    result.rejected, result.causes = rejected, causes
    result.loaded_in_sql = clean.loaded if clean else 0
    log_source(con, source, result, started)
    return result


def _unknown_category_notes(raw: pd.Series, mapped: pd.Series) -> list[str]:
    """CBS category codes the registry does not know: kept as their own category, said so."""
    unknown = mapped.str.startswith("cbs_")
    if not unknown.any():
        return []
    codes = sorted(raw[unknown].astype(str).str.strip().unique())
    return [
        f"{int(unknown.sum())} rows with SoortMisdrijf codes not in the registry kept as "
        f"categories of their own ({', '.join(codes[:5])}); name them with option category_map"
    ]


def _add_formats(problems: Problems, formats: dict[str, dict[str, int]]) -> None:
    """Dates read by the DuckDB path added to those read row by row, its forms first
    (they are the fixed-width forms etl.dates reads before any other)."""
    for name, counted in formats.items():
        mine = problems.formats.get(name, {})
        both = {form: n + mine.get(form, 0) for form, n in counted.items()}
        problems.formats[name] = {**both, **{f: n for f, n in mine.items() if f not in both}}


def _date_notes(problems: Problems) -> list[str]:
    """How the dates of each date field were read, for the load log."""
    notes = []
    for name, formats in problems.formats.items():
        if formats:
            read = ", ".join(f"{n} as {label}" for label, n in formats.items())
            notes.append(f"{name} read: {read}")
        if problems.rolled_over.get(name):
            notes.append(
                f"{name}: {problems.rolled_over[name]} times of second 60 or 24:00 rolled over"
            )
    return notes


def _check_directions(source: Source, typed: pd.DataFrame, problems: Problems) -> None:
    """Rows of an indicator without a declared direction are quarantined."""
    if source.options.get("direction"):
        return
    own = source.options.get("indicators", {})
    declared = {str(k) for k, v in own.items() if v.get("direction")}
    missing = typed["indicator"].notna() & ~typed["indicator"].isin(declared)
    problems.add(
        missing,
        "indicator",
        "no direction declared for this indicator (set [sources.options] direction or "
        "indicators.<id>.direction): " + typed["indicator"].astype(str),
    )


def _locate(
    source, frame, typed: pd.DataFrame, problems: Problems, index: AreaIndex, placed: int = 0
) -> list[str]:
    """Point-in-polygon for rows with coordinates; check area codes for the others.

    Returns the likely cause when most points lie outside the municipality; ``placed``
    points of the source were placed in an area already (etl.ingest) and count as inside.
    """
    where = f"{source.path}: source '{source.name}'"
    has_geometry = isinstance(frame, gpd.GeoDataFrame) and "x" not in source.columns
    if has_geometry:
        points = frame.geometry
        not_point = points.notna() & (points.geom_type != "Point")
        problems.add(not_point, "geometry", "geometry is not a point")
        is_point = (points.notna() & ~not_point & ~points.is_empty).to_numpy()
        xy = np.full((len(points), 2), np.nan)
        xy[is_point] = shapely.get_coordinates(points.values[is_point])[:, :2]
        typed["x"], typed["y"] = xy[:, 0], xy[:, 1]
        file_crs = frame.crs
    else:
        file_crs = None
    has_xy = typed["x"].notna() & typed["y"].notna()
    if "x" in source.columns or has_geometry:
        partial = typed["x"].notna() ^ typed["y"].notna()
        problems.add(partial, "x; y", "only one of the two coordinates is given")
    no_location = ~has_xy & typed["area_code"].isna()
    problems.add(no_location, "x; y; area_code", "no location: neither coordinates nor area code")
    typed["x_rd"] = np.nan
    typed["y_rd"] = np.nan
    if not has_xy.any():
        return []
    crs = resolve_crs(file_crs, source.crs, where)
    x, y = to_rd(typed.loc[has_xy, "x"].to_numpy(), typed.loc[has_xy, "y"].to_numpy(), crs)
    typed.loc[has_xy, "x_rd"] = x
    typed.loc[has_xy, "y_rd"] = y
    codes = assign_areas(x, y, index.finest_geoms, index.finest_codes)
    located = pd.Series(codes, index=typed.index[has_xy])
    outside = located.isna()
    text = pd.Series([f"({a:.1f}, {b:.1f}) in RD" for a, b in zip(x, y)], index=located.index)
    in_muni = shapely.intersects_xy(index.municipality, x, y)
    reason = np.where(
        in_muni, f"point lies in no {index.finest_level}", "point lies outside the municipality"
    )
    problems.add(
        outside.reindex(typed.index, fill_value=False),
        "x; y",
        (pd.Series(reason, index=located.index) + ": " + text).reindex(typed.index),
    )
    typed.loc[located.index, "area_code"] = located.where(
        located.notna(), typed.loc[located.index, "area_code"]
    )
    cause = coordinate_cause(
        typed.loc[has_xy, "x"].to_numpy(),
        typed.loc[has_xy, "y"].to_numpy(),
        ~in_muni,
        crs,
        index.municipality.bounds,
        placed,
    )
    return [cause] if cause else []


def _insert_point_levels(con, good: pd.DataFrame, index: AreaIndex) -> None:
    """Point incidents placed in the polygons of every level between the finest and the gemeente."""
    points = good[good["x_rd"].notna()] if "x_rd" in good else good.iloc[:0]
    if points.empty:
        return
    x, y = points["x_rd"].to_numpy(), points["y_rd"].to_numpy()
    for level, (codes, geoms) in index.by_level.items():
        if level in (index.finest_level, "gemeente"):
            continue
        found = assign_areas(x, y, geoms, codes)
        placed = pd.DataFrame(
            {"incident_id": points["incident_id"].to_numpy(), "level": level, "area_code": found}
        ).dropna(subset=["area_code"])
        insert_rows(con, "load_incident_levels", placed)


def _record_mapping(con, source: Source, raw: pd.Series, mapped: pd.Series, how: pd.Series):
    """The code and name matches a source made, into the crosswalk table."""
    pairs = (
        pd.DataFrame({"from_code": raw.astype(str).str.strip(), "to_code": mapped, "method": how})
        .dropna(subset=["method"])
        .drop_duplicates()
    )
    insert_rows(con, "crosswalk", pairs.assign(source=source.name))


def _declare_indicators(con, source: Source, raw_ids: list[str]) -> None:
    """Names, unit and direction of a published table's indicators, from its config."""
    opts = source.options
    per_indicator = opts.get("indicators", {})
    for raw in raw_ids:
        own = {**opts, **per_indicator.get(raw, {})}
        con.execute(
            "insert into indicator_declarations values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"{source.name}.{raw.lower()}",
                source.name,
                source.publisher,
                own.get("name_nl", raw),
                own.get("name_en", own.get("name_nl", raw)),
                own.get("definition_nl", ""),
                own.get("definition_en", ""),
                own.get("unit", ""),
                own["direction"],
            ],
        )


def _insert_source_rows(con, source: Source, good: pd.DataFrame) -> None:
    good = good.assign(source=source.name)
    if source.kind == "context":
        long = good.melt(
            id_vars=["source", "area_code", "period"],
            value_vars=list(source.variables),
            var_name="variable",
            value_name="value",
        )
        insert_rows(con, "load_context", long)
        return
    table = {
        "incidents": "load_incidents",
        "survey_responses": "load_survey",
        "initiatives": "load_initiatives",
        "indicator_table": "load_indicator_table",
        "incident_counts": "load_incident_counts",
    }[source.kind]
    insert_rows(con, table, good)
