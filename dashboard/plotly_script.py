"""plotly.js asked for as the page opens, not when the first graph appears.

Dash's graphs fetch plotly.js (4.8 MB) only once a graph is put on the page, that is
after the page's layout and its first callback have come back, and the browser then
spends 0.1 s (scripts compiled and kept by the browser) to 1 s (not yet kept) running
it before the map is drawn.  Named in the page as a deferred script, it is fetched with
the page's other files and run while the page waits for its first answers from the
server; the graphs find ``window.Plotly`` and load nothing more.

The address carries plotly's version and the file's time (Dash's own fingerprint), so
the browser keeps the file for a year without asking again, and a new plotly release
is a new address.  Served by Dash from the installed plotly package: no network.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from dash.fingerprint import build_fingerprint

#: The file inside the plotly package, as Dash registers it for its graphs.
PACKAGE_PATH = "package_data/plotly.min.js"


def plotly_script(prefix: str) -> dict:
    """The ``<script>`` of plotly.js for Dash's ``external_scripts``: deferred (run after
    the page is read, without holding it up), at Dash's fingerprinted address under the
    app's path ``prefix``."""
    file = Path(plotly.__file__).parent / PACKAGE_PATH
    name = build_fingerprint(PACKAGE_PATH, plotly.__version__, int(file.stat().st_mtime))
    return {"src": f"{prefix}_dash-component-suites/plotly/{name}", "defer": "defer"}
