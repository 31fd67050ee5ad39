"""The initiatives step at scale: this code against an earlier revision, on one build.

    .venv/bin/python bench/initiatives.py --baseline REV [--incidents 2000000 5000000]
        [--db FILE ...] [--repeat 3]

Builds Demostad with N incidents once per N (as ``bench/build.py``: drawn from the
demo's own incidents, points moved by up to 5 m), or takes built databases with
``--db``.  Then runs only the analysis step 'initiatives'
(``etl.stats.initiatives.write_initiatives``) on a copy of each database, in a fresh
process per run, with this code and with the code of git revision REV (``git
archive`` into a temporary folder, same virtualenv), alternating, ``--repeat``
times each.  Before the incidents were counted per buurt and month in DuckDB, the
step read every incident row into pandas and parsed its month in Python, and took
rows and months of pandas frames by label per initiative, so it grew with the
number of incidents.

Prints the median wall and CPU seconds of each (CPU time is less disturbed by
other work on a shared machine), their ratios (same run), and whether the tables
the step writes (initiative_effects, initiative_displacement, initiative_reach,
its indicator_values rows and its analysis_skips) are identical, compared as
exported CSV text.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build import code_of, scaled_config  # noqa: E402
from bench.run import run_child  # noqa: E402

#: Run in a child process with the code under test first on the path.
CHILD = r"""
import hashlib, shutil, sys, time
from etl.db import connect
from etl.settings import Settings
from etl.stats.initiatives import write_initiatives

source, work = sys.argv[1], sys.argv[2]
shutil.copy(source, work)
con = connect(work)
settings = Settings.from_env()
started, cpu = time.perf_counter(), time.process_time()
write_initiatives(con, settings)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
digest = hashlib.sha256()
for query in (
    "select * from initiative_effects order by all",
    "select * from initiative_displacement order by all",
    "select * from initiative_reach order by all",
    "select * from indicator_values where split_part(indicator, '.', 1) in "
    "('initiative_coverage', 'initiative_count', 'collective_resilience') order by all",
    "select * from analysis_skips where step = 'initiatives' order by all",
):
    out = work + ".csv"
    con.execute(f"copy ({query}) to '{out}' (header)")
    digest.update(open(out, "rb").read())
con.close()
print(f"{seconds:.4f} {cpu:.4f} {digest.hexdigest()}")
"""


def build_database(work: Path, incidents: int) -> Path:
    """A Demostad build with ``incidents`` incidents (as bench/build.py makes them)."""
    config = scaled_config(work, incidents)
    db = work / f"build-{incidents}.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl.cli", "build", str(config), "--db", str(db)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    shutil.rmtree(config.parent)
    return db


def run_step(code: Path, db: Path, work: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of the step and the digest of its tables, in a fresh process."""
    copy = work / "step.duckdb"
    out = run_child(code, CHILD, str(db), str(copy)).split()
    for leftover in (copy, Path(f"{copy}.csv"), Path(f"{copy}.wal")):
        leftover.unlink(missing_ok=True)
    return float(out[-3]), float(out[-2]), out[-1]


def incidents_in(db: Path) -> int:
    from etl.db import connect

    con = connect(db, read_only=True)
    n = con.execute("select count(*) from incidents").fetchone()[0]
    con.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--incidents", type=int, nargs="*", default=[])
    parser.add_argument("--db", type=Path, nargs="*", default=[], help="built databases")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.incidents and not args.db:
        args.incidents = [2_000_000, 5_000_000]

    work = Path(tempfile.mkdtemp(prefix="unease-initiatives-bench-"))
    try:
        codes = {args.baseline: code_of(args.baseline, work), "this code": ROOT}
        dbs = list(args.db) + [build_database(work, n) for n in sorted(args.incidents)]
        rows = []
        for db in dbs:
            times: dict[str, list[float]] = {label: [] for label in codes}
            cpu: dict[str, list[float]] = {label: [] for label in codes}
            digests: dict[str, set[str]] = {label: set() for label in codes}
            for _ in range(args.repeat):
                for label, code in codes.items():
                    seconds, cpu_seconds, digest = run_step(code, db, work)
                    times[label].append(seconds)
                    cpu[label].append(cpu_seconds)
                    digests[label].add(digest)
            rows.append((incidents_in(db), times, cpu, digests))
            print(f"{db}: {times}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows, list(codes))


def report(rows: list, labels: list[str]) -> None:
    baseline, current = labels
    print(f"{os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}\n")
    print(
        f"| incidents | {baseline} (s) | this code (s) | {baseline} / this code "
        f"| {baseline} CPU (s) | this code CPU (s) | CPU ratio | same tables |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for n, times, cpu, digests in rows:
        old, new = statistics.median(times[baseline]), statistics.median(times[current])
        old_cpu, new_cpu = statistics.median(cpu[baseline]), statistics.median(cpu[current])
        same = len(digests[baseline] | digests[current]) == 1
        print(
            f"| {n:,} | {old:.2f} | {new:.2f} | {old / new:.1f} | {old_cpu:.2f} | {new_cpu:.2f} "
            f"| {old_cpu / new_cpu:.1f} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
