"""Boundaries of Demostad: gemeente, wijken and buurten in RD New.

The buurten are the faces of a planar partition built from a blob-shaped
municipal outline, a river band and the edges of a Voronoi diagram whose seed
points are denser near the centre. All line work is noded on a 0.01 m grid
before it is polygonised, so neighbouring buurten share identical vertices and
the buurten tile the municipality exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Polygon, box

from etl.demo import names

#: Centre of the municipality in RD New (EPSG:28992), metres.
CENTRE = (155000.0, 460000.0)
#: Grid on which every output coordinate lies, metres.
GRID = 0.01
#: Faces smaller than this are merged into a neighbour, square metres.
MIN_FACE_AREA = 15_000.0
#: Radius around the centre within which land north of the river is Centrum.
CENTRE_RADIUS = 1_150.0


@dataclass
class Geography:
    """Tiled boundaries of the municipality.

    Attributes
    ----------
    polygons : list of shapely.Polygon
        Buurt polygons, ordered by buurt code.
    buurtcode, buurtnaam, wijkcode, role : list of str
        Per-buurt attributes. ``role`` is one of ``core``, ``centre``,
        ``station``, ``business``, ``sports``, ``water`` or ``residential``.
    wijk_codes, wijk_names : list of str
        Wijken ordered by code.
    wijk_polygons : list of shapely.Polygon
        Union of the buurten of each wijk.
    gemeente : shapely.Polygon
        Union of all buurten.
    neighbours : list of list of int
        For each buurt, the indices of buurten sharing a border (rook contiguity).
    """

    polygons: list[Polygon]
    buurtcode: list[str]
    buurtnaam: list[str]
    wijkcode: list[str]
    role: list[str]
    wijk_codes: list[str]
    wijk_names: list[str]
    wijk_polygons: list[Polygon]
    gemeente: Polygon
    neighbours: list[list[int]]

    @property
    def n(self) -> int:
        """Number of buurten."""
        return len(self.polygons)

    @property
    def water(self) -> np.ndarray:
        """Boolean array, True for water buurten."""
        return np.array([r == "water" for r in self.role])

    def distance_to_centre(self) -> np.ndarray:
        """Distance from each buurt's representative point to the centre, metres."""
        pts = shapely.point_on_surface(np.array(self.polygons, dtype=object))
        return np.hypot(shapely.get_x(pts) - CENTRE[0], shapely.get_y(pts) - CENTRE[1])


def _outline(rng: np.random.Generator) -> Polygon:
    """Return an irregular blob-shaped municipal outline."""
    theta = np.linspace(0.0, 2.0 * np.pi, 180, endpoint=False)
    radius = np.full_like(theta, 4_000.0)
    for k, (lo, hi) in zip(
        range(2, 7), [(0.06, 0.10), (0.03, 0.07), (0.01, 0.03)] + [(0.005, 0.015)] * 2, strict=True
    ):
        radius *= 1.0 + rng.uniform(lo, hi) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    radius *= 1.0 + 0.004 * rng.standard_normal(theta.size)
    x = CENTRE[0] + 1.05 * radius * np.cos(theta)
    y = CENTRE[1] + 0.95 * radius * np.sin(theta)
    return Polygon(np.column_stack([x, y])).buffer(0)


def _river(rng: np.random.Generator) -> Polygon:
    """Return a meandering river band crossing the area from west to east."""
    x = np.arange(CENTRE[0] - 7_000.0, CENTRE[0] + 7_001.0, 40.0)
    dx = x - CENTRE[0]
    a1, l1, p1 = rng.uniform(250, 420), rng.uniform(5_000, 7_000), rng.uniform(0, 2 * np.pi)
    a2, l2, p2 = rng.uniform(60, 120), rng.uniform(1_500, 2_200), rng.uniform(0, 2 * np.pi)
    wave = a1 * np.sin(2 * np.pi * dx / l1 + p1) + a2 * np.sin(2 * np.pi * dx / l2 + p2)
    wave += rng.uniform(-0.06, 0.06) * dx
    # Put the river some 300-450 m south of the centre.
    wave += -rng.uniform(300, 450) - np.interp(0.0, dx, wave)
    width = rng.uniform(180.0, 260.0)
    line = LineString(np.column_stack([x, CENTRE[1] + wave]))
    return line.buffer(width / 2.0, cap_style="flat", quad_segs=4)


