"""The loaders on the real public files in ../shared/data/real (skipped when absent).

The location is a setting: UNEASE_REAL_DATA (default: the shared folder next to the
checkout).  Nothing is copied into the project.
"""

import os

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from etl.load import build
from tests.browser import ctl
from tests.conftest import REAL_DATA

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")
pytestmark = pytest.mark.skipif(
    not (REAL_DATA / "nl_buurt_crime_trend_kerncijfers_2024").is_dir(),
    reason=f"real data not found at {REAL_DATA} (set UNEASE_REAL_DATA)",
)


@pytest.fixture(scope="module")
def amsterdam_db(tmp_path_factory):
    env = pytest.MonkeyPatch()
    env.setenv("UNEASE_REAL_DATA", str(REAL_DATA))
    db = tmp_path_factory.mktemp("ams") / "amsterdam.duckdb"
    build(os.path.join(EXAMPLES, "amsterdam.toml"), db)
    env.undo()
    return db


@pytest.fixture(scope="module")
def amsterdam(amsterdam_db):
    con = duckdb.connect(str(amsterdam_db), read_only=True)
    yield con
    con.close()


def test_every_cbs_buurt_of_2024_is_loaded(amsterdam):
    cbs = pd.read_parquet(REAL_DATA / "nl_buurt_crime_trend_kerncijfers_2024" / "buurten.parquet")
    cbs_codes = set(cbs.loc[cbs["gemeente_code"] == "GM0363", "code"])
    assert len(cbs_codes) == 517
    loaded = {
        c for (c,) in amsterdam.execute("select code from areas where level = 'buurt'").fetchall()
    }
    assert cbs_codes <= loaded
    assert loaded - cbs_codes == {"BU0363MK06"}  # in the municipal register, not in CBS 2024
    levels = dict(amsterdam.execute("select level, count(*) from areas group by level").fetchall())
    assert levels["stadsdeel"] == 9 and levels["gemeente"] == 1


def test_crime_rates_2021_to_2025_and_totals_reconciled(amsterdam):
    years = amsterdam.execute(
        "select period, count(value) from indicator_values where indicator = 'incident_rate.total' "
        "and level = 'buurt' group by period order by period"
    ).fetchall()
    assert [y for y, _ in years] == ["2021", "2022", "2023", "2024", "2025"]
    assert all(n > 400 for _, n in years)  # buurten under 200 inhabitants get no rate
    rows = amsterdam.execute(
        "select period, reported, sum_of_children, difference from count_reconciliation "
        "where area_code = 'GM0363' and child_level = 'buurt' order by period"
    ).fetchall()
    assert len(rows) == 5
    assert dict((p, r) for p, r, _, _ in rows)["2024"] == 82331  # CBS's Amsterdam total
    for _, reported, children, difference in rows:
        assert difference == reported - children


def test_safety_index_series_on_the_2024_wijken(amsterdam):
    periods = [
        p
        for (p,) in amsterdam.execute(
            "select distinct period from indicator_values where indicator = "
            "'veiligheidsindex.veiligheidsindex' order by period"
        ).fetchall()
    ]
    assert periods == ["2014", "2015", "2016", "2017", "2018", "2019_1", "2019_2", "2019_3"]
    wijken = amsterdam.execute(
        "select count(distinct area_code) from indicator_values where indicator = "
        "'veiligheidsindex.veiligheidsindex' and level = 'wijk' and harmonised = 'name'"
    ).fetchone()[0]
    assert wijken >= 60
    city = amsterdam.execute(
        "select value from indicator_values where indicator = 'veiligheidsindex.veiligheidsindex' "
        "and area_code = 'GM0363' and period = '2014'"
    ).fetchone()[0]
    assert city == pytest.approx(100.0)
    unmatched = amsterdam.execute(
        "select count(distinct reason) from quarantine where source = 'veiligheidsindex' "
        "and reason like 'unknown area code%'"
    ).fetchone()[0]
    assert unmatched > 0  # every unmatched 2015 wijk is listed


def test_sources_carry_their_attribution(amsterdam):
    rows = dict(
        amsterdam.execute("select source, publisher || ' | ' || licence from sources").fetchall()
    )
    assert rows["crime"] == "Politie via CBS (47022NED) | CC BY 4.0"
    assert rows["wijken"] == "Kadaster / CBS | CC BY 4.0"


def test_amsterdam_has_an_incident_index_and_nothing_called_an_unease_index(amsterdam):
    """No survey for Amsterdam: the incident part alone is an incident index (methods §5)."""
    called_unease = amsterdam.execute(
        """
        select indicator from indicator_meta
        where lower(name_en) like '%unease index%' or lower(name_nl) like '%onbehagenindex%'
            or indicator like 'unease_index.%'
        """
    ).fetchall()
    assert called_unease == []
    name = amsterdam.execute(
        "select name_en from indicator_meta where indicator = 'index_part.incidents'"
    ).fetchone()[0]
    assert "incident index" in name
    missing = amsterdam.execute("select distinct parts_missing from unease_index_parts").fetchall()
    assert missing == [("nuisance,perceived",)]


