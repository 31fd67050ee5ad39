"""The map's colours stay apart for people with a colour-vision deficiency and in print.

Every kind of missing (no data, withheld, water, not applicable) is compared with every
class (much better ... much worse) after simulating deuteranopia, protanopia and
tritanopia (Machado et al. 2009 at full severity, as colorspacious implements it) and
in greyscale (relative luminance), as a distance in CAM02-UCS, where about 1 is a just
noticeable difference.
"""

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from dashboard.compare import CLASSES, COLOURS, MISSING_COLOURS, MISSING_KINDS, NONE

#: The smallest distance allowed between colours that must be told apart on the map.
MIN_DISTANCE = 11
VIEWS = ("normal", "deuteranomaly", "protanomaly", "tritanomaly", "greyscale")


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _seen(hex_colour: str, view: str) -> np.ndarray:
    """The colour as seen in ``view``, in CAM02-UCS."""
    rgb = _rgb(hex_colour)
    if view == "greyscale":
        luminance = cspace_convert(rgb, "sRGB1", "sRGB1-linear") @ [0.2126, 0.7152, 0.0722]
        rgb = cspace_convert(np.full(3, luminance), "sRGB1-linear", "sRGB1")
    elif view != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": view, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
    return cspace_convert(np.clip(rgb, 0, 1), "sRGB1", "CAM02-UCS")


def _distance(a: str, b: str, view: str) -> float:
    return float(np.linalg.norm(_seen(a, view) - _seen(b, view)))


@pytest.mark.parametrize("view", VIEWS)
def test_every_kind_of_missing_stays_apart_from_every_class(view):
    classes = COLOURS[:NONE]
    distances = {
        (kind, CLASSES[i]): _distance(MISSING_COLOURS[kind], colour, view)
        for kind in MISSING_KINDS
        for i, colour in enumerate(classes)
    }
    closest = min(distances, key=distances.get)
    assert distances[closest] >= MIN_DISTANCE, (view, closest, round(distances[closest], 1))


@pytest.mark.parametrize("view", VIEWS[:4])
def test_the_kinds_of_missing_stay_apart_from_each_other(view):
    for a, b in itertools.combinations(MISSING_KINDS, 2):
        distance = _distance(MISSING_COLOURS[a], MISSING_COLOURS[b], view)
        assert distance >= MIN_DISTANCE, (view, a, b, round(distance, 1))


def test_in_greyscale_the_greys_differ_and_water_carries_its_own_mark():
    """Water is light blue; in greyscale it comes close to "no data", so the map marks
    every water area with a wave (dashboard.map_figure.WATER_MARK) as well."""
    greys = [k for k in MISSING_KINDS if k != "water"]
    for a, b in itertools.combinations(greys, 2):
        assert _distance(MISSING_COLOURS[a], MISSING_COLOURS[b], "greyscale") >= MIN_DISTANCE
    from dashboard.map_figure import WATER_MARK

    assert WATER_MARK == "≈"


def test_the_old_single_grey_was_too_close_to_better():
    """The reason for the change: one grey (#bdbdbd) for every missing kind lay within a
    few units of the old "better" (#b2abd2) under tritanopia and in greyscale, and of the
    old "worse" (#fdb863) in greyscale; this test fails if the check could not see it."""
    assert _distance("#bdbdbd", "#b2abd2", "tritanomaly") < MIN_DISTANCE
    assert _distance("#bdbdbd", "#b2abd2", "greyscale") < 5
    assert _distance("#bdbdbd", "#fdb863", "greyscale") < 5


def test_the_classes_themselves_stay_apart_under_colour_vision_deficiencies():
    for view in VIEWS[:4]:
        for a, b in itertools.combinations(COLOURS[:NONE], 2):
            assert _distance(a, b, view) >= MIN_DISTANCE, (view, a, b)
