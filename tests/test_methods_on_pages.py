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


def test_initiative_comparisons_show_their_interval_method_and_placebo(store):
    """The Initiatives page shows initiative_effects through the gate: the interval method
    and the placebo (or why there is none) stand beside every estimate, for the public too."""
    for role in ("public", "professional"):
        rows = queries.table_rows(store, "initiative_effects", role)
        shown = rows[rows["estimate"].notna()]
        assert len(shown) > 40
        incidents = shown[shown["outcome"].str.startswith("incident_rate.")]
        assert incidents["inference"].str.contains("Interval from the model: quasi-Poisson").all()
        assert incidents["inference"].str.contains("Interval van het model").all()
        assert (shown["placebo_estimate"].notna() | shown["placebo_skip"].notna()).all()
    page = str(data.layout(store, ViewState(page="data", lang="en")))
    assert "initiative_cross_fit" in page and "Initiatives: interval" in page
