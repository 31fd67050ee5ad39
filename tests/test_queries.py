"""The in-memory path of the dashboard's values gives exactly what the SQL path gives."""

import pandas as pd
import pytest

from dashboard import queries
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
    sql = queries._area_values_sql(store, indicator, level, period)
    pd.testing.assert_frame_equal(held, sql, check_dtype=False)
    assert len(held) == len(queries.areas(store, level))
