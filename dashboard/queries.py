"""Queries of the dashboard: plain functions of a Store and bound parameters."""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd
from cachetools import LRUCache, cached

from dashboard.fmt import number
from dashboard.store import Store
from etl.disclosure import (
    DENOMINATOR_VARIABLES,
    Rules,
    disclosed_length,
    gate_kind,
    is_small,
    public_change_rows,
    public_counts,
    public_denominators,
    public_effect_rows,
    public_rate_rows,
    public_reach_rows,
    public_values,
    sensitive_hidden,
)
from etl.registry import Indicator, read_meta
from etl.registry import indicator as registry_indicator

LEVELS = ("buurt", "wijk", "stadsdeel", "gemeente")
#: How a value was estimated (indicator_values.method): from the area's own data, or by a
#: small-area model; every query reads 'direct' unless it is asked for 'model'.
METHODS = ("direct", "model")
#: Indicators listed first, in this order, when present.
HEADLINE = ("survey_share.unsafe_own_buurt", "incident_rate.total", "survey_share.unsafe_ever")


def levels(store: Store) -> list[str]:
    """The levels below the gemeente that the served file holds."""
    return list(_levels(store, store.version))


@lru_cache(maxsize=4)
def _levels(store: Store, version: tuple[int, int]) -> tuple[str, ...]:
    found = set(store.frame("select distinct level from areas")["level"])
    return tuple(lv for lv in LEVELS if lv in found and lv != "gemeente")


def area_codes(store: Store) -> frozenset[str]:
    """Codes of every area of the served file (the allow-list of area inputs)."""
    return _area_codes(store, store.version)


@lru_cache(maxsize=4)
def _area_codes(store: Store, version: tuple[int, int]) -> frozenset[str]:
    return frozenset(store.frame("select code from areas")["code"])


def indicator_ids(store: Store) -> list[str]:
    """Indicators that have at least one value; the headline ones first."""
    frame = store.frame(
        "select indicator from indicator_values group by indicator "
        "having count(value) > 0 order by indicator"
    )
    ids = list(frame["indicator"])
    return sorted(ids, key=lambda i: (HEADLINE.index(i) if i in HEADLINE else len(HEADLINE), i))


def periods(store: Store, indicator: str) -> list[str]:
    """Periods of an indicator (call with an indicator checked by dashboard.inputs)."""
    return list(_periods(store, store.version, indicator))


@lru_cache(maxsize=512)
def _periods(store: Store, version: tuple[int, int], indicator: str) -> tuple[str, ...]:
    frame = store.frame(
        "select distinct period from indicator_values where indicator = ? order by period",
        [indicator],
    )
    return tuple(frame["period"])


def city(store: Store) -> tuple[str, str]:
    row = store.frame("select code, name from areas where level = 'gemeente' order by code limit 1")
    return row["code"][0], row["name"][0]


def indicator_meta(store: Store) -> dict[str, Indicator]:
    """Registry entries of the indicators in the database (table indicator_meta)."""
    return _meta(store, store.version)


@lru_cache(maxsize=4)
def _meta(store: Store, version: tuple[int, int]) -> dict[str, Indicator]:
    return read_meta(store.frame("select * from indicator_meta"))


def setting(store: Store, name: str) -> str:
    """A setting as the build that made the database used it."""
    return _settings(store, store.version)[name]


@lru_cache(maxsize=4)
def _settings(store: Store, version: tuple[int, int]) -> dict[str, str]:
    frame = store.frame("select name, value from build_settings")
    return dict(zip(frame["name"], frame["value"]))


ROLES = ("public", "professional", "admin")


def is_public(role: str) -> bool:
    """Every role but the signed-in ones sees the public view."""
    return role not in ("professional", "admin")


def rules(store: Store) -> Rules:
    """The disclosure rules of the served build (defaults for a file built before a rule)."""
    return _rules(store, store.version)


@lru_cache(maxsize=4)
def _rules(store: Store, version: tuple[int, int]) -> Rules:
    values = _settings(store, version)
    default = Rules()
    return Rules(
        round_to=int(values.get("public_round_to", default.round_to)),
        denominator_round_to=int(
            values.get("public_denominator_round_to", default.denominator_round_to)
        ),
        confidence=float(values.get("confidence", default.confidence)),
    )


def public_area_values(
    store: Store,
    indicator: str,
    level: str,
    period: str,
    role: str = "public",
    method: str = "direct",
) -> pd.DataFrame:
    """area_values as ``role`` may see them: for the public with disclosure control
    (counts of incidents 1-4 as '<5', rounded; sensitive categories only from wijk up),
    for professionals with exact counts (column n_public holds the text shown).

    Kept in memory per database file: a build never changes a file in place, so a view
    asked for again (the common case with many users) costs no query.  Do not modify
    the frame returned.
    """
    return _public_area_frame(store, store.version, indicator, level, period, role, method)


