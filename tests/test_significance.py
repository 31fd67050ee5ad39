"""One notion of significance: Benjamini–Hochberg q below fdr_alpha, in every table."""

from __future__ import annotations

import pytest

from dashboard.briefing import render_html
from dashboard.fmt import p_value
from dashboard.store import Store
from etl.db import connect

#: table -> (the condition that calls a row significant, its q-value column)
SIGNIFICANT = {
    "changes": ("significant", "q_value"),
    "hotspots": ("significant", "q_value"),
    "alerts": ("alert", "q_value"),
    "trends": ("direction <> 'none'", "mk_q"),
}


@pytest.fixture(scope="module")
def con(demo_db):
    con = connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("table", sorted(SIGNIFICANT))
def test_every_significant_row_has_q_below_fdr_alpha(con, table):
    alpha = float(
        con.execute("select value from build_settings where name = 'fdr_alpha'").fetchone()[0]
    )
    condition, q = SIGNIFICANT[table]
    shown, bad = con.execute(
        f"select count(*), count(*) filter (where not coalesce({q} < ?, false)) "
        f"from {table} where {condition}",
        [alpha],
    ).fetchone()
    assert bad == 0, f"{bad} of {shown} significant rows of {table} have q >= {alpha}"


def test_changes_name_the_size_of_their_family(con):
    rows = con.execute(
        """
        select count(*) filter (where family_size <> tested)
        from (
            select family_size, count(p_value) over (
                partition by indicator, level, period_from, period_to) as tested
            from changes where p_value is not null
        )
        """
    ).fetchone()[0]
    assert rows == 0
    # unadjusted p < 0.05 is no longer enough: the list is shorter than the raw one
    raw, adjusted = con.execute(
        "select count(*) filter (where p_value < 0.05), count(*) filter (where significant) "
        "from changes where level = 'buurt'"
    ).fetchone()
    assert adjusted < raw


def test_p_and_q_print_below_0001_or_with_three_decimals():
    values = (0.0, 0.0004, 0.001, 0.01234, 0.5, float("nan"), None)
    assert [p_value(v, "en") for v in values] == [
        "< 0.001",
        "< 0.001",
        "0.001",
        "0.012",
        "0.500",
        "–",
        "–",
    ]
    # in Dutch with a decimal comma, as every other number on a Dutch page
    assert [p_value(v, "nl") for v in values[1:5]] == ["< 0,001", "0,001", "0,012", "0,500"]


def test_briefing_words_a_significant_change_with_its_number_of_comparisons(con, demo_db):
    code, period, family, q = con.execute(
        """
        select area_code, period_to, family_size, q_value from changes
        where significant and level = 'wijk' order by q_value, area_code limit 1
        """
    ).fetchone()
    page = render_html(Store(demo_db), code, period, lang="en")
    section = page[page.index('class="changes"') :]
    assert f"significant after correction for {family} comparisons" in section
    assert p_value(q, "en") in section and ">0.0<" not in section
    dutch = render_html(Store(demo_db), code, period, lang="nl")
    assert f"significant na correctie voor {family} vergelijkingen" in dutch
