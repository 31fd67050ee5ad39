"""Boundaries: CBS-style area layers into one table of areas with a hierarchy.

Every area carries its code, name, level, parent, gemeente, boundary vintage,
inhabitants, a geometry in RD New and a display geometry in WGS84 that is
simplified as a coverage (shared borders simplified once, so no gaps or overlaps
appear between neighbours) and rounded to 6 decimals.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import RD, WGS84

#: Code patterns per level (CBS); Amsterdam uses letters since 2022 (WK0363AA, BU0363AA01).
CODE_PATTERNS = {
    "gemeente": re.compile(r"^GM\d{4}$"),
    "stadsdeel": re.compile(r"^[A-Z0-9]{1,12}$"),
    "wijk": re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    "buurt": re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}
LEVEL_ORDER = ("buurt", "wijk", "stadsdeel", "gemeente")
#: Display simplification tolerance in metres, per level.
DISPLAY_TOLERANCE_M = {"buurt": 4.0, "wijk": 8.0, "stadsdeel": 12.0, "gemeente": 15.0}


class BoundaryError(ValueError):
    """Boundaries that cannot be used; the message names the source and the area."""


def clean_code(value: object) -> str:
    """CBS codes come padded with spaces (``"BU03630000  "``): strip them."""
    return (
        ""
        if value is None or (isinstance(value, float) and np.isnan(value))
        else str(value).strip()
    )


def repair_geometries(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, int]:
    """Make invalid geometries valid (keeping their polygonal part); return how many changed."""
    invalid = ~geoms.is_valid
    if not invalid.any():
        return geoms, 0
    fixed = geoms.copy()
    repaired = shapely.make_valid(fixed[invalid].values)
    polygonal = [_polygonal(g) for g in repaired]
    fixed.loc[invalid] = polygonal
    return fixed, int(invalid.sum())


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def derive_parent(code: str, level: str) -> str | None:
    """Parent code by CBS convention: BU gggg ww bb -> WK gggg ww -> GM gggg."""
    if level == "buurt" and len(code) == 10:
        return "WK" + code[2:8]
    if level == "wijk" and len(code) == 8:
        return "GM" + code[2:6]
    return None


def display_geometries(geoms: np.ndarray, level: str) -> np.ndarray:
    """Coverage-simplified WGS84 geometries rounded to 6 decimals (about 0.1 m), rings clockwise."""
    tolerance = DISPLAY_TOLERANCE_M.get(level, 5.0)
    simplified = shapely.coverage_simplify(np.asarray(geoms, dtype=object), tolerance)
    series = gpd.GeoSeries(simplified, crs=RD).to_crs(WGS84)
    rounded = np.asarray(shapely.transform(series.values, lambda c: np.round(c, 6)))
    # rounding can close a neck narrower than 0.1 m (an enclave's hole touching the
    # shell): only those shapes are repaired, by "structure" (a hole stays a hole, where
    # the default "linework" fills it over the enclave and keeps the collapsed ring as a
    # stray line), then snapped to the same 6 decimals (the repair adds crossing points)
    broken = ~shapely.is_valid(rounded)
    if broken.any():
        repaired = shapely.make_valid(rounded[broken], method="structure", keep_collapsed=False)
        rounded[broken] = shapely.set_precision(repaired, 1e-6)
    # d3-geo (plotly's geo maps) reads clockwise exterior rings as the area itself;
    # a counter-clockwise ring would be drawn as the whole globe minus the area
    return np.asarray(shapely.orient_polygons(rounded, exterior_cw=True))


def assemble_areas(
    layers: list[gpd.GeoDataFrame],
    gemeente_code: str,
    gemeente_name: str | None = None,
    options: dict[str, dict] | None = None,
) -> gpd.GeoDataFrame:
    """Combine normalised layers into one table with parents and gemeente codes.

    Each layer has columns code, name, level, parent_code, vintage, inhabitants,
    is_water, source and a geometry in RD.  Missing parents follow from the CBS
    code convention; a wijk or gemeente level that no source supplies is made by
    dissolving the level below, so the hierarchy is always complete.

    ``options`` per level (from the source configs):

    * ``geometry_from = "buurt"``: the level keeps its own codes, names and figures
      but takes its geometry from the union of its children, so levels from
      different files nest exactly;
    * ``parent_level = "stadsdeel"``: parents are the areas of that level with the
      largest overlap (for levels, such as Amsterdam's stadsdelen, that CBS codes
      do not name).
    """
    options = options or {}
    areas = pd.concat(layers, ignore_index=True)
    dupes = areas["code"][areas["code"].duplicated()].unique()
    if len(dupes):
        raise BoundaryError(f"area codes occur twice: {', '.join(sorted(dupes)[:10])}")
    _fill_parents(areas, skip={lv for lv, o in options.items() if "parent_level" in o})
    checks = [
        check_parents(areas, "buurt", "wijk", trust_code="geometry_from" in options.get("wijk", {}))
    ]
    dropped = {}
    for level, opts in options.items():
        if "geometry_from" in opts:
            dropped[level] = _geometry_from_children(areas, level, opts["geometry_from"])
    levels = set(areas["level"])
    if "buurt" in levels and "wijk" not in levels:
        areas = pd.concat([areas, _dissolve(areas, "buurt", "wijk")], ignore_index=True)
        levels.add("wijk")
    if "gemeente" not in levels:
        top = next(lv for lv in ("stadsdeel", "wijk", "buurt") if lv in levels)
        gm = _dissolve(areas.assign(parent_code=gemeente_code), top, "gemeente")
        gm["name"] = gm["name"].where(gm["code"] != gemeente_code, gemeente_name or gemeente_code)
        areas = pd.concat([areas, gm], ignore_index=True)
    for level, opts in options.items():
        if "parent_level" in opts:
            _parents_by_overlap(areas, level, opts["parent_level"])
    _fill_parents(areas, skip=set())
    top_code = areas.loc[areas["level"] == "gemeente", "code"]
    orphan = areas["parent_code"].isna() & (areas["level"] != "gemeente")
    if len(top_code) == 1:
        areas.loc[orphan & (areas["level"] == "stadsdeel"), "parent_code"] = top_code.iloc[0]
    areas.loc[areas["level"] == "gemeente", "parent_code"] = None
    checks.append(_adopt_orphans(areas, top_code))
    areas["gemeente_code"] = _gemeente_of(areas)
    result = gpd.GeoDataFrame(areas, geometry="geometry", crs=RD)
    result.attrs["dropped"] = dropped
    result.attrs["parent_checks"] = pd.concat(checks, ignore_index=True)
    return result


#: Columns of the table ``area_parent_checks``: areas whose coded parent was replaced.
PARENT_CHECK_COLUMNS = (
    "code",
    "name",
    "level",
    "coded_parent",
    "parent_code",
    "share_in_coded",
    "share_in_parent",
    "reason",
)
#: A child lying less than this share of its area inside its coded parent takes the
#: parent it overlaps most.
MIN_SHARE_IN_PARENT = 0.5


def check_parents(
    areas: pd.DataFrame, level: str, parent_level: str, trust_code: bool = False
) -> pd.DataFrame:
    """Coded parents of one level checked against the geometry of the parent level (in place).

    A child whose coded parent is not loaded, or that lies less than
    ``MIN_SHARE_IN_PARENT`` of its area inside it (codes of another vintage, or a
    code CBS reused for another place), takes the parent with the largest overlap:
    for a land area the land parents first (a beach is not part of the sea).
    ``trust_code``: the parent level's shapes are made from the coded children
    (``geometry_from``), so only parents that are not loaded are replaced.

    Returns
    -------
    pandas.DataFrame
        One row per replaced parent, with ``PARENT_CHECK_COLUMNS``.
    """
    parents = areas[areas["level"] == parent_level]
    rows = areas.index[areas["level"] == level]
    if parents.empty or rows.empty:
        return pd.DataFrame(columns=list(PARENT_CHECK_COLUMNS))
    shares = _overlap_shares(areas.loc[rows], parents)
    known = set(parents["code"])
    found = []
    for i in rows:
        coded = areas.at[i, "parent_code"]
        share = shares[i]
        in_coded = share.get(coded, 0.0)
        if coded in known and (trust_code or in_coded >= MIN_SHARE_IN_PARENT):
            continue
        best = _largest_land_overlap(share, parents, land=not bool(areas.at[i, "is_water"]))
        if best == coded or best is None:
            continue  # no parent overlaps it: placed under the gemeente later, and recorded
        if coded not in known:
            reason = f"coded parent {coded} is not a loaded {parent_level}"
        else:
            reason = f"{in_coded:.0%} of the area lies inside its coded parent"
        found.append(
            (
                areas.at[i, "code"],
                areas.at[i, "name"],
                level,
                coded,
                best,
                in_coded,
                share.get(best, np.nan),
                reason,
            )
        )
        areas.at[i, "parent_code"] = best
    return pd.DataFrame(found, columns=list(PARENT_CHECK_COLUMNS))


def _overlap_shares(children: pd.DataFrame, parents: pd.DataFrame) -> dict:
    """Per child index: {parent code: share of the child's area inside that parent}."""
    geoms = np.asarray(children["geometry"].values, dtype=object)
    tree = shapely.STRtree(parents["geometry"].values)
    child_idx, parent_idx = tree.query(geoms, predicate="intersects")
    overlap = shapely.area(
        shapely.intersection(geoms[child_idx], parents["geometry"].values[parent_idx])
    )
    area = shapely.area(geoms)
    shares = {i: {} for i in children.index}
    codes = parents["code"].to_numpy()
    for c, p, a in zip(child_idx, parent_idx, overlap):
        if area[c] > 0 and a > 0:
            shares[children.index[c]][codes[p]] = a / area[c]
    return shares


def _largest_land_overlap(share: dict, parents: pd.DataFrame, land: bool) -> str | None:
    """The parent code with the largest share; for a land child, land parents first."""
    if not share:
        return None
    water = set(parents.loc[parents["is_water"].astype(bool), "code"])
    candidates = {c: v for c, v in share.items() if c not in water and v > 0} if land else {}
    candidates = candidates or share
    return max(sorted(candidates), key=candidates.get)


def _adopt_orphans(areas: pd.DataFrame, top_code: pd.Series) -> pd.DataFrame:
    """Areas whose parent is still not loaded go directly under the gemeente (recorded)."""
    known = set(areas["code"])
    orphan = (areas["level"] != "gemeente") & ~areas["parent_code"].isin(known)
    if not orphan.any() or len(top_code) != 1:
        if orphan.any():
            sample = ", ".join(areas.loc[orphan, "code"][:5])
            raise BoundaryError(f"{int(orphan.sum())} areas have no parent: {sample}")
        return pd.DataFrame(columns=list(PARENT_CHECK_COLUMNS))
    rows = areas[orphan]
    found = pd.DataFrame(
        {
            "code": rows["code"],
            "name": rows["name"],
            "level": rows["level"],
            "coded_parent": rows["parent_code"],
            "parent_code": top_code.iloc[0],
            "share_in_coded": np.nan,
            "share_in_parent": np.nan,
            "reason": [
                f"parent {p} is not loaded and no area above overlaps it: placed under the gemeente"
                for p in rows["parent_code"]
            ],
        }
    )
    areas.loc[orphan, "parent_code"] = top_code.iloc[0]
    return found


def _fill_parents(areas: pd.DataFrame, skip: set[str]) -> None:
    """Parents that no source names, by the CBS code convention (in place)."""
    missing = (areas["parent_code"].isna() | (areas["parent_code"] == "")) & ~areas["level"].isin(
        skip
    )
    areas.loc[missing, "parent_code"] = [
        derive_parent(c, lv)
        for c, lv in zip(areas.loc[missing, "code"], areas.loc[missing, "level"])
    ]


def _geometry_from_children(areas: pd.DataFrame, level: str, child: str) -> list[str]:
    """Replace the level's geometries by the union of their children (in place).

    Areas of the level without children (e.g. CBS's "Groot water" wijken, when the
    buurten already include the water) would overlap their neighbours: they are
    removed, and their codes returned.
    """
    kids = areas[areas["level"] == child]
    unions = kids.groupby("parent_code")["geometry"].agg(lambda g: shapely.union_all(g.values))
    at_level = areas["level"] == level
    target = at_level & areas["code"].isin(unions.index)
    areas.loc[target, "geometry"] = areas.loc[target, "code"].map(unions).values
    childless = areas.index[at_level & ~target]
    dropped = sorted(areas.loc[childless, "code"])
    areas.drop(index=childless, inplace=True)
    return dropped


def _parents_by_overlap(areas: pd.DataFrame, level: str, parent_level: str) -> None:
    parents = areas[areas["level"] == parent_level]
    if parents.empty:
        raise BoundaryError(f"parent_level {parent_level!r} of the {level} areas is not loaded")
    tree = shapely.STRtree(parents["geometry"].values)
    rows = areas.index[areas["level"] == level]
    chosen = []
    for geom, is_water in zip(areas.loc[rows, "geometry"], areas.loc[rows, "is_water"]):
        candidates = tree.query(geom, predicate="intersects")
        if len(candidates) == 0:
            chosen.append(None)
            continue
        overlap = shapely.area(shapely.intersection(parents["geometry"].values[candidates], geom))
        share = dict(zip(parents["code"].values[candidates], overlap))
        chosen.append(_largest_land_overlap(share, parents, land=not is_water))
    areas.loc[rows, "parent_code"] = chosen


def _dissolve(areas: pd.DataFrame, child: str, parent: str) -> gpd.GeoDataFrame:
    kids = gpd.GeoDataFrame(areas[areas["level"] == child], geometry="geometry", crs=RD)
    kids = kids.assign(
        parent_code=[p or derive_parent(c, child) for p, c in zip(kids.parent_code, kids.code)]
    )
    grouped = kids.dissolve(
        by="parent_code", aggfunc={"inhabitants": "sum", "vintage": "first", "source": "first"}
    ).reset_index()
    return gpd.GeoDataFrame(
        {
            "code": grouped["parent_code"],
            "name": grouped["parent_code"],
            "level": parent,
            "parent_code": None,
            "vintage": grouped["vintage"],
            "inhabitants": grouped["inhabitants"],
            "is_water": False,
            "source": grouped["source"] + " (dissolved)",
        },
        geometry=grouped.geometry.values,
        crs=RD,
    )


def _gemeente_of(areas: pd.DataFrame) -> list[str | None]:
    parent = dict(zip(areas["code"], areas["parent_code"]))
    level = dict(zip(areas["code"], areas["level"]))
    out = []
    for code in areas["code"]:
        seen, node = 0, code
        while node is not None and level.get(node) != "gemeente" and seen < 10:
            node, seen = parent.get(node), seen + 1
        out.append(node)
    return out