#: Views (an indicator, level and period) kept in memory per process, counted in areas:
#: a view of 518 buurten counts 518 (about 340 bytes each with its hover texts), so the
#: default of 200,000 is about 70 MB per web worker, whatever the number of areas.
VIEW_CACHE_AREAS = int(os.environ.get("UNEASE_VIEW_CACHE_AREAS", "200000"))


#: What a view costs in the cache beyond its areas (counted as this many areas), so the
#: number of views is bounded too (at most VIEW_CACHE_AREAS / VIEW_ENTRY_AREAS).
VIEW_ENTRY_AREAS = 50


def view_cache(size_of) -> Callable:
    """A thread-safe least-recently-used cache of views, bounded by their areas (about
    bytes) and by their number; keys must be values checked by dashboard.inputs."""
    return cached(
        LRUCache(maxsize=VIEW_CACHE_AREAS, getsizeof=lambda v: size_of(v) + VIEW_ENTRY_AREAS),
        lock=threading.Lock(),
    )


@view_cache(len)
def _public_area_frame(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    method: str,
) -> pd.DataFrame:
    return pd.DataFrame(public_area_columns(store, indicator, level, period, role, method))


def public_area_columns(
    store: Store,
    indicator: str,
    level: str,
    period: str,
    role: str = "public",
    method: str = "direct",
) -> dict:
    """:func:`public_area_values` as plain columns (numpy arrays and lists), without
    building a data frame: the map's colours and hover texts need nothing more."""
    return _public_area_columns(store, store.version, indicator, level, period, role, method)


@view_cache(lambda columns: len(columns["area_code"]))
def _public_area_columns(
    store: Store,
    version: tuple[int, int],
    indicator: str,
    level: str,
    period: str,
    role: str,
    method: str,
) -> dict:
    columns = _area_columns(store, indicator, level, period, method)
    return disclose(store, columns, indicator, level, role, period=period, method=method)


def disclose(
    store: Store,
    frame,
    indicator: str,
    level: str,
    role: str = "public",
    period: str | None = None,
    area_code: str | None = None,
    method: str = "direct",
):
    """The one disclosure gate of indicator values (etl.disclosure.public_values).

    ``frame`` is a data frame or a dict of columns (value, ci_low, ci_high, n, flag and,
    when it has them, area_code and period; else ``area_code``/``period`` hold for every
    row; a column ``method``, or else ``method``, tells model estimates from direct ones);
    the result is of the same kind, with the text column n_public.  Professionals
    and admins see exact values and counts."""
    entry = indicator_meta(store)[indicator]
    if not is_public(role):
        out = frame.copy()
        out["n_public"] = [_plain(n) for n in np.asarray(frame["n"], dtype=float).tolist()]
        return out
    kind = gate_kind(indicator, entry.source_kind, entry.unit)
    incident_n = None
    size = len(frame["n"])
    if kind == "composite":
        codes = list(frame["area_code"]) if "area_code" in frame else [area_code] * size
        periods = list(frame["period"]) if "period" in frame else [period] * size
        counts = _incident_counts(store, store.version)
        incident_n = np.array([counts.get((c, p), np.nan) for c, p in zip(codes, periods)])
    methods = list(frame["method"]) if "method" in frame else [method] * size
    model_rows = np.array([m != "direct" for m in methods], dtype=bool)
    return public_values(frame, entry.sensitive, level, rules(store), kind, incident_n, model_rows)


@lru_cache(maxsize=2)
def _incident_counts(store: Store, version: tuple[int, int]) -> dict[tuple[str, str], float]:
    """Incidents (all categories) per area and period, for composites of the incident index."""
    frame = store.frame(
        "select area_code, period, n from indicator_values "
        "where indicator = 'incident_rate.total' and method = 'direct'"
    )
    return dict(zip(zip(frame["area_code"], frame["period"]), frame["n"].astype(float)))


def _plain(n: float) -> str:
    return number(n, 0).replace(",", ".")


#: indicator_values of the served file are held in memory up to this many rows
#: (UNEASE_PRELOAD_ROWS); a larger file is queried view by view.
PRELOAD_ROWS = int(os.environ.get("UNEASE_PRELOAD_ROWS", "2000000"))
VALUE_COLUMNS = ["value", "ci_low", "ci_high", "n"]


def area_values(
    store: Store, indicator: str, level: str, period: str, method: str = "direct"
) -> pd.DataFrame:
    """Every area of a level with its value, interval, n and flag (missing rows included),
    and the city's (direct) value of the same indicator and period."""
    return pd.DataFrame(_area_columns(store, indicator, level, period, method))


