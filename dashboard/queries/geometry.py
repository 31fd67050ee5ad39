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
