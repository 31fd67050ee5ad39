"""Worse or better than the city: the colour classes of the map.

An area is *worse* (or *better*) than the city when its interval lies entirely on
that side of the city's value — for figures without an interval, when it differs
by more than 10 % — and *much* worse or better when it also lies more than one
standard deviation (over the areas shown) away.  Which side is worse follows the
indicator's direction, never raw high or low.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CLASSES = ("much_better", "better", "similar", "worse", "much_worse", "none")
#: Colour-blind-safe diverging colours (ColorBrewer PuOr) and grey for no figure.
COLOURS = ("#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101", "#bdbdbd")
NONE = CLASSES.index("none")


def reference_value(values: pd.Series, city_value: float | None) -> float | None:
    """The city's value, or the median of the areas when the city has none."""
    if city_value is not None and not pd.isna(city_value):
        return float(city_value)
    shown = values.dropna()
    return float(shown.median()) if len(shown) else None


def classify(frame: pd.DataFrame, city_value: float | None, direction: str) -> np.ndarray:
    """Class index (into CLASSES) per row of value, ci_low, ci_high."""
    value = frame["value"].astype(float)
    ref = reference_value(value, city_value)
    out = np.full(len(frame), NONE, dtype=int)
    if ref is None:
        return out
    low = frame["ci_low"].astype(float)
    high = frame["ci_high"].astype(float)
    has_ci = low.notna() & high.notna()
    margin = 0.1 * abs(ref)
    above = np.where(has_ci, low > ref, value > ref + margin)
    below = np.where(has_ci, high < ref, value < ref - margin)
    sd = value.std(ddof=1) if value.notna().sum() > 2 else np.nan
    far = (value - ref).abs() > sd if not pd.isna(sd) else pd.Series(False, index=value.index)
    worse, better = (above, below) if direction == "higher_worse" else (below, above)
    cls = np.full(len(frame), CLASSES.index("similar"))
    cls[better] = CLASSES.index("better")
    cls[better & far.to_numpy()] = CLASSES.index("much_better")
    cls[worse] = CLASSES.index("worse")
    cls[worse & far.to_numpy()] = CLASSES.index("much_worse")
    return np.where(value.notna().to_numpy(), cls, NONE)


def discrete_colorscale() -> list[list]:
    """A plotly colorscale giving each class index one flat colour (zmin -0.5, zmax 5.5)."""
    n = len(COLOURS)
    scale = []
    for i, colour in enumerate(COLOURS):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale
