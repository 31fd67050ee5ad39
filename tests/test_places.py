"""Areas by name and by place: the search behind the area chooser and an area's parent or
child at another level (on Kleindorp: 2 wijken of 2 buurten)."""

from dashboard import area_choice, queries
from dashboard.store import Store


def _found(store, text):
    places = queries.places(store)
    return [(places.code[i], places.level[i]) for i in queries.search_areas(store, text)]


def test_search_finds_part_of_a_name_on_every_level_larger_levels_first(tiny_db):
    store = Store(tiny_db)
    assert _found(store, "west") == [("BU99980102", "buurt"), ("BU99980101", "buurt")]
    assert _found(store, "OOST") == [("BU99980202", "buurt"), ("BU99980201", "buurt")]
    found = _found(store, "9998")  # codes match too: the gemeente, both wijken, 4 buurten
    assert [level for _, level in found] == ["gemeente"] + ["wijk"] * 2 + ["buurt"] * 4
    assert _found(store, "  ") == [] and _found(store, "Amsterdam") == []


def test_a_search_answers_at_most_the_limit(tiny_db):
    store = Store(tiny_db)
    assert len(queries.search_areas(store, "9998")) == 7
    assert len(queries.search_areas(store, "9998", limit=3)) == 3
    assert _found(store, "dorp") == [("GM9998", "gemeente")]


def test_a_level_switch_finds_the_parent_or_the_most_populous_child(tiny_db):
    store = Store(tiny_db)
    assert queries.counterpart(store, "BU99980102", "wijk") == "WK999801"
    assert queries.counterpart(store, "BU99980102", "gemeente") == "GM9998"
    assert queries.counterpart(store, "WK999801", "buurt") == "BU99980101"  # 1,500 > 150
    assert queries.counterpart(store, "WK999802", "buurt") == "BU99980201"  # 2,500 > 800
    assert queries.counterpart(store, "WK999802", "wijk") == "WK999802"
    assert queries.counterpart(store, "BU99980101", "stadsdeel") is None


def test_the_default_area_is_the_one_asked_for_or_the_municipality(tiny_db):
    store = Store(tiny_db)
    assert area_choice.default_area(store, "WK999802") == "WK999802"
    assert area_choice.default_area(store, None) == "GM9998"
    assert area_choice.default_area(store, "BU00000000") == "GM9998"
    assert area_choice.chosen(store, "BU99980201", "nl") == [
        {"label": "Zuidoost (buurt)", "value": "BU99980201"}
    ]
    assert [o["value"] for o in area_choice.chosen(store, ["GM9998", "BU0", "WK999801"], "nl")] == [
        "GM9998",
        "WK999801",
    ]
