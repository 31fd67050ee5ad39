"""Disclosure control: what the public sees of small counts and sensitive categories."""

import pandas as pd

from etl.disclosure import public_count, public_values


def test_small_counts_show_as_less_than_five_and_others_round_to_five():
    assert [public_count(n) for n in (0, 1, 4, 5, 7, 8, 12, 1234)] == [
        "0",
        "<5",
        "<5",
        "5",
        "5",
        "10",
        "10",
        "1.235",
    ]
    assert public_count(7, round_to=1) == "7"
    assert public_count(None) == "–"


def test_sensitive_category_withheld_below_wijk_level():
    frame = pd.DataFrame(
        {"value": [3.2], "ci_low": [1.0], "ci_high": [6.0], "n": [3], "flag": ["ok"]}
    )
    buurt = public_values(frame, sensitive=True, level="buurt")
    assert buurt["value"].isna().all() and buurt["flag"].tolist() == ["suppressed"]
    wijk = public_values(frame, sensitive=True, level="wijk")
    assert wijk["value"].tolist() == [3.2] and wijk["n_public"].tolist() == ["<5"]


def test_bar_lengths_do_not_reveal_small_counts():
    from etl.disclosure import disclosed_length

    assert [disclosed_length(n) for n in (0, 1, 3, 4, 7, 8, 12)] == [0, 2.5, 2.5, 2.5, 5, 10, 10]