def _area_columns(
    store: Store, indicator: str, level: str, period: str, method: str = "direct"
) -> dict:
    """area_values as a dict of columns: from memory when the file is held, else by SQL."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    held = _held_values(store, store.version)
    if held is None:
        frame = _area_values_sql(store, indicator, level, period, method)
        return {c: frame[c].to_numpy() for c in frame.columns}
    areas = held.areas.get(level, _NO_AREAS)
    size = len(areas["area_code"])
    columns = {"area_code": areas["area_code"], "name": areas["name"]}
    rows = held.rows.get((indicator, period, level, method))
    at = held.position[rows] if rows is not None else None
    for col in VALUE_COLUMNS:
        full = np.full(size, np.nan)
        if rows is not None:
            full[at] = held.columns[col][rows]
        columns[col] = full
    flag = np.full(size, "no-data", dtype=object)
    if rows is not None:
        flag[at] = held.columns["flag"][rows]
    columns["flag"] = flag
    city = held.rows.get((indicator, period, "gemeente", "direct"))
    city_value = float(held.columns["value"][city[0]]) if city is not None else np.nan
    columns["city_value"] = np.full(size, city_value)
    return columns


_NO_AREAS = {"area_code": np.array([], dtype=object), "name": np.array([], dtype=object)}


class _Held:
    """indicator_values held as whole columns, with the row numbers of each view and
    each row's position in its level's list of areas (ordered by code)."""

    def __init__(self, frame: pd.DataFrame, areas: dict[str, dict]):
        self.areas = areas
        self.columns = {c: frame[c].to_numpy(dtype=float) for c in VALUE_COLUMNS}
        self.columns["flag"] = frame["flag"].to_numpy(dtype=object)
        self.position = np.zeros(len(frame), dtype=np.int64)
        levels, codes = frame["level"].to_numpy(), frame["area_code"].to_numpy()
        for level, listed in areas.items():
            rows = np.flatnonzero(levels == level)
            self.position[rows] = pd.Index(listed["area_code"]).get_indexer(codes[rows])
        self.rows = frame.groupby(["indicator", "period", "level", "method"], sort=False).indices


@lru_cache(maxsize=2)
def _held_values(store: Store, version: tuple[int, int]) -> _Held | None:
    """indicator_values in memory, when the file is small enough."""
    count = store.frame("select count(*) as n from indicator_values")["n"][0]
    if count > PRELOAD_ROWS:
        return None
    frame = store.frame(
        """
        select v.indicator, v.period, a.level, v.method, v.area_code, v.value, v.ci_low,
            v.ci_high, v.n, coalesce(v.flag, 'no-data') as flag
        from indicator_values v join areas a on a.code = v.area_code
        """
    )
    areas = store.frame("select code as area_code, name, level from areas order by code")
    by_level = {
        level: {
            "area_code": rows["area_code"].to_numpy(dtype=object),
            "name": rows["name"].to_numpy(dtype=object),
        }
        for level, rows in areas.groupby("level", sort=False)
    }
    return _Held(frame, by_level)


def _area_values_sql(
    store: Store, indicator: str, level: str, period: str, method: str = "direct"
) -> pd.DataFrame:
    return store.frame(
        """
        select a.code as area_code, a.name, v.value, v.ci_low, v.ci_high, v.n,
            coalesce(v.flag, 'no-data') as flag,
            (select c.value from indicator_values c join areas g on g.code = c.area_code
             where g.level = 'gemeente' and c.indicator = ? and c.period = ?
                and c.method = 'direct' limit 1)
                as city_value
        from areas a
        left join indicator_values v
            on v.area_code = a.code and v.indicator = ? and v.period = ? and v.method = ?
        where a.level = ?
        order by a.code
        """,
        [indicator, period, indicator, period, method, level],
    )


def area_name(store: Store, code: str) -> str:
    frame = store.frame("select name from areas where code = ?", [code])
    return frame["name"][0] if len(frame) else code


def area_trend(
    store: Store, indicator: str, area_code: str, role: str = "public", method: str = "direct"
) -> pd.DataFrame:
    """The indicator over all periods for one area, disclosure control applied for the public."""
    frame = store.frame(
        """
        select v.period, v.value, v.ci_low, v.ci_high, v.n, v.flag, a.level
        from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = ? and v.area_code = ? and v.method = ?
        order by v.period
        """,
        [indicator, area_code, method],
    )
    level = frame["level"].iloc[0] if len(frame) else "buurt"
    return disclose(store, frame, indicator, level, role, area_code=area_code, method=method)


def areas(store: Store, level: str | None = None) -> pd.DataFrame:
    sql = "select code, name, level from areas"
    if level:
        return store.frame(sql + " where level = ? order by name", [level])
    return store.frame(sql + " order by level, name")


def geojson_url(store: Store, level: str) -> str:
    """Address of a level's display geometries, new with every build (browser caching)."""
    return f"/geo/{level}.geojson?v={store.version[0]}-{store.version[1]}"


