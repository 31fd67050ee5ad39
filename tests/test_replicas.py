"""Two dashboard replicas on one database file, under bench/load.py's sessions.

As docs/scaling.md deploys it beyond one machine: the build writes the file once, each
replica (``unease serve``, its own process) opens it read-only, and with
``view_cache_url`` they share their views through Redis.  Both replicas must answer
every request of the simulated sessions and give the same views byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import pytest
import redis
import requests

from bench.load import UNEASE, Recorder, free_port, plan_for, session, wait_ready
from dashboard import wire
from dashboard.queries.shared_views import build_id
from dashboard.store import Store
from tests.redis_server import redis_url  # noqa: F401 (a fixture, asked for by name)

#: With redis-server installed the replicas share their views through it (as deployed);
#: without, each keeps its own and the Redis part is reported as skipped.
SHARED = shutil.which("redis-server") is not None

SESSIONS_PER_REPLICA, ITERATIONS = 2, 2


def _start(db, port: int, env: dict, log) -> subprocess.Popen:
    command = [str(UNEASE), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=env)


def _views(base: str, plan: dict) -> list:
    """Map callbacks (first render) and CSV downloads of a few views, as answered."""
    http = requests.Session()
    http.trust_env = False
    deps = http.get(f"{base}/_dash-dependencies", timeout=60).json()
    answers = []
    for indicator in plan["indicators"][:3]:
        body = wire.map_request(deps, indicator, "buurt", plan["period"])
        answer = http.post(f"{base}/_dash-update-component", json=body, timeout=60)
        query = {"indicator": indicator, "level": "buurt", "period": plan["period"], "lang": "en"}
        csv = http.get(f"{base}/download/view.csv", params=query, timeout=60)
        answers.append((answer.status_code, answer.json(), csv.status_code, csv.text))
    return answers


@pytest.mark.slow
def test_two_replicas_on_one_file_answer_alike_without_errors(demo_db, tmp_path, request):
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    env.pop("UNEASE_VIEW_CACHE_URL", None)
    if SHARED:
        url = request.getfixturevalue("redis_url")
        env["UNEASE_VIEW_CACHE_URL"] = url
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    logs = [(tmp_path / f"replica{i}.log").open("w") for i in range(2)]
    servers = [_start(demo_db, p, env, log) for p, log in zip(ports, logs)]
    try:
        for base, server in zip(bases, servers):
            wait_ready(base, server)
        plan = plan_for(demo_db)
        rec = Recorder()
        until = time.monotonic() + 300
        threads = [
            threading.Thread(
                target=session, args=(base, plan, seed, rec, ITERATIONS, until), daemon=True
            )
            for base in bases
            for seed in range(SESSIONS_PER_REPLICA)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        answered = sum(len(times) for times in rec.times.values())
        assert answered == 2 * SESSIONS_PER_REPLICA * ITERATIONS * 8  # every request made
        assert sum(rec.errors.values()) == 0, rec.messages

        first, second = (_views(base, plan) for base in bases)
        assert [a[0] for a in first] == [200] * 3 and [a[2] for a in first] == [200] * 3
        assert first == second  # the same figures, hover texts and CSV from both replicas
        assert all(len(a[3].splitlines()) == 98 for a in first)  # header + 97 buurten
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        for log in logs:
            log.close()
    if not SHARED:
        pytest.skip("redis-server not installed: replicas ran with per-process views only")
    client = redis.Redis.from_url(url)
    store = Store(demo_db)
    keys = client.keys(f"unease:view:{build_id(store, store.version)}:*")
    assert len(keys) >= 3  # the views of the build, under its id
    assert client.info("stats")["keyspace_hits"] > 0  # one replica read the other's views
