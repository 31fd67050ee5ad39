"""Load test: concurrent dashboard sessions against the production server.

    .venv/bin/python bench/load.py [--sessions 20] [--workers 4] [--iterations 30] [--seconds 60]

Builds the Demostad database in a temporary directory, starts ``unease serve
--workers N`` (gunicorn) on a free port of 127.0.0.1 and runs ``--sessions``
simulated sessions in threads.  Each session clicks through the dashboard the way
the browser does: the page, Dash's layout and dependencies, the geometry resource,
the map callback (first render, then an indicator switch answered with a Patch), the
CSV download of the view, the area profile and the data page.  A session stops after
``--iterations`` rounds or when ``--seconds`` have passed.  Every request goes to
127.0.0.1 only.

Prints p50/p95 latency per request kind and overall, requests per second and the
number of errors (non-200 answers and failed connections) as a Markdown table, then
stops the server.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import queries, wire  # noqa: E402
from dashboard.store import Store  # noqa: E402
from etl.demo import generate_demo  # noqa: E402
from etl.load import build  # noqa: E402

UNEASE = Path(sys.executable).with_name("unease")
KINDS = (
    "page /",
    "/_dash-layout",
    "/_dash-dependencies",
    "/geo/buurt.geojson",
    "map callback",
    "/download/view.csv",
    "/gebied?area=",
    "/data",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.messages: list[str] = []

    def timed(self, kind: str, call, url: str, **kwargs):
        """``call(url, **kwargs)`` timed; the response when it is a 200, else None."""
        start = time.perf_counter()
        try:
            response = call(url, timeout=60, **kwargs)
            ok = response.status_code == 200
            detail = f"{kind}: HTTP {response.status_code}"
        except requests.RequestException as exc:
            response, ok, detail = None, False, f"{kind}: {type(exc).__name__}"
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.times[kind].append(elapsed)
            if not ok:
                self.errors[kind] += 1
                if len(self.messages) < 10:
                    self.messages.append(detail)
        return response if ok else None


def session(base: str, plan: dict, seed: int, rec: Recorder, iterations: int, until: float):
    rng = random.Random(seed)
    http = requests.Session()
    http.trust_env = False  # no proxy: loopback only
    get = http.get
    drawn = None  # the map-drawn store: what the browser holds of the map
    deps = None
    for _ in range(iterations):
        if time.monotonic() > until:
            break
        rec.timed("page /", get, f"{base}/")
        rec.timed("/_dash-layout", get, f"{base}/_dash-layout")
        answer = rec.timed("/_dash-dependencies", get, f"{base}/_dash-dependencies")
        if answer is not None:
            deps = answer.json()
        rec.timed("/geo/buurt.geojson", get, f"{base}/geo/buurt.geojson")
        indicator = rng.choice(plan["indicators"])
        if deps is not None:
            body = wire.map_request(deps, indicator, "buurt", plan["period"], drawn)
            url = f"{base}/_dash-update-component"
            answer = rec.timed("map callback", http.post, url, json=body)
            if answer is not None and drawn is None:
                # what the browser keeps and sends back with the next switch
                drawn = answer.json()["response"].get("map-drawn", {}).get("data")
        query = {"indicator": indicator, "level": "buurt", "period": plan["period"], "lang": "nl"}
        rec.timed("/download/view.csv", get, f"{base}/download/view.csv", params=query)
        area = rng.choice(plan["areas"])
        rec.timed("/gebied?area=", get, f"{base}/gebied", params={"area": area})
        rec.timed("/data", get, f"{base}/data")


def plan_for(db: Path) -> dict:
    store = Store(db)
    period = queries.periods(store, "incident_rate.total")[-1]
    indicators = [i for i in queries.indicator_ids(store) if period in queries.periods(store, i)]
    areas = list(store.frame("select code from areas where level = 'buurt' order by code")["code"])
    return {"period": period, "indicators": indicators[:12], "areas": areas}


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 180) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            if requests.get(f"{base}/", timeout=5, proxies={"http": ""}).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=30, help="rounds per session")
    parser.add_argument("--seconds", type=float, default=60, help="stop sessions after this")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="unease-load-"))
    started = time.perf_counter()
    db = work / "demo.duckdb"
    build(generate_demo(work / "demo"), db)
    plan = plan_for(db)
    print(f"demo built in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(UNEASE), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=(work / "server.log").open("w"),
        env={**os.environ, "NO_PROXY": "127.0.0.1"},
    )
    try:
        wait_ready(base, server)
        rec = Recorder()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=session, args=(base, plan, seed, rec, args.iterations, until), daemon=True
            )
            for seed in range(args.sessions)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    report(rec, wall, args)


def report(rec: Recorder, wall: float, args: argparse.Namespace) -> None:
    total = sum(len(v) for v in rec.times.values())
    print(
        f"{args.sessions} sessions, {args.workers} gunicorn workers on {os.cpu_count()} CPUs, "
        f"{total} requests in {wall:.1f} s: {total / wall:.1f} requests/s, "
        f"{sum(rec.errors.values())} errors\n"
    )
    print("| request | n | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for kind in KINDS:
        times = rec.times.get(kind, [])
        if times:
            p50, p95 = np.percentile(times, [50, 95])
            print(f"| {kind} | {len(times)} | {p50:.0f} | {p95:.0f} | {rec.errors[kind]} |")
    every = [t for v in rec.times.values() for t in v]
    p50, p95 = np.percentile(every, [50, 95])
    print(f"| **all** | {total} | {p50:.0f} | {p95:.0f} | {sum(rec.errors.values())} |")
    for message in rec.messages:
        print(f"\nerror: {message}", file=sys.stderr)


if __name__ == "__main__":
    main()
