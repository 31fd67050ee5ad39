"""``unease export-parquet``: the marts of a built database as Parquet files, once per build.

For tools beside the dashboard (a data warehouse, notebooks, object storage that many
readers fetch from): one Parquet file per table and ``manifest.json`` with the build's
id, when it was built and the rows of each file.  The files hold what the database
holds, exact counts included: they are as confidential as the database file itself,
and public figures come only through the dashboard's disclosure gate.

The directory is written beside its target and renamed into place, so a reader sees
the previous export or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from etl.db import connect

#: The tables exported, with the columns left out (geometries: the dashboard's
#: /geo/<level>.geojson serves the display shapes).
TABLES: dict[str, tuple[str, ...]] = {
    "areas": ("geom", "geom_display"),
    "indicator_meta": (),
    "indicator_values": (),
    "period_coverage": (),
    "area_population": (),
    "count_reconciliation": (),
    "analysis_skips": (),
}


def export_parquet(db: Path, out: Path) -> dict:
    """Write the tables of :data:`TABLES` under ``out``; return the manifest."""
    db, out = Path(db), Path(out)
    if not db.is_file():
        raise FileNotFoundError(f"{db}: database not found (run `unease build` first)")
    staging = out.with_name(f".{out.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    con = connect(db, read_only=True)
    try:
        present = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        info = dict(con.execute("select key, value from build_info").fetchall())
        tables = {}
        for table, left_out in TABLES.items():
            if table not in present:
                continue
            columns = "*" + (f" exclude ({', '.join(left_out)})" if left_out else "")
            target = str(staging / f"{table}.parquet").replace("'", "''")
            # table and columns from the fixed list above, never from input
            con.execute(f"copy (select {columns} from {table}) to '{target}' (format parquet)")
            tables[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()
    manifest = {
        "build_id": info.get("build_id"),
        "built_at": info.get("built_at"),
        "database": str(db.resolve()),
        "tables": tables,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    _swap_in(staging, out)
    return manifest


def _swap_in(staging: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old.{os.getpid()}")
    if out.exists():
        os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
