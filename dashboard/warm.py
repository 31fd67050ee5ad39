"""A served dashboard made ready before its first visitor.

The first map a dashboard process draws reads every indicator value into memory
(dashboard.queries.values) and builds the map of the opening view; on a national file
that took 1.4 s of the first visitor's wait, against 0.03 s for the next one.  The
first request for a level's geometry simplifies it (0.8 s for the national buurten).  The
entry points that serve people (``unease serve`` and each gunicorn worker) ask for the
opening page and its map once, as the public sees them, before they take requests.
Tests and benches that build an app themselves do not pay for it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from dash import Dash

from dashboard import area_choice, wire
from dashboard.pages import map as map_page
from dashboard.state import parse
from dashboard.store import Store


def warm(app: Dash, db_path: str | Path) -> float | None:
    """Ask ``app`` (as the public role, through its own endpoints) for the opening page,
    the geometry it fetches and its map, without and with the background map; the
    seconds it took.  The opening view is read from ``db_path`` as the page reads it.
    Should that fail, the server still starts (each request then says what is wrong):
    one line on standard error says why, and None is returned."""
    try:
        return _warm(app, db_path)
    except Exception as exc:  # a broken file must not keep the server from starting
        print(f"unease serve: the opening map was not prepared ({exc})", file=sys.stderr)
        return None


def _warm(app: Dash, db_path: str | Path) -> float:
    start = time.perf_counter()
    store = Store(db_path)
    client = app.server.test_client()
    client.get("/")
    dependencies = client.get("/_dash-dependencies").get_json()
    levels = client.get("/geo/levels.json").get_json() or {}
    first = levels.get("urls", {}).get(levels.get("first"))
    if first:
        client.get(first)  # the geometry the page fetches as it opens
    state = map_page.resolve(store, parse("/", ""))
    if state.indicator is None or state.period is None or state.level is None:
        return time.perf_counter() - start  # an empty file: nothing to draw
    area = area_choice.default_area(store, state.area)
    for basemap in (False, True):
        client.post(
            "/_dash-update-component",
            json=wire.map_request(
                dependencies,
                state.indicator,
                state.level,
                state.period,
                basemap=basemap,
                area=area,
                lang=state.lang,
            ),
        )
    return time.perf_counter() - start