def _seed_points(rng: np.random.Generator, outline: Polygon) -> np.ndarray:
    """Return Voronoi seed points, spaced closer together near the centre."""
    minx, miny, maxx, maxy = outline.bounds
    cand = rng.uniform([minx, miny], [maxx, maxy], size=(6_000, 2))
    cand = cand[shapely.contains_xy(outline, cand[:, 0], cand[:, 1])]
    accepted: list[np.ndarray] = []
    spacing: list[float] = []
    for p in cand:
        r = float(np.hypot(p[0] - CENTRE[0], p[1] - CENTRE[1]))
        d = 210.0 + 0.17 * r
        if accepted:
            arr = np.asarray(accepted)
            dist = np.hypot(arr[:, 0] - p[0], arr[:, 1] - p[1])
            if np.any(dist < np.maximum(d, np.asarray(spacing))):
                continue
        accepted.append(p)
        spacing.append(d)
    return np.asarray(accepted)


def _faces(rng: np.random.Generator) -> tuple[list[Polygon], list[bool], Polygon]:
    """Polygonise outline, river and Voronoi edges into faces on the grid."""
    outline = _outline(rng)
    river = _river(rng).intersection(outline)
    land = outline.difference(river)
    seeds = _seed_points(rng, outline)
    frame = box(*outline.buffer(2_000).bounds)
    edges = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=frame, only_edges=True)
    minx, miny, maxx, maxy = river.bounds
    cut_x = CENTRE[0] + rng.uniform(300.0, 900.0)
    cut = LineString([(cut_x, miny - 10), (cut_x, maxy + 10)]).intersection(river)
    lines = [outline.boundary, river.boundary, edges.intersection(land), cut]
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))]
    faces = [f for f in faces if f.area > 0]
    reps = shapely.point_on_surface(np.array(faces, dtype=object))
    inside = shapely.contains(shapely.buffer(outline, 1.0), reps)
    faces = [f for f, ok in zip(faces, inside, strict=True) if ok]
    reps = reps[inside]
    is_water = list(shapely.contains(river.buffer(0.5), reps))
    return faces, is_water, river


def _shared_length(a: Polygon, b: Polygon) -> float:
    """Length of the border shared by two polygons."""
    inter = a.boundary.intersection(b.boundary)
    return float(inter.length) if not inter.is_empty else 0.0


def _adjacency(polys: list[Polygon], min_length: float = 1.0) -> list[dict[int, float]]:
    """Rook adjacency with shared border lengths above ``min_length``, as a list of dicts."""
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    adj: list[dict[int, float]] = [{} for _ in polys]
    for i, j in zip(left, right, strict=True):
        if i < j:
            length = _shared_length(polys[i], polys[j])
            if length > min_length:
                adj[i][j] = length
                adj[j][i] = length
    return adj


def _merge_small(faces: list[Polygon], is_water: list[bool]) -> tuple[list[Polygon], list[bool]]:
    """Merge slivers into a neighbour, preferring one of the same kind (land or water).

    The neighbour sharing the longest border wins, so the merged face stays a
    single polygon.
    """
    faces, is_water = list(faces), list(is_water)
    while True:
        adj = _adjacency(faces, min_length=0.0)
        areas = np.array([f.area for f in faces])
        target = None
        for i in np.argsort(areas, kind="stable"):
            if areas[i] >= MIN_FACE_AREA:
                break
            same = {j: ln for j, ln in adj[i].items() if is_water[j] == is_water[i]}
            options = same or adj[i]
            if options:
                target = (int(i), max(options, key=lambda j: (options[j], -j)))
                break
        if target is None:
            return faces, is_water
        i, j = target
        faces[j] = shapely.union_all([faces[i], faces[j]], grid_size=GRID)
        del faces[i]
        del is_water[i]


