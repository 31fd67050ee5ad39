"""WSGI entry point for production serving: ``gunicorn dashboard.wsgi:application``.

The database path comes from ``UNEASE_DB``.  Each worker process imports this module
and opens the file read-only on its own; a rebuild swapped in by ``unease build`` is
picked up by every worker at its next query.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.app import create_app
from dashboard.warm import warm


def _database() -> Path:
    value = os.environ.get("UNEASE_DB")
    if not value:
        raise RuntimeError("set UNEASE_DB to the database file to serve (see `unease build`)")
    path = Path(value)
    if not path.is_file():
        raise RuntimeError(f"UNEASE_DB={value}: database not found (run `unease build` first)")
    return path


app = create_app(_database())
warm(app)  # each worker, before it takes requests
server = app.server
application = server
