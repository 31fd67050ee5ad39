"""Displacement screening of an initiative (methods §7): the buurt against its ring.

Per incident category the change (per 1,000) in the buurt, in its ring (pooled:
the ring's counts over its denominators), the matched controls' mean change and
the pooled change of the whole comparison pool, with the relative changes, over
the windows of the before/after comparison (without the months of a wave before
the start).  The flag (:func:`~etl.stats.initiative_methods.displacement_flag`)
compares relative changes with the pool.  A screening flag, not a test.
"""

from __future__ import annotations

import numpy as np

from etl.stats import initiative_methods as m
from etl.stats.initiative_panel import RateTable

DISPLACEMENT_MIN_RELATIVE, DISPLACEMENT_MIN_COUNT = 0.10, 20
DISPLACEMENT_COLUMNS = {
    "initiative_id": "text",
    "category": "text",
    "change_area": "double",
    "change_ring": "double",
    "change_controls": "double",
    "change_pool": "double",
    "relative_area": "double",
    "relative_ring": "double",
    "relative_pool": "double",
    "baseline_excludes": "text",
    "ring": "text",
    "ring_method": "text",
    "flag_displacement": "boolean",
}


def _pooled(table: RateTable, rows: np.ndarray, den: np.ndarray) -> dict:
    """Pooled count before, change and relative change of a group of buurten (``rows``).

    Counts are pooled over the months each buurt counted, the denominators
    weighted by those months (buurt-months).
    """
    out = {}
    for side, counts, months in (
        ("before", table.before_count, table.before_months),
        ("after", table.after_count, table.after_months),
    ):
        count = float(np.nansum(counts[rows]))
        exposure = float(np.nansum(den[rows] * months[rows])) if len(rows) else np.nan
        out[side] = count * 12 / exposure * 1000 if exposure > 0 else np.nan
        out[f"{side}_count"] = count
    relative = out["after"] / out["before"] - 1 if out["before"] > 0 else np.nan
    return {
        "count": out["before_count"],
        "change": out["after"] - out["before"],
        "relative": relative,
    }


def displacement_row(
    table: RateTable,
    den: np.ndarray,
    area: np.ndarray,
    ring: np.ndarray,
    pool: np.ndarray,
    identity: dict,
) -> dict:
    """One ``initiative_displacement`` row.

    ``table``: the rate table of the comparison (counts and months a side per
    buurt); ``den``: the denominator per buurt; ``area``, ``ring`` and ``pool``:
    the rows of the initiative's buurt, of the ring's buurten with a rate and of the
    buurten of the comparison pool with a rate; ``identity``: the columns that come
    from the comparison (initiative, category, changes, baseline_excludes, ring,
    ring_method).
    """
    own = _pooled(table, area, den)
    around = _pooled(table, ring, den)
    reference = _pooled(table, pool, den)
    return {
        **identity,
        "change_ring": around["change"],
        "change_pool": reference["change"],
        "relative_area": own["relative"],
        "relative_ring": around["relative"],
        "relative_pool": reference["relative"],
        "flag_displacement": m.displacement_flag(
            own["relative"],
            around["relative"],
            reference["relative"],
            own["count"],
            around["count"],
            DISPLACEMENT_MIN_RELATIVE,
            DISPLACEMENT_MIN_COUNT,
        ),
    }