@lru_cache(maxsize=16)
def _geojson(store: Store, version: tuple[int, int], level: str) -> dict:
    frame = store.frame(
        "select code, name, st_asgeojson(geom_display) as g from areas where level = ? "
        "order by code",
        [level],
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {"name": n}, "geometry": json.loads(g)}
            for c, n, g in zip(frame["code"], frame["name"], frame["g"])
        ],
    }


def level_bounds(store: Store, level: str) -> tuple[float, float, float, float]:
    """West, south, east, north (WGS84) of the display geometries of a level."""
    return _level_bounds(store, store.version, level)


@lru_cache(maxsize=16)
def _level_bounds(
    store: Store, version: tuple[int, int], level: str
) -> tuple[float, float, float, float]:
    row = store.frame(
        "select min(st_xmin(geom_display)) as w, min(st_ymin(geom_display)) as s, "
        "max(st_xmax(geom_display)) as e, max(st_ymax(geom_display)) as n "
        "from areas where level = ?",
        [level],
    ).iloc[0]
    return float(row["w"]), float(row["s"]), float(row["e"]), float(row["n"])


def attribution(store: Store, lang: str, indicator: str | None = None) -> str:
    """Publisher, licence and year of the boundaries shown and of the indicator's data."""
    return _attribution(store, store.version, lang, indicator)


@lru_cache(maxsize=256)
def _attribution(store: Store, version: tuple[int, int], lang: str, indicator: str | None) -> str:
    rows = _sources(store, version)
    kinds = {"boundaries"}
    used: set[str] = set()
    if indicator:
        entry = indicator_meta(store).get(indicator)
        kind = entry.source_kind if entry else ""
        kinds_for = {
            "incidents": {"incidents", "incident_counts"},
            "survey_responses": {"survey_responses"},
            "context": {"context"},
            "composite": {"incidents", "incident_counts", "survey_responses"},
        }
        used = kinds_for.get(kind, set())
        if kind == "indicator_table" and entry:
            rows = [
                r for r in rows if r["kind"] != "indicator_table" or r["source"] == entry.family
            ]
            used = {"indicator_table"}

    def listed(chosen: list[dict]) -> str:
        parts, seen = [], set()
        for r in chosen:
            key = (r["publisher"], r["licence"], r["vintage"])
            if key in seen:
                continue
            seen.add(key)
            text = str(r["publisher"])
            if r["vintage"] is not None:
                text += f", {int(r['vintage'])}"
            if r["licence"]:
                text += f" ({r['licence']})"
            parts.append(text)
        return "; ".join(parts)

    words = {"nl": ("Grenzen", "Gegevens"), "en": ("Boundaries", "Data")}[lang]
    text = f"{words[0]}: {listed([r for r in rows if r['kind'] in kinds])}"
    data = [r for r in rows if r["kind"] in used]
    if data:
        text += f". {words[1]}: {listed(data)}"
    return text


