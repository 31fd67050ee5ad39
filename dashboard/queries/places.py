"""Areas by name and by place: type-ahead search over every level, and an area's parent
or child at another level."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from dashboard.queries.catalog import LEVELS
from dashboard.store import Store

#: Most areas a search answers with: the chooser never holds every area of the country.
SEARCH_LIMIT = 50


class Places(NamedTuple):
    """Every area of the served file, in the order a search lists them."""

    code: np.ndarray
    name: np.ndarray
    level: np.ndarray
    folded: np.ndarray  # lower-case name and code (fixed-width text), what a search matches
    index: dict[str, int]


def places(store: Store) -> Places:
    return _places(store, store.version)


@lru_cache(maxsize=4)
def _places(store: Store, version: tuple[int, int]) -> Places:
    frame = store.frame("select code, name, level from areas order by name, code")
    rank = {lv: i for i, lv in enumerate(reversed(LEVELS))}  # gemeente first, buurt last
    order = sorted(
        range(len(frame)),
        key=lambda i: (rank.get(frame["level"][i], len(rank)), frame["name"][i].lower()),
    )
    code = np.asarray(frame["code"], dtype=object)[order]
    name = np.asarray(frame["name"], dtype=object)[order]
    level = np.asarray(frame["level"], dtype=object)[order]
    folded = np.array([f"{n.lower()}\t{c.lower()}" for n, c in zip(name, code)], dtype=str)
    return Places(code, name, level, folded, {c: i for i, c in enumerate(code)})


def search_areas(store: Store, text: str, limit: int = SEARCH_LIMIT) -> list[int]:
    """Positions (in :func:`places`) of the areas whose name or code contains ``text``
    (case-insensitive): names that start with it first, then the rest; within each, the
    larger level first and by name.  At most ``limit``."""
    found = places(store)
    needle = text.strip().lower()
    if not needle:
        return []
    hits = np.flatnonzero(np.char.find(found.folded, needle) >= 0)
    first = np.char.startswith(found.folded[hits], needle)
    return [*hits[first], *hits[~first]][:limit]


def counterpart(store: Store, code: str, level: str) -> str | None:
    """The area at ``level`` that holds ``code`` (its parent, grandparent, ...) or, when
    ``level`` lies below, the one of its children at that level with the most inhabitants
    (then the lowest code).  The area itself at its own level, None when there is none."""
    frame = store.frame(
        """
        select code from (
            select ancestor_code as code, 0 as inhabitants from area_ancestors
            where code = ? and ancestor_level = ?
            union all
            select a.code, coalesce(a.inhabitants, 0) from area_ancestors anc
            join areas a on a.code = anc.code
            where anc.ancestor_code = ? and a.level = ?
        ) order by inhabitants desc, code limit 1
        """,
        [code, level, code, level],
    )
    return frame["code"][0] if len(frame) else None
