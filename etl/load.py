"""The build: read every source of a config, validate, load, build the marts, swap.

The build writes a new database file beside the target and moves it into place
with an atomic rename only when every step has succeeded, so a failed or killed
build leaves the previous database exactly as it was.  A lock file beside the
target (etl/build_lock.py) keeps a second build of the same file from running at
the same time.
"""

from __future__ import annotations

import glob
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl import sqlfiles
from etl.analysis import AnalysisError, run_analyses
from etl.build_lock import build_lock
from etl.config import SPATIAL_SUFFIXES, Config, ConfigError, Source, load_config
from etl.db import connect
from etl.extract import checksum, read_source
from etl.harmonise import (
    categories,
    keep_rows,
    map_area_codes,
    melt_indicators,
    melt_wide,
    other_municipality,
)
from etl.schema import LOCATED
from etl.settings import Settings
from etl.source_checks import coordinate_cause, reason_counts, source_failure
from etl.validate import (
    LINE,
    MAPPED_CODES,
    Problems,
    noted_frame,
    rejected_frame,
    row_numbers,
    validate_table,
)
from geo.assign import assign_areas
from geo.boundaries import LEVEL_ORDER, assemble_areas, display_geometries
from geo.crosswalk import carry_values, overlay_crosswalk, split_counts
from geo.crs import resolve_crs, to_rd
from geo.normalise import normalise_boundaries

#: Columns that identify a row of an area-level table: a second such row is quarantined.
KEYS = {
    "indicator_table": ["area_code", "indicator", "period"],
    "incident_counts": ["area_code", "category", "period"],
    "context": ["area_code", "period"],
}


class BuildError(Exception):
    """The build stopped; the previous database is untouched."""


@dataclass
class SourceResult:
    name: str
    kind: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    notes: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    noted: int = 0  # rows kept with a note (an optional value left empty); among the loaded
    noted_reasons: dict[str, int] = field(default_factory=dict)
    causes: list[str] = field(default_factory=list)  # likely causes of rejections
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


@dataclass
class BuildSummary:
    db_path: Path
    sources: list[SourceResult]
    seconds: float
    indicator_rows: int
    timings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def quarantined(self) -> int:
        return sum(s.rows_quarantined for s in self.sources)


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