@lru_cache(maxsize=4)
def _sources(store: Store, version: tuple[int, int]) -> list[dict]:
    """The sources table as records (missing vintage as None), ordered by kind and source."""
    frame = store.frame(
        "select kind, source, coalesce(publisher, source) as publisher, licence, vintage "
        "from sources order by kind, source"
    )
    return [
        {k: (None if k == "vintage" and pd.isna(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def period_marks(
    store: Store, indicator: str | None = None, period: str | None = None
) -> pd.DataFrame:
    """Partial periods and denominators of another year: period, coverage, denominator_periods.

    For one indicator and/or period (checked by dashboard.inputs), or the whole build.
    """
    return _period_marks(store, store.version, indicator, period)


@lru_cache(maxsize=256)
def _period_marks(
    store: Store, version: tuple[int, int], indicator: str | None, period: str | None
) -> pd.DataFrame:
    return store.frame(
        """
        select period, max(coverage) as coverage,
            string_agg(distinct denominator_period, ', ' order by denominator_period)
                filter (where denominator_period <> period) as denominator_periods
        from indicator_values
        where ($indicator is null or indicator = $indicator)
            and ($period is null or period = $period)
            and (coverage is not null or denominator_period <> period)
        group by period
        order by period
        """,
        {"indicator": indicator, "period": period},
    )


def harmonised_marks(
    store: Store, indicator: str | None = None, period: str | None = None
) -> pd.DataFrame:
    """Values mapped from another code system or vintage: harmonised, areas (count).

    ``indicator_values.harmonised`` is 'name' (matched by name, a last resort),
    'overlay' (carried by area share, approximate) or 'table' (a supplied crosswalk).
    """
    return _harmonised_marks(store, store.version, indicator, period)


@lru_cache(maxsize=256)
def _harmonised_marks(
    store: Store, version: tuple[int, int], indicator: str | None, period: str | None
) -> pd.DataFrame:
    return store.frame(
        """
        select harmonised, count(distinct area_code) as areas
        from indicator_values
        where harmonised is not null
            and ($indicator is null or indicator = $indicator)
            and ($period is null or period = $period)
        group by harmonised
        order by harmonised
        """,
        {"indicator": indicator, "period": period},
    )


def rules_text(store: Store, lang: str) -> str:
    """The project-default thresholds this database was built with, as a sentence."""
    return _rules_text(store, store.version, lang)


@lru_cache(maxsize=8)
def _rules_text(store: Store, version: tuple[int, int], lang: str) -> str:
    v = dict(store.frame("select name, value from build_settings").values.tolist())
    conf = round(100 * float(v["confidence"]))
    if lang == "en":
        return (
            f"Rules: survey figures withheld below {v['min_survey_n']} respondents and "
            f"indicative below {v['indicative_survey_n']}; no incident rate below "
            f"{v['min_inhabitants']} inhabitants; {conf}% intervals; public counts 1-4 as <5."
        )
    return (
        f"Regels: enquêtecijfers niet getoond onder {v['min_survey_n']} respondenten en "
        f"indicatief onder {v['indicative_survey_n']}; geen incidentcijfer onder "
        f"{v['min_inhabitants']} inwoners; {conf}%-intervallen; publieke aantallen 1-4 als <5."
    )


def geojson_bytes(store: Store, level: str) -> bytes:
    """The display geometries of a level as GeoJSON text (served as its own resource)."""
    return _geojson_bytes(store, store.version, level)


@lru_cache(maxsize=16)
def _geojson_bytes(store: Store, version: tuple[int, int], level: str) -> bytes:
    return json.dumps(_geojson(store, version, level), separators=(",", ":")).encode()


def geojson_gzip(store: Store, level: str) -> bytes:
    return _geojson_gzip(store, store.version, level)


@lru_cache(maxsize=16)
def _geojson_gzip(store: Store, version: tuple[int, int], level: str) -> bytes:
    return gzip.compress(_geojson_bytes(store, version, level), compresslevel=6)


def initiative_points(store: Store) -> pd.DataFrame:
    """Initiatives with a location, in WGS84 for the map."""
    if not has_table(store, "initiatives"):
        return pd.DataFrame(columns=["initiative_id", "name", "type", "start_date", "lon", "lat"])
    return store.frame(
        """
        select initiative_id, name, type, start_date, end_date, area_code,
            st_x(p) as lon, st_y(p) as lat
        from (
            select *, st_transform(
                st_point(x_rd, y_rd), 'EPSG:28992', 'EPSG:4326', always_xy := true
            ) as p
            from initiatives where x_rd is not null
        )
        order by type, start_date
        """
    )


def initiative_coverage(store: Store, level: str, role: str = "public") -> pd.DataFrame:
    """Active initiatives per area of the level and form, with the area's inhabitants
    (rounded for the public)."""
    frame = store.frame(
        """
        select a.code, a.name, a.inhabitants, i.type, count(*) as n
        from initiatives i
        join area_ancestors anc on anc.code = i.area_code
        join areas a on a.code = anc.ancestor_code and a.level = ?
        where i.end_date is null or i.end_date >= current_date
        group by all
        """,
        [level],
    )
    if is_public(role) and len(frame):
        frame["inhabitants"] = public_denominators(frame["inhabitants"], rules(store))
    return frame


def has_table(store: Store, name: str) -> bool:
    frame = store.frame(
        "select count(*) as n from information_schema.tables where table_name = ?", [name]
    )
    return bool(frame["n"][0])


def area_info(store: Store, code: str, role: str = "public") -> dict | None:
    """An area's code, name, level, parent, inhabitants (rounded for the public), vintage."""
    frame = store.frame(
        "select code, name, level, parent_code, inhabitants, vintage from areas where code = ?",
        [code],
    )
    if not len(frame):
        return None
    info = frame.iloc[0].to_dict()
    if is_public(role) and pd.notna(info["inhabitants"]):
        info["inhabitants"] = float(public_denominators([info["inhabitants"]], rules(store))[0])
    return info


def latest_values(
    store: Store,
    area_code: str,
    indicators: list[str],
    role: str = "public",
    method: str = "direct",
) -> pd.DataFrame:
    """Latest period's value of each indicator for an area, beside the city's (direct),
    through the gate."""
    if not indicators:
        return pd.DataFrame()
    frame = _latest_values(store, area_code, indicators, method)
    info = area_info(store, area_code, role)
    level = info["level"] if info else ""
    rows = [
        disclose(store, frame.iloc[[i]], ind, level, role, area_code=area_code, method=method)
        for i, ind in enumerate(frame["indicator"])
    ]
    return pd.concat(rows, ignore_index=True) if rows else frame


def _latest_values(
    store: Store, area_code: str, indicators: list[str], method: str
) -> pd.DataFrame:
    marks = ",".join("?" * len(indicators))
    return store.frame(
        f"""
        with latest as (
            select indicator, max(period) as period from indicator_values
            where area_code = ? and indicator in ({marks}) and method = ? group by indicator
        )
        select v.indicator, v.period, v.value, v.ci_low, v.ci_high, v.n, v.flag,
            c.value as city_value
        from latest l
        join indicator_values v on v.indicator = l.indicator and v.period = l.period
            and v.area_code = ? and v.method = ?
        left join indicator_values c on c.indicator = l.indicator and c.period = l.period
            and c.area_code = (select code from areas where level = 'gemeente' limit 1)
            and c.method = 'direct'
        order by v.indicator
        """,
        [area_code, *indicators, method, area_code, method],
    )


def area_hotspots(store: Store, area_code: str, role: str = "public") -> pd.DataFrame:
    """Getis-Ord Gi* of an area per incident category, over all years ('all') and the latest.

    Columns category, period, gi_z, q_value, kind ('hot', 'cold' or None) and stable
    (hot at buurt and wijk level, the only hotspots to report).  For the public,
    sensitive categories below wijk level are left out (etl.disclosure).
    """
    if not has_table(store, "hotspots"):
        return pd.DataFrame()
    frame = store.frame(
        """
        select indicator, level, period, gi_z, q_value, kind, stable from hotspots
        where area_code = ? and gi_z is not null and (
            period = 'all' or period = (select max(period) from hotspots where period <> 'all')
        )
        order by stable desc, gi_z desc
        """,
        [area_code],
    )
    meta = indicator_meta(store)
    if is_public(role):
        hidden = [
            sensitive_hidden(meta[i].sensitive, lv) if i in meta else True
            for i, lv in zip(frame["indicator"], frame["level"])
        ]
        frame = frame[~np.asarray(hidden, dtype=bool)]
    # a plain list: .str.partition of an empty column has no column 2
    category = [indicator.partition(".")[2] for indicator in frame["indicator"]]
    return frame.assign(category=category).drop(columns=["indicator", "level"])


def index_parts_missing(store: Store, area_code: str) -> dict[str, list[str]]:
    """Per period, the parts of the unease index an area lacks (empty list: complete)."""
    if not has_table(store, "unease_index_parts"):
        return {}
    frame = store.frame(
        "select period, parts_missing from unease_index_parts where area_code = ?", [area_code]
    )
    return {
        str(p): [m for m in str(missing or "").split(",") if m]
        for p, missing in zip(frame["period"], frame["parts_missing"])
    }


def similar_areas(store: Store, area_code: str, k: int = 5) -> pd.DataFrame:
    """The k areas of the same level closest in context index (latest year)."""
    return store.frame(
        """
        with me as (
            select v.value, a.level, v.period from indicator_values v
            join areas a on a.code = v.area_code
            where v.indicator = 'context_index.composite' and v.area_code = ?
                and v.method = 'direct'
            order by v.period desc limit 1
        )
        select a.code, a.name, v.value as context_index
        from indicator_values v join areas a on a.code = v.area_code, me
        where v.indicator = 'context_index.composite' and v.period = me.period
            and v.method = 'direct' and a.level = me.level and a.code <> ? and v.value is not null
        order by abs(v.value - me.value), a.code
        limit ?
        """,
        [area_code, area_code, k],
    )


def category_counts(store: Store, area_code: str, role: str = "public") -> pd.DataFrame:
    """Incidents per category in the latest year, largest first, with the text shown
    (n_public).  For the public: no sensitive category below wijk level, counts
    disclosed, and ``n`` (the bar length) follows the disclosed count (1-4 drawn alike)."""
    frame = store.frame(
        """
        select c.category, c.n, a.level from incident_counts c
        join areas a on a.code = c.area_code
        where c.area_code = ? and c.category <> 'total'
            and c.period = (select max(period) from incident_counts)
        order by c.n desc, c.category
        """,
        [area_code],
    )
    if not is_public(role):
        return frame.assign(n_public=[_plain(n) for n in frame["n"]]).drop(columns="level")
    hidden = [
        sensitive_hidden(category_sensitive(store, c), lv)
        for c, lv in zip(frame["category"], frame["level"])
    ]
    frame = frame.loc[~np.array(hidden, dtype=bool)].drop(columns="level")
    round_to = rules(store).round_to
    return frame.assign(
        n_public=public_counts(frame["n"], round_to),
        n=[disclosed_length(n, round_to) for n in frame["n"]],
    ).reset_index(drop=True)


def category_sensitive(store: Store, category: str) -> bool:
    """Whether an incident category is sensitive (its indicator's entry, else the registry)."""
    entry = indicator_meta(store).get(f"incident_rate.{category}")
    if entry is None:
        try:
            entry = registry_indicator(f"incident_rate.{category}")
        except KeyError:
            return False
    return entry.sensitive


def context_values(store: Store, area_code: str, role: str = "public") -> pd.DataFrame:
    """Context figures of an area (denominators rounded for the public)."""
    frame = _context_values(store, area_code)
    if is_public(role) and len(frame):
        counts = frame["variable"].isin(DENOMINATOR_VARIABLES).to_numpy()
        shown = public_denominators(frame["value"], rules(store))
        frame["value"] = np.where(counts, shown, frame["value"].to_numpy(dtype=float))
    return frame


def _context_values(store: Store, area_code: str) -> pd.DataFrame:
    return store.frame(
        """
        select c.variable, c.period, c.value, city.value as city_value
        from context c
        left join (
            select variable, period, avg(value) as value from context c2
            join areas a on a.code = c2.area_code and a.level = 'buurt'
            group by all
        ) city using (variable, period)
        where c.area_code = ? and c.period = (select max(period) from context)
        order by c.variable
        """,
        [area_code],
    )


def initiatives_near(store: Store, area_code: str) -> pd.DataFrame:
    """Initiatives in the area or a neighbouring area of the same level (sharing a border)."""
    if not has_table(store, "initiatives"):
        return pd.DataFrame(columns=["name", "type", "start_date", "end_date", "where"])
    return store.frame(
        """
        with me as (select code, level, geom from areas where code = ?),
        around as (
            select a.code, case when a.code = me.code then 'in' else 'near' end as place
            from areas a, me
            where a.level = me.level and st_intersects(a.geom, me.geom)
        )
        select i.name, i.type, i.start_date, i.end_date, around.place as "where"
        from initiatives i
        join area_ancestors anc on anc.code = i.area_code
        join around on around.code = anc.ancestor_code
        order by around.place, i.start_date
        """,
        [area_code],
    )


def significant_changes(
    store: Store, area_code: str | None = None, limit: int = 50, role: str = "public"
) -> pd.DataFrame:
    """The latest significant changes (FDR), for the public through the gate."""
    frame = _significant_changes(store, area_code, limit)
    if is_public(role):
        return public_change_rows(frame, indicator_meta(store), rules(store))
    return frame.drop(columns=["n_from", "n_to"], errors="ignore")


def _significant_changes(store: Store, area_code: str | None, limit: int) -> pd.DataFrame:
    if not has_table(store, "changes"):
        return pd.DataFrame()
    where = (
        "significant and blocked_by is null and period_to = "
        "(select max(period_to) from changes c2 where c2.indicator = c.indicator)"
    )
    params: list = []
    if area_code:
        where += " and c.area_code = ?"
        params.append(area_code)
    return store.frame(
        f"""
        select c.indicator, c.area_code, a.name, c.level, c.period_from, c.period_to,
            c.value_from, c.value_to, c.diff, c.p_value, c.q_value, c.family_size,
            f.n as n_from, t.n as n_to
        from changes c join areas a on a.code = c.area_code
        left join indicator_values f on f.indicator = c.indicator
            and f.area_code = c.area_code and f.period = c.period_from and f.method = 'direct'
        left join indicator_values t on t.indicator = c.indicator
            and t.area_code = c.area_code and t.period = c.period_to and t.method = 'direct'
        where {where}
        order by c.q_value, c.p_value
        limit ?
        """,
        [*params, limit],
    )


def alerts(store: Store, role: str = "public") -> pd.DataFrame:
    """Alerts of the latest month; for the public no sensitive category below wijk level
    and the observed count disclosed."""
    frame = _alerts(store)
    if not is_public(role) or frame.empty:
        return frame
    hidden = [
        sensitive_hidden(category_sensitive(store, c), lv)
        for c, lv in zip(frame["category"], frame["level"])
    ]
    frame = frame.loc[~np.array(hidden, dtype=bool)]
    return frame.assign(observed=public_counts(frame["observed"], rules(store).round_to))


def _alerts(store: Store) -> pd.DataFrame:
    if not has_table(store, "alerts"):
        return pd.DataFrame()
    return store.frame(
        """
        select al.area_code, a.name, al.level, al.category, al.month, al.observed,
            round(al.expected, 1) as expected, round(al.lower) as lower, round(al.upper) as upper,
            al.q_value, al.family_size
        from alerts al join areas a on a.code = al.area_code
        where al.alert order by al.q_value
        """
    )


def trend_series(
    store: Store,
    indicator: str,
    codes: list[str],
    role: str = "public",
    method: str = "direct",
) -> pd.DataFrame:
    """The indicator over time for several areas (each level through the gate)."""
    marks = ",".join("?" * len(codes)) or "''"
    frame = store.frame(
        f"""
        select v.area_code, a.name, a.level, v.period, v.value, v.ci_low, v.ci_high, v.n,
            coalesce(v.flag, 'no-data') as flag
        from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = ? and v.area_code in ({marks}) and v.method = ?
        order by a.name, v.period
        """,
        [indicator, *codes, method],
    )
    if frame.empty:
        return frame
    parts = [
        disclose(store, rows, indicator, level, role, method=method)
        for level, rows in frame.groupby("level", sort=False)
    ]
    return pd.concat(parts).sort_values(["name", "period"], kind="stable")


def perception_gap(
    store: Store, level: str, period: str | None, role: str = "public"
) -> pd.DataFrame:
    """Perceived against registered per area; for the public no area whose count of
    incidents is small (its incident index would give the count back)."""
    frame = _perception_gap(store, level, period)
    if not is_public(role) or frame.empty:
        return frame
    counts = _incident_counts(store, store.version)
    n = np.array([counts.get((c, p), np.nan) for c, p in zip(frame["area_code"], frame["period"])])
    return frame.loc[~is_small(n)].reset_index(drop=True)


def _perception_gap(store: Store, level: str, period: str | None) -> pd.DataFrame:
    if not has_table(store, "perception_gap"):
        return pd.DataFrame()
    return store.frame(
        """
        select g.area_code, a.name, g.period, g.perceived_index, g.incident_index, g.gap,
            g.ci_low, g.ci_high, g.quadrant
        from perception_gap g join areas a on a.code = g.area_code
        where g.level = ? and g.period = coalesce(?, (select max(period) from perception_gap))
        order by a.name
        """,
        [level, period],
    )


def funnel(
    store: Store, indicator: str, level: str, period: str, role: str = "public"
) -> pd.DataFrame:
    """Funnel-plot rows; for the public rates from disclosed counts at rounded populations,
    small counts left out and no sensitive category below wijk level."""
    frame = _funnel(store, indicator, level, period)
    if not is_public(role) or frame.empty:
        return frame
    entry = indicator_meta(store).get(indicator)
    if entry is None or sensitive_hidden(entry.sensitive, level):
        return frame.iloc[0:0]
    return public_rate_rows(frame, "rate", "population", rules(store))


def _funnel(store: Store, indicator: str, level: str, period: str) -> pd.DataFrame:
    if not has_table(store, "funnel"):
        return pd.DataFrame()
    return store.frame(
        """
        select f.*, a.name from funnel f join areas a on a.code = f.area_code
        where f.indicator = ? and f.level = ? and f.period = ?
        order by f.population
        """,
        [indicator, level, period],
    )


def table_rows(store: Store, table: str, role: str = "public") -> pd.DataFrame:
    """All rows of one of the allow-listed tables that the Data page shows (the reach of
    initiatives through the gate for the public)."""
    if table not in DATA_TABLES:
        raise ValueError(f"table {table!r} is not shown")
    if not has_table(store, table):
        return pd.DataFrame()
    frame = store.frame(f"select * from {table}")  # name from the allow-list above
    if table == "initiative_reach" and is_public(role):
        return public_reach_rows(frame, rules(store))
    if table == "initiative_effects" and is_public(role):
        areas = store.frame("select code, inhabitants from areas")
        inhabitants = dict(zip(areas["code"], areas["inhabitants"].astype(float)))
        return public_effect_rows(frame, inhabitants, indicator_meta(store), rules(store))
    return frame


#: Tables the Data page and the area pages may read whole.
DATA_TABLES = (
    "sources",
    "load_log",
    "indicator_meta",
    "build_settings",
    "count_reconciliation",
    "analysis_skips",
    "area_parent_checks",
    "initiative_effects",
    "initiative_displacement",
    "initiative_reach",
    "sae_models",
)


def quarantine_summary(store: Store) -> pd.DataFrame:
    """Quarantined rows per source, severity (rejected, or kept with a note), field, reason."""
    return store.frame(
        """
        select source, severity, field, regexp_replace(reason, ':.*', '') as reason,
            count(*) as rows, min(row_number) as first_row
        from quarantine group by all order by source, severity desc, rows desc
        """
    )


def incident_points(store: Store, category: str, period: str, limit: int = 5000) -> pd.DataFrame:
    """Point-level incidents of a category and year, in WGS84 (professional role only)."""
    return store.frame(
        """
        select incident_id, category, date, st_x(p) as lon, st_y(p) as lat
        from (
            select *, st_transform(
                st_point(x_rd, y_rd), 'EPSG:28992', 'EPSG:4326', always_xy := true
            ) as p
            from incidents
            where x_rd is not null and year = ? and (category = ? or ? = 'total')
        )
        order by date, incident_id
        limit ?
        """,
        [period, category, category, limit],
    )