def _sweep(x: np.ndarray, y: np.ndarray, north: bool) -> np.ndarray:
    """Angle that increases from west to east, seen from a point across the river."""
    if north:
        return np.arctan2(y - (CENTRE[1] - 1_600.0), -(x - CENTRE[0]))
    return -np.arctan2(y - (CENTRE[1] + 1_600.0), -(x - CENTRE[0]))


def _river_y(river: Polygon, x: float) -> float:
    """The y coordinate of the middle of the river at ``x``."""
    crossing = river.intersection(LineString([(x, CENTRE[1] - 20_000), (x, CENTRE[1] + 20_000)]))
    if crossing.is_empty:  # beyond the ends of the river: extend it horizontally
        minx, _, maxx, _ = river.bounds
        return _river_y(river, min(max(x, minx + 1.0), maxx - 1.0))
    return float(crossing.centroid.y)


def _assign_wijken(
    faces: list[Polygon], is_water: list[bool], river: Polygon
) -> tuple[list[int], list[str]]:
    """Assign faces to wijken: Centrum, northern and southern sectors."""
    reps = shapely.point_on_surface(np.array(faces, dtype=object))
    rx, ry = shapely.get_x(reps), shapely.get_y(reps)
    north = ry > np.array([_river_y(river, x) for x in rx])
    dist = np.hypot(rx - CENTRE[0], ry - CENTRE[1])
    wijk = np.full(len(faces), -1)
    land = ~np.asarray(is_water)
    wijk[land & north & (dist < CENTRE_RADIUS)] = 0
    groups = [
        (north, names.NORTH_WIJK_NAMES, 1),
        (~north, names.SOUTH_WIJK_NAMES, 1 + len(names.NORTH_WIJK_NAMES)),
    ]
    for side, wnames, first in groups:
        idx = np.flatnonzero(land & side & (wijk < 0))
        ang = _sweep(rx[idx], ry[idx], north=first == 1)
        ranks = np.argsort(np.argsort(ang, kind="stable"), kind="stable")
        for k, i in enumerate(idx):
            wijk[i] = first + int(ranks[k] * len(wnames) // len(idx))
    wijk_names = [names.CENTRE_WIJK_NAME, *names.NORTH_WIJK_NAMES, *names.SOUTH_WIJK_NAMES]
    # Water faces join the land wijk with which they share the longest border.
    adj = _adjacency(faces)
    for i in np.flatnonzero(~land):
        cand = {j: ln for j, ln in adj[i].items() if land[j] and wijk[j] > 0}
        cand = cand or {j: ln for j, ln in adj[i].items() if land[j]}
        wijk[i] = wijk[max(cand, key=lambda j: (cand[j], -j))]
    # Make every wijk contiguous: move detached parts to the neighbouring wijk.
    for _ in range(50):
        moved = False
        for w in range(len(wijk_names)):
            members = np.flatnonzero(wijk == w)
            union = shapely.union_all([faces[i] for i in members], grid_size=GRID)
            parts = sorted(shapely.get_parts(union), key=lambda p: -p.area)
            for part in parts[1:]:
                for i in members:
                    if part.contains(shapely.point_on_surface(faces[i])):
                        cand = {
                            j: ln for j, ln in adj[i].items() if wijk[j] != w and land[j] == land[i]
                        }
                        if not cand:
                            cand = {j: ln for j, ln in adj[i].items() if wijk[j] != w}
                        wijk[i] = wijk[max(cand, key=lambda j: (cand[j], -j))]
                        moved = True
        if not moved:
            break
    return [int(w) for w in wijk], wijk_names


def build_geography(rng: np.random.Generator) -> Geography:
    """Build the boundaries of Demostad.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness; the result is a function of its state only.

    Returns
    -------
    Geography
        Buurten, wijken and gemeente, tiled exactly on a 0.01 m grid.
    """
    faces, is_water, river = _faces(rng)
    faces, is_water = _merge_small(faces, is_water)
    wijk_of, wijk_names = _assign_wijken(faces, is_water, river)
    reps = shapely.point_on_surface(np.array(faces, dtype=object))
    rx, ry = shapely.get_x(reps), shapely.get_y(reps)
    dist = np.hypot(rx - CENTRE[0], ry - CENTRE[1])
    areas = np.array([f.area for f in faces])

    # Roles of special buurten.
    role = ["water" if w else "residential" for w in is_water]
    centre_idx = [i for i in range(len(faces)) if wijk_of[i] == 0]
    for i in centre_idx:
        role[i] = "centre"
    core = min(centre_idx, key=lambda i: dist[i])
    role[core] = "core"
    station = max(centre_idx, key=lambda i: (dist[i], -i))
    role[station] = "station"
    outer = [i for i in range(len(faces)) if role[i] == "residential" and dist[i] > 2_500]
    business = max(outer, key=lambda i: areas[i])
    role[business] = "business"
    outer = [i for i in outer if i != business and wijk_of[i] != wijk_of[business]]
    sports = max(outer, key=lambda i: areas[i])
    role[sports] = "sports"

    # Codes: wijken 01..NN, buurten numbered north-west to south-east within a wijk.
    wijk_codes = [f"WK{names.GEMEENTE_CODE[2:]}{w + 1:02d}" for w in range(len(wijk_names))]
    order = sorted(range(len(faces)), key=lambda i: (wijk_of[i], -round(ry[i], -2), rx[i]))
    buurtcode: list[str] = []
    counters = [0] * len(wijk_names)
    for i in order:
        counters[wijk_of[i]] += 1
        buurtcode.append(
            f"BU{names.GEMEENTE_CODE[2:]}{wijk_of[i] + 1:02d}{counters[wijk_of[i]]:02d}"
        )

    polys = [shapely.normalize(faces[i]) for i in order]
    roles = [role[i] for i in order]
    wijkcode = [wijk_codes[wijk_of[i]] for i in order]
    buurtnaam = _buurt_names(rng, roles, rx[order], ry[order])
    wijk_polygons = [
        shapely.normalize(
            shapely.union_all(
                [p for p, w in zip(polys, wijkcode, strict=True) if w == wc], grid_size=GRID
            )
        )
        for wc in wijk_codes
    ]
    gemeente = shapely.normalize(shapely.union_all(polys, grid_size=GRID))
    adj = _adjacency(polys)
    return Geography(
        polygons=polys,
        buurtcode=buurtcode,
        buurtnaam=buurtnaam,
        wijkcode=wijkcode,
        role=roles,
        wijk_codes=wijk_codes,
        wijk_names=wijk_names,
        wijk_polygons=wijk_polygons,
        gemeente=gemeente,
        neighbours=[sorted(a) for a in adj],
    )


def _buurt_names(
    rng: np.random.Generator, roles: list[str], x: np.ndarray, y: np.ndarray
) -> list[str]:
    """Give every buurt a unique name that fits its role."""
    centre_pool = list(names.CENTRE_BUURT_NAMES[1:])
    pool = list(rng.permutation(np.array(names.BUURT_NAMES)))
    out: list[str] = []
    for k, r in enumerate(roles):
        if r == "core":
            out.append(names.CENTRE_BUURT_NAMES[0])
        elif r == "centre":
            out.append(centre_pool.pop(0) if centre_pool else pool.pop())
        elif r == "station":
            out.append(names.STATION_BUURT_NAME)
        elif r == "business":
            out.append(names.BUSINESS_BUURT_NAME)
        elif r == "sports":
            out.append(names.SPORTS_BUURT_NAME)
        elif r == "water":
            out.append(f"{names.RIVER_NAME}-{'West' if x[k] < CENTRE[0] else 'Oost'}")
        else:
            out.append(str(pool.pop()) if pool else f"Buurt {k + 1}")
    # Disambiguate, should two water faces fall on the same side.
    seen: dict[str, int] = {}
    for k, nm in enumerate(out):
        if nm in seen:
            seen[nm] += 1
            out[k] = f"{nm} {seen[nm]}"
        else:
            seen[nm] = 1
    return out
