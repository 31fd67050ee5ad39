"""The analysis stage of a build: statistics in Python on the SQL marts.

Runs after ``sql/marts`` and before the data checks.  Each step reads tables
of the build's connection and writes its own tables (or rows of
``indicator_values``); steps run in the order listed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import duckdb

from etl.settings import Settings

Step = Callable[[duckdb.DuckDBPyConnection, Settings], None]


def steps() -> list[tuple[str, Step]]:
    """The analysis steps, in order (imported here so a build loads only what it runs)."""
    from etl.registry import write_indicator_meta
    from etl.stats.change import write_changes
    from etl.stats.composite import write_context_index, write_unease_index
    from etl.stats.hotspots import write_hotspots
    from etl.stats.initiatives import write_initiatives
    from etl.stats.rates import write_smoothed_rates
    from etl.stats.trend import write_trends

    return [
        ("smoothed rates and funnel", write_smoothed_rates),
        ("hotspots", write_hotspots),
        ("changes", write_changes),
        ("trends and alerts", write_trends),
        ("context index", write_context_index),
        ("unease index", write_unease_index),
        ("initiatives", write_initiatives),
        ("indicator registry", write_indicator_meta),
    ]


def run_analyses(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[tuple[str, float]]:
    """Run every step; return (name, seconds) per step."""
    timings = []
    for name, step in steps():
        started = time.perf_counter()
        try:
            step(con, settings)
        except Exception as exc:
            raise RuntimeError(f"analysis step {name!r} failed: {exc}") from exc
        timings.append((name, time.perf_counter() - started))
    return timings
