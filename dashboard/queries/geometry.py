"""Display geometries of a level, as GeoJSON and as bounds."""

import gzip
import json
from functools import lru_cache

from dashboard.store import Store


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


#: Outlines are simplified to about 5 m (in degrees) and rounded to 1 m: a line drawn
#: over the areas needs no more, and the figure stays small.
OUTLINE_TOLERANCE = 0.00005
OUTLINE_DIGITS = 5


def area_outlines(
    store: Store, level: str, codes: tuple[str, ...] | None = None
) -> tuple[list, list]:
    """Longitudes and latitudes of the borders of a level's areas (or of ``codes`` only),
    one line after another with None between them, as plotly draws lines."""
    return _area_outlines(store, store.version, level, codes)


@lru_cache(maxsize=64)
def _area_outlines(
    store: Store, version: tuple[int, int], level: str, codes: tuple[str, ...] | None
) -> tuple[list, list]:
    frame = store.frame(
        "select code, st_asgeojson(st_boundary(st_simplify(geom_display, ?))) as g "
        "from areas where level = ? order by code",
        [OUTLINE_TOLERANCE, level],
    )
    lon: list = []
    lat: list = []
    wanted = None if codes is None else set(codes)
    for code, text in zip(frame["code"], frame["g"]):
        if (wanted is not None and code not in wanted) or text is None:
            continue
        geometry = json.loads(text)
        lines = (
            [geometry["coordinates"]]
            if geometry["type"] == "LineString"
            else geometry["coordinates"]
        )
        for line in lines:
            lon += [round(x, OUTLINE_DIGITS) for x, _ in line] + [None]
            lat += [round(y, OUTLINE_DIGITS) for _, y in line] + [None]
    return lon, lat


def area_points(store: Store, level: str) -> dict[str, list]:
    """A point inside each area of a level (for its name or mark), and whether it is water:
    columns code, name, lon, lat, water."""
    return _area_points(store, store.version, level)


@lru_cache(maxsize=16)
def _area_points(store: Store, version: tuple[int, int], level: str) -> dict[str, list]:
    frame = store.frame(
        "select code, name, st_x(p) as lon, st_y(p) as lat, coalesce(is_water, false) as water "
        "from (select *, st_pointonsurface(geom_display) as p from areas where level = ?) "
        "order by code",
        [level],
    )
    return {c: frame[c].tolist() for c in frame.columns}


def area_bounds(store: Store, code: str) -> tuple[float, float, float, float] | None:
    """West, south, east, north (WGS84) of one area, or None when there is no such area."""
    return _area_bounds(store, store.version, code)


@lru_cache(maxsize=256)
def _area_bounds(
    store: Store, version: tuple[int, int], code: str
) -> tuple[float, float, float, float] | None:
    frame = store.frame(
        "select st_xmin(geom_display) as w, st_ymin(geom_display) as s, "
        "st_xmax(geom_display) as e, st_ymax(geom_display) as n from areas where code = ?",
        [code],
    )
    if frame.empty:
        return None
    row = frame.iloc[0]
    return float(row["w"]), float(row["s"]), float(row["e"]), float(row["n"])


def area_level(store: Store, code: str) -> str | None:
    """The level of an area, or None."""
    frame = store.frame("select level from areas where code = ?", [code])
    return None if frame.empty else str(frame["level"].iloc[0])