def build(
    config_path: str | Path, db_path: str | Path, settings: Settings | None = None
) -> BuildSummary:
    """Build the database at ``db_path`` from a source config; swap it in atomically."""
    started = time.perf_counter()
    config = load_config(config_path)
    try:
        settings = settings or Settings.from_env(config.settings)
    except ValueError as exc:
        raise ConfigError(f"{config.path}: [settings]: {exc}") from None
    db_path = Path(db_path)
    with build_lock(db_path, settings.build_lock_timeout):  # one build of db_path at a time
        remove_stale_temporaries(db_path)
        tmp = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")
        _remove(tmp)
        con = connect(tmp)
        try:
            results, timings = _build_into(con, config, settings)
            con.execute("checkpoint")
            indicator_rows = con.execute("select count(*) from indicator_values").fetchone()[0]
            con.close()
            os.replace(tmp, db_path)
        except BaseException:
            con.close()
            _remove(tmp)
            raise
    return BuildSummary(db_path, results, time.perf_counter() - started, indicator_rows, timings)


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Remove ``DB.tmp-<pid>`` files (and their WAL) of builds whose process is gone.

    A killed build cannot clean up after itself; the next build does.  Files of a
    build that is still running are left alone.
    """
    prefix = f"{db_path.name}.tmp-"
    removed = []
    for path in db_path.parent.glob(glob.escape(prefix) + "*"):
        pid = path.name[len(prefix) :].removesuffix(".wal")
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _build_into(
    con: duckdb.DuckDBPyConnection, config: Config, settings: Settings
) -> tuple[list[SourceResult], list[tuple[str, float]]]:
    started = time.perf_counter()
    sqlfiles.run_layer(con, "schema")
    con.executemany("insert into build_settings values (?, ?, ?)", settings.rows())
    con.executemany(
        "insert into build_info values (?, ?)",
        [
            ("config", str(config.path)),
            ("gemeente_code", config.gemeente_code),
            ("gemeente_name", config.gemeente_name),
            ("built_at", datetime.now().isoformat(timespec="seconds")),
        ],
    )
    for period in config.series_breaks:
        con.execute("insert into series_breaks values (?)", [period])
    for s in config.sources:
        con.execute(
            "insert into sources values (?, ?, ?, ?, ?, ?, ?, ?)",
            [s.name, s.kind, str(s.path), s.publisher, s.licence, s.vintage, s.level, s.crs],
        )

    results, layers, references = [], [], {}
    failures, boundary_results = [], []
    for source in config.of_kind("boundaries"):
        result, layer = _load_boundaries(con, source, config.gemeente_code)
        failures.append(_failure(source, result, settings))
        boundary_results.append(result)
        if source.options.get("crosswalk_only"):
            references[source.name] = (source, layer)
            continue
        results.append(result)
        layers.append(layer)
    _stop_on(failures)
    if not any(len(layer) for layer in layers):
        files = ", ".join(str(s.path) for s in config.of_kind("boundaries"))
        why = "; ".join(f"{n} x {r}" for res in results for r, n in res.reasons.items())
        raise BuildError(f"{files}: no areas to load" + (f" (quarantined: {why})" if why else ""))
    index = _load_areas(con, layers, config.gemeente_code, config.gemeente_name)
    for name, (source, layer) in references.items():
        index.crosswalks[name] = _overlay_crosswalk(con, source, layer, index)
    for result, layer in zip(results, layers):
        dropped = index.dropped.get(layer["level"].iloc[0] if len(layer) else "", [])
        if dropped:
            result.rows_loaded -= len(dropped)
            result.skipped += len(dropped)
            note = f"{len(dropped)} areas without children dropped: {', '.join(dropped[:5])}"
            result.notes.append(note)
            con.execute(
                "update load_log set rows_loaded = ?, rows_skipped = ?, "
                "notes = coalesce(notes || '; ', '') || ? where source = ?",
                [result.rows_loaded, result.skipped, note, result.name],
            )
    lost = [
        f"the boundaries '{s.name}' ({s.path}) loaded {r.rows_loaded:,} areas"
        + (f", {r.rows_quarantined:,} quarantined" if r.rows_quarantined else "")
        for s, r in zip(config.of_kind("boundaries"), boundary_results)
    ]
    for source in config.sources:
        if source.kind != "boundaries":
            results.append(_load_table(con, source, index, settings))
            failures.append(_failure(source, results[-1], settings, lost))
    _stop_on(failures)

    timings = [("load sources", time.perf_counter() - started)]
    for layer in ("staging", "marts"):
        started = time.perf_counter()
        sqlfiles.run_layer(con, layer)
        timings.append((f"sql {layer}", time.perf_counter() - started))
    try:
        timings += run_analyses(con, settings)
    except AnalysisError as exc:
        raise BuildError(str(exc)) from exc
    violations = sqlfiles.run_checks(con)
    if violations:
        listed = "; ".join(f"{c}: {d}" for _, c, d in violations[:10])
        raise BuildError(f"{len(violations)} data checks failed: {listed}")
    return results, timings


def _failure(
    source: Source, result: SourceResult, settings: Settings, areas: list[str] = ()
) -> str | None:
    """The failure message of a source, or None; ``areas`` (what the boundaries loaded)
    explain area codes and points that match no area."""
    causes = result.causes
    if any("unknown area code" in r or "point lies" in r for r in result.reasons):
        causes = [*causes, *areas]
    return source_failure(
        f"source '{source.name}' ({source.path})",
        result.rows_read,
        result.rows_loaded,
        result.rows_quarantined,
        result.skipped,
        result.rejected,
        settings.max_quarantine_share,
        causes,
    )


def _stop_on(failures: list[str | None]) -> None:
    """Stop the build when a source failed its checks, naming every such source."""
    found = [f for f in failures if f]
    if found:
        raise BuildError("\n".join(found))


def _log(con, source: Source, result: SourceResult, started: datetime) -> None:
    con.execute(
        "insert into load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source.name,
            source.kind,
            str(source.path),
            checksum(source.path),
            result.rows_read,
            result.rows_loaded,
            result.rows_quarantined,
            result.skipped,
            result.noted,
            "; ".join(result.notes) or None,
            started,
            datetime.now(),
        ],
    )


def _quarantine(
    con, source: Source, rejected: pd.DataFrame, severity: str = "rejected"
) -> dict[str, int]:
    """Rejected rows (or rows kept with a note) into the quarantine; counts per reason."""
    if rejected.empty:
        return {}
    frame = rejected.assign(source=source.name, severity=severity)[
        ["source", "row_number", "field", "reason", "raw", "severity"]
    ]
    con.register("rejected_rows", frame)
    con.execute("insert into quarantine by name select * from rejected_rows")
    con.unregister("rejected_rows")
    return reason_counts(frame).to_dict()


def _load_boundaries(
    con, source: Source, gemeente_code: str
) -> tuple[SourceResult, gpd.GeoDataFrame]:
    started = datetime.now()
    frame = read_source(source)
    where = f"{source.path}: source '{source.name}'"
    if not isinstance(frame, gpd.GeoDataFrame):
        raise BuildError(
            f"{where}: boundaries must be a spatial file ({', '.join(SPATIAL_SUFFIXES)})"
        )
    crs = resolve_crs(frame.crs, source.crs, where)
    layer, problems, notes, skipped = normalise_boundaries(source, frame, crs, gemeente_code)
    kept = frame.drop(columns="geometry").reset_index(drop=True)
    numbers = row_numbers(kept, False)  # feature numbers in the file, before any skipping
    if skipped:
        mine = ~other_municipality(kept[source.columns["code"]], gemeente_code)
        kept = kept[mine].reset_index(drop=True)
        numbers = numbers[mine].reset_index(drop=True)
    rejected = rejected_frame(kept, problems, numbers)
    result = SourceResult(
        source.name, source.kind, len(frame), len(layer), len(rejected), notes, skipped=skipped
    )
    layer.attrs["options"] = source.options
    result.reasons = _quarantine(con, source, rejected)
    result.rejected = rejected
    _log(con, source, result, started)
    return result, layer


def _overlay_crosswalk(con, source: Source, layer: gpd.GeoDataFrame, index: AreaIndex):
    """Old areas of a reference vintage onto the loaded areas of the same level."""
    codes, geoms = index.by_level.get(source.level, (np.array([]), np.array([])))
    if not len(codes):
        raise BuildError(f"source '{source.name}': no loaded {source.level} areas to map onto")
    table = overlay_crosswalk(layer["code"].to_numpy(), layer.geometry.to_numpy(), codes, geoms)
    to_vintage = con.execute(
        "select max(vintage) from load_areas where level = ?", [source.level]
    ).fetchone()[0]
    rows = table.assign(
        source=source.name, from_vintage=source.vintage, to_vintage=to_vintage, method="overlay"
    )
    _insert(con, "crosswalk", rows)
    return table


def _load_areas(con, layers: list[gpd.GeoDataFrame], code: str, name: str) -> AreaIndex:
    options = {
        layer["level"].iloc[0]: layer.attrs.get("options", {}) for layer in layers if len(layer)
    }
    areas = assemble_areas(layers, code, name, options)
    display = np.empty(len(areas), dtype=object)
    for level in areas["level"].unique():
        mask = (areas["level"] == level).to_numpy()
        display[mask] = display_geometries(areas.geometry.values[mask], level)
    frame = pd.DataFrame(
        {
            "code": areas["code"],
            "name": areas["name"],
            "level": areas["level"],
            "parent_code": areas["parent_code"],
            "gemeente_code": areas["gemeente_code"],
            "vintage": areas["vintage"].astype(int),
            "inhabitants": areas["inhabitants"].astype("Int64"),
            "is_water": areas["is_water"].astype(bool),
            "source": areas["source"],
            "geom_wkb": shapely.to_wkb(areas.geometry.values),
            "display_wkb": shapely.to_wkb(display),
        }
    )
    con.register("area_rows", frame)
    con.execute("insert into load_areas select * from area_rows")
    con.unregister("area_rows")
    _insert(con, "area_parent_checks", areas.attrs["parent_checks"])
    levels = set(areas["level"])
    finest = next(lv for lv in LEVEL_ORDER if lv in levels)
    fine = areas[areas["level"] == finest]
    top = areas[areas["level"] == "gemeente"]
    return AreaIndex(
        codes=set(areas["code"]),
        areas=pd.DataFrame(areas[["code", "name", "level"]]),
        gemeente_code=code,
        finest_level=finest,
        finest_codes=fine["code"].to_numpy(),
        finest_geoms=fine.geometry.to_numpy(),
        municipality=shapely.union_all(top.geometry.to_numpy()),
        dropped=areas.attrs.get("dropped", {}),
        by_level={
            lv: (g["code"].to_numpy(), g.geometry.to_numpy()) for lv, g in areas.groupby("level")
        },
    )


def _load_table(con, source: Source, index: AreaIndex, settings: Settings) -> SourceResult:
    started = datetime.now()
    where = f"{source.path}: source '{source.name}'"
    frame = read_source(source)
    is_csv = not isinstance(frame, gpd.GeoDataFrame) and source.path.suffix.lower() != ".parquet"
    offset = 2 if is_csv else 1
    if "wide" in source.options or "wide_indicators" in source.options:
        if "wide" in source.options:
            frame = melt_wide(frame, source.options["wide"], where)
        else:
            frame = melt_indicators(frame, source.options["wide_indicators"], where)
        frame[LINE] = frame.pop("_row") + offset
    else:
        frame[LINE] = np.arange(len(frame)) + offset
    rows_read = len(frame)
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
        typed["category"] = categories(typed["category"], source)
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
        causes += _locate(source, frame, typed, problems, index)
    good = typed[~problems.rejected_mask()]
    rejected = rejected_frame(frame, problems, typed["row_number"])
    noted = noted_frame(frame, problems, typed["row_number"])
    notes += _date_notes(problems)
    loaded = len(good)
    if overlay is not None:
        moved = good[old[good.index]]
        if source.kind == "incident_counts":
            moved = split_counts(moved, overlay)
        else:
            moved = carry_values(moved, overlay, KEYS.get(source.kind, ["area_code"]))
        good = pd.concat([good[~old[good.index]], moved], ignore_index=True)
        notes.append(f"{int(old.sum())} rows of an older vintage mapped by overlay")
    _insert_rows(con, source, good)
    if source.kind == "incidents":
        _insert_point_levels(con, good, index)
    if source.kind == "indicator_table":
        _declare_indicators(con, source, sorted(good["indicator"].dropna().unique()))
    result = SourceResult(
        source.name, source.kind, rows_read, loaded, len(rejected), notes, skipped=skipped
    )
    result.reasons = _quarantine(con, source, rejected)
    result.noted = len(noted)
    result.noted_reasons = _quarantine(con, source, noted, "note")
    result.rejected, result.causes = rejected, causes
    _log(con, source, result, started)
    return result


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


def _locate(source, frame, typed: pd.DataFrame, problems: Problems, index: AreaIndex) -> list[str]:
    """Point-in-polygon for rows with coordinates; check area codes for the others.

    Returns the likely cause when most points lie outside the municipality.
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
        _insert(con, "load_incident_levels", placed)


def _record_mapping(con, source: Source, raw: pd.Series, mapped: pd.Series, how: pd.Series):
    """The code and name matches a source made, into the crosswalk table."""
    pairs = (
        pd.DataFrame({"from_code": raw.astype(str).str.strip(), "to_code": mapped, "method": how})
        .dropna(subset=["method"])
        .drop_duplicates()
    )
    _insert(con, "crosswalk", pairs.assign(source=source.name))


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


def _insert_rows(con, source: Source, good: pd.DataFrame) -> None:
    good = good.assign(source=source.name)
    if source.kind == "context":
        long = good.melt(
            id_vars=["source", "area_code", "period"],
            value_vars=list(source.variables),
            var_name="variable",
            value_name="value",
        )
        _insert(con, "load_context", long)
        return
    table = {
        "incidents": "load_incidents",
        "survey_responses": "load_survey",
        "initiatives": "load_initiatives",
        "indicator_table": "load_indicator_table",
        "incident_counts": "load_incident_counts",
    }[source.kind]
    _insert(con, table, good)


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    present = [c for c in columns if c in frame.columns]
    con.register("rows_in", frame[present])
    con.execute(f"insert into {table} by name select * from rows_in")
    con.unregister("rows_in")