def test_values_matched_by_name_are_marked(amsterdam_db, amsterdam):
    """The Veiligheidsindex of 2015 wijken is matched by name: the pages say so."""
    from dashboard import queries
    from dashboard.harmonised_marks import harmonised_text
    from dashboard.pages import data
    from dashboard.state import ViewState
    from dashboard.store import Store

    store = Store(amsterdam_db)
    named = amsterdam.execute(
        "select count(distinct area_code) from indicator_values "
        "where harmonised = 'name' and indicator = 'veiligheidsindex.veiligheidsindex'"
    ).fetchone()[0]
    assert named > 0
    marks = queries.harmonised_marks(store, "veiligheidsindex.veiligheidsindex")
    assert f"{named} areas matched by name" in harmonised_text(marks, "en")
    assert "gekoppeld op naam" in str(data.layout(store, ViewState(page="data", lang="nl")))


def test_another_municipality_needs_only_a_config(tmp_path, monkeypatch):
    """Rotterdam with examples/rotterdam.toml: its boundaries as `unease fetch` writes them
    (here a grid of the real Rotterdam buurt codes, as no boundary file is at hand offline),
    the national crime and key-figure tables as they are."""
    table = pd.read_parquet(REAL_DATA / "nl_buurt_crime_trend_kerncijfers_2024" / "buurten.parquet")
    rdam = table[table["gemeente_code"] == "GM0599"].sort_values("code").reset_index(drop=True)
    side = int(np.ceil(np.sqrt(len(rdam))))
    cells = [
        box(
            90000 + 500 * (i % side),
            435000 + 500 * (i // side),
            90500 + 500 * (i % side),
            435500 + 500 * (i // side),
        )
        for i in range(len(rdam))
    ]
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": rdam["code"],
            "buurtnaam": rdam["name"],
            "wijkcode": rdam["wijk_code_from_buurt"],
            "gemeentecode": "GM0599",
            "water": "NEE",
            "aantal_inwoners": rdam["demo_inwoners"].fillna(-99999999),
        },
        geometry=cells,
        crs=28992,
    )
    path = tmp_path / "cbs_wijkenbuurten_2024_GM0599.gpkg"
    buurten.to_file(path, layer="buurten", driver="GPKG")
    wijken = buurten.dissolve(by="wijkcode").reset_index()[["wijkcode", "geometry"]]
    wijken["wijknaam"] = wijken["wijkcode"]
    wijken["aantal_inwoners"] = -99999999
    wijken.to_file(path, layer="wijken", driver="GPKG")
    monkeypatch.setenv("UNEASE_BOUNDARIES", str(path))
    monkeypatch.setenv("UNEASE_REAL_DATA", str(REAL_DATA))
    build(os.path.join(EXAMPLES, "rotterdam.toml"), tmp_path / "r.duckdb")
    con = duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True)
    assert con.execute("select count(*) from areas where level = 'buurt'").fetchone() == (91,)
    total = con.execute(
        "select n from incident_counts where area_code = 'GM0599' and period = '2024' "
        "and category = 'total'"
    ).fetchone()[0]
    assert total == 54286  # CBS's Rotterdam total for 2024
    rates = con.execute(
        "select count(value) from indicator_values where indicator = 'incident_rate.total' "
        "and level = 'buurt' and period = '2024'"
    ).fetchone()[0]
    assert rates > 60


@pytest.mark.browser
def test_amsterdam_map_shows_every_buurt_and_the_safety_index(dash_duo, amsterdam_db):
    from selenium.webdriver.common.keys import Keys

    from dashboard import basemap
    from dashboard.app import create_app

    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(create_app(amsterdam_db))
    dash_duo.wait_for_element("#map path.choroplethlocation", timeout=30)
    shapes = "#map path.choroplethlocation"
    assert len(dash_duo.find_elements(shapes)) == 518
    # by keyboard: open the indicator list, type, Enter
    dash_duo.find_element(ctl("indicator")).click()
    search = dash_duo.wait_for_element(".dash-dropdown-content input", timeout=5)
    search.send_keys("Veiligheidsindex (OIS)")
    search.send_keys(Keys.ENTER)
    dash_duo.find_element(f"{ctl('level')} input[value='wijk']").click()
    dash_duo.wait_for_contains_text("#map-attribution", "Onderzoek en Statistiek", timeout=15)
    assert "Kadaster / CBS, 2024 (CC BY 4.0)" in dash_duo.find_element("#map-attribution").text
    # offline, the background map's one test tile fails to load (that is how the page
    # learns to draw without tiles); nothing else may fail
    probe = basemap.probe_url(basemap.tiles())
    assert [e for e in dash_duo.get_logs() if not e["message"].startswith(probe)] == []
