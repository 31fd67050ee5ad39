"""The optional background map: raster tiles of PDOK's BRT Achtergrondkaart.

The map needs no network.  The background switch starts on: the *browser* asks the
tile service for one test tile over the Netherlands as the page opens, and draws the
map on tiles only when it arrives (otherwise the switch goes off with a message, and
the map stays without tiles).  The server never fetches tiles.

``UNEASE_BASEMAP`` sets the XYZ tile address (``{z}/{x}/{y}``, Web Mercator), e.g. a
municipality's own tile server; ``none`` removes the option.
``UNEASE_BASEMAP_ATTRIBUTION`` is the text shown on the map and under it.
"""

from __future__ import annotations

import math
import os

PDOK_BRT_GREY = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png"
)
PDOK_ATTRIBUTION = "BRT Achtergrondkaart © Kadaster (CC BY 4.0), via PDOK"
#: A tile over the middle of the Netherlands (zoom 7), asked for before switching on.
PROBE_TILE = {"z": 7, "x": 65, "y": 42}
#: Size of the map in pixels that the first view is fitted to (the panel is about this).
FIT_WIDTH, FIT_HEIGHT = 700, 560


def tiles() -> str | None:
    """The tile address template, or None when the option is switched off."""
    value = os.environ.get("UNEASE_BASEMAP", PDOK_BRT_GREY).strip()
    return None if value.lower() in ("", "none", "off") else value


def attribution() -> str:
    return os.environ.get("UNEASE_BASEMAP_ATTRIBUTION", PDOK_ATTRIBUTION)


def probe_url(template: str) -> str:
    """The address of the test tile."""
    return template.format(**PROBE_TILE)


def fit(bounds: tuple[float, float, float, float]) -> tuple[dict, float]:
    """Centre and zoom of a Web Mercator view showing ``bounds`` (lon/lat) whole."""
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(east - west, 1e-6)
    y_span = max(merc(north) - merc(south), 1e-9)
    zoom_x = math.log2(FIT_WIDTH * 360 / (256 * lon_span))
    zoom_y = math.log2(FIT_HEIGHT * 2 * math.pi / (256 * y_span))
    centre_y = (merc(north) + merc(south)) / 2
    centre = {
        "lon": (west + east) / 2,
        "lat": math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2),
    }
    return centre, round(min(zoom_x, zoom_y) - 0.15, 2)


def layout(template: str, bounds: tuple[float, float, float, float]) -> dict:
    """The ``layout.map`` of a figure with the tiles below the areas."""
    centre, zoom = fit(bounds)
    return {
        "style": "white-bg",
        "center": centre,
        "zoom": zoom,
        "layers": [
            {
                "sourcetype": "raster",
                "source": [template],
                "below": "traces",
                "sourceattribution": attribution(),
            }
        ],
    }
