"""Point-in-polygon: which area each point lies in, exactly once.

Areas of one level tile the municipality, so a point normally lies in one area.
A point exactly on a shared border touches two or more: it goes to the area
with the smallest code (a fixed tie-break, independent of input order).  A point
in no area gets ``None`` so the caller can quarantine it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely


def assign_areas(
    x: np.ndarray,
    y: np.ndarray,
    geometries: Sequence[shapely.Geometry] | np.ndarray,
    codes: Sequence[str],
) -> np.ndarray:
    """Return, for each point (x, y), the code of the area it lies in, or None.

    Parameters
    ----------
    x, y
        Point coordinates, in the CRS of ``geometries`` (RD New in this project).
    geometries
        Polygons of one level (they should tile the area of interest).
    codes
        Area codes, parallel to ``geometries``; ties go to the smallest code.
    """
    codes_arr = np.asarray(codes, dtype=object)
    order = np.argsort(codes_arr.astype(str), kind="stable")
    geoms = np.asarray(geometries, dtype=object)[order]
    sorted_codes = codes_arr[order]
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    point_idx, area_idx = tree.query(points, predicate="intersects")
    result = np.full(len(points), None, dtype=object)
    if len(point_idx):
        # smallest area index (= smallest code) per point wins
        key = np.lexsort((area_idx, point_idx))
        point_idx, area_idx = point_idx[key], area_idx[key]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        result[point_idx[first]] = sorted_codes[area_idx[first]]
    return result
