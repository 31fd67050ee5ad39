"""The build: read every source of a config, validate, load, build the marts, swap.

Boundaries are loaded here into the areas; every other source by etl.load_table,
with its bookkeeping in etl.bookkeeping and its checks in etl.source_checks.

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
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl import sqlfiles
from etl.analysis import AnalysisError, run_analyses
from etl.bookkeeping import BuildError, SourceResult, insert_rows, log_source, quarantine_rows
from etl.build_lock import build_lock
from etl.config import SPATIAL_SUFFIXES, Config, ConfigError, Source, load_config
from etl.db import connect
from etl.extract import read_source
from etl.harmonise import other_municipality
from etl.load_table import AreaIndex, load_table
from etl.settings import Settings
from etl.source_checks import source_failure
from etl.validate import rejected_frame, row_numbers
from geo.boundaries import LEVEL_ORDER, assemble_areas, display_geometries
from geo.crosswalk import overlay_crosswalk
from geo.crs import resolve_crs
from geo.normalise import normalise_boundaries


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
            con.execute("set memory_limit = ?", [settings.duckdb_memory_limit])
            if settings.duckdb_threads:
                con.execute("set threads = ?", [settings.duckdb_threads])
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
            # the build's identity: keys of views shared between dashboard replicas
            ("build_id", uuid.uuid4().hex),
        ],
    )
    for period in config.series_breaks:
        con.execute("insert into series_breaks values (?)", [period])
    for s in config.sources:
        con.execute(
            "insert into sources values (?, ?, ?, ?, ?, ?, ?, ?)",
            [s.name, s.kind, str(s.path), s.publisher, s.licence, s.vintage, s.level, s.crs],
        )
        if "complete" in s.options:
            if not isinstance(s.options["complete"], bool):
                raise ConfigError(
                    f"{config.path}: source '{s.name}': option complete must be true or false, "
                    f"not {s.options['complete']!r}"
                )
            if s.options["complete"]:
                con.execute("insert into complete_sources values (?)", [s.name])

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
            results.append(load_table(con, source, index, settings))
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
    sqlfiles.run_layer(con, "final")
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
    result.reasons = quarantine_rows(con, source, rejected)
    result.rejected = rejected
    log_source(con, source, result, started)
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
    insert_rows(con, "crosswalk", rows)
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
    insert_rows(con, "area_parent_checks", areas.attrs["parent_checks"])
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
