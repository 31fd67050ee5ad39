"""Validation of the initiative comparisons on Demostad seeds, where the truth is planted.

Each seed's demo plants a halving of woninginbraak in one buurt (with a rise of 30%
in its ring), a buurt with the same raised burglary level and no change, and
burglary waves before three initiatives (``planted.json``).  For each seed the
comparisons run twice on the built demo, with cross-fitted controls
(``initiative_cross_fit``, the default) and with one set matched and compared on
all months; the table gives the planted effect's and null's woninginbraak ratio
with its interval and whether it excludes 1, and the displacement flags (the
planted one, and the others).

Then a placebo in space: every eligible control buurt of the effect's and null's
comparisons, in turn treated as if an initiative had started there on the same
day, compared with its own matched controls.  Nothing was planted there, so a 95%
interval should exclude 1 in about 5% of them.

Usage::

    .venv/bin/python bench/initiative_validation.py --dir /tmp/iv --seeds 20240601 1 2 3

Builds the demo of each seed into ``DIR/SEED`` (reused when ``DIR/SEED.duckdb``
exists).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
from collections import namedtuple
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from etl.db import connect
from etl.demo import generate_demo
from etl.load import build
from etl.settings import Settings
from etl.stats import initiative_effects as ie
from etl.stats import initiative_methods as m
from etl.stats.initiative_incidents import rate_effect
from etl.stats.initiative_matching import Comparison, pool_of
from etl.stats.initiative_panel import rate_table
from etl.stats.initiative_windows import comparison_windows
from etl.stats.initiatives import load_inputs, write_initiatives

Pretend = namedtuple("Pretend", "initiative_id type area_code")


def built(directory: Path, seed: int) -> tuple[Path, dict]:
    """The demo database of ``seed`` and its planted record (built when absent)."""
    db = directory / f"{seed}.duckdb"
    if not db.exists():
        config = generate_demo(directory / str(seed), seed=seed)
        build(config, db)
    return db, json.loads((directory / str(seed) / "planted.json").read_text())


def planted_rows(db: Path, planted: dict, cross_fit: bool) -> dict:
    """The planted effect's and null's woninginbraak rows and the displacement flags."""
    copy = db.with_name(f"{db.stem}-{cross_fit}.duckdb")
    shutil.copy(db, copy)
    con = connect(copy)
    write_initiatives(con, dataclasses.replace(Settings(), initiative_cross_fit=cross_fit))
    out = {}
    for tag in ("effect", "null_effect"):
        row = con.execute(
            "select estimate, ci_low, ci_high from initiative_effects "
            "where initiative_id = ? and outcome = 'incident_rate.woninginbraak'",
            [planted[tag]["initiative"]],
        ).fetchone()
        out[tag] = row
    flagged = con.execute(
        "select initiative_id, category from initiative_displacement where flag_displacement"
    ).fetchall()
    con.close()
    copy.unlink()
    planted_flag = (planted["effect"]["initiative"], "woninginbraak")
    out["planted_flagged"] = planted_flag in flagged
    out["false_flags"] = len([f for f in flagged if f != planted_flag])
    return out


def placebo_in_space(db: Path, planted: dict, cross_fit: bool) -> pd.DataFrame:
    """Each eligible control of the effect's and null's comparisons as a pretend initiative."""
    settings = dataclasses.replace(Settings(), initiative_cross_fit=cross_fit)
    con = connect(db, read_only=True)
    data = load_inputs(con, settings)
    con.close()
    setting = ie.ComparisonInputs(data, settings, settings.initiative_controls)
    buurten = setting.buurten
    counts = setting.clean["woninginbraak"]
    rows = []
    for tag in ("effect", "null_effect"):
        ini = data.initiatives.set_index("initiative_id").loc[planted[tag]["initiative"]]
        start_ts = pd.Timestamp(ini.start_date)
        start = m.month_number(start_ts.year, start_ts.month)
        den, context, _ = setting.year(start_ts.year)
        populated = den >= settings.min_inhabitants
        windows, placebo, _ = comparison_windows(data.monthly, data.breaks, start, [])
        table = rate_table(counts, windows, den)
        pool = pool_of(buurten, populated, ini.area_code, data.rings.get(ini.area_code, []))
        for code in buurten.codes_of(pool & np.isfinite(table.change)):
            own_pool = pool_of(buurten, populated, code, data.rings.get(code, []))
            s = Comparison(
                ini=Pretend("pretend", "surveillance", code),
                start_ts=start_ts,
                start=start,
                windows=windows,
                placebo=placebo,
                skipped=[],
                series_break=None,
                buurten=buurten,
                populated=populated,
                pool=own_pool & ~buurten.mask([ini.area_code]),
                context=context,
                notes=[],
                k=settings.initiative_controls,
                confidence=settings.confidence,
                cross_fit=cross_fit,
            )
            row, _, _ = rate_effect(s, "woninginbraak", counts, den)
            rows.append(
                {
                    "around": tag,
                    "buurt": code,
                    **{k: row[k] for k in ("estimate", "ci_low", "ci_high")},
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[20240601, 1, 2, 3])
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    lines, pretend = [], {True: [], False: []}
    with threadpool_limits(limits=1):
        for seed in args.seeds:
            db, planted = built(args.dir, seed)
            for cross_fit in (True, False):
                r = planted_rows(db, planted, cross_fit)
                cells = []
                for tag in ("effect", "null_effect"):
                    est, low, high = r[tag]
                    cells.append(
                        f"{est:.2f} [{low:.2f}, {high:.2f}]{' *' if high < 1 or low > 1 else ''}"
                    )
                lines.append(
                    f"| {seed} | {'yes' if cross_fit else 'no'} | {cells[0]} | {cells[1]} | "
                    f"{'yes' if r['planted_flagged'] else 'no'} | {r['false_flags']} |"
                )
                pretend[cross_fit].append(placebo_in_space(db, planted, cross_fit))
    print(
        "| seed | cross-fitted | effect (planted 0.5) | null (planted 1) "
        "| displacement flagged | false flags |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(lines))
    print("\n* = the interval excludes 1\n")
    for cross_fit, frames in pretend.items():
        f = pd.concat(frames, ignore_index=True)
        f = f[np.isfinite(f["estimate"]) & (f["estimate"] > 0)]
        excluded = ((f["ci_low"] > 1) | (f["ci_high"] < 1)).sum()
        print(
            f"placebo in space, cross-fitted {'yes' if cross_fit else 'no'}: "
            f"{excluded} of {len(f)} pretend initiatives with an interval excluding 1 "
            f"({excluded / len(f):.1%}); mean log ratio {np.log(f['estimate']).mean():+.3f}"
        )


if __name__ == "__main__":
    main()
