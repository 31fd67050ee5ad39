"""Map technology: plotly (as the product draws its map) beside dash-leaflet, built the
same way from the same database.

    .venv/bin/python bench/map_technology.py [--db FILE] [--repeat 20]

Without --db the Demostad database is generated and built in a temporary directory.
dash-leaflet is not a dependency of the product: install it for this run only (e.g.
``pip install --no-deps --target /tmp/dl dash-leaflet`` and ``PYTHONPATH=/tmp/dl``);
without it only the plotly side is measured.

For the buurt map with wijk borders, wijk names and the initiatives, it measures:

* server time to build the whole map (median of --repeat, warm caches) and the bytes
  the browser receives for it (the component's JSON, raw and gzip), the buurt geometry
  resource counted apart (both technologies can load it once from /geo/buurt.geojson);
* the bytes of an indicator switch: plotly's Patch of colour index and hover texts,
  beside dash-leaflet's new ``hideout`` (colour per area) and tooltip texts, the
  geometry staying in the browser in both.

What it cannot measure here: drawing time in a browser with WebGL (leaflet draws SVG
or canvas without WebGL; plotly's tile map needs WebGL, its plain map does not).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import map_figure, queries  # noqa: E402
from dashboard.compare import map_colours  # noqa: E402
from dashboard.pages import map as map_page  # noqa: E402
from dashboard.store import Store  # noqa: E402
from etl.demo import generate_demo  # noqa: E402
from etl.load import build  # noqa: E402

INDICATORS = ("incident_rate.total", "incident_rate.woninginbraak")


def _size(payload: object) -> tuple[int, int]:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return len(raw), len(gzip.compress(raw, 6))


def _median_ms(build, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def plotly_map(store: Store, indicator: str, period: str):
    view = map_page.map_view(store, store.version, indicator, "buurt", period, "public", "nl")
    figure = map_page.draw_map(
        store, view, "buurt", ["initiatives"], False, None, None, "total", period, "nl"
    )
    return figure.to_plotly_json(), view


def leaflet_map(store: Store, indicator: str, period: str):
    """The same map in dash-leaflet: the buurten from the same geometry URL, coloured by a
    clientside style function reading ``hideout`` (colour per area), wijk borders and
    names and the initiatives as further layers."""
    import dash_leaflet as dl

    view = map_page.map_view(store, store.version, indicator, "buurt", period, "public", "nl")
    colours = map_colours()
    hideout = {
        "colour": dict(zip(view.values["area_code"], (colours[i] for i in view.classes))),
        "tooltip": dict(zip(view.values["area_code"], (" · ".join(c) for c in view.custom))),
    }
    lon, lat = queries.area_outlines(store, "wijk")
    lines, current = [], []
    for x, y in zip(lon, lat):
        if x is None:
            lines.append(current)
            current = []
        else:
            current.append([y, x])
    points = queries.area_points(store, "wijk")
    initiatives = queries.initiative_points(store)
    layers = [
        dl.TileLayer(url="https://service.pdok.nl/{z}/{x}/{y}.png"),
        dl.GeoJSON(
            url=queries.geojson_url(store, "buurt"),
            hideout=hideout,
            style={"variable": "unease.styleByCode"},
            onEachFeature={"variable": "unease.tooltipByCode"},
            id="areas",
        ),
        dl.Polyline(positions=lines, color=map_figure.OUTLINE_COLOUR, weight=1.6),
        *[
            dl.Marker(position=[y, x], children=dl.Tooltip(n))
            for n, x, y in zip(points["name"], points["lon"], points["lat"])
        ],
        *[
            dl.CircleMarker(center=[y, x], radius=5, children=dl.Tooltip(n))
            for n, x, y in zip(initiatives["name"], initiatives["lon"], initiatives["lat"])
        ],
    ]
    component = dl.Map(layers, center=[52.1, 5.4], zoom=13, id="map")
    return component.to_plotly_json(), hideout


def _encode(component) -> object:
    return json.loads(json.dumps(component, cls=_DashEncoder))


class _DashEncoder(json.JSONEncoder):
    def default(self, o):
        if hasattr(o, "to_plotly_json"):
            return o.to_plotly_json()
        return str(o)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    db = args.db
    if db is None:
        directory = Path(tempfile.mkdtemp())
        generate_demo(directory / "src")
        db = directory / "demo.duckdb"
        build(directory / "src" / "demostad.toml", db)
    store = Store(db)
    period = queries.periods(store, INDICATORS[0])[-1]
    buurten = len(queries.areas(store, "buurt"))
    geometry = queries.geojson_bytes(store, "buurt")
    print(f"database: {db} ({buurten} buurten, period {period})")
    print(
        f"geometry resource (both): {len(geometry) / 1024:.1f} KB, "
        f"{len(gzip.compress(geometry, 6)) / 1024:.1f} KB gzip"
    )
    rows = []
    figure, view = plotly_map(store, INDICATORS[0], period)  # warm the caches
    ms = _median_ms(lambda: plotly_map(store, INDICATORS[0], period), args.repeat)
    raw, packed = _size(figure)
    switch = {"z": view.classes, "customdata": view.custom, "hovertemplate": view.hovertemplate}
    rows.append(("plotly (product)", ms, raw, packed, *_size(switch)))
    try:
        component, hideout = leaflet_map(store, INDICATORS[0], period)
    except ImportError:
        print("dash-leaflet not installed: only plotly measured")
    else:
        ms = _median_ms(lambda: leaflet_map(store, INDICATORS[0], period), args.repeat)
        raw, packed = _size(_encode(component))
        rows.append(("dash-leaflet", ms, raw, packed, *_size(hideout)))
    print()
    print("| map | build (ms, median) | map JSON (KB) | gzip (KB) | switch (KB) | gzip (KB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, ms, raw, packed, switch_raw, switch_packed in rows:
        print(
            f"| {name} | {ms:.1f} | {raw / 1024:.1f} | {packed / 1024:.1f} | "
            f"{switch_raw / 1024:.1f} | {switch_packed / 1024:.1f} |"
        )


if __name__ == "__main__":
    main()
