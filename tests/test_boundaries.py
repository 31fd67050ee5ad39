"""Display geometries: rounding to 6 decimals must not make an area cover its neighbour."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely import MultiPolygon, Polygon

from geo.boundaries import display_geometries
from geo.crs import RD, WGS84

#: An area with an enclave whose neck is about 0.1 m wide (as when a hole touches the
#: shell and a repair turned the touch into a sliver): after rounding to 6 decimals
#: the neck points fall on one line and the ring touches itself.
BOTTOM, NECK = 52.0999996, 52.1000004  # both round to 52.100000
LEFT, RIGHT, APEX = 5.0149998, 5.0150012, 5.0150019
AREA = MultiPolygon(
    [
        Polygon(
            [
                (5.03, BOTTOM),
                (RIGHT, NECK),
                (5.02, 52.11),
                (5.01, 52.11),
                (LEFT, NECK),
                (5.0, BOTTOM),
                (5.0, 52.12),
                (5.03, 52.12),
            ]
        ),
        Polygon([(APEX, BOTTOM), (LEFT, NECK), (RIGHT, NECK)]),
    ]
)
ENCLAVE = Polygon([(LEFT, NECK), (5.01, 52.11), (5.02, 52.11), (RIGHT, NECK)])


def test_display_geometries_keep_an_enclave_out_of_the_area_around_it():
    source = np.asarray(gpd.GeoSeries([AREA, ENCLAVE], crs=WGS84).to_crs(RD).values)
    assert shapely.is_valid(source).all() and shapely.coverage_is_valid(source)

    area, enclave = display_geometries(source, "buurt")

    assert area.geom_type in ("Polygon", "MultiPolygon")  # no stray collapsed ring
    coords = shapely.get_coordinates(np.array([area, enclave]))
    assert np.array_equal(coords, np.round(coords, 6))  # the repair keeps 6 decimals
    assert not area.contains(ENCLAVE.centroid)
    assert shapely.area(shapely.intersection(area, enclave)) < 1e-12
    assert shapely.coverage_is_valid(np.array([area, enclave]))
    source_area = shapely.area(AREA)
    assert abs(shapely.area(area) - source_area) < 0.001 * source_area
