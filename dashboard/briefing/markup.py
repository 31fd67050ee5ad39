"""Fragments of the briefing page: escaping, tables and the inline SVG drawings (the
area map with its neighbours, the sparklines of the key figures)."""

from __future__ import annotations

import html
import math

import shapely

from dashboard.briefing.content import _map_shapes
from dashboard.i18n import t
from dashboard.store import Store


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(head: list[str], rows: list[str], cls: str = "") -> str:
    ths = "".join(f"<th>{_e(h)}</th>" for h in head)
    return (
        f'<table class="{cls}"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def map_svg(store: Store, area_code: str, name: str, lang: str, width: int = 300) -> str:
    """The area (highlighted) and its neighbours (labelled) as an inline SVG."""
    frame = _map_shapes(store, area_code)
    if frame.empty:
        return ""
    geoms = shapely.from_wkb([bytes(b) for b in frame["wkb"]])
    lat0 = shapely.total_bounds(geoms)[[1, 3]].mean()
    kx = math.cos(math.radians(lat0))
    # equirectangular around the area: x = lon * cos(lat0), y = lat (north up)
    projected = [shapely.transform(g, lambda c: c * [kx, 1.0]) for g in geoms]
    minx, miny, maxx, maxy = shapely.total_bounds(projected)
    pad = 0.04 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    scale = width / (maxx - minx)
    height = min(int(round((maxy - miny) * scale)), int(width * 0.9))
    scale = min(scale, height / (maxy - miny))
    left = (width - (maxx - minx) * scale) / 2  # centred when the height was capped

    def xy(x: float, y: float) -> tuple[float, float]:
        return left + (x - minx) * scale, (maxy - y) * scale

    def path(geom) -> str:
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            if poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                pts = [xy(x, y) for x, y in ring.coords]
                parts.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + "Z")
        return "".join(parts)

    shapes, labels = [], []
    for rec, geom in zip(frame.to_dict("records"), projected):
        cls = "area" if rec["is_area"] else ("water" if rec["is_water"] else "neighbour")
        shapes.append(
            f'<path class="{cls}" d="{path(geom)}"><title>{_e(rec["name"])}</title></path>'
        )
        px, py = xy(*shapely.get_coordinates(geom.representative_point())[0])
        labels.append(
            f'<text class="label {cls}" x="{px:.1f}" y="{py:.1f}">{_e(_short(rec["name"]))}</text>'
        )
    # scale bar: a round length near a quarter of the width (1 degree of latitude = 111.32 km)
    metres_per_px = 111_320 / scale
    target = metres_per_px * width / 4
    bar_m = max(
        s for s in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000) if s <= max(target, 50)
    )
    bar_px = bar_m / metres_per_px
    bar_text = f"{bar_m // 1000} km" if bar_m >= 1000 else f"{bar_m} m"
    bar = (
        f'<g class="scalebar" transform="translate(6,{height - 8})">'
        f'<path d="M0,-4V0H{bar_px:.1f}V-4"/>'
        f'<text x="{bar_px + 4:.1f}" y="0">{bar_text}</text></g>'
        f'<text class="north" x="{width - 10}" y="14">N↑</text>'
    )
    title = _e(t("map_title", lang, name=name))
    return (
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{title}</title>{''.join(shapes)}{''.join(labels)}{bar}</svg>"
    )


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _sparkline(values: list[float], current: int) -> str:
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    w, h, n = 44, 12, max(len(values) - 1, 1)

    def pos(i: int, v: float) -> tuple[float, float]:
        return 1 + i * (w - 2) / n, h - 1 - (v - lo) / span * (h - 2)

    line = " ".join("{:.1f},{:.1f}".format(*pos(i, v)) for i, v in pts)
    dot = ""
    if current < len(values) and values[current] is not None and not math.isnan(values[current]):
        cx, cy = pos(current, values[current])
        dot = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="1.6"/>'
    return (
        f'<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true">'
        f'<polyline points="{line}"/>{dot}</svg>'
    )
