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
import pandas as pd

from etl.stats import initiative_methods as m

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


def _pooled(table: pd.DataFrame, codes: list[str], den: pd.Series) -> dict:
    """Pooled counts, change and relative change of a group of buurten.

    Counts are pooled over the months each buurt counted, the denominators
    weighted by those months (buurt-months).
    """
    part = table.reindex(codes)
    d = den.reindex(codes)
    out = {}
    for side in ("before", "after"):
        count = float(part[f"{side}_count"].sum())
        exposure = float((d * part[f"{side}_months"]).sum()) if codes else np.nan
        out[side] = count * 12 / exposure * 1000 if exposure > 0 else np.nan
        out[f"{side}_count"] = count
    relative = out["after"] / out["before"] - 1 if out["before"] > 0 else np.nan
    return {
        "count": out["before_count"],
        "change": out["after"] - out["before"],
        "relative": relative,
    }


def displacement_row(
    table: pd.DataFrame,
    den: pd.Series,
    code: str,
    ring: list[str],
    pool: list[str],
    identity: dict,
) -> dict:
    """One ``initiative_displacement`` row.

    ``table``: the rate table of the comparison (counts and months a side per
    buurt); ``code``: the initiative's buurt; ``ring``: the ring's buurten with a
    rate; ``pool``: the buurten of the comparison pool with a rate; ``identity``:
    the columns that come from the comparison (initiative, category, changes,
    baseline_excludes, ring_method).
    """
    area = _pooled(table, [code], den)
    around = _pooled(table, ring, den)
    reference = _pooled(table, pool, den)
    return {
        **identity,
        "change_ring": around["change"],
        "change_pool": reference["change"],
        "relative_area": area["relative"],
        "relative_ring": around["relative"],
        "relative_pool": reference["relative"],
        "ring": ",".join(ring),
        "flag_displacement": m.displacement_flag(
            area["relative"],
            around["relative"],
            reference["relative"],
            area["count"],
            around["count"],
            DISPLACEMENT_MIN_RELATIVE,
            DISPLACEMENT_MIN_COUNT,
        ),
    }
