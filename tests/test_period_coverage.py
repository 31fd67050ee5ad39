"""Partial years, like-with-like changes and the year of the denominator.

Kleindorp (tests/tiny.py) with a police extract in the usual CSV form that runs
from January 2016 to September 2017 at a steady 20 incidents a month: 2017 holds
nine months.  Compared with the whole of 2016 it would look like a fall of a
quarter; compared with January–September 2016 it is no change at all.
"""

from __future__ import annotations

import pytest

from dashboard import queries
from dashboard.briefing import render_html
from dashboard.period_marks import coverage_label, marks_text
from dashboard.store import Store
from etl.db import connect
from etl.load import build
from tests.test_analysis_skips import HEADER, _query
from tests.tiny import X0, Y0, write_tiny

POSITIONS = [(300, 300), (700, 300), (1300, 300), (1700, 700), (300, 1300)]


def steady_extract() -> str:
    """20 incidents a month, January 2016 to September 2017, spread over four buurten."""
    rows, k = [], 0
    for year, months in ((2016, 12), (2017, 9)):
        for month in range(1, months + 1):
            for i in range(20):
                k += 1
                x, y = POSITIONS[i % len(POSITIONS)]
                rows.append(f"S{k},fietsdiefstal,{year}-{month:02d}-{i + 1:02d},,{X0 + x},{Y0 + y}")
    return HEADER + "\n".join(rows) + "\n"


CONTEXT = """\
buurtcode,jaar,inwoners
BU99980101,2016,1400
BU99980102,2016,300
BU99980201,2016,2400
BU99980202,2016,900
"""

CONTEXT_SOURCE = """
[[sources]]
name = "kerncijfers"
kind = "context"
path = "kerncijfers.csv"
[sources.columns]
area_code = "buurtcode"
period = "jaar"
[sources.variables]
inhabitants = "inwoners"
"""


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    directory = tmp_path_factory.mktemp("partial")
    config = write_tiny(directory, incidents=steady_extract(), extra_config=CONTEXT_SOURCE)
    (directory / "kerncijfers.csv").write_text(CONTEXT, encoding="utf-8")
    db = directory / "out.duckdb"
    build(config, db)
    con = connect(db, read_only=True)
    yield con
    con.close()


def test_every_year_knows_its_months(partial):
    rows = partial.execute(
        "select period, first_month, last_month, months, complete, coverage "
        "from period_coverage where source = 'incidents' order by period"
    ).fetchall()
    assert rows == [
        ("2016", 1, 12, 12, True, None),
        ("2017", 1, 9, 9, False, "2017-01..2017-09"),
    ]


def test_figures_of_the_partial_year_are_marked(partial):
    marks = dict(
        partial.execute(
            "select indicator || ' ' || period, coverage from indicator_values "
            "where area_code = 'GM9998' and indicator in "
            "('incident_rate.total', 'incident_rate_eb.fietsdiefstal') "
            "or (area_code = 'BU99980101' and indicator = 'incident_rate_eb.fietsdiefstal')"
        ).fetchall()
    )
    assert marks["incident_rate.total 2016"] is None
    assert marks["incident_rate.total 2017"] == "2017-01..2017-09"
    assert marks["incident_rate_eb.fietsdiefstal 2017"] == "2017-01..2017-09"


def test_change_compares_the_same_months_of_the_year_before(partial):
    row = partial.execute(
        "select value_from, value_to, ratio, significant, months from changes "
        "where indicator = 'incident_rate.total' and area_code = 'GM9998' "
        "and period_from = '2016' and period_to = '2017'"
    ).fetchone()
    value_from, value_to, ratio, significant, months = row
    # 180 incidents in January-September of both years, per 1,000 of 5,000 inhabitants
    assert value_from == pytest.approx(180 / 5000 * 1000)
    assert value_to == pytest.approx(180 / 5000 * 1000)
    assert ratio == pytest.approx(1.0)
    assert not significant
    assert months == "01..09"


def test_denominator_of_the_nearest_year_is_recorded(partial):
    rows = dict(
        partial.execute(
            "select period, denominator_period from indicator_values "
            "where indicator = 'incident_rate.total' and area_code = 'BU99980101'"
        ).fetchall()
    )
    assert rows == {"2016": "2016", "2017": "2016"}  # no 2017 key figures: the nearest year
    eb = partial.execute(
        "select denominator_period from indicator_values "
        "where indicator = 'incident_rate_eb.total' and area_code = 'BU99980101' "
        "and period = '2017'"
    ).fetchone()
    assert eb == ("2016",)


def test_rates_without_key_figures_name_the_boundary_year(tmp_path):
    db = tmp_path / "out.duckdb"
    build(write_tiny(tmp_path), db)
    rows = _query(
        db,
        "select period, denominator_period from indicator_values "
        "where indicator = 'incident_rate.total' and area_code = 'WK999801' order by 1",
    )
    assert rows == [("2023", "2024"), ("2024", "2024")]  # the 2024 boundary file's inhabitants


def _path(con) -> str:
    return con.execute(
        "select file from pragma_database_list where name = current_database()"
    ).fetchone()[0]


@pytest.mark.parametrize(("lang", "text"), [("nl", "jan–sep 2017"), ("en", "Jan–Sep 2017")])
def test_months_are_named_in_both_languages(lang, text):
    assert coverage_label("2017-01..2017-09", lang) == text
    assert coverage_label("2014-04..2014-04", "en") == "Apr 2014"


def test_map_and_briefing_say_the_year_is_partial(partial):
    store = Store(_path(partial))
    map_note = marks_text(queries.period_marks(store, "incident_rate.total", "2017"), "en")
    assert map_note == (
        "Period 2017 holds Jan–Sep 2017 only. "
        "Population of 2016 used for 2017 (no figures of that year)."
    )
    assert marks_text(queries.period_marks(store, "incident_rate.total", "2016"), "en") == ""
    page = render_html(store, "WK999801", "2017", lang="nl")
    assert "Periode 2017 bevat alleen jan–sep 2017." in page
    assert "Inwoners van 2016 gebruikt voor 2017" in page
