"""A build killed half-way leaves the previous database served; the next build cleans up.

``unease build`` writes ``DB.tmp-<pid>`` beside the target and renames it over the
target only at the end.  SIGKILL gives it no chance to clean up: the previous file
must still be there byte for byte, a dashboard store on it must keep answering, and
the next build must succeed, remove the dead build's leftovers and be picked up by
the store without a restart.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.store import Store
from etl.load import build, remove_stale_temporaries
from tests.tiny import write_tiny

UNEASE = Path(sys.executable).with_name("unease")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _served_counts(store: Store) -> tuple:
    return tuple(
        store.frame(
            "select (select count(*) from indicator_values) as n_values, "
            "(select count(*) from areas) as n_areas, "
            "(select value from build_info where key = 'built_at') as built_at"
        ).iloc[0]
    )


def _wait_for(predicate, timeout: float, step: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.mark.slow
def test_killed_build_leaves_previous_database_served(demo_dir, demo_db, tmp_path):
    db = tmp_path / "served.duckdb"
    shutil.copyfile(demo_db, db)
    before = _sha(db)
    store = Store(db)
    served = _served_counts(store)
    version = store.version

    proc = subprocess.Popen(
        [str(UNEASE), "build", str(demo_dir / "demostad.toml"), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    tmp = db.with_name(f"{db.name}.tmp-{proc.pid}")
    try:
        assert _wait_for(tmp.exists, timeout=60), "the build never wrote its temporary file"
        time.sleep(0.5)  # well into loading the sources
        assert proc.poll() is None, "the build finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    # the previous file is untouched and still the one served
    assert _sha(db) == before
    assert store.version == version
    assert _served_counts(store) == served
    assert Store(db).path == db.resolve()
    assert _served_counts(Store(db)) == served
    leftovers = sorted(p.name for p in tmp_path.glob("served.duckdb.tmp-*"))
    assert tmp.name in leftovers  # a killed process cannot clean up: the next build does

    # a rebuild succeeds, removes the dead build's temporary file and is picked up
    time.sleep(0.01)  # a distinct modification time even on coarse file systems
    done = subprocess.run(
        [str(UNEASE), "build", str(demo_dir / "demostad.toml"), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("served.duckdb.tmp-*"))
    assert store.version != version
    rebuilt = _served_counts(store)
    assert rebuilt[:2] == served[:2]  # the same sources give the same figures
    assert rebuilt[2] >= served[2]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_next_build_removes_temporaries_of_dead_builds_only(tmp_path):
    config = write_tiny(tmp_path / "src")
    db = tmp_path / "tiny.duckdb"
    dead = _dead_pid()
    stale = [db.with_name(f"{db.name}.tmp-{dead}"), db.with_name(f"{db.name}.tmp-{dead}.wal")]
    alive = db.with_name(f"{db.name}.tmp-{os.getppid()}")  # a running process: keep
    other = tmp_path / f"other.duckdb.tmp-{dead}"  # another database's: not ours to touch
    for path in [*stale, alive, other]:
        path.write_bytes(b"partial")
    build(config, db)
    assert db.is_file()
    assert not any(p.exists() for p in stale)
    assert alive.exists() and other.exists()
    assert remove_stale_temporaries(db) == []
