"""Loading the sources of Demostad with N incidents: DuckDB ingest against row by row.

    .venv/bin/python bench/ingest.py [--incidents 2000000] [--parquet]

The incidents file is made as in bench/build.py (``--parquet``: written as a Parquet
file, the coordinates as DOUBLE columns, the other columns as text).  Each way of
loading runs in a fresh process (its peak resident memory is its own): the build up to
and including the loading of every source (boundaries, areas, incidents, survey,
context, initiatives), with ``ingest_in_duckdb`` true and false; the analyses after it
are not run.  Prints seconds and peak memory of each and their ratio, as a Markdown
table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build import scaled_config  # noqa: E402


class _Loaded(Exception):
    """Every source is loaded: the build stops here."""


def load_only(config: Path, db: Path) -> float:
    """Seconds to load every source of ``config`` (the build is stopped after that)."""
    from etl import load
    from etl.config import load_config

    tables = sum(1 for s in load_config(config).sources if s.kind != "boundaries")
    real, done = load.load_table, []

    def counted(*args):
        result = real(*args)
        done.append(result)
        if len(done) == tables:
            raise _Loaded
        return result

    load.load_table = counted
    start = time.perf_counter()
    try:
        load.build(config, db)
    except _Loaded:
        pass
    return time.perf_counter() - start


def run(config: Path, db: Path, in_duckdb: bool) -> tuple[float, float]:
    """Seconds and peak MB of loading in a fresh process."""
    env = {**os.environ, "UNEASE_INGEST_IN_DUCKDB": str(in_duckdb).lower()}
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(config), str(db)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"loading failed: {out}")
    return float(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def as_parquet(config: Path) -> None:
    """The config's incidents CSV as a Parquet file (x and y as DOUBLE), in its place."""
    import duckdb

    csv = config.parent / "incidents-scaled.csv"
    target = csv.with_suffix(".parquet")
    con = duckdb.connect()
    con.execute(
        f"copy (select * replace (try_cast(x_rd as double) as x_rd, "
        f"try_cast(y_rd as double) as y_rd) from read_csv('{csv}', all_varchar = true)) "
        f"to '{target}' (format parquet)"
    )
    con.close()
    csv.unlink()
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(csv.name, target.name), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=2_000_000)
    parser.add_argument("--parquet", action="store_true", help="incidents as a Parquet file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(load_only(Path(args.child[0]), Path(args.child[1])))
        return
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="unease-ingest-bench-"))
    try:
        config = scaled_config(work, args.incidents)
        if args.parquet:
            as_parquet(config)
        duck = run(config, work / "a.duckdb", True)
        rows = run(config, work / "b.duckdb", False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{args.incidents:,} incidents{' (Parquet)' if args.parquet else ''}, "
        f"{os.cpu_count()} cores, load average "
        f"{load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end\n"
    )
    print("| loading every source | seconds | peak memory (MB) | time vs DuckDB |")
    print("|---|---:|---:|---:|")
    print(f"| DuckDB ingest (`ingest_in_duckdb = true`) | {duck[0]:.1f} | {duck[1]:,.0f} | 1.00 |")
    print(
        f"| row by row in pandas (`ingest_in_duckdb = false`) | {rows[0]:.1f} | {rows[1]:,.0f} "
        f"| {rows[0] / duck[0]:.2f} |"
    )


if __name__ == "__main__":
    main()
