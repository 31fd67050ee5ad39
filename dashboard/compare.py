"""Worse or better than the city: the colour classes of the map.

An area is *worse* (or *better*) than the city when its interval lies entirely on
that side of the city's value — for figures without an interval, when it differs
by more than 10 % — and *much* worse or better when it also lies more than one
standard deviation (over the areas shown) away.  Which side is worse follows the
indicator's direction, never raw high or low.
"""

from __future__ import annotations

import numpy as np

CLASSES = ("much_better", "better", "similar", "worse", "much_worse", "none")
#: Diverging colours from ColorBrewer PuOr (dark purple better, orange and brown worse)
#: and, for "none", the colour of an area without data.  The shades are chosen so that
#: every kind of missing (below) stays at least 11 CAM02-UCS units from every class
#: under deuteranopia, protanopia, tritanopia and in greyscale (tests/test_palette.py).
COLOURS = ("#2d004b", "#5e3c99", "#f7f7f7", "#e66101", "#7f3b08", "#cecece")
NONE = CLASSES.index("none")

#: Why an area has no figure, each drawn in its own colour with its own legend entry:
#: no data at all, withheld by the disclosure rules or for too few respondents,
#: water, and not applicable (too few inhabitants for a rate).
MISSING_KINDS = ("no_data", "suppressed", "water", "not_applicable")
MISSING_COLOURS = {
    "no_data": COLOURS[NONE],
    "suppressed": "#6a6a6a",
    "water": "#9ecae1",
    "not_applicable": "#ababab",
}
#: Flags of a withheld figure (etl.disclosure and the survey marts) and of a figure
#: that does not apply; any other flag without a value is "no data".
SUPPRESSED_FLAGS = ("suppressed", "sensitive", "small-count", "few-respondents")
NOT_APPLICABLE_FLAGS = ("no-denominator",)
#: Class index of each missing kind in the map's colour scale (after the five classes).
MISSING_INDEX = {kind: NONE + i for i, kind in enumerate(MISSING_KINDS)}


def missing_kind(flag: str, water: bool) -> str:
    """The kind of missing of an area without a figure, from its flag and whether it is water."""
    if water:
        return "water"
    if flag in SUPPRESSED_FLAGS:
        return "suppressed"
    if flag in NOT_APPLICABLE_FLAGS:
        return "not_applicable"
    return "no_data"


def map_classes(classes, flags, water) -> np.ndarray:
    """Colour index per area: the class (0-4) where there is a figure, else the index of
    its kind of missing (see MISSING_INDEX)."""
    out = np.asarray(classes, dtype=int).copy()
    missing = np.flatnonzero(out == NONE)
    if len(missing):  # once per flag, then per area (a national map has thousands)
        flags = np.asarray(flags, dtype=object)[missing]
        index = {f: MISSING_INDEX[missing_kind(f, False)] for f in set(flags.tolist())}
        out[missing] = [index[f] for f in flags.tolist()]
        on_water = np.asarray(water, dtype=bool)[missing]
        out[missing[on_water]] = MISSING_INDEX["water"]
    return out


def map_colours() -> tuple[str, ...]:
    """The map's colour per index of :func:`map_classes`."""
    return COLOURS[:NONE] + tuple(MISSING_COLOURS[k] for k in MISSING_KINDS)


def reference_value(values, city_value: float | None) -> float | None:
    """The city's value, or the median of the areas when the city has none."""
    if city_value is not None and not np.isnan(city_value):
        return float(city_value)
    shown = np.asarray(values, dtype=float)
    shown = shown[~np.isnan(shown)]
    return float(np.median(shown)) if len(shown) else None


def classify(frame, city_value: float | None, direction: str) -> np.ndarray:
    """Class index (into CLASSES) per row of value, ci_low, ci_high.

    ``frame`` is a data frame or a dict of columns; the work is done on numpy arrays,
    as the map asks for this on every switch of indicator or period."""
    value = np.asarray(frame["value"], dtype=float)
    ref = reference_value(value, None if city_value is None else float(city_value))
    if ref is None:
        return np.full(len(value), NONE, dtype=int)
    low = np.asarray(frame["ci_low"], dtype=float)
    high = np.asarray(frame["ci_high"], dtype=float)
    has_ci = ~np.isnan(low) & ~np.isnan(high)
    margin = 0.1 * abs(ref)
    above = np.where(has_ci, low > ref, value > ref + margin)
    below = np.where(has_ci, high < ref, value < ref - margin)
    shown = ~np.isnan(value)
    sd = np.std(value[shown], ddof=1) if shown.sum() > 2 else np.nan
    far = np.abs(value - ref) > sd if not np.isnan(sd) else np.zeros(len(value), dtype=bool)
    worse, better = (above, below) if direction == "higher_worse" else (below, above)
    cls = np.full(len(value), CLASSES.index("similar"))
    cls[better] = CLASSES.index("better")
    cls[better & far] = CLASSES.index("much_better")
    cls[worse] = CLASSES.index("worse")
    cls[worse & far] = CLASSES.index("much_worse")
    return np.where(shown, cls, NONE)


def discrete_colorscale(colours: tuple[str, ...] = COLOURS) -> list[list]:
    """A plotly colorscale giving each index one flat colour (zmin -0.5, zmax n - 0.5)."""
    n = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale
