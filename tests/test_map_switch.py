"""An indicator switch that keeps the map's shapes sends the view as numbers, and the
browser writes the hover texts (dashboard/assets/map_switch.js): they are the texts the
server writes for the whole map, in Dutch and English, for direct and model figures,
withheld and missing areas included; and numbers are written as dashboard.fmt writes
them, exact ties and thousands included.  The script runs in Node here (as in the
browser, without the page)."""

import base64
import json
import math

import numpy as np
import pytest

from dashboard import map_figure, queries, wire
from dashboard.app import create_app
from dashboard.fmt import numbers
from dashboard.map_view import map_switch, map_view
from dashboard.store import Store
from tests.map_switch_node import in_node as _in_node

VIEWS = [
    ("survey_share.unsafe_own_buurt", "buurt", "2024", "nl", "direct"),
    ("survey_share.unsafe_own_buurt", "buurt", "2024", "en", "model"),
    ("incident_rate.total", "buurt", "2023", "nl", "direct"),
    ("incident_rate.total", "wijk", "2024", "en", "direct"),
    ("incident_rate.zakkenrollerij", "buurt", "2024", "nl", "direct"),  # counts of 1-4
    ("incident_rate.zeden", "buurt", "2024", "en", "direct"),  # sensitive below wijk
]


@pytest.mark.parametrize("role", ["public", "professional"])
def test_the_browser_writes_the_hover_texts_the_server_writes(demo_db, role):
    store = Store(demo_db)
    asked, expected = [], []
    for indicator, level, period, lang, method in VIEWS:
        view = (store, store.version, indicator, level, period, role, lang, method)
        whole, switch = map_view(*view), map_switch(*view)
        names = [row[0] for row in whole.custom]
        asked.append({"view": switch.data, "names": names, "lang": lang})
        expected.append((whole.classes, whole.custom))
    written = _in_node(asked)
    for (classes, custom), got, view in zip(expected, written, VIEWS):
        assert got["z"] == classes, view
        assert got["rows"] == custom, view
    # the views hold what a switch has to show: withheld counts, missing values
    texts = {cell for _, custom in expected for row in custom for cell in row[1:4]}
    assert "–" in texts
    if role == "public":
        assert "<5" in texts


def test_numbers_are_written_as_the_server_writes_them():
    values = [
        0.25,  # exact ties: to the even digit, as Python does
        0.35,
        0.75,
        2.25,
        -0.25,
        0.15,  # no tie (binary 0.1499...)
        1234.55,
        1234567.85,
        -9876.54,
        -0.04,  # '-0.0' as Python writes it
        -0.0,
        0.0,
        999.95,
        99999.96,
        12.0,
        math.nan,
        1e-9,
    ]
    for lang in ("nl", "en"):
        got = _in_node([{"numbers": [None if math.isnan(v) else v for v in values], "lang": lang}])
        assert got[0] == numbers(values, lang), lang


def test_a_switch_that_keeps_the_shapes_sends_numbers_and_no_names(demo_db):
    """The answer to a switch holds no hover text and no name: numbers, the gate's count
    texts and the few texts of flags and colours."""
    client = create_app(demo_db).server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    first = wire.map_request(deps, "incident_rate.total", "buurt", "2024", lang="nl")
    drawn = client.post("/_dash-update-component", json=first).get_json()["response"]
    key = drawn["map-drawn"]["data"]
    body = wire.map_request(deps, "survey_share.unsafe_own_buurt", "buurt", "2024", drawn=key)
    answer = client.post("/_dash-update-component", json=body).get_json()["response"]
    assert "map" not in answer  # the figure stays in the browser
    data = answer["map-switch"]["data"]
    names = set(queries.areas(Store(demo_db), "buurt")["name"])
    assert not names & set(json.dumps(data).split('"'))
    assert len(data["n"]) == len(names) == len(drawn["map"]["figure"]["data"][0]["locations"])
    assert data["title"].endswith("2024") and data["source"].startswith("Grenzen:")
    z = np.frombuffer(base64.b64decode(data["z"]["bdata"]), dtype="u1")
    assert set(z.tolist()) <= set(range(len(map_figure.legend_entries("nl"))))
