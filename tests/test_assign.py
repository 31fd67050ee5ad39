"""Point-in-polygon: every point exactly once, a fixed tie-break, outside points marked."""

import numpy as np
from shapely.geometry import Polygon

from geo.assign import assign_areas

LEFT = Polygon([(0, 0), (5, 0), (5, 5), (0, 5)])
RIGHT = Polygon([(5, 0), (10, 0), (10, 5), (5, 5)])


def test_points_inside_get_their_area():
    codes = assign_areas(np.array([1.0, 7.0]), np.array([1.0, 1.0]), [LEFT, RIGHT], ["A", "B"])
    assert list(codes) == ["A", "B"]


def test_point_on_shared_border_goes_to_smallest_code_whatever_the_order():
    x, y = np.array([5.0, 5.0]), np.array([2.0, 5.0])  # on the edge, and on the corner
    assert list(assign_areas(x, y, [LEFT, RIGHT], ["BU2", "BU1"])) == ["BU1", "BU1"]
    assert list(assign_areas(x, y, [RIGHT, LEFT], ["BU1", "BU2"])) == ["BU1", "BU1"]


def test_point_outside_every_area_is_none():
    codes = assign_areas(np.array([20.0, 2.0]), np.array([20.0, 2.0]), [LEFT, RIGHT], ["A", "B"])
    assert codes[0] is None and codes[1] == "A"


def test_many_points_each_assigned_once():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 10, 10_000), rng.uniform(0, 5, 10_000)
    codes = assign_areas(x, y, [LEFT, RIGHT], ["A", "B"])
    assert (codes == "A").sum() == (x <= 5).sum()
    assert (codes == "B").sum() == (x > 5).sum()
