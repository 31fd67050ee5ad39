"""The national buurt layer as its own resource: /geo/buurt.geojson for the whole country.

Uses CBS's buurten of 2014 (``cbs_buurten_2014_nl_coarse`` under UNEASE_REAL_DATA;
coarse, quantised shapes) served by the dashboard from a database that the loader's
own code wrote (``tests/national.py``); skipped when the file is not there.

The input is itself not a valid coverage: its quantised shapes have edges that do not
match their neighbours' (vertices of one lying on an edge of the other, overlaps up to
1.1 km2). The checks therefore compare the served shapes with the same input served
without simplification (reprojected, rounded and repaired by the same function), and
with the input itself: no polygon may get a mismatched edge it did not have, and no pair
of neighbours may overlap more than it did.
"""

from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest
import shapely

from dashboard.app import create_app
from tests.conftest import REAL_DATA
from tests.national import (
    NATIONAL_FILE,
    as_served,
    build_areas_db,
    mismatched,
    new_overlaps,
    pair_overlaps,
    read_buurten,
    to_rd,
)

pytestmark = pytest.mark.skipif(
    not (REAL_DATA / NATIONAL_FILE).is_file(),
    reason=f"national buurt layer not found at {REAL_DATA / NATIONAL_FILE} (set UNEASE_REAL_DATA)",
)

#: Budget of the gzip resource: 351 KB measured (359,500 bytes; bench/national.py,
#: docs/performance.md) plus about 10 %. Coarse 2014 shapes: a full-resolution layer
#: is larger, so this guards the serialisation (6 decimals, no indent), not a product size.
GZIP_BUDGET = 400_000
#: Overlaps and gaps narrower than this (degrees: 7 m east-west, 11 m north-south).
GAP_WIDTH = 1e-4
PAIR = re.compile(rb"\[(-?\d+(?:\.(\d+))?),(-?\d+(?:\.(\d+))?)\]")


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    buurten, missing = read_buurten(REAL_DATA / NATIONAL_FILE)
    db = build_areas_db(buurten, tmp_path_factory.mktemp("national") / "national.duckdb")
    client = create_app(db).server.test_client()
    response = client.get("/geo/buurt.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.data)
    features = json.loads(body)["features"]
    order = {code: i for i, code in enumerate(buurten["code"])}
    served = np.empty(len(buurten), dtype=object)
    for f in features:
        served[order[f["id"]]] = shapely.from_geojson(json.dumps(f["geometry"]))
    return {
        "buurten": buurten,
        "missing": missing,
        "response": response,
        "body": body,
        "features": features,
        "served": served,  # in the order of ``buurten``
    }


def test_every_buurt_with_a_geometry_is_served_once_with_its_code_as_id(national):
    buurten, features = national["buurten"], national["features"]
    assert len(buurten) + national["missing"] == 11_691  # the whole file
    assert len(features) == len(buurten) == 9_949  # 993 null and 749 empty geometries
    ids = [f["id"] for f in features]
    assert ids == sorted(buurten["code"])  # statcode as id, each once, in code order
    names = dict(zip(buurten["code"], buurten["name"]))
    assert all(f["properties"]["name"] == names[f["id"]] for f in features)
    served = national["served"]
    assert not shapely.is_empty(served).any()
    assert set(shapely.get_type_id(served)) <= {3, 6}  # Polygon, MultiPolygon


def test_every_coordinate_has_at_most_6_decimals(national):
    pairs = PAIR.findall(national["body"])
    assert len(pairs) == shapely.get_num_coordinates(national["served"]).sum()
    decimals = max(max(len(p[1]), len(p[3])) for p in pairs)
    assert decimals <= 6


def test_the_simplified_coverage_gets_no_edge_mismatch_the_input_did_not_have(national):
    buurten, served = national["buurten"], national["served"]
    source = np.asarray(buurten.geometry.values)
    assert not shapely.coverage_is_valid(source)  # the quantised input is not a coverage
    baseline = mismatched(as_served(source), GAP_WIDTH)
    flagged = mismatched(served, GAP_WIDTH)
    if not baseline.any():
        assert shapely.coverage_is_valid(served, gap_width=GAP_WIDTH)
    new = list(buurten["code"][flagged & ~baseline])
    assert new == [], f"{len(new)} buurten with new gaps or overlaps: {new[:10]}"
    # the check can fail: simplifying each polygon on its own breaks thousands of borders
    plain = as_served(np.asarray(buurten.geometry.simplify(4.0).values))
    assert (mismatched(plain, GAP_WIDTH) & ~baseline).sum() > 1000


def test_no_pair_of_neighbours_overlaps_more_than_in_the_input(national):
    buurten, served = national["buurten"], national["served"]
    source = np.asarray(buurten.geometry.values)
    gained = new_overlaps(pair_overlaps(source), pair_overlaps(to_rd(served)))
    defective = mismatched(source, gap_width=1.0)  # in RD: overlaps and gaps below 1 m
    matched = {p: a for p, a in gained.items() if not defective[p[0]] and not defective[p[1]]}
    # neighbours whose edges matched stay apart (measured: 0.0015 m2 at most)
    assert max(matched.values(), default=0.0) < 1.0
    # along mismatched input edges rounding to 6 decimals (at most 0.07 m) moves an edge
    # past a neighbour's vertex: slivers up to 97 m2 measured; a hectare-sized overlap
    # (one area covering an enclave) would be a bug
    worst = max(gained, key=gained.get)
    assert gained[worst] < 1000.0, (list(buurten["code"][list(worst)]), gained[worst])


def test_the_gzip_resource_stays_within_its_budget(national):
    size = len(national["response"].data)
    assert size < GZIP_BUDGET, f"{size:,} bytes gzip"
    assert len(national["body"]) > 5 * size  # it is compressed
