"""Crosswalks between boundary vintages by spatial overlay (RD New, areas in m²).

For every pair of an old and a new area that overlap, ``weight_from`` is the share
of the old area lying in the new one (to split counts of the old area) and
``weight_to`` the share of the new area covered by the old one (to carry an old
area's value to the new area it mostly became).  Area weighting assumes uniform
density, which water and parks break: values mapped this way are marked
``harmonised = 'overlay'`` as approximate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

#: Overlaps smaller than this share of both areas are slivers from digitising.
MIN_SHARE = 0.001


def overlay_crosswalk(
    old_codes: np.ndarray, old_geoms: np.ndarray, new_codes: np.ndarray, new_geoms: np.ndarray
) -> pd.DataFrame:
    """from_code, to_code, weight_from, weight_to for every overlapping pair."""
    old_geoms = np.asarray(old_geoms, dtype=object)
    new_geoms = np.asarray(new_geoms, dtype=object)
    tree = shapely.STRtree(new_geoms)
    old_idx, new_idx = tree.query(old_geoms, predicate="intersects")
    overlap = shapely.area(shapely.intersection(old_geoms[old_idx], new_geoms[new_idx]))
    old_area = shapely.area(old_geoms[old_idx])
    new_area = shapely.area(new_geoms[new_idx])
    frame = pd.DataFrame(
        {
            "from_code": np.asarray(old_codes, dtype=object)[old_idx],
            "to_code": np.asarray(new_codes, dtype=object)[new_idx],
            "weight_from": overlap / old_area,
            "weight_to": overlap / new_area,
        }
    )
    keep = (frame["weight_from"] >= MIN_SHARE) | (frame["weight_to"] >= MIN_SHARE)
    frame = frame[keep].copy()
    # shares of an old area sum to 1 over the new areas it overlaps
    frame["weight_from"] = frame["weight_from"] / frame.groupby("from_code")[
        "weight_from"
    ].transform("sum")
    return frame.sort_values(["from_code", "to_code"]).reset_index(drop=True)


def split_counts(rows: pd.DataFrame, crosswalk: pd.DataFrame, count: str = "count") -> pd.DataFrame:
    """Rows whose area_code is an old code, split over the new areas by weight_from."""
    merged = rows.merge(crosswalk, left_on="area_code", right_on="from_code")
    merged[count] = merged[count] * merged["weight_from"]
    merged["area_code"] = merged["to_code"]
    return merged.drop(columns=["from_code", "to_code", "weight_from", "weight_to"])


def carry_values(rows: pd.DataFrame, crosswalk: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows of old areas onto the new areas; each takes the old area covering most of it."""
    merged = rows.merge(crosswalk, left_on="area_code", right_on="from_code")
    merged = merged.sort_values("weight_to", ascending=False, kind="stable")
    merged["area_code"] = merged["to_code"]
    merged = merged.drop_duplicates(subset=key, keep="first")
    return merged.drop(columns=["from_code", "to_code", "weight_from", "weight_to"])
