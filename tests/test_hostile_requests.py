"""Malformed requests to the running dashboard: no update or a message, never HTTP 500.

Every input and state of every server callback in ``/_dash-dependencies`` gets long
strings, numbers, lists, dicts and None (the other values those of a real view), and
then hypothesis draws whole requests of such values.  The routes get the same
treatment in their path and query.  The server may answer with a page, no update
(204) or "not found" (404); a 500 fails the test.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import wire
from dashboard.app import create_app

HOSTILE = [
    None,
    "",
    "x" * 100_000,
    "BU99990101" * 500,
    "../../etc/passwd",
    "'; drop table areas; --",
    0,
    -1,
    1e308,
    float("nan"),
    True,
    [],
    [None, 3, "buurt"],
    ["x" * 5_000] * 50,
    {},
    {"points": [{"location": {"a": 1}}]},
    {"layout": {"meta": [1, 2]}},
    [[[[["deep"]]]]],
]
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=300),
        st.just("x" * 50_000),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=6), st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def served(demo_db):
    app = create_app(demo_db)
    client = app.server.test_client()
    deps = [
        d for d in client.get("/_dash-dependencies").get_json() if not d.get("clientside_function")
    ]
    return client, deps


def _valid() -> dict:
    """The values of a real view of the demo (the map, trends and profile pages)."""
    values = {"page-lang.data": "nl", "lang.value": "nl", "url.pathname": "/gebied"}
    for page in ("map", "trends", "profile", "initiatives"):
        values[wire.key(wire.control("indicator", page), "value")] = "incident_rate.total"
        values[wire.key(wire.control("level", page), "value")] = "buurt"
        values[wire.key(wire.control("period", page), "value")] = "2024"
        values[wire.key(wire.control("area", page), "value")] = "BU99990101"
        values[wire.key(wire.control("areas", page), "value")] = ["BU99990101"]
    return values


def _keys(dep: dict) -> list[str]:
    return [
        wire.key(wire._parse(e["id"]), e["property"]) for e in dep["inputs"] + dep.get("state", [])
    ]


def _post(client, dep: dict, values: dict) -> int:
    first = _keys(dep)[0]
    body = json.loads(json.dumps(wire.request(dep, values, first), allow_nan=True))
    try:
        return client.post("/_dash-update-component", json=body).status_code
    except Exception as error:  # an exception that escaped Flask is a 500 too
        return 500 if error else 500


def test_every_input_of_every_callback_shrugs_off_hostile_values(served):
    client, deps = served
    failures, sent = [], 0
    for dep in deps:
        for name in _keys(dep):
            for value in HOSTILE:
                status = _post(client, dep, {**_valid(), name: value})
                sent += 1
                if status >= 500:
                    failures.append((dep["output"], name, repr(value)[:60], status))
    assert failures == []
    assert sent >= len(deps) * len(HOSTILE)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_callback_requests_never_answer_500(served, data):
    client, deps = served
    dep = data.draw(st.sampled_from(deps))
    values = {name: data.draw(JSON_VALUES) for name in _keys(dep)}
    assert _post(client, dep, values) < 500


PATH_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200),
    st.sampled_from(["buurt", "wijk", "incident_rate.total", "2024", "BU99990101", "x" * 5000]),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    kind=st.sampled_from(["download", "briefing", "geo"]),
    a=PATH_TEXT,
    b=PATH_TEXT,
    c=PATH_TEXT,
    d=PATH_TEXT,
)
def test_routes_answer_not_found_for_unknown_values_never_500(served, kind, a, b, c, d):
    client, _ = served
    query = {"indicator": a, "level": b, "period": c, "lang": d}
    if kind == "download":
        response = client.get(
            f"/download/view.{'csv' if len(a) % 2 else 'parquet'}", query_string=query
        )
    elif kind == "briefing":
        response = client.get(f"/briefing/{b or 'x'}.html", query_string={"period": c, "lang": d})
    else:
        response = client.get(f"/geo/{b or 'x'}.geojson")
    assert response.status_code < 500


def _rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def test_a_thousand_unknown_levels_and_periods_do_not_grow_the_process(served):
    """Requests with values nobody has seen are refused before any cache: the process
    grows by less than 20 MB over 1,000 of them (after a warm-up)."""
    client, deps = served
    map_dep = wire.callback_for(deps, "map.figure")
    table_dep = wire.callback_for(deps, "map-table.children")

    def ask(i: int) -> int:
        values = {
            **_valid(),
            wire.key(wire.control("level"), "value"): f"buurt-{i}" if i % 2 else "buurt",
            wire.key(wire.control("period"), "value"): f"20{i:06d}",
        }
        if i % 3 == 0:
            query = {"indicator": "incident_rate.total", "level": f"l{i}", "period": f"p{i}"}
            return client.get("/download/view.csv", query_string=query).status_code
        return _post(client, map_dep if i % 3 == 1 else table_dep, values)

    for i in range(50):
        ask(-i - 1)
    before = _rss_bytes()
    statuses = [ask(i) for i in range(1000)]
    grown = _rss_bytes() - before
    print(f"\nRSS growth over 1,000 unknown-value requests: {grown / 1e6:.1f} MB")
    assert set(statuses) <= {204, 404}
    assert grown < 20e6
