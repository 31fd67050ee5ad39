"""One boundary source into canonical columns, with its rows checked and geometries repaired."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from etl.config import Source
from etl.extract import as_text
from etl.harmonise import other_municipality
from etl.schema import FIELDS
from etl.validate import Problems, check_fields, mapped_text
from geo.boundaries import CODE_PATTERNS, repair_geometries
from geo.crs import RD

_WATER_TRUE = {"ja", "j", "true", "1", "yes", "water"}


def normalise_boundaries(
    source: Source, frame: gpd.GeoDataFrame, crs: CRS, gemeente_code: str
) -> tuple[gpd.GeoDataFrame, Problems, list[str], int]:
    """Canonical layer (code, name, level, parent_code, vintage, inhabitants, is_water, source).

    Areas of other municipalities in a national layer are skipped; their number is
    returned last.
    """
    frame = frame.reset_index(drop=True)
    code_column = source.columns.get("code")
    skipped = 0
    if code_column in frame:
        other = other_municipality(frame[code_column], gemeente_code)
        skipped = int(other.sum())
        frame = frame[~other].reset_index(drop=True)
    attrs = as_text(frame.drop(columns="geometry"))
    fields = list(FIELDS["boundaries"])
    text = mapped_text(source, attrs, [f.name for f in fields])
    problems = Problems(frame.index)
    typed = check_fields(source, text, fields, problems)
    code = typed["code"].fillna("")
    problems.add(
        (code != "") & ~code.str.match(CODE_PATTERNS[source.level]),
        "code",
        f"not a {source.level} code: " + code,
    )
    problems.add(code.duplicated() & (code != ""), "code", "duplicate code: " + code)
    geoms = frame.geometry.set_crs(crs, allow_override=True)
    empty = geoms.isna() | geoms.is_empty
    problems.add(empty, "geometry", "geometry is missing or empty")
    polygonal = geoms.geom_type.isin(["Polygon", "MultiPolygon"])
    problems.add(~empty & ~polygonal, "geometry", "geometry is not a polygon")
    notes = []
    geoms = geoms.to_crs(RD) if not CRS.from_user_input(crs).equals(RD) else geoms
    finite = np.isfinite(geoms.bounds.to_numpy()).all(axis=1)
    problems.add(
        ~empty & polygonal & ~finite,
        "geometry",
        "coordinates cannot be placed in RD New (not finite or outside the CRS; is the "
        f"CRS right?): {CRS.from_user_input(crs).to_string()}",
    )
    ok = ~pd.Series(problems.rejected_mask(), index=frame.index)
    repaired, count = repair_geometries(geoms[ok])
    if count:
        notes.append(f"{count} invalid geometries repaired")
    water = typed["water"].fillna("").str.lower().isin(_WATER_TRUE)
    if water.any():
        notes.append(f"{int(water.sum())} water areas")
    layer = gpd.GeoDataFrame(
        {
            "code": typed["code"][ok],
            "name": typed["name"][ok],
            "level": source.level,
            "parent_code": typed["parent_code"][ok],
            "vintage": source.vintage,
            "inhabitants": typed["inhabitants"][ok].astype("Int64"),
            "is_water": water[ok].to_numpy(dtype=bool),
            "source": source.name,
        },
        geometry=np.asarray(repaired.values, dtype=object),
        crs=RD,
    )
    if skipped:
        notes.append(f"{skipped} areas of other municipalities skipped")
    return layer.reset_index(drop=True), problems, notes, skipped
