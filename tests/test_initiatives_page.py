"""The initiatives page as a person reads it: it starts with a map of the initiatives by
form over an indicator with the stable hotspots outlined, then coverage by form, then each
initiative's before/after estimate in a chart with intervals and in a sentence, with its
comparison buurten on demand; tables say names and dates, never ids, 'nan' or times."""

import json
import re

import pytest

from dashboard import wire
from dashboard.app import create_app
from dashboard.initiative_tables import written_date

PAGE = "/initiatieven"


@pytest.fixture(scope="module")
def client(demo_db):
    return create_app(demo_db).server.test_client()


def _post(client, output, values, changed):
    deps = client.get("/_dash-dependencies").get_json()
    body = wire.request(wire.callback_for(deps, output), values, changed)
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    return answer.get_json()["response"]


def _page(client, lang):
    values = {"url.pathname": PAGE, "url.search": f"?lang={lang}", "lang.value": lang}
    return _post(client, "page.children", values, "url.pathname")["page"]["children"]


def _body(client, lang, indicator="incident_rate.total", level="buurt"):
    """The map, then coverage, as the page shows them one under the other."""
    values = {
        wire.key(wire.control("indicator", "initiatives"), "value"): indicator,
        wire.key(wire.control("level", "initiatives"), "value"): level,
        wire.key(wire.control("period", "initiatives"), "value"): "2024",
        "initiatives-hotspots.value": ["on"],
        "page-lang.data": lang,
        "url.pathname": PAGE,
    }
    changed = "initiatives-hotspots.value"
    shown = _post(client, "initiatives-map-body.children", values, changed)
    changed = wire.key(wire.control("level", "initiatives"), "value")
    shown.update(_post(client, "initiatives-body.children", values, changed))
    return [shown["initiatives-map-body"], shown["initiatives-body"]]


def _effects(client, lang, outcome):
    values = {"effects-outcome.value": outcome, "page-lang.data": lang}
    response = _post(client, "initiatives-effects.children", values, "effects-outcome.value")
    return response["initiatives-effects"]["children"]


def _components(node, found):
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            found.append(node)
        for value in node.values():
            _components(value, found)
    elif isinstance(node, list):
        for value in node:
            _components(value, found)
    return found


def _texts(node) -> str:
    return json.dumps(node, ensure_ascii=False)


def test_the_page_starts_with_a_map_of_initiatives_with_hotspots_outlined(client, demo_con):
    page = _page(client, "nl")
    ids = [c["props"].get("id") for c in _components(page, [])]
    assert ids.index("initiatives-map-body") < ids.index("initiatives-body")
    assert ids.index("initiatives-body") < ids.index("initiatives-effects")
    body = _body(client, "nl")
    first_graph = next(c for c in _components(body, []) if c["type"] == "Graph")
    assert first_graph["props"]["id"] == "initiatives-map"
    figure = first_graph["props"]["figure"]
    forms = {
        t["name"] for t in figure["data"] if t.get("hovertemplate", "").startswith("%{text}<extra>")
    }
    assert {"burgertoezicht", "bemiddeling"} <= forms
    stable = demo_con.execute(
        "select count(*) from hotspots where stable and level = 'buurt' and period = 'all' "
        "and indicator = 'incident_rate_eb.total'"
    ).fetchone()[0]
    outline = [t for t in figure["data"] if t.get("meta") == "hotspots"]
    assert outline and sum(x is None for x in outline[0]["lon"]) >= stable
    # then coverage by form: one bar per form, the counts of active initiatives
    bars = next(c for c in _components(body, []) if c["props"].get("id") == "initiatives-coverage")
    active = demo_con.execute(
        "select count(*) from initiatives where end_date is null or end_date >= current_date"
    ).fetchone()[0]
    assert sum(bars["props"]["figure"]["data"][0]["x"]) == active


