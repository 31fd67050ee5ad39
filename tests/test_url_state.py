"""The one callback that holds the address and the page (dashboard.app), through Dash's
callback endpoint on Kleindorp: what it draws, what it writes, when it does nothing."""

import json

import pytest

from dashboard import wire
from dashboard.app import create_app


@pytest.fixture(scope="module")
def served(tiny_db):
    client = create_app(tiny_db).server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    return client, wire.callback_for(deps, "page.children")


def _ask(served, values, changed, controls=()):
    client, dep = served
    body = wire.request(dep, values, changed)
    # the page's controls as the browser lists them for the pattern (name, page)
    body["inputs"][2] = [
        {"id": wire.control(n, "map"), "property": "value", "value": v} for n, v in controls
    ]
    body["state"][0] = [
        {"id": wire.control(n, "map"), "property": "id", "value": wire.control(n, "map")}
        for n, _ in controls
    ]
    answer = client.post("/_dash-update-component", json=body)
    return answer.status_code, (answer.get_json() or {}).get("response", {})


def test_an_address_draws_its_page_in_its_language_with_the_municipality(served):
    status, answer = _ask(
        served, {"url.pathname": "/", "url.search": "?lang=en", "lang.value": "nl"}, "url.search"
    )
    assert status == 200
    assert answer["lang"]["value"] == "en" and answer["page-lang"]["data"] == "en"
    assert answer["nav-map"]["children"] == "Map"
    view = answer["view"]["data"]
    assert view["page"] == "map" and "area=GM9998" in view["query"] and "lang=en" in view["query"]
    assert "url" not in answer  # the address is not rewritten when a page is drawn
    assert "Kleindorp" in json.dumps(answer["page"]["children"])


def test_a_control_writes_the_address_without_drawing_the_page_again(served):
    shown = {"page": "map", "lang": "nl", "query": "?area=GM9998&level=buurt&lang=nl"}
    values = {"url.pathname": "/", "url.search": "", "lang.value": "nl", "view.data": shown}
    controls = [("area", "GM9998"), ("level", "wijk")]
    status, answer = _ask(served, values, wire.key(wire.control("level"), "value"), controls)
    assert status == 200
    assert answer["url"]["search"] == "?area=GM9998&level=wijk&lang=nl"
    assert answer["view"]["data"]["query"] == "?area=GM9998&level=wijk&lang=nl"
    assert "page" not in answer
    # the same controls again (a page drawn anew, or nothing changed): no new history entry
    values["view.data"] = answer["view"]["data"]
    status, _ = _ask(served, values, wire.key(wire.control("level"), "value"), controls)
    assert status == 204


def test_back_to_an_address_the_controls_do_not_show_draws_it(served):
    shown = {"page": "map", "lang": "nl", "query": "?area=GM9998&level=wijk&lang=nl"}
    values = {"url.pathname": "/", "url.search": "?level=buurt&lang=nl", "lang.value": "nl"}
    status, answer = _ask(served, {**values, "view.data": shown}, "url.search")
    assert status == 200 and "level=buurt" in answer["view"]["data"]["query"]
    # the address the controls just wrote: nothing to draw
    shown = {"page": "map", "lang": "nl", "query": "?level=buurt&lang=nl"}
    status, _ = _ask(served, {**values, "view.data": shown}, "url.search")
    assert status == 204


def test_a_new_language_writes_the_address_and_draws_the_page_in_it(served):
    shown = {"page": "map", "lang": "nl", "query": "?area=GM9998&lang=nl"}
    values = {"url.pathname": "/", "url.search": "", "lang.value": "en", "view.data": shown}
    status, answer = _ask(served, values, "lang.value", [("area", "GM9998")])
    assert status == 200
    assert answer["url"]["search"] == "?area=GM9998&lang=en"
    assert answer["page-lang"]["data"] == "en" and answer["nav-map"]["children"] == "Map"
