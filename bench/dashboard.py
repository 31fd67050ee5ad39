"""Dashboard speed: map payload, indicator-switch server time, first render in Chromium.

    .venv/bin/python bench/dashboard.py [--real /path/to/data/real] [--calls 50]

For the Demostad buurten and for Amsterdam's 518 buurten (built from the real files
when they are found), in one run:

* payload of the map: the figure as the server sends it, and the geometry resource
  (/geo/buurt.geojson) that the browser fetches once — bytes and gzip;
* server time of an indicator switch (POST to Dash's callback endpoint, answered
  with a Patch of colours and hover texts), p50 and p95 over --calls calls, beside a
  full redraw of the figure (the obvious alternative) in the same run;
* first render: from opening the page in headless Chromium to every shape drawn (the
  median of returning visits, bench/browser.py).

Budgets: switch p95 <= 20 ms; 500-buurt map <= 100 KB gzip; first render <= 2 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import wire  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from etl.demo import generate_demo  # noqa: E402
from etl.load import build  # noqa: E402


def measure(db: Path, label: str, calls: int) -> dict:
    app = create_app(db)
    client = app.server.test_client()
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    from dashboard import queries
    from dashboard.store import Store

    store = Store(db)
    period = queries.periods(store, "incident_rate.total")[-1]
    views = [(i, p) for i in queries.indicator_ids(store) for p in queries.periods(store, i)]
    indicators = [i for i, p in views if p == period][:8]
    first = client.post(
        "/_dash-update-component", json=wire.map_request(deps, indicators[0], "buurt", period)
    )
    body = first.get_json()["response"]
    figure = body["map"]["figure"]
    figure_bytes = json.dumps(figure, separators=(",", ":")).encode()
    geo = client.get("/geo/buurt.geojson").data

    drawn = body["map-drawn"]["data"]  # what the browser holds of the map and sends back

    def timed(held, chosen):
        times = []
        for ind, per in chosen:
            start = time.perf_counter()
            payload = wire.map_request(deps, ind, "buurt", per, held)
            r = client.post("/_dash-update-component", json=payload)
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, r.data[:200]
        return np.percentile(times, 50), np.percentile(times, 95)

    # new views (values not yet in memory), then views asked for before
    cold = [v for v in views if v[0] != indicators[0]][:calls]
    patch50, patch95 = timed(drawn, cold)
    warm = [(indicators[k % len(indicators)], period) for k in range(calls)]
    warm50, warm95 = timed(drawn, warm)
    full50, full95 = timed(None, warm)
    return {
        "label": label,
        "areas": len(figure["data"][0]["locations"]),
        "figure": len(figure_bytes),
        "figure_gz": len(gzip.compress(figure_bytes)),
        "geo": len(geo),
        "geo_gz": len(gzip.compress(geo)),
        "patch": (patch50, patch95),
        "warm": (warm50, warm95),
        "full": (full50, full95),
        "render": first_render(db, len(figure["data"][0]["locations"])),
    }


def first_render(db: Path, shapes: int) -> float | None:
    """Seconds from opening the page to all shapes drawn, in headless Chromium: the
    median of returning visits (bench/browser.py)."""
    from bench.browser import render_and_heap

    command = [str(ROOT / ".venv/bin/unease"), "serve", "--db", str(db), "--port", "{port}"]
    return render_and_heap(command, shapes).returning_median()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--real", default=os.environ.get("UNEASE_REAL_DATA", str(ROOT.parent / "shared/data/real"))
    )
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="unease-bench-"))
    build(generate_demo(work / "demo"), work / "demo.duckdb")
    results = [measure(work / "demo.duckdb", "Demostad", args.calls)]
    if Path(args.real, "nl_buurt_crime_trend_kerncijfers_2024").is_dir():
        os.environ["UNEASE_REAL_DATA"] = args.real
        build(ROOT / "examples/amsterdam.toml", work / "amsterdam.duckdb")
        results.append(measure(work / "amsterdam.duckdb", "Amsterdam", args.calls))
    print(
        "| map | buurten | figure (KB, gzip) | geometry resource (KB, gzip) "
        "| switch p50/p95 ms (Patch, new view) | switch p50/p95 ms (Patch, view seen before) "
        "| switch p50/p95 ms (full redraw, seen before) | Patch vs redraw p95 "
        "| first render (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        render = f"{r['render']:.2f}" if r["render"] is not None else "timeout"
        print(
            f"| {r['label']} | {r['areas']} "
            f"| {r['figure'] / 1024:.1f} ({r['figure_gz'] / 1024:.1f}) "
            f"| {r['geo'] / 1024:.1f} ({r['geo_gz'] / 1024:.1f}) "
            f"| {r['patch'][0]:.1f} / {r['patch'][1]:.1f} "
            f"| {r['warm'][0]:.1f} / {r['warm'][1]:.1f} "
            f"| {r['full'][0]:.1f} / {r['full'][1]:.1f} "
            f"| {r['full'][1] / r['warm'][1]:.2f}x faster | {render} |"
        )


if __name__ == "__main__":
    main()
