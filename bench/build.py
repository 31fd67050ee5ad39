"""Build at scale: Demostad with N incidents, wall time and peak memory of `unease build`.

    .venv/bin/python bench/build.py [--incidents 2000000 5000000] [--baseline REV] [--repeat 1]

Generates Demostad, then an incidents file of N rows drawn (with replacement, seed 7)
from Demostad's own incidents, each with a new registration number and its point moved
by up to 5 m, so dates, categories, seasonality and the deliberate bad rows keep their
shares.  Each build runs in a fresh process (``python -m etl.cli build``), so its peak
resident memory (``ru_maxrss`` of the child) is its own.  The build prints the time of
each step; they are shown beside the totals.

``--baseline REV`` runs the same builds with the code of git revision REV (extracted
with ``git archive`` into a temporary folder, same virtualenv), so the current code is
compared with an earlier one side by side, as ratios, in one run.

Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.db import connect  # noqa: E402
from etl.demo import generate_demo  # noqa: E402

#: How far a drawn point moves, in metres (RD New), so points are not all repeats.
JITTER_M = 5.0


def scaled_config(work: Path, incidents: int) -> Path:
    """A Demostad config whose incidents file holds ``incidents`` rows."""
    folder = work / f"demo-{incidents}"
    config = generate_demo(folder)
    source = folder / "incidents.csv"
    scaled = folder / "incidents-scaled.csv"
    con = connect()
    con.execute("set enable_progress_bar = false")
    con.execute(
        f"""
        copy (
            with base as (
                select *, row_number() over () - 1 as k
                from read_csv('{source}', all_varchar = true)
            ),
            draws as (
                select i, (hash(i, 7) % (select count(*) from base))::bigint as k,
                    (hash(i, 8) % 10001) / 1000.0 - 5 as dx,
                    (hash(i, 9) % 10001) / 1000.0 - 5 as dy
                from range({incidents}) t(i)
            )
            select printf('PL9999-S-%09d', d.i) as registratienummer, b.soort, b.begindatum,
                b.einddatum,
                coalesce(printf('%.1f', try_cast(b.x_rd as double) + d.dx * {JITTER_M / 5}),
                    b.x_rd) as x_rd,
                coalesce(printf('%.1f', try_cast(b.y_rd as double) + d.dy * {JITTER_M / 5}),
                    b.y_rd) as y_rd
            from draws d join base b using (k)
            order by d.i
        ) to '{scaled}' (header, delimiter ',')
        """
    )
    con.close()
    text = config.read_text(encoding="utf-8").replace(
        'path = "incidents.csv"', 'path = "incidents-scaled.csv"'
    )
    config.write_text(text, encoding="utf-8")
    source.unlink()
    return config


def code_of(revision: str, work: Path) -> Path:
    """The project's code at ``revision``, extracted into ``work``."""
    target = work / f"code-{revision}"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


STEP = re.compile(r"([^,]+?) (\d+\.\d+) s")


def run_build(code: Path, config: Path, db: Path) -> dict:
    """One build in a fresh process: wall seconds, peak RSS (MB), the build's step times."""
    out = db.with_suffix(".out")
    start = time.perf_counter()
    with out.open("w") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "etl.cli", "build", str(config), "--db", str(db)],
            cwd=code,
            env={**os.environ, "PYTHONPATH": str(code)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
    wall = time.perf_counter() - start
    text = out.read_text()
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"build failed ({code}):\n{text}")
    steps = {}
    for line in text.splitlines():
        if line.startswith("steps: "):
            steps = {k.strip(): float(v) for k, v in STEP.findall(line[len("steps: ") :])}
    db.unlink(missing_ok=True)
    return {"wall": wall, "peak_mb": usage.ru_maxrss / 1024, "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[2_000_000, 5_000_000])
    parser.add_argument("--baseline", help="git revision to compare with")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="unease-build-bench-"))
    try:
        codes = {"this code": ROOT}
        if args.baseline:
            codes = {f"{args.baseline}": code_of(args.baseline, work), **codes}
        rows = []
        for n in sorted(args.incidents):
            config = scaled_config(work, n)
            for label, code in codes.items():
                result = run_build(code, config, work / "bench.duckdb")
                print(
                    f"{n:,} incidents, {label}: {result['wall']:.1f} s, "
                    f"{result['peak_mb']:,.0f} MB",
                    file=sys.stderr,
                )
                rows.append((n, label, result))
            shutil.rmtree(config.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows, list(codes))


def report(rows: list, labels: list[str]) -> None:
    print(f"{os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}\n")
    print(
        "| incidents | code | build (s) | peak memory (MB) | load sources (s) | time vs this code |"
    )
    print("|---:|---|---:|---:|---:|---:|")
    current = {n: r for n, label, r in rows if label == labels[-1]}
    for n, label, r in rows:
        ratio = r["wall"] / current[n]["wall"]
        load = r["steps"].get("load sources", float("nan"))
        print(
            f"| {n:,} | {label} | {r['wall']:.1f} | {r['peak_mb']:,.0f} | {load:.1f} "
            f"| {ratio:.2f} |"
        )
    print()
    for n, label, r in rows:
        steps = ", ".join(f"{k} {v:.1f}" for k, v in r["steps"].items())
        print(f"* {n:,} incidents, {label}: {steps}")


if __name__ == "__main__":
    main()
