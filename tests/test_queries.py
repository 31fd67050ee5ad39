"""The in-memory path of the dashboard's values gives exactly what the SQL path gives."""

import pandas as pd
import pytest

from dashboard import queries
from dashboard.queries.values import _area_values_sql
from dashboard.store import Store


@pytest.mark.parametrize(
    "indicator, level, period",
    [
        ("survey_share.unsafe_own_buurt", "buurt", "2024"),
        ("incident_rate.total", "wijk", "2022"),
        ("incident_rate.zakkenrollerij", "buurt", "2021"),
        ("unease_index.overall", "buurt", "2023"),
        ("incident_rate.total", "buurt", "1999"),  # a period without values
    ],
)
def test_held_values_equal_the_query(demo_db, indicator, level, period):
    store = Store(demo_db)
    held = queries.area_values(store, indicator, level, period).reset_index(drop=True)
    sql = _area_values_sql(store, indicator, level, period)
    pd.testing.assert_frame_equal(held, sql, check_dtype=False)
    assert len(held) == len(queries.areas(store, level))


def test_model_values_are_read_only_when_asked_for(tiny_db, tmp_path):
    """A model row beside a direct one: every query reads the direct row unless it asks for
    'model'; the city value stays the direct one."""
    import shutil

    from etl.db import connect

    db = tmp_path / "with_model.duckdb"
    shutil.copy(tiny_db, db)
    con = connect(db)
    indicator, area, period = con.execute(
        "select v.indicator, v.area_code, v.period from indicator_values v "
        "join areas a on a.code = v.area_code "
        "where a.level = 'buurt' and v.value is not null order by all limit 1"
    ).fetchone()
    direct = con.execute(
        "select value from indicator_values where indicator = ? and area_code = ? and period = ?",
        [indicator, area, period],
    ).fetchone()[0]
    con.execute(
        "insert into indicator_values by name select indicator, area_code, level, period, "
        "value + 1 as value, ci_low, ci_high + 1 as ci_high, se, n, flag, source, "
        "'model' as method, 0.25 as model_share from indicator_values "
        "where indicator = ? and area_code = ? and period = ?",
        [indicator, area, period],
    )
    con.close()
    store = Store(db)
    for read in (queries.area_values, _area_values_sql):
        plain = read(store, indicator, "buurt", period).set_index("area_code")
        model = read(store, indicator, "buurt", period, "model").set_index("area_code")
        assert plain.loc[area, "value"] == pytest.approx(direct)
        assert model.loc[area, "value"] == pytest.approx(direct + 1)
        assert model["value"].notna().sum() == 1
        assert model["city_value"].iloc[0] == plain["city_value"].iloc[0]
    trend = queries.area_trend(store, indicator, area, "professional", "model")
    assert list(trend["value"]) == pytest.approx([direct + 1])
    with pytest.raises(ValueError, match="method"):
        queries.area_values(store, indicator, "buurt", period, "guess")
