"""The analysis stage of a build: statistics in Python on the SQL marts.

Runs after ``sql/marts`` and before the data checks.  Each step reads tables
of the build's connection and writes its own tables (or rows of
``indicator_values``); steps run in the order listed.  A step records the parts
its input does not allow in ``analysis_skips`` (:mod:`etl.stats.skips`); a
failure its guards did not foresee stops the build with an :class:`AnalysisError`
naming the step and the sources it read, never a bare traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import duckdb

from etl.settings import Settings

Step = Callable[[duckdb.DuckDBPyConnection, Settings], None]

#: The kinds of source each step reads, named when a step fails.
STEP_INPUTS = {
    "smoothed rates and funnel": ("incidents", "incident_counts", "context", "boundaries"),
    "hotspots": ("incidents", "incident_counts", "boundaries"),
    "changes": ("survey_responses", "incidents", "incident_counts"),
    "trends and alerts": ("incidents",),
    "context index": ("context",),
    "unease index": ("survey_responses", "incidents", "incident_counts"),
    "initiatives": ("initiatives", "incidents", "survey_responses", "context"),
    "small-area models": ("survey_responses", "incidents", "incident_counts", "context"),
    "indicator registry": ("indicator_table",),
}


class AnalysisError(RuntimeError):
    """A step failed on input its guards did not foresee; names the step and its sources."""


def steps() -> list[tuple[str, Step]]:
    """The analysis steps, in order (imported here so a build loads only what it runs)."""
    from etl.registry import write_indicator_meta
    from etl.stats.change import write_changes
    from etl.stats.composite import write_context_index, write_unease_index
    from etl.stats.hotspots import write_hotspots
    from etl.stats.initiatives import write_initiatives
    from etl.stats.rates import write_smoothed_rates
    from etl.stats.small_area import write_small_area_estimates
    from etl.stats.trend import write_trends

    return [
        ("smoothed rates and funnel", write_smoothed_rates),
        ("hotspots", write_hotspots),
        ("changes", write_changes),
        ("trends and alerts", write_trends),
        ("context index", write_context_index),
        ("unease index", write_unease_index),
        ("initiatives", write_initiatives),
        # last of the statistics: every step above reads the direct values only
        ("small-area models", write_small_area_estimates),
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
            raise AnalysisError(
                f"analysis step {name!r} failed on {_inputs(con, name)}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        timings.append((name, time.perf_counter() - started))
    return timings


def _inputs(con: duckdb.DuckDBPyConnection, step: str) -> str:
    """The sources a step reads, as 'name (path)', for an error message."""
    kinds = list(STEP_INPUTS.get(step, ()))
    rows = con.execute(
        "select source, path from sources where list_contains(?, kind) order by source", [kinds]
    ).fetchall()
    return ", ".join(f"source '{n}' ({p})" for n, p in rows) or "the loaded areas"
