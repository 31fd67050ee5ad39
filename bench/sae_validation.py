"""Validation of the small-area models on replicated demo surveys (figures for
docs/methods-validation.md).

    .venv/bin/python bench/sae_validation.py [--replications 50] [--db demo.duckdb]

Builds the demo (or uses --db, a demo build), then draws each survey wave again
--replications times with new respondents and compares direct and model estimates of
"feels unsafe in the own buurt" with every buurt's true share. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from etl.db import connect
from etl.demo import generate_demo, survey_design
from etl.load import build
from etl.settings import Settings
from etl.stats.sae_validation import replicate, summarise
from etl.stats.small_area import covariate_frame

WAVES = ("2021", "2022", "2023", "2024")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=50)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db
    if db is None:
        work = Path(tempfile.mkdtemp(prefix="unease-sae-"))
        db = work / "demo.duckdb"
        build(generate_demo(work / "demo"), db)
    settings = Settings()
    design = survey_design()
    con = connect(db, read_only=True)
    print(
        "| wave | buurt-replications | coverage 95% | coverage n < 50 | worst buurt | "
        "buurten < 80% | RMSE direct | "
        "RMSE model | RMSE direct n < 50 | RMSE model n < 50 | mean error model | "
        "median 1 - gamma | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for t, wave in enumerate(WAVES):
        started = time.perf_counter()
        covariates = covariate_frame(con, settings.sae_covariate_list(), "buurt", wave, settings)
        r = summarise(replicate(design, covariates, settings, args.replications, wave=t))
        print(
            f"| {wave} | {r['buurt_replications']} | {100 * r['coverage']:.1f}% | "
            f"{100 * r['coverage_n_below_50']:.1f}% | {100 * r['coverage_worst_buurt']:.0f}% | "
            f"{r['buurten_below_80']} | {r['rmse_direct']:.2f} | "
            f"{r['rmse_model']:.2f} | {r['rmse_direct_n_below_50']:.2f} | "
            f"{r['rmse_model_n_below_50']:.2f} | {r['bias_model']:+.2f} | "
            f"{r['median_model_share']:.2f} | {time.perf_counter() - started:.1f} |"
        )
    con.close()


if __name__ == "__main__":
    main()
