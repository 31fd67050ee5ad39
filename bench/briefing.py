"""Briefing speed: HTML and PDF of the area briefing for 10 Demostad buurten.

    .venv/bin/python bench/briefing.py [--db FILE] [--buurten 10] [--repeat 3]

Builds the demo into a temporary directory unless --db names a built database.  For
each of the first --buurten buurten (by code) and the latest period: the HTML page
(public role, queries included) and the PDF printed by headless Chromium from that
page, each --repeat times; prints p50 and p95 per format, the time of the first PDF
(starting the browser) apart, and the page count and size of the PDFs.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.briefing import pdf_bytes, render_html, renderer  # noqa: E402
from dashboard.store import Store  # noqa: E402


def _demo_db(directory: Path) -> Path:
    from etl.demo import generate_demo
    from etl.load import build

    db = directory / "demo.duckdb"
    build(generate_demo(directory / "demo"), db)
    return db


def _ms(values: list[float]) -> str:
    return f"{np.percentile(values, 50) * 1000:.0f} / {np.percentile(values, 95) * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--buurten", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or _demo_db(Path(tmp))
        store = Store(db)
        codes = list(
            store.frame(
                "select code from areas where level = 'buurt' and not coalesce(is_water, false) "
                "order by code limit ?",
                [args.buurten],
            )["code"]
        )
        period = store.frame("select max(period) as p from indicator_values")["p"][0]
        render_html(store, codes[0], period)  # warm the per-database caches

        started = time.perf_counter()
        pdf_bytes(render_html(store, codes[0], period))
        first_pdf = time.perf_counter() - started

        html_times, pdf_times, pages, sizes = [], [], [], []
        for _ in range(args.repeat):
            for code in codes:
                t0 = time.perf_counter()
                page = render_html(store, code, period)
                t1 = time.perf_counter()
                data = pdf_bytes(page)
                t2 = time.perf_counter()
                html_times.append(t1 - t0)
                pdf_times.append(t2 - t1)
                sizes.append(len(data))
                pages.append(_page_count(data))
        renderer().close()

    both = [a + b for a, b in zip(html_times, pdf_times)]
    print(f"{len(codes)} buurten x {args.repeat} runs, period {period}, role public")
    print("| step | p50 / p95 (ms) |")
    print("|---|---:|")
    print(f"| HTML (queries, map, page) | {_ms(html_times)} |")
    print(f"| PDF from the HTML (Chromium kept running) | {_ms(pdf_times)} |")
    print(f"| HTML + PDF | {_ms(both)} |")
    print(f"| first PDF of a process (starts Chromium) | {first_pdf * 1000:.0f} |")
    print(
        f"pages per PDF: {min(pages)}-{max(pages)}; "
        f"size {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB"
    )
    return 0


def _page_count(data: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        return -1
    return len(PdfReader(io.BytesIO(data)).pages)


if __name__ == "__main__":
    raise SystemExit(main())