def test_each_initiative_has_an_estimate_with_its_interval_in_a_chart_and_a_sentence(
    client, demo_con
):
    rows = demo_con.execute(
        """
        select i.name, e.estimate, e.ci_low, e.ci_high, e.n_controls from initiative_effects e
        join initiatives i using (initiative_id)
        where e.outcome = 'incident_rate.woninginbraak' order by i.name
        """
    ).fetchall()
    for lang in ("nl", "en"):
        effects = _effects(client, lang, "incident_rate.woninginbraak")
        chart = next(c for c in _components(effects, []) if c["props"].get("id") == "effects-chart")
        trace = chart["props"]["figure"]["data"][0]
        estimated = [r for r in rows if r[1] is not None and r[1] == r[1]]
        assert sorted(trace["y"]) == sorted(r[0] for r in estimated)
        at = {name: i for i, name in enumerate(trace["y"])}
        for name, estimate, low, high, _ in estimated:
            i = at[name]
            assert trace["x"][i] == pytest.approx(estimate)
            assert trace["x"][i] + trace["error_x"]["array"][i] == pytest.approx(high)
            assert trace["x"][i] - trace["error_x"]["arrayminus"][i] == pytest.approx(low)
        sentences = next(
            c for c in _components(effects, []) if c["props"].get("id") == "effects-sentences"
        )
        lines = [li["props"]["children"] for li in sentences["props"]["children"]]
        assert len(lines) == len(rows)
        name, estimate, low, high, k = estimated[0]
        mine = next(line for line in lines if line.startswith(name))
        word = {"nl": ("meer", "minder"), "en": ("more", "less")}[lang][estimate < 1]
        assert f"{round(abs(estimate - 1) * 100)}% {word}" in mine
        assert str(k) in mine
        # how the intervals are computed, and the placebo beside the estimate
        inference = next(
            c for c in _components(effects, []) if c["props"].get("id") == "effects-inference"
        )
        assert ("quasi-Poisson" in inference["props"]["children"]) and (
            "placebo" in inference["props"]["children"]
        )
        assert any(
            trace.get("name", "").startswith("placebo")
            for trace in chart["props"]["figure"]["data"]
        )
        # the comparison buurten of each initiative are listed on demand
        details = [c for c in _components(effects, []) if c["type"] == "Details"]
        assert len(details) == sum(1 for r in rows if r[4])


def test_no_internal_ids_nan_or_times_on_the_page_in_either_language(client):
    for lang in ("nl", "en"):
        text = _texts(_page(client, lang)) + _texts(_body(client, lang))
        text += _texts(_effects(client, lang, "incident_rate.total"))
        text += _texts(_effects(client, lang, "unsafe_own_buurt"))
        for internal in ("initiative_id", "change_ring", "area_code", "share_benefits"):
            assert internal not in text, internal
        assert not re.search(r"\bnan\b|\bNaN\b|00:00:00|None", text.replace('"None"', ""))
        # counts are whole numbers
        register = _page(client, lang)
        tables = [c for c in _components(register, []) if c["type"] == "DataTable"]
        for table in tables:
            for row in table["props"]["data"]:
                for key in ("inhabitants", "total", "initiatives", "respondents", "ring_size"):
                    assert not str(row.get(key, "")).endswith(".0"), (key, row)


def test_dates_are_written_as_a_person_writes_them():
    assert written_date("2021-03-01", "nl") == "1 mrt 2021"
    assert written_date("2021-03-01 00:00:00", "en") == "1 Mar 2021"
    assert written_date(None, "nl") == "–"


def test_the_data_page_names_source_files_without_server_paths(client, demo_db):
    values = {"url.pathname": "/data", "url.search": "?lang=nl", "lang.value": "nl"}
    page = _post(client, "page.children", values, "url.pathname")["page"]["children"]
    sources = next(c for c in _components(page, []) if c["props"].get("id") == "sources-table")
    files = [row["file"] for row in sources["props"]["data"]]
    assert files and all("/" not in f for f in files)
    assert str(demo_db.parent) not in _texts(page)
