"""The background map: on by default when the browser reaches the tile server (one test
tile decides), attribution on and under the map, and the map unharmed when offline."""

import math
import socket
import struct
import zlib

import pytest
from flask import Response

from dashboard import basemap, queries, wire
from dashboard.app import create_app
from dashboard.store import Store
from tests.browser import wait_until

SHAPES = "#map path.choroplethlocation"


def _map(client, basemap_on, layers=None):
    deps = client.get("/_dash-dependencies").get_json()
    body = wire.map_request(
        deps, "incident_rate.total", "buurt", "2024", layers=layers, basemap=basemap_on
    )
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    return answer.get_json()["response"]


def test_without_the_browser_s_test_tile_drawn_without_tiles(demo_db):
    response = _map(create_app(demo_db).server.test_client(), False)
    figure = response["map"]["figure"]
    assert figure["data"][0]["type"] == "choropleth"
    assert "map" not in figure["layout"]
    assert "Achtergrondkaart" not in response["map-attribution"]["children"]


def test_switched_on_the_areas_lie_on_pdok_tiles_with_attribution(demo_db):
    response = _map(create_app(demo_db).server.test_client(), True, ["initiatives"])
    figure = response["map"]["figure"]
    assert [t["type"] for t in figure["data"]][:2] == ["choroplethmap", "scattermap"]
    layer = figure["layout"]["map"]["layers"][0]
    assert layer["source"] == [basemap.PDOK_BRT_GREY]
    assert "Kadaster" in layer["sourceattribution"]
    assert response["map-attribution"]["children"].endswith(
        "Achtergrondkaart: BRT Achtergrondkaart © Kadaster (CC BY 4.0), via PDOK"
    )
    # the first view shows the whole municipality: its centre lies inside the bounds
    west, south, east, north = queries.level_bounds(Store(demo_db), "buurt")
    centre = figure["layout"]["map"]["center"]
    assert west < centre["lon"] < east and south < centre["lat"] < north


def test_the_server_refuses_tiles_when_the_option_is_off(demo_db, monkeypatch):
    monkeypatch.setenv("UNEASE_BASEMAP", "none")
    client = create_app(demo_db).server.test_client()
    assert "basemap-toggle" not in client.get("/_dash-layout").get_data(as_text=True)
    assert _map(client, True)["map"]["figure"]["data"][0]["type"] == "choropleth"


@pytest.mark.parametrize(
    "bounds",
    [(4.73, 52.28, 5.07, 52.43), (5.30, 52.10, 5.48, 52.16), (3.36, 50.75, 7.23, 53.55)],
)
def test_the_first_view_fits_the_bounds_and_is_not_much_wider(bounds):
    """Amsterdam, Demostad and the whole country: all of it in view, no more than twice."""
    centre, zoom = basemap.fit(bounds)
    west, south, east, north = bounds

    def pixels(z):
        scale = 256 * 2**z
        x = scale * (east - west) / 360

        def merc(lat):
            return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

        y = scale * (merc(north) - merc(south)) / (2 * math.pi)
        return x, y

    width, height = pixels(zoom)
    assert width <= basemap.FIT_WIDTH and height <= basemap.FIT_HEIGHT
    assert width > basemap.FIT_WIDTH / 2 or height > basemap.FIT_HEIGHT / 2
    assert west < centre["lon"] < east and south < centre["lat"] < north


def _grey_png(size: int = 256) -> bytes:
    """A plain light-grey PNG tile."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xdd\xdd\xdd" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
def test_browser_tiles_from_a_tile_server_with_attribution(dash_duo, demo_db, monkeypatch):
    port = _free_port()
    monkeypatch.setenv("UNEASE_BASEMAP", f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png")
    app = create_app(demo_db)
    asked = []

    @app.server.route("/tiles/<int:z>/<int:x>/<int:y>.png")
    def tile(z, x, y):
        asked.append((z, x, y))
        return Response(
            _grey_png(), mimetype="image/png", headers={"Access-Control-Allow-Origin": "*"}
        )

    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(app, port=port)
    # the background is on by default: the test tile arrives, so the map lies on tiles
    # without a click
    canvas = wait_until(lambda: dash_duo.find_elements("#map .maplibregl-canvas"), timeout=20)
    assert canvas
    credit = wait_until(
        lambda: " ".join(e.text for e in dash_duo.find_elements("#map .maplibregl-ctrl-attrib")),
        timeout=10,
    )
    assert "Kadaster" in credit
    under = dash_duo.find_element("#map-attribution").text
    assert "Achtergrondkaart: BRT Achtergrondkaart" in under
    assert wait_until(lambda: any(z >= 10 for z, _, _ in asked), timeout=10)  # map tiles
    dash_duo.find_element("#basemap-toggle input").click()  # off again: SVG shapes back
    buurten = len(queries.areas(Store(demo_db), "buurt"))
    assert wait_until(lambda: len(dash_duo.find_elements(SHAPES)) == buurten, timeout=20)


@pytest.mark.browser
@pytest.mark.parametrize("server", ["offline", "no cross-origin access"])
def test_browser_unreachable_tiles_the_switch_goes_back_with_a_message(
    dash_duo, demo_db, monkeypatch, server
):
    port = _free_port()
    app = create_app(demo_db)
    if server == "offline":  # nothing listens on the tile port
        tiles = f"http://127.0.0.1:{_free_port()}/{{z}}/{{x}}/{{y}}.png"
    else:  # tiles that a plain image would show, but the map may not read
        tiles = f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png"
        app.server.add_url_rule(
            "/tiles/<int:z>/<int:x>/<int:y>.png",
            "tiles",
            lambda z, x, y: Response(_grey_png(), mimetype="image/png"),
        )
    monkeypatch.setenv("UNEASE_BASEMAP", tiles)
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(app, port=port)
    dash_duo.wait_for_element(SHAPES, timeout=20)
    buurten = len(queries.areas(Store(demo_db), "buurt"))
    # on by default, but the test tile does not arrive: off, with a message
    dash_duo.wait_for_contains_text("#basemap-status", "niet bereikbaar", timeout=15)
    assert not dash_duo.find_element("#basemap-toggle input").is_selected()
    assert len(dash_duo.find_elements(SHAPES)) == buurten
    assert not dash_duo.find_elements("#map .maplibregl-canvas")
