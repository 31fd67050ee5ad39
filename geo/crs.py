"""Coordinate reference systems: RD New for every metric operation, WGS84 for display.

Data without a CRS is refused, and a declared CRS that contradicts the file's
own is an error, never a warning.
"""

from __future__ import annotations

import numpy as np
from pyproj import CRS, Transformer

RD = CRS.from_epsg(28992)
WGS84 = CRS.from_epsg(4326)


class CRSError(ValueError):
    """Missing or contradictory coordinate reference system."""


def resolve_crs(file_crs: object | None, declared: str | None, where: str) -> CRS:
    """The CRS of a source: the file's own, the config's, and refuse when neither or both differ."""
    declared_crs = CRS.from_user_input(declared) if declared else None
    own = CRS.from_user_input(file_crs) if file_crs is not None else None
    if own is None and declared_crs is None:
        raise CRSError(f"{where}: no CRS in the file and none declared (set crs = 'EPSG:28992')")
    if own is not None and declared_crs is not None and not own.equals(declared_crs):
        raise CRSError(
            f"{where}: the file says {own.to_string()} but the config declares "
            f"{declared_crs.to_string()}"
        )
    return own or declared_crs  # type: ignore[return-value]


def to_rd(x: np.ndarray, y: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinates from ``crs`` to RD New (x east, y north, metres)."""
    if crs.equals(RD):
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    transformer = Transformer.from_crs(crs, RD, always_xy=True)
    return transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
