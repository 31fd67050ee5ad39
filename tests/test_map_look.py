"""The map as a person reads it: a legend entry per class and per kind of missing, the
borders and names of the wijken over the buurten, the selected area outlined, a zoom
to a larger area, stable hotspots outlined, and a title and source in the image."""

import pytest

from dashboard import queries, wire
from dashboard.app import create_app
from dashboard.pages import map as map_page
from dashboard.state import ViewState
from dashboard.store import Store


@pytest.fixture(scope="module")
def client(demo_db):
    return create_app(demo_db).server.test_client()


def _draw(client, indicator, level="buurt", period="2024", area=None, zoom=None, layers=()):
    deps = client.get("/_dash-dependencies").get_json()
    changed = wire.key(wire.control("indicator"), "value")
    values = {
        changed: indicator,
        wire.key(wire.control("level"), "value"): level,
        wire.key(wire.control("period"), "value"): period,
        wire.key(wire.control("method"), "value"): "direct",
        wire.key(wire.control("area"), "value"): area,
        "map-zoom.value": zoom or "",
        "layers.value": list(layers),
        "basemap.data": {"on": False},
        "map-drawn.data": None,
        "page-lang.data": "nl",
    }
    body = wire.request(wire.callback_for(deps, "map.figure"), values, changed)
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    return answer.get_json()["response"]


def _names(figure):
    return [trace.get("name") for trace in figure["data"]]


def test_every_class_and_every_kind_of_missing_has_its_own_legend_entry(client):
    figure = _draw(client, "survey_share.unsafe_own_buurt")["map"]["figure"]
    names = _names(figure)
    for text in (
        "veel beter dan de gemeente",
        "niet significant verschillend van de gemeente",
        "veel slechter dan de gemeente",
        "geen gegevens",
        "niet getoond (onthulling of te weinig respondenten)",
        "water",
        "niet van toepassing (te weinig inwoners)",
    ):
        assert text in names
    swatches = {t["name"]: t["marker"]["color"] for t in figure["data"][1:10]}
    assert len(set(swatches.values())) == 9  # nine entries, nine colours
    assert "gelijk aan de gemeente" not in str(figure)


def test_water_and_withheld_areas_get_their_own_colour_index(client, demo_con):
    response = _draw(client, "incident_rate.total")
    figure = response["map"]["figure"]
    water = {
        c
        for (c,) in demo_con.execute(
            "select code from areas where level = 'buurt' and is_water"
        ).fetchall()
    }
    assert water
    areas = figure["data"][0]
    water_index = {z for c, z in zip(areas["locations"], areas["z"]) if c in water}
    assert water_index == {7}  # after the five classes: no data 5, withheld 6, water 7
    marks = [t for t in figure["data"] if t.get("mode") == "text" and t["name"] == "water"]
    assert len(marks[0]["lon"]) == len(water) and set(marks[0]["text"]) == {"≈"}
    note = str(response["map-missing"])
    assert f"water: {len(water)}" in note


def test_wijk_borders_and_names_lie_over_the_buurten(client, demo_con):
    figure = _draw(client, "incident_rate.total")["map"]["figure"]
    wijken = [
        r[0] for r in demo_con.execute("select name from areas where level = 'wijk'").fetchall()
    ]
    borders = [t for t in figure["data"] if t["name"] == "grenzen wijk"]
    assert borders and borders[0]["mode"] == "lines" and len(borders[0]["lon"]) > 8 * len(wijken)
    labels = [t for t in figure["data"] if t["name"] == "namen wijk"][0]
    assert sorted(labels["text"]) == sorted(wijken)


def test_the_selected_area_is_outlined_and_the_map_zooms_to_its_wijk(client, demo_db):
    store = Store(demo_db)
    buurt = queries.areas(store, "buurt")["code"].iloc[3]
    wijk = queries.area_info(store, buurt)["parent_code"]
    figure = _draw(client, "incident_rate.total", area=buurt, zoom=wijk)["map"]["figure"]
    selected = [t for t in figure["data"] if t.get("meta") == "selected"]
    assert selected and selected[0]["name"] == f"gekozen: {queries.area_name(store, buurt)}"
    west, south, east, north = queries.area_bounds(store, buurt)
    lons = [x for x in selected[0]["lon"] if x is not None]
    assert west - 1e-3 <= min(lons) and max(lons) <= east + 1e-3
    geo = figure["layout"]["geo"]
    w, s, e, n = queries.area_bounds(store, wijk)
    assert geo["lonaxis"]["range"][0] < w < e < geo["lonaxis"]["range"][1]
    assert geo["lataxis"]["range"][0] < s < n < geo["lataxis"]["range"][1]
    # the wijk is smaller than the municipality: the view is zoomed in
    mw, ms, me, mn = queries.level_bounds(store, "buurt")
    assert geo["lonaxis"]["range"][1] - geo["lonaxis"]["range"][0] < me - mw


def test_stable_hotspots_are_outlined_with_the_level_at_which_they_hold(client, demo_con):
    category, n = demo_con.execute(
        """
        select split_part(indicator, '.', 2), count(*) from hotspots
        where stable and level = 'buurt' and period = 'all'
        group by all order by count(*) desc, 1 limit 1
        """
    ).fetchone()
    figure = _draw(client, f"incident_rate.{category}", layers=["hotspots"])["map"]["figure"]
    outline = [t for t in figure["data"] if t.get("meta") == "hotspots"]
    assert outline and outline[0]["mode"] == "lines"
    assert sum(x is None for x in outline[0]["lon"]) >= n  # at least one ring per hotspot
    marks = [
        t for t in figure["data"] if t.get("legendgroup") == "hotspots" and t["mode"] == "markers"
    ]
    assert len(marks[0]["text"]) == n
    assert all("buurt- én wijkniveau" in text for text in marks[0]["text"])


def test_the_image_carries_title_indicator_period_and_source(client, demo_db):
    figure = _draw(client, "incident_rate.total", period="2023")["map"]["figure"]
    title = figure["layout"]["title"]["text"]
    assert "2023" in title and "Buurt" in title and "incidenten" in title.lower()
    source = figure["layout"]["title"]["subtitle"]["text"]
    assert source.startswith("Grenzen:") and "Gegevens:" in source
    page = map_page.layout(Store(demo_db), ViewState(indicator="incident_rate.total"))
    config = _graph(page, "map").config
    assert config["scrollZoom"] is True
    assert config["toImageButtonOptions"]["format"] == "png"
    assert config["toImageButtonOptions"]["filename"].startswith("incident_rate.total_buurt_")


def _graph(component, graph_id):
    if getattr(component, "id", None) == graph_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _graph(child, graph_id)
            if found is not None:
                return found
    return None
