"""A declared series break is never crossed: the demo built with a break in 2023."""

from __future__ import annotations

import shutil

import pytest

from etl.db import connect
from etl.load import build

BREAK = "2023"


@pytest.fixture(scope="module")
def broken(demo_dir, tmp_path_factory):
    directory = tmp_path_factory.mktemp("break") / "demo"
    shutil.copytree(demo_dir, directory)
    config = directory / "demostad.toml"
    text = config.read_text(encoding="utf-8")
    assert "series_breaks = []" in text
    config.write_text(text.replace("series_breaks = []", f'series_breaks = ["{BREAK}"]'))
    db = directory.parent / "demo.duckdb"
    build(config, db)
    con = connect(db, read_only=True)
    yield con
    con.close()


def _side(month: str) -> bool:
    """True when a month ('YYYY-MM') or year lies in the series from the break on."""
    return str(month) >= BREAK


def test_no_change_is_tested_across_the_break(broken):
    rows = broken.execute(
        """
        select count(*), count(*) filter (where z is not null or p_value is not null
            or significant or blocked_by is distinct from ?)
        from changes where period_from < ? and period_to >= ?
        """,
        [BREAK, BREAK, BREAK],
    ).fetchone()
    assert rows[0] > 0 and rows[1] == 0  # incident rates and survey shares alike


def test_no_initiative_comparison_crosses_the_break(broken):
    effects = broken.execute(
        "select initiative_id, outcome, before_period, after_period, series_break "
        "from initiative_effects"
    ).fetchall()
    assert effects
    crossing = []
    for ini, outcome, before, after, _ in effects:
        ends = [e for label in (before, after) if label for e in label.replace("/", ",").split(",")]
        if len({_side(e) for e in ends}) > 1:
            crossing.append((ini, outcome, before, after))
    assert crossing == []
    assert any(b == f"{BREAK}-01" for *_, b in effects)  # clipped windows say so
    placebo = broken.execute(
        "select count(*) from initiative_effects where placebo_estimate is not null"
    ).fetchone()[0]
    assert placebo > 0


def test_index_base_restarts_at_the_break(broken):
    medians = dict(
        broken.execute(
            """
            select period, median(value) from indicator_values
            where indicator = 'index_part.incidents' and level = 'buurt' group by period
            """
        ).fetchall()
    )
    assert medians["2021"] == pytest.approx(100) and medians[BREAK] == pytest.approx(100)


def test_trends_and_alerts_use_the_months_since_the_break(broken):
    first = broken.execute("select min(first_month), max(first_month) from trends").fetchone()
    assert first == (f"{BREAK}-01", f"{BREAK}-01")
