"""Disclosure control for public outputs (methods §3, CBS-like project defaults).

Counts of 1 to 4 show as "<5"; other counts may be rounded to a multiple of
``public_round_to``; sensitive categories (sexual and domestic violence) are
published at wijk level or above only.  Point-level incidents never reach a
public output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SMALL = "<5"
PUBLIC_LEVELS_FOR_SENSITIVE = ("wijk", "stadsdeel", "gemeente")


def public_count(n: float | None, round_to: int = 5) -> str:
    """A count as the public may see it: '<5' for 1-4, rounded to ``round_to`` above."""
    if n is None or pd.isna(n):
        return "–"
    n = int(round(n))
    if n == 0:
        return "0"
    if n < 5:
        return SMALL
    if round_to > 1:
        n = int(round_to * np.floor(n / round_to + 0.5))
    return f"{n:,}".replace(",", ".")


def disclosed_length(n: float, round_to: int = 5) -> float:
    """A number to draw for a count the public sees disclosed (bar lengths, sizes).

    0 stays 0; 1-4 are all drawn as 2.5; others at their rounded value.
    """
    if n is None or pd.isna(n) or n == 0:
        return 0.0
    if n < 5:
        return 2.5
    return float(round_to * np.floor(n / round_to + 0.5)) if round_to > 1 else float(n)


def public_values(frame, sensitive: bool, level: str, round_to: int = 5):
    """Rows of indicator_values fit for the public: counts disclosed, sensitive ones withheld.

    ``frame`` is a data frame or a dict of columns (the result is of the same kind).
    Adds a text column ``n_public``; for a sensitive indicator below wijk level the
    value, interval and count are removed and the flag becomes 'suppressed'.
    """
    out = frame.copy()
    size = len(out["n"])
    if sensitive and level not in PUBLIC_LEVELS_FOR_SENSITIVE:
        for col in ("value", "ci_low", "ci_high", "se", "n"):
            if col in out:
                out[col] = np.full(size, np.nan)
        out["flag"] = np.full(size, "suppressed", dtype=object)
    out["n_public"] = public_counts(np.asarray(out["n"], dtype=float), round_to)
    return out


def public_counts(n: np.ndarray, round_to: int = 5) -> list[str]:
    """:func:`public_count` for a whole column at once."""
    n = np.asarray(n, dtype=float)
    rounded = np.where(round_to > 1, round_to * np.floor(n / max(round_to, 1) + 0.5), np.round(n))
    text = [f"{int(v):,}".replace(",", ".") if v == v else "–" for v in rounded.tolist()]
    small = (n >= 1) & (n < 4.5)
    return [
        SMALL if s else ("0" if v == 0 else t) for s, v, t in zip(small.tolist(), n.tolist(), text)
    ]
