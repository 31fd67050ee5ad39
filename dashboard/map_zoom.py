"""The map's zoom control: zoom to the whole municipality, a stadsdeel or a wijk.

A plain control (the view's zoom is not part of the URL); dashboard.pages.map reads
its value (``map-zoom``) when it is used.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard import queries
from dashboard.i18n import t
from dashboard.store import Store

#: Levels the map can zoom to (besides the whole municipality).
ZOOM_LEVELS = ("stadsdeel", "wijk")
#: The zoom list holds every stadsdeel and wijk when there are at most this many (a
#: city); beyond, only the whole map, and the area chooser (a search) zooms to an area:
#: a national file has 2,529 wijken, a list the browser indexed for half a second on
#: every page load.
ZOOM_LISTED = 400


def zoom_areas(store: Store) -> list[tuple[str, str, str]]:
    """Code, name and level of every area the map can zoom to, stadsdelen first."""
    present = queries.levels(store)
    frames = [(level, queries.areas(store, level)) for level in ZOOM_LEVELS if level in present]
    return [(c, n, level) for level, f in frames for c, n in zip(f["code"], f["name"])]


def zoom_options(store: Store, lang: str) -> list[dict]:
    """Areas the map can zoom to: the whole municipality, then every stadsdeel and wijk
    (none beyond :data:`ZOOM_LISTED` of them)."""
    options = [{"label": t("map_zoom_all", lang), "value": ""}]
    every = zoom_areas(store)
    if len(every) > ZOOM_LISTED:
        return options
    return options + [
        {"label": f"{name} ({t(level, lang).lower()})", "value": code}
        for code, name, level in every
    ]


def zoom_control(store: Store, lang: str) -> html.Div:
    """Zoom to a larger area (a plain control: the view's zoom is not part of the URL)."""
    return html.Div(
        [
            html.Label(t("map_zoom", lang), htmlFor="map-zoom", id="map-zoom-label"),
            dcc.Dropdown(
                id="map-zoom",
                options=zoom_options(store, lang),
                value="",
                clearable=False,
                searchable=True,
            ),
        ],
        className="control",
    )
