"""Views shared between dashboard replicas through Redis: codec, keys, a real redis-server."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
import redis

from dashboard import queries
from dashboard.map_view import MapView, map_view
from dashboard.queries import shared_views, values
from dashboard.queries.shared_views import build_id, decode, encode, view_key
from dashboard.store import Store
from tests.redis_server import free_port, redis_url  # noqa: F401 (a fixture)

INDICATOR, LEVEL = "incident_rate.total", "buurt"


def _period(store: Store) -> str:
    return queries.periods(store, INDICATOR)[-1]


def _same_columns(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for name in a:
        left, right = np.asarray(a[name]), np.asarray(b[name])
        assert left.dtype == right.dtype, name
        assert pd.Series(left).equals(pd.Series(right)), name  # NaN where NaN


def test_views_come_back_from_json_as_they_went_in(demo_db):
    store = Store(demo_db)
    period = _period(store)
    columns = queries.public_area_columns(store, INDICATOR, LEVEL, period)
    assert len(columns["area_code"]) == 97 and np.isfinite(columns["value"]).sum() > 50
    _same_columns(decode(encode(columns)), columns)

    frame = queries.public_area_values(store, INDICATOR, LEVEL, period, role="professional")
    back = decode(encode(frame))
    assert isinstance(back.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(back, frame)

    # the map's view holds page components (the note on missing areas): not shared, kept
    # per process; a named tuple of plain values comes back as the function declares it
    view = map_view(store, store.version, INDICATOR, LEVEL, period, "public", "en")
    with pytest.raises(TypeError, match="cannot share a Span"):
        encode(view)
    plain = view._replace(missing=[])
    again = decode(encode(plain), MapView)
    assert isinstance(again, MapView) and again.classes == view.classes
    assert again.custom == view.custom and again.water == view.water
    _same_columns(again.values, view.values)


def test_the_codec_refuses_what_it_cannot_restore_exactly():
    with pytest.raises(TypeError, match="Timestamp"):
        encode({"when": pd.Timestamp("2024-01-01")})
    with pytest.raises(TypeError, match="keys other than strings"):
        encode({1: "a"})
    with pytest.raises(ValueError, match="dtype"):  # no object or structured type from data
        decode(json.dumps({"~": "array", "dtype": "|O", "data": [1]}).encode())


def test_a_build_has_its_own_id_and_copies_of_its_file_share_it(demo_db, tiny_db, tmp_path):
    demo = Store(demo_db)
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    ids = {build_id(demo, demo.version), build_id(Store(copy), Store(copy).version)}
    assert len(ids) == 1 and len(ids.pop()) == 32  # uuid4 hex, the same for the copy
    tiny = Store(tiny_db)
    assert build_id(tiny, tiny.version) != build_id(demo, demo.version)


def test_views_are_stored_in_redis_and_read_back_by_another_process(
    demo_db,
    redis_url,  # noqa: F811 (the fixture)
    monkeypatch,
):
    monkeypatch.setenv("UNEASE_VIEW_CACHE_URL", redis_url)
    client = redis.Redis.from_url(redis_url)
    store = Store(demo_db)
    period = _period(store)
    args = (INDICATOR, LEVEL, period, "public", "direct")
    name = "dashboard.queries.values._public_area_columns"
    key = view_key(build_id(store, store.version), name, args)
    values._public_area_columns.cache_clear()
    computed = queries.public_area_columns(store, *args)
    assert client.exists(key) and client.ttl(key) > 0
    _same_columns(decode(client.get(key)), computed)

    # what another replica stored is what this one serves (its own cache emptied first)
    stored = decode(client.get(key))
    stored["n_public"] = ["from redis"] * len(stored["area_code"])
    client.set(key, encode(stored))
    values._public_area_columns.cache_clear()
    served = queries.public_area_columns(store, *args)
    assert served["n_public"][0] == "from redis"
    values._public_area_columns.cache_clear()

    # a view the codec cannot hold is served all the same, and not stored
    view = map_view(store, store.version, INDICATOR, LEVEL, period, "public", "nl")
    assert len(view.classes) == 97
    assert not client.keys("unease:view:*map_view*")


def test_without_redis_the_view_is_computed_here(demo_db, monkeypatch):
    monkeypatch.setenv("UNEASE_VIEW_CACHE_URL", f"redis://127.0.0.1:{free_port()}/0")  # closed
    shared_views._warned.clear()
    store = Store(demo_db)
    values._public_area_columns.cache_clear()
    columns = queries.public_area_columns(store, INDICATOR, LEVEL, _period(store))
    assert len(columns["area_code"]) == 97
    assert any(w.startswith("view cache read failed") for w in shared_views._warned)
    values._public_area_columns.cache_clear()


def test_a_professional_view_in_redis_is_never_served_to_the_public(
    demo_db,
    redis_url,  # noqa: F811 (the fixture)
    monkeypatch,
):
    """Replicas share views by key: the role is part of it, so the exact counts a
    professional's request stored are not what a public request of the same view reads."""
    monkeypatch.setenv("UNEASE_VIEW_CACHE_URL", redis_url)
    client = redis.Redis.from_url(redis_url)
    store = Store(demo_db)
    small = {"1", "2", "3", "4"}
    exercised = 0
    for period in queries.periods(store, INDICATOR):
        values._public_area_columns.cache_clear()
        values._public_area_frame.cache_clear()
        exact = queries.public_area_columns(store, INDICATOR, LEVEL, period, "professional")
        stored = len(client.keys("unease:view:*_public_area_columns*"))
        assert stored >= 1
        values._public_area_columns.cache_clear()  # this process forgets: Redis answers
        shown = queries.public_area_columns(store, INDICATOR, LEVEL, period, "public")
        frame = queries.public_area_values(store, INDICATOR, LEVEL, period, "public")
        assert len(client.keys("unease:view:*_public_area_columns*")) == stored + 1
        exercised += bool(small & set(exact["n_public"]))
        assert not small & set(shown["n_public"]), period
        assert not small & set(frame["n_public"]), period
        assert not frame["n"].between(0.5, 4.5).any(), period
    assert exercised > 0  # the professional views held counts of 1-4
    values._public_area_columns.cache_clear()
    values._public_area_frame.cache_clear()
