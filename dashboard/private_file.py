"""Files only their owner may read: the users, the notes and the session secret.

They are created with mode 0600 in one step (``os.open`` with the mode), so there is
no moment in which another user of the machine could open them.  A file that
already exists keeps its mode: an administrator may have chosen another on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def create_private(path: str | Path) -> Path:
    """Create ``path`` empty with mode 0600 unless it exists; return it."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
    except FileExistsError:
        pass
    return path


def open_private(path: str | Path, encoding: str, newline: str | None = None):
    """``path`` opened for writing text, created or replaced with mode 0600."""
    fd = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    os.fchmod(fd, OWNER_ONLY)  # an export written over an older one is private too
    return os.fdopen(fd, "w", encoding=encoding, newline=newline)
