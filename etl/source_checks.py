"""Checks that fail a build when a source loads nothing or loses most of its rows.

A build never succeeds quietly on a source that went wrong: a source that loads no
row (a header-only file, every row of another municipality) or that loses more than
the setting ``max_quarantine_share`` of its own rows to the quarantine stops the
build, and the previous database is kept.  The message names the source and its
file, the commonest reasons with their counts and, where it can be told from the
data, the likely cause: coordinates in another CRS than declared, x and y swapped,
dates in a format that needs ``date_format``, area codes of another vintage.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pyproj import CRS

from etl.dates import PATTERNS, shape, suggest_format

#: The Netherlands in longitude/latitude and in RD New (x, y), generously.
LON, LAT = (3.0, 7.5), (50.5, 53.8)
RD_X, RD_Y = (0.0, 300_000.0), (290_000.0, 630_000.0)
#: How many reasons a message lists.
TOP_REASONS = 3


def reason_counts(rejected: pd.DataFrame) -> pd.Series:
    """Rejections per reason (the text before its first colon), commonest first."""
    if rejected.empty:
        return pd.Series(dtype=int)
    reasons = rejected["reason"].str.replace(r":[^;]*", "", regex=True)
    return reasons.value_counts()


def source_failure(
    where: str,
    rows_read: int,
    rows_loaded: int,
    rows_quarantined: int,
    rows_skipped: int,
    rejected: pd.DataFrame,
    max_share: float,
    causes: list[str],
) -> str | None:
    """Why a source fails the build, or None when it may be loaded."""
    own = rows_read - rows_skipped
    if rows_read == 0:
        return f"{where}: the file holds no rows (only a header?): nothing to load"
    if own == 0:
        return (
            f"{where}: all {rows_read:,} rows were skipped (other municipalities or not "
            "selected by keep): nothing to load; is [municipality] code the right one?"
        )
    share = rows_quarantined / own
    if rows_loaded > 0 and share <= max_share:
        return None
    head = (
        f"{where}: no row loaded"
        if rows_loaded == 0
        else f"{where}: {rows_loaded:,} of {own:,} rows loaded"
    )
    lines = [
        f"{head}; {rows_quarantined:,} quarantined ({share:.0%}, more than max_quarantine_share "
        f"= {max_share:g})"
        if rows_loaded
        else f"{head}; {rows_quarantined:,} of {own:,} quarantined"
    ]
    counts = reason_counts(rejected)
    if len(counts):
        top = "; ".join(f"{n:,} x {r}" for r, n in counts.head(TOP_REASONS).items())
        lines.append(f"  commonest reasons: {top}")
    for cause in dict.fromkeys(causes + rejection_causes(rejected, counts)):
        lines.append(f"  likely cause: {cause}")
    return "\n".join(lines)


def rejection_causes(rejected: pd.DataFrame, counts: pd.Series) -> list[str]:
    """Causes that the rejected rows themselves show (dates, codes, empty columns)."""
    causes = []
    top = set(counts.head(TOP_REASONS).index)
    for reason in top:
        if "not a valid date" in reason:
            causes.append(date_cause(_values_of(rejected, "not a valid date")))
        elif "unknown area code" in reason:
            sample = ", ".join(_values_of(rejected, "unknown area code")[:3])
            causes.append(
                f"the area codes ({sample}) are not among the loaded areas: boundaries of "
                "another vintage or municipality? see the options crosswalk, code_map and "
                "match_names"
            )
        elif reason == "required value is empty":
            fields = rejected.loc[rejected["reason"] == reason, "field"].value_counts()
            causes.append(
                f"the column mapped to {fields.index[0]} is empty in {fields.iloc[0]:,} rows: "
                "is it the right column in [sources.columns]?"
            )
    return causes


def _values_of(rejected: pd.DataFrame, reason: str) -> list[str]:
    """The values quoted after ``reason:`` in the rejections (up to 20)."""
    found = rejected["reason"].str.extract(re.escape(reason) + r": ([^;]*)")[0].dropna()
    return found.head(20).tolist()


def date_cause(samples: list[str]) -> str:
    """What the unreadable dates look like, and the date_format that would read them."""
    example = samples[0] if samples else ""
    known = [s for s in samples if any(re.fullmatch(p, s.strip()) for _, p in PATTERNS)]
    if len(known) > len(samples) / 2:
        return (
            f"the dates have a recognised form but do not exist (e.g. {example!r}): is it the "
            "right column, or are day and month the other way round?"
        )
    fmt = suggest_format(samples)
    advice = f'set date_format = "{fmt}"' if fmt else "set date_format (strptime codes)"
    return (
        f"the dates look like {example!r} (shape {shape(example)}), a form not recognised "
        f"without configuration: {advice}"
    )


def coordinate_cause(
    x: np.ndarray,
    y: np.ndarray,
    outside: np.ndarray,
    crs: CRS,
    municipality_bounds: tuple[float, float, float, float],
    others_inside: int = 0,
) -> str | None:
    """Why most points lie outside the municipality, when the coordinates tell.

    ``others_inside`` points of the same source, not among ``x`` and ``y``, lie inside.
    """
    x, y, outside = np.asarray(x, float), np.asarray(y, float), np.asarray(outside, bool)
    if not len(x) or outside.sum() <= 0.5 * (len(x) + others_inside):
        return None
    x, y = x[outside], y[outside]
    declared = crs.to_string()

    def most(a: np.ndarray, b: np.ndarray, ra: tuple, rb: tuple) -> bool:
        return bool(((a >= ra[0]) & (a <= ra[1]) & (b >= rb[0]) & (b <= rb[1])).mean() > 0.5)

    if not crs.is_geographic and most(x, y, LON, LAT):
        return f'the coordinates look like lon/lat (WGS84), not {declared}: set crs = "EPSG:4326"'
    if not crs.is_geographic and most(x, y, LAT, LON):
        return (
            f"the coordinates look like lat/lon with x and y swapped, not {declared}: map x to "
            'the longitude column and y to the latitude column, and set crs = "EPSG:4326"'
        )
    if crs.is_geographic and most(x, y, LAT, LON):
        return "x and y look swapped (latitude mapped to x): exchange the columns of x and y"
    if most(x, y, RD_X, RD_Y) and not crs.equals(CRS.from_epsg(28992)):
        return f'the coordinates look like RD New (metres), not {declared}: set crs = "EPSG:28992"'
    if most(x, y, RD_Y, RD_X):
        return "x and y look swapped (x holds the northing): exchange the columns of x and y"
    if outside.all() and not others_inside:
        xmin, ymin, xmax, ymax = municipality_bounds
        return (
            f"every point lies outside the municipality: the declared CRS ({declared}) may be "
            f"wrong (points from ({np.nanmin(x):.6g}, {np.nanmin(y):.6g}) to "
            f"({np.nanmax(x):.6g}, {np.nanmax(y):.6g}); the municipality spans "
            f"({xmin:.0f}, {ymin:.0f}) to ({xmax:.0f}, {ymax:.0f}) in RD New)"
        )
    return None
