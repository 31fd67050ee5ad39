"""Worse/better than the city follows the interval and the indicator's direction."""

import pandas as pd

from dashboard.compare import CLASSES, classify


def _frame(rows):
    return pd.DataFrame(rows, columns=["value", "ci_low", "ci_high"])


def test_interval_decides_and_direction_orients():
    frame = _frame([(30, 25, 35), (22, 15, 29), (10, 8, 12), (None, None, None), (80, 70, 90)])
    worse_high = [CLASSES[i] for i in classify(frame, 20.0, "higher_worse")]
    assert worse_high == ["worse", "similar", "better", "none", "much_worse"]
    better_high = [CLASSES[i] for i in classify(frame, 20.0, "higher_better")]
    assert better_high == ["better", "similar", "worse", "none", "much_better"]


def test_without_interval_ten_percent_margin_and_median_without_city():
    frame = _frame([(105, None, None), (130, None, None), (100, None, None)])
    assert [CLASSES[i] for i in classify(frame, 100.0, "higher_worse")][:2] == [
        "similar",
        "much_worse",
    ]
    assert [CLASSES[i] for i in classify(frame, None, "higher_worse")][2] == "similar"
