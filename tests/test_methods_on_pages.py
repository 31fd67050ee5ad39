"""What the statistics promise is on the pages: hotspots, departures from methods.md."""

from __future__ import annotations

import pytest

from dashboard import queries
from dashboard.i18n import DEPARTURES
from dashboard.pages import data, profile
from dashboard.state import ViewState
from dashboard.store import Store
from etl.settings import Settings


@pytest.fixture(scope="module")
def store(demo_db) -> Store:
    return Store(demo_db)


def test_profile_shows_the_hotspots_of_a_stable_hotspot(store, demo_con):
    code = demo_con.execute(
        "select area_code from hotspots where stable and level = 'buurt' and period = 'all' "
        "order by area_code limit 1"
    ).fetchone()[0]
    frame = queries.area_hotspots(store, code)
    assert frame["stable"].any() and (frame.loc[frame["stable"], "q_value"] < 0.05).all()
    page = str(profile.body(store, code, "en"))
    assert "profile-hotspots" in page and "hotspot (buurt and wijk)" in page
    assert "Hotspots (Getis–Ord Gi*, alle jaren)" in str(profile.body(store, code, "nl"))


def test_public_hotspots_leave_out_sensitive_categories_below_wijk(store, demo_con):
    code = demo_con.execute(
        "select min(area_code) from hotspots where level = 'buurt' and gi_z is not null "
        "and indicator = 'incident_rate_eb.zeden'"
    ).fetchone()[0]
    public = queries.area_hotspots(store, code, "public")
    professional = queries.area_hotspots(store, code, "professional")
    assert "zeden" in set(professional["category"]) and "zeden" not in set(public["category"])


def test_data_page_lists_every_departure_with_an_existing_setting(store):
    settings = {f for f in Settings.__dataclass_fields__}
    assert all(d["setting"] in settings for d in DEPARTURES if d["setting"])
    for lang, word in (("nl", "Waar het product afwijkt"), ("en", "Where the product departs")):
        page = str(data.layout(store, ViewState(page="data", lang=lang)))
        assert word in page and "departures-table" in page
        assert "hotspot_scale" in page
    assert len(data.departures("en")) == len(DEPARTURES)
