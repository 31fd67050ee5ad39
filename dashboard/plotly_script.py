"""plotly.js asked for as the page opens, not when the first graph appears.

Dash's graphs fetch plotly.js only once a graph is put on the page, that is after the
page's layout and its first callback have come back, and the browser then spends 0.1 s
(scripts compiled and kept by the browser) to 1 s (not yet kept) running it before the
map is drawn.  Named in the page as a deferred script, it is fetched with the page's
other files and run while the page waits for its first answers from the server; the
graphs find ``window.Plotly`` and load nothing more.

Which plotly.js: the dashboard's own build (``dashboard/plotly_bundle``: the official
source with only the trace types the dashboard draws, 3.2 MB instead of 4.8 MB) when
it is the version plotly.py writes figures for; otherwise plotly.py's full bundle, so
an upgrade of plotly.py never meets an older plotly.js.  Either address carries the
version and the file's content or time, so the browser keeps it for a year without
asking again, and a new file is a new address.  Served from the installed package: no
network.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import plotly
from dash import Dash
from dash.fingerprint import build_fingerprint
from flask import Response, abort
from plotly.offline import get_plotlyjs_version

from dashboard.routes import compressed_response

#: The file inside the plotly package, as Dash registers it for its graphs.
PACKAGE_PATH = "package_data/plotly.min.js"
#: The dashboard's own build, and the trace types it holds (dashboard/plotly_bundle).
BUNDLE = Path(__file__).parent / "plotly_bundle" / "plotly-unease.min.js"
TRACES = Path(__file__).parent / "plotly_bundle" / "traces.json"
#: Where the own build is served (under the app's path); the name carries a digest of
#: its content.
ROUTE = "plotly/<name>"


def bundle_version() -> str | None:
    """The plotly.js version the own build names in its first line (None: no build)."""
    if not BUNDLE.is_file():
        return None
    with BUNDLE.open(encoding="utf-8") as file:
        found = re.match(r"/\*! plotly\.js v(\S+) ", file.readline())
    return found.group(1) if found else None


@lru_cache(maxsize=1)
def _bundle() -> tuple[str, bytes, bytes] | None:
    """The own build's served name (with a digest of its content), its bytes and its
    bytes gzipped, read once per process; None when it does not match plotly.py (the
    full bundle is used then)."""
    if bundle_version() != get_plotlyjs_version():
        return None
    body = BUNDLE.read_bytes()
    name = f"plotly-unease.{hashlib.sha256(body).hexdigest()[:16]}.min.js"
    return name, body, gzip.compress(body, compresslevel=9, mtime=0)


def plotly_script(prefix: str) -> dict:
    """The ``<script>`` of plotly.js for Dash's ``external_scripts``: deferred (run after
    the page is read, without holding it up), under the app's path ``prefix``, with
    plotly.py's full bundle as its fallback (assets/plotly_first.js)."""
    file = Path(plotly.__file__).parent / PACKAGE_PATH
    full = build_fingerprint(PACKAGE_PATH, plotly.__version__, int(file.stat().st_mtime))
    full_src = f"{prefix}_dash-component-suites/plotly/{full}"
    bundle = _bundle()
    src = f"{prefix}plotly/{bundle[0]}" if bundle else full_src
    return {"src": src, "defer": "defer", "id": "plotly-js", "data-fallback": full_src}


def register_plotly_script(app: Dash) -> None:
    """Name plotly.js in the app's page, and serve the own build when it is used."""
    app.config.external_scripts.append(plotly_script(app.config.requests_pathname_prefix))

    @app.server.route(app.config.routes_pathname_prefix + ROUTE)
    def plotly_bundle(name: str) -> Response:
        bundle = _bundle()
        if bundle is None or name != bundle[0]:
            abort(404)
        _, body, zipped = bundle
        return compressed_response(
            lambda: body, lambda: zipped, "text/javascript", "public, max-age=31536000, immutable"
        )
