"""Number formatting for tables and hover texts (fast on whole columns)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

MISSING = "–"


def number(value: object, digits: int = 1) -> str:
    """One number as text; '–' for missing."""
    if value is None or value is pd.NaT or value is pd.NA:
        return MISSING
    if isinstance(value, float | np.floating):
        return MISSING if math.isnan(value) else f"{value:,.{digits}f}"
    if isinstance(value, int | np.integer):
        return f"{value:,}" if digits == 0 else f"{value:,.{digits}f}"
    return str(value)


def numbers(values: pd.Series | np.ndarray, digits: int = 1) -> list[str]:
    """A column of numbers as text, without a pandas call per cell."""
    array = np.asarray(values, dtype=float)
    return [MISSING if math.isnan(v) else f"{v:,.{digits}f}" for v in array.tolist()]


def intervals(low: pd.Series, high: pd.Series, digits: int = 1) -> list[str]:
    lo = np.asarray(low, dtype=float).tolist()
    hi = np.asarray(high, dtype=float).tolist()
    return [
        MISSING if math.isnan(a) else f"{a:,.{digits}f} – {b:,.{digits}f}" for a, b in zip(lo, hi)
    ]


#: Columns that hold p- or q-values (printed by :func:`p_value`, never rounded to 0.0).
P_COLUMNS = frozenset({"p_value", "q_value", "p_sim", "mk_p", "mk_q"})


def p_value(value: object) -> str:
    """A p- or q-value as text: '< 0.001' below 0.001, else three decimals; '–' for missing."""
    if value is None or value is pd.NA:
        return MISSING
    v = float(value)
    if math.isnan(v):
        return MISSING
    return "< 0.001" if v < 0.001 else f"{v:.3f}"
