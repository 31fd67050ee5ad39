"""Allow-lists for every value a request brings, checked before any query or cache.

Callbacks and routes receive whatever a browser (or anyone else) sends: a value is
used only when it is one the served database knows (a loaded level, an indicator
with values, one of its periods, an area code, a language).  Each function returns
the value when it is allowed and None otherwise; :func:`require` turns None into
``PreventUpdate`` (the page keeps what it shows), so a malformed request never
reaches a query, never becomes a cache key and never answers HTTP 500.
"""

from __future__ import annotations

from dash.exceptions import PreventUpdate

from dashboard import queries
from dashboard.state import LANGS
from dashboard.store import Store

#: Layers of the map a request may ask for (points only for professionals, see map).
LAYERS = ("initiatives", "hotspots", "incidents")


def require(*values: object) -> None:
    """No update unless every value passed its allow-list."""
    if any(v is None for v in values):
        raise PreventUpdate


def lang(value: object) -> str | None:
    return value if isinstance(value, str) and value in LANGS else None


def level(store: Store, value: object) -> str | None:
    return value if isinstance(value, str) and value in queries.levels(store) else None


def indicator(store: Store, value: object) -> str | None:
    return value if isinstance(value, str) and value in queries.indicator_meta(store) else None


def period(store: Store, indicator_id: str, value: object) -> str | None:
    """A period of an (allowed) indicator."""
    if not isinstance(value, str):
        return None
    return value if value in queries.periods(store, indicator_id) else None


def area(store: Store, value: object) -> str | None:
    return value if isinstance(value, str) and value in queries.area_codes(store) else None


def areas(store: Store, value: object) -> list[str] | None:
    """A list of area codes (unknown ones dropped); None when it is not a list."""
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    codes = queries.area_codes(store)
    return [v for v in value if isinstance(v, str) and v in codes]


def method(value: object) -> str | None:
    """How the figures shown were estimated: direct or model; absent (a request without
    the control) means direct, as everywhere a query is not asked for model."""
    if value is None or value == []:
        return "direct"
    return value if isinstance(value, str) and value in queries.METHODS else None


def layers(value: object) -> list[str] | None:
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    return sorted({v for v in value if isinstance(v, str) and v in LAYERS})


def mapping(value: object) -> dict | None:
    """A JSON object sent back by the browser (a figure, a store's data), or {}."""
    if value is None:
        return {}
    return value if isinstance(value, dict) else None


def clicked_area(store: Store, click: object) -> str | None:
    """The area of a map click (``clickData``), when the click is well formed."""
    if not isinstance(click, dict):
        return None
    points = click.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    return area(store, points[0].get("location"))


def page_number(value: object) -> int | None:
    """A page of a paged table: a whole number from 0 up to 100,000 (``None``: the first)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= 100_000 else None


def table_sort(value: object, columns) -> tuple[str, bool] | None | bool:
    """The order a paged table is asked for (``sort_by``): (column, ascending) for one
    known column, None for no order, False when the value is malformed."""
    if value is None or value == []:
        return None
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict):
        return False
    column, direction = value[0].get("column_id"), value[0].get("direction")
    if column not in columns or direction not in ("asc", "desc"):
        return False
    return column, direction == "asc"
