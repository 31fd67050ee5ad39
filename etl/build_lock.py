"""One build at a time per database: a lock file beside the target.

A build holds an exclusive ``fcntl.flock`` on ``FILE.lock`` (beside ``--db FILE``)
from before it writes its temporary file until the finished file has been renamed
into place.  A second build of the same file waits up to ``build_lock_timeout``
seconds and then stops, naming the lock file and the other build's pid; it never
replaces the other build's result.  The kernel releases the lock when the process
ends, also when it crashes or is killed, so a dead build never blocks the next one.

The lock file stays after the build: removing it would let a waiting build and a
new one lock two different files.  It holds the pid of the build that holds (or
last held) the lock.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: How often a waiting build tries the lock again (seconds).
_POLL = 0.1


class BuildLocked(Exception):
    """Another build of the same database holds its lock."""


class TargetNotWritable(Exception):
    """The directory of the database cannot be written."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def build_lock(db_path: Path, timeout: float = 0.0) -> Iterator[Path]:
    """Hold the build lock of ``db_path``; wait at most ``timeout`` seconds for it."""
    directory = db_path.parent
    path = lock_path(db_path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass  # the temporary database will be written here: check that it can be
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TargetNotWritable(f"cannot write to {directory}: {reason}") from None
    try:
        _acquire(fd, timeout, db_path, path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, timeout: float, db_path: Path, path: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BuildLocked(
                    f"another build (pid {_holder(fd)}) is writing {db_path}; it holds {path} "
                    f"(waited {timeout:g} s, setting build_lock_timeout); {db_path} is left to it"
                ) from None
            time.sleep(min(_POLL, left))


def _holder(fd: int) -> str:
    """The pid written by the build holding the lock ('unknown' in the instant before)."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return text if text.isdigit() else "unknown"
