"""The map page on ~10,000 buurten: switch server time, first render, browser heap, payloads.

    .venv/bin/python bench/national_map.py [--real DIR] [--work DIR] [--calls 50]
                                           [--code DIR]   # measure another checkout

The database holds the real national buurt layer (CBS buurten 2014, coarse; see
``tests/national.py``: 9,949 buurten, 2,529 wijken, 402 gemeenten) and the indicators of
the Demostad build spread over it: national buurt number *i* carries the values of
Demostad buurt *i* mod 97 (likewise for wijken; every gemeente the Demostad value), so
every view has as many areas, flags and missing values as a national build would, with
the project's own tables, gate and callbacks.  ``--code`` runs the same measurements on
another checkout (e.g. ``git archive`` of an earlier commit) for a before/after.

In one run:

* server time of an indicator switch (POST to Dash's callback endpoint as the browser
  sends it: the state it holds for the map, then the answer), p50/p95 over --calls new
  views and over views asked for before, and the size of a switch's answer (median);
* bytes of the first answers: the page (controls, area chooser), the map, the table;
* first render in headless Chromium: from the start of the navigation to the frame in
  which every shape is drawn, on a first visit, a second visit and --returning further
  visits (median and largest; see bench/browser.py), and the JS heap used then
  (Chrome's Performance.getMetrics).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def build_database(real: Path, work: Path) -> Path:
    """The national areas with the Demostad indicators spread over them (kept in ``work``)."""
    from etl.db import connect
    from etl.demo import generate_demo
    from etl.load import build
    from tests.national import NATIONAL_FILE, build_areas_db, read_buurten

    target = work / "national_map.duckdb"
    if target.is_file():
        return target
    demo = work / "demo.duckdb"
    if not demo.is_file():
        build(generate_demo(work / "demo"), demo)
    buurten, _ = read_buurten(real / NATIONAL_FILE)
    partial = work / "national_map.partial.duckdb"
    partial.unlink(missing_ok=True)
    build_areas_db(buurten, partial)
    con = connect(partial)
    try:
        con.execute(f"attach '{demo}' as demo (read_only)")
        kept = {"areas", "area_ancestors", "indicator_values"}
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'demo' and table_schema = 'main' "
            "and table_type = 'BASE TABLE'"  # views (incident_areas) are the schema's own
        ).fetchall()
        for (name,) in tables:
            if name not in kept:
                con.execute(f'create or replace table "{name}" as select * from demo."{name}"')
        con.execute(
            """
            create or replace table indicator_values as
            with national as (
                select code, level, row_number() over (partition by level order by code) - 1 as i
                from areas
            ), demo_areas as (
                select code, level, row_number() over (partition by level order by code) - 1 as i,
                    count(*) over (partition by level) as k
                from demo.areas
            )
            select v.* replace (n.code as area_code)
            from national n
            join demo_areas d on d.level = n.level and d.i = n.i % d.k
            join demo.indicator_values v on v.area_code = d.code
            """
        )
        con.execute("checkpoint")
    finally:
        con.close()
    partial.rename(target)
    return target


def switch_times(db: Path, calls: int) -> dict:
    """Server time of indicator switches, through the app's own callback endpoint."""
    from dashboard import queries, wire
    from dashboard.app import create_app
    from dashboard.store import Store

    app = create_app(db)
    client = app.server.test_client()
    page = client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    store = Store(db)
    views = [(i, p) for i in queries.indicator_ids(store) for p in queries.periods(store, i)]
    map_dep = wire.callback_for(deps, "map.figure")
    level_key = wire.key(wire.control("level"), "value")
    base = {
        wire.key(wire.control("level"), "value"): "buurt",
        wire.key(wire.control("method"), "value"): "direct",
        "layers.value": [],
        "basemap.data": {"on": False},
        "page-lang.data": "nl",
        "map.figure": None,  # nothing drawn yet
        "map-drawn.data": None,
    }
    changed = wire.key(wire.control("indicator"), "value")

    def ask(indicator: str, per: str, held: dict) -> tuple[float, dict, int]:
        values = {
            **base,
            **held,
            changed: indicator,
            wire.key(wire.control("period"), "value"): per,
        }
        body = wire.request(map_dep, values, changed)
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.data[:300]
        return elapsed, response.get_json()["response"], len(response.data)

    _, first, map_bytes = ask(*views[0], {})
    # what the browser holds and sends back with each switch: the figure drawn (before)
    # or the small store of what it draws (now), whichever the callback asks for
    held = {"map.figure": first["map"]["figure"]}
    if "map-drawn" in first:
        held["map-drawn.data"] = first["map-drawn"]["data"]
    asked = {wire.key(wire._parse(e["id"]), e["property"]) for e in map_dep.get("state", [])}
    held_bytes = len(json.dumps({k: v for k, v in held.items() if k in asked}))
    new_views = [v for v in views if v[0] != views[0][0]][:calls]
    cold_asked = [ask(i, p, held) for i, p in new_views]
    cold = [elapsed for elapsed, _, _ in cold_asked]
    switch_bytes = float(np.median([size for _, _, size in cold_asked]))
    warm = [ask(*new_views[k % 8], held)[0] for k in range(calls)]
    table_dep = wire.callback_for(deps, "map-table.children")
    table = client.post(
        "/_dash-update-component",
        json=wire.request(
            table_dep,
            {**base, changed: views[0][0], wire.key(wire.control("period"), "value"): views[0][1]},
            level_key,
        ),
    )
    page_dep = wire.callback_for(deps, "page.children")
    page_answer = client.post(
        "/_dash-update-component",
        json=wire.request(
            page_dep,
            {"url.pathname": "/", "url.search": "", "lang.value": "nl"},
            "url.pathname",
        ),
    )
    return {
        "buurten": len(queries.areas(store, "buurt")),
        "cold": (np.percentile(cold, 50), np.percentile(cold, 95)),
        "warm": (np.percentile(warm, 50), np.percentile(warm, 95)),
        "held_bytes": held_bytes,
        "switch_bytes": switch_bytes,
        "map_bytes": map_bytes,
        "table_bytes": len(table.data),
        "page_bytes": len(page_answer.data) + len(page.data),
    }


