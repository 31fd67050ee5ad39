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
#: Colour-blind-safe diverging colours (ColorBrewer PuOr) and grey for no figure.
COLOURS = ("#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101", "#bdbdbd")
NONE = CLASSES.index("none")


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


def discrete_colorscale() -> list[list]:
    """A plotly colorscale giving each class index one flat colour (zmin -0.5, zmax 5.5)."""
    n = len(COLOURS)
    scale = []
    for i, colour in enumerate(COLOURS):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale
