"""Two builds of one database cannot trample each other; an unwritable target is one line.

The lock is held by a real second process (``etl.build_lock`` in another Python), so
the flock is the kernel's, as between two ``unease build`` runs.
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

from etl.build_lock import lock_path
from etl.load import build
from tests.tiny import write_tiny

UNEASE = Path(sys.executable).with_name("unease")

HOLDER = """
import sys, time
from pathlib import Path
from etl.build_lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process that holds the build lock of ``db`` for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _build(config: Path, db: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(UNEASE), "build", str(config), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.fixture()
def built(tiny_db, tmp_path):
    """A copy of the tiny database, its config and its sha."""
    config = write_tiny(tmp_path / "src")
    db = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, db)
    return config, db, _sha(db)


def _build_while_locked(config: Path, db: Path, hold: float, **env: str):
    """``unease build`` while another process holds the lock for ``hold`` seconds."""
    holder = _hold_lock(db, hold)
    started = time.monotonic()
    try:
        done = _build(config, db, **env)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
    return done, holder, time.monotonic() - started


def test_second_build_stops_naming_the_lock_and_the_other_pid(built):
    config, db, before = built
    done, holder, _ = _build_while_locked(config, db, 60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"pid {holder.pid}" in lines[0] and str(lock_path(db)) in lines[0]
    assert "Traceback" not in done.stderr
    assert _sha(db) == before  # the other build's file is left alone
    assert not list(db.parent.glob("tiny.duckdb.tmp-*"))


def test_second_build_waits_for_the_first_when_given_a_timeout(built):
    config, db, before = built
    done, holder, seconds = _build_while_locked(config, db, 3, UNEASE_BUILD_LOCK_TIMEOUT="120")
    assert done.returncode == 0, done.stderr
    assert holder.returncode == 0  # the first one finished undisturbed ...
    assert seconds >= 3  # ... before the second one built
    assert _sha(db) != before
    last = lock_path(db).read_text().strip()
    assert last.isdigit() and last != str(holder.pid)  # the second build held it last


def test_waiting_build_gives_up_after_the_timeout(built):
    config, db, before = built
    done, holder, seconds = _build_while_locked(config, db, 60, UNEASE_BUILD_LOCK_TIMEOUT="1.5")
    assert done.returncode == 2
    assert "waited 1.5 s" in done.stderr and f"pid {holder.pid}" in done.stderr
    assert seconds >= 1.5
    assert _sha(db) == before


def test_lock_of_a_killed_build_is_free_again(built):
    config, db, before = built
    holder = _hold_lock(db, 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock_path(db).exists()  # the file stays; the kernel released the lock
    summary = build(config, db)
    assert summary.indicator_rows > 0 and _sha(db) != before
    assert lock_path(db).read_text().strip() == str(os.getpid())


def test_target_under_a_file_gives_one_line_naming_it(tmp_path):
    config = write_tiny(tmp_path / "src")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file, not a directory")
    done = _build(config, blocker / "out" / "tiny.duckdb")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"unease build: cannot write to {blocker / 'out'}: Not a directory"
    ]


def _read_only(directory: Path) -> bool:
    """Make ``directory`` unwritable (also for root, where chattr works); True when it is."""
    directory.chmod(0o555)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(directory)], capture_output=True)
    try:
        (directory / "probe").write_text("x")
    except OSError:
        return True
    (directory / "probe").unlink()
    return False


def test_unwritable_target_directory_gives_one_line_naming_it(tmp_path):
    config = write_tiny(tmp_path / "src")
    target = tmp_path / "readonly"
    target.mkdir()
    if not _read_only(target):
        _writable_again(target)
        pytest.skip("this file system lets the test user write to any directory")
    try:
        done = _build(config, target / "tiny.duckdb")
    finally:
        _writable_again(target)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"unease build: cannot write to {target}: ")
    assert not list(target.iterdir())


def _writable_again(directory: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(directory)], capture_output=True)
    directory.chmod(0o755)
