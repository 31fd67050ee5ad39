"""Values mapped from another code system or vintage, said next to the figures.

A published table with codes of another boundary vintage is carried onto the
loaded areas (``indicator_values.harmonised``): by overlay (approximate), by a
supplied table, or by name (a last resort).  The map, trends and Data page say
how many areas of what is shown were mapped which way.
"""

from __future__ import annotations

import pandas as pd

from dashboard.fmt import count
from dashboard.i18n import t


def harmonised_text(marks: pd.DataFrame, lang: str) -> str:
    """One sentence from rows (harmonised, areas); '' when nothing was mapped."""
    if marks.empty:
        return ""
    parts = [
        t(f"mark_harmonised_{row.harmonised}", lang, n=count(row.areas, lang))
        for row in marks.itertuples(index=False)
        if row.harmonised in ("name", "overlay", "table")
    ]
    return " ".join(parts)
