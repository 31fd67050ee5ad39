"""A served dashboard made ready before its first visitor.

The first map a dashboard process draws reads every indicator value into memory
(dashboard.queries.values) and builds the map of the opening view; on a national file
that took 1.4 s of the first visitor's wait, against 0.03 s for the next one.  The
first request for a level's geometry simplifies it (0.8 s for the national buurten).
The entry points that serve people (``unease serve`` and each gunicorn worker) ask for
the opening page, its geometry and its map once, as the public sees them, before they
take requests.  Tests and benches that build an app themselves do not pay for it.
"""

from __future__ import annotations

import sys
import time

from dash import Dash

from dashboard import area_choice, wire
from dashboard.pages import map as map_page
from dashboard.state import parse


def warm(app: Dash) -> float | None:
    """Ask ``app`` (as the public role, through its own endpoints, with its own store)
    for the opening page, the geometry it fetches and its map, without and with the
    background map; the seconds it took.  Should that fail, the server still starts
    (each request then says what is wrong): one line on standard error says why, and
    None is returned."""
    logger = app.server.logger
    quiet, logger.disabled = logger.disabled, True  # the one line below, no traceback
    try:
        return _warm(app)
    except Exception as exc:  # a broken file must not keep the server from starting
        print(f"unease: the opening map was not prepared ({exc})", file=sys.stderr)
        return None
    finally:
        logger.disabled = quiet


def _warm(app: Dash) -> float:
    start = time.perf_counter()
    store = app.server.extensions["unease_store"]
    client = app.server.test_client()
    dash = app.config.routes_pathname_prefix

    def asked(answer, what: str):
        if answer.status_code != 200:
            raise RuntimeError(f"{what} answered {answer.status_code}")
        return answer

    asked(client.get(dash), "the page")
    dependencies = asked(client.get(f"{dash}_dash-dependencies"), "the callbacks").get_json()
    levels = asked(client.get("/geo/levels.json"), "the levels").get_json() or {}
    first = levels.get("urls", {}).get(levels.get("first"))
    if first:  # the geometry the page fetches as it opens, as browsers ask for it
        asked(client.get(first, headers={"Accept-Encoding": "gzip"}), "the geometry")
    state = map_page.resolve(store, parse("/", ""))
    if state.indicator is None or state.period is None or state.level is None:
        return time.perf_counter() - start  # an empty file: nothing to draw
    area = area_choice.default_area(store, state.area)
    for basemap in (False, True):
        body = wire.map_request(
            dependencies,
            state.indicator,
            state.level,
            state.period,
            basemap=basemap,
            area=area,
            lang=state.lang,
        )
        asked(client.post(f"{dash}_dash-update-component", json=body), "the map")
    return time.perf_counter() - start
