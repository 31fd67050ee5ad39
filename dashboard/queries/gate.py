"""The one disclosure gate of indicator values, and the cache of views behind it."""

import os
import threading
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from cachetools import LRUCache, cached

from dashboard.queries.catalog import indicator_meta, is_public, rules
from dashboard.queries.shared_views import shared
from dashboard.store import Store
from etl.disclosure import (
    gate_kind,
    public_values,
)

#: Views (an indicator, level and period) kept in memory per process, counted in areas:
#: a view of 518 buurten counts 518 (about 340 bytes each with its hover texts), so the
#: default of 200,000 is about 70 MB per web worker, whatever the number of areas.
VIEW_CACHE_AREAS = int(os.environ.get("UNEASE_VIEW_CACHE_AREAS", "200000"))


#: What a view costs in the cache beyond its areas (counted as this many areas), so the
#: number of views is bounded too (at most VIEW_CACHE_AREAS / VIEW_ENTRY_AREAS).
VIEW_ENTRY_AREAS = 50


def view_cache(size_of) -> Callable:
    """A thread-safe least-recently-used cache of views, bounded by their areas (about
    bytes) and by their number; keys must be values checked by dashboard.inputs.

    The function takes ``(store, version, *view)``.  Behind the cache of the process,
    the views are shared with the other replicas of the dashboard through Redis when
    ``view_cache_url`` is set (dashboard.queries.shared_views)."""
    local = cached(
        LRUCache(maxsize=VIEW_CACHE_AREAS, getsizeof=lambda v: size_of(v) + VIEW_ENTRY_AREAS),
        lock=threading.Lock(),
    )
    return lambda fn: local(shared(fn))


def disclose(
    store: Store,
    frame,
    indicator: str,
    level: str,
    role: str = "public",
    period: str | None = None,
    area_code: str | None = None,
    method: str = "direct",
):
    """The one disclosure gate of indicator values (etl.disclosure.public_values).

    ``frame`` is a data frame or a dict of columns (value, ci_low, ci_high, n, flag and,
    when it has them, area_code and period; else ``area_code``/``period`` hold for every
    row; a column ``method``, or else ``method``, tells model estimates from direct ones);
    the result is of the same kind, with the text column n_public.  Professionals
    and admins see exact values and counts."""
    entry = indicator_meta(store)[indicator]
    if not is_public(role):
        out = frame.copy()
        out["n_public"] = [
            exact_count_text(n) for n in np.asarray(frame["n"], dtype=float).tolist()
        ]
        return out
    kind = gate_kind(indicator, entry.source_kind, entry.unit)
    incident_n = None
    size = len(frame["n"])
    if kind == "composite":
        codes = list(frame["area_code"]) if "area_code" in frame else [area_code] * size
        periods = list(frame["period"]) if "period" in frame else [period] * size
        counts = incident_totals(store, store.version)
        incident_n = np.array([counts.get((c, p), np.nan) for c, p in zip(codes, periods)])
    if "method" in frame:
        model_rows = np.array([m != "direct" for m in frame["method"]], dtype=bool)
    else:
        model_rows = np.full(size, method != "direct")
    return public_values(frame, entry.sensitive, level, rules(store), kind, incident_n, model_rows)


@lru_cache(maxsize=2)
def incident_totals(store: Store, version: tuple[int, int]) -> dict[tuple[str, str], float]:
    """Incidents (all categories) per area and period, for composites of the incident index."""
    frame = store.frame(
        "select area_code, period, n from indicator_values "
        "where indicator = 'incident_rate.total' and method = 'direct'"
    )
    return dict(zip(zip(frame["area_code"], frame["period"]), frame["n"].astype(float)))


def exact_count_text(n: float) -> str:
    """An exact count as the gate's language-neutral text (digits only, '–' for none)."""
    return "–" if n != n else str(int(round(n)))