def first_render(db: Path, code: Path, shapes: int, returning: int):
    """First render over a first, a second and returning visits, and the JS heap (MB)
    then (bench.browser.Render).  The checkout's own ``unease serve`` serves the page,
    as a person would meet it."""
    from bench.browser import render_and_heap

    serve = (
        f"import sys; sys.path.insert(0, {str(code)!r}); "
        "from etl.cli import main; "
        f"sys.exit(main(['serve', '--db', {str(db)!r}, '--port', '{{port}}']))"
    )
    return render_and_heap([sys.executable, "-c", serve], shapes, timeout=120, returning=returning)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--real", default=os.environ.get("UNEASE_REAL_DATA", str(ROOT.parent / "shared/data/real"))
    )
    parser.add_argument("--work", default=None, help="keep the databases here between runs")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose dashboard runs")
    parser.add_argument("--returning", type=int, default=5, help="returning visits timed")
    args = parser.parse_args()
    code = Path(args.code).resolve()
    sys.path.insert(0, str(ROOT))  # the fixture builders of this checkout
    sys.path.insert(0, str(code))
    work = Path(args.work or tempfile.mkdtemp(prefix="unease-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = build_database(Path(args.real), work)
    load = os.getloadavg()[0]
    result = switch_times(db, args.calls)
    print(f"code: {code}; load average at start {load:.1f} on {os.cpu_count()} cores\n")
    print(
        "| buurten | sent back per switch (KB) | switch answer (KB) "
        "| page + map + table answers (KB) "
        "| switch p50/p95 ms (new view) | switch p50/p95 ms (seen before) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {result['buurten']:,} | {result['held_bytes'] / 1024:,.1f} "
        f"| {result['switch_bytes'] / 1024:,.0f} "
        f"| {result['page_bytes'] / 1024:,.0f} + {result['map_bytes'] / 1024:,.0f} "
        f"+ {result['table_bytes'] / 1024:,.0f} "
        f"| {result['cold'][0]:.1f} / {result['cold'][1]:.1f} "
        f"| {result['warm'][0]:.1f} / {result['warm'][1]:.1f} |",
        flush=True,
    )
    render = first_render(db, code, result["buurten"], args.returning)
    wall = ", ".join("-" if w is None else f"{w:.2f}" for w in render.wall)
    print(
        f"\nfirst render (in the page): {render.summary()}\n"
        f"the driver's clock, every visit: {wall} s\n"
        f"JS heap then: {render.heap:,.0f} MB; load average now {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
