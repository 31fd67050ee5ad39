"""Reading date columns: each recognised form beside pandas' own ISO 8601 parse.

    .venv/bin/python bench/dates.py [--values 500000] [--repeat 3]

Draws random timestamps between 2018 and 2023, writes them in each form a police or
municipal file uses, and times ``etl.dates.parse_dates`` on the column (best of
``--repeat``), checking that every value is read back. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.dates import parse_dates  # noqa: E402

FORMS = {
    "ISO date (2017-09-20)": "%Y-%m-%d",
    "ISO datetime (2017-09-20 17:30:00)": "%Y-%m-%d %H:%M:%S",
    "police timestamp (20170920173000)": "%Y%m%d%H%M%S",
    "day first (20-09-2017 17:30)": "%d-%m-%Y %H:%M",
}


def _best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(20240601)
    stamps = pd.Timestamp("2018-01-01") + pd.to_timedelta(
        rng.integers(0, 5 * 365 * 86400, args.values), unit="s"
    )
    lo, hi = pd.Timestamp("1990-01-01"), pd.Timestamp("2025-12-31")
    print(f"| form ({args.values:,} values) | parse_dates (s) | pandas ISO 8601 (s) |")
    print("|---|---|---|")
    for label, fmt in FORMS.items():
        text = pd.Series(stamps.strftime(fmt))
        missing = text == ""
        parsed = parse_dates(text, missing, lo, hi)
        assert not parsed.unreadable.any() and parsed.values.notna().all(), label
        ours = _best(lambda t=text, m=missing: parse_dates(t, m, lo, hi), args.repeat)
        iso = "–"
        if fmt.startswith("%Y-"):
            pandas = _best(lambda t=text: pd.to_datetime(t, format="ISO8601"), args.repeat)
            iso = f"{pandas:.2f}"
        print(f"| {label} | {ours:.2f} | {iso} |")


if __name__ == "__main__":
    main()
