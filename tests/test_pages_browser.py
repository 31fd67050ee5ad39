"""The other pages in a real browser, and a shared URL restoring the same view."""

import pytest

from dashboard.app import create_app
from tests.browser import ctl, table_pages, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture()
def app_url(dash_duo, demo_db):
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(create_app(demo_db))
    # the first page is drawn before a test opens another address: no overlapping loads
    dash_duo.wait_for_element("#map path.choroplethlocation", timeout=30)
    return dash_duo


def _open(dash, path):
    dash.driver.get(dash.server_url + path)


def test_a_shared_url_restores_the_same_view(app_url, demo_con):
    dash = app_url
    code, name = demo_con.execute(
        "select code, name from areas where level = 'wijk' order by code limit 1 offset 2"
    ).fetchone()
    wijken = demo_con.execute("select count(*) from areas where level = 'wijk'").fetchone()[0]
    _open(
        dash, f"/?indicator=incident_rate.woninginbraak&level=wijk&period=2022&area={code}&lang=en"
    )
    dash.wait_for_contains_text("#trend .gtitle", name, timeout=40)
    assert wait_until(lambda: len(dash.find_elements("#map path.choroplethlocation")) == wijken)
    assert dash.find_element(f"{ctl('level')} input[value='wijk']").is_selected()
    assert dash.find_element(f"{ctl('period')}").text.strip().startswith("2022")
    assert "residential burglary" in dash.find_element(f"{ctl('indicator')}").text
    assert dash.find_element("#nav-map").text == "Map"


def test_profile_shows_the_database_value(app_url, demo_con):
    dash = app_url
    code, name = demo_con.execute(
        """
        select v.area_code, a.name from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = 'survey_share.unsafe_own_buurt' and v.flag = 'ok'
          and v.method = 'direct'
          and a.level = 'buurt' and v.period = '2024' order by v.area_code limit 1
        """
    ).fetchone()
    value = demo_con.execute(
        "select value from indicator_values where indicator = 'survey_share.unsafe_own_buurt' "
        "and area_code = ? and period = '2024' and method = 'direct'",
        [code],
    ).fetchone()[0]
    _open(dash, f"/gebied?area={code}")
    dash.wait_for_contains_text("#profile-title", name, timeout=20)
    cells = [e.text for e in dash.find_elements("#profile-key-figures td[data-dash-column=value]")]
    assert f"{value:,.1f}".translate(str.maketrans(",.", ".,")) in cells  # Dutch: 12,3
    assert dash.find_elements("#profile-trend-incident_rate-total .main-svg")


def test_trends_page_shows_comparison_quadrant_funnel_and_changes(app_url):
    dash = app_url
    _open(dash, "/trends?indicator=incident_rate.total&level=buurt")
    dash.wait_for_element("#trends-quadrant .scatterlayer .point", timeout=20)
    assert wait_until(lambda: len(dash.find_elements("#trends-funnel .scatterlayer .point")) > 50)
    assert wait_until(lambda: len(dash.find_elements("#trends-several .scatterlayer .trace")) >= 2)
    changes = dash.find_elements("#changes-table td[data-dash-column=indicator]")
    assert changes, "the planted changes are listed"
    alerts = [e.text for e in dash.find_elements("#alerts-table td[data-dash-column=category]")]
    assert "vernieling" in alerts


def test_initiatives_page_lists_every_initiative_and_the_seven_forms(app_url, demo_con):
    dash = app_url
    _open(dash, "/initiatieven?level=wijk")
    dash.wait_for_element("#initiatives-register", timeout=20)
    total = demo_con.execute("select count(*) from initiatives").fetchone()[0]
    rows = dash.find_elements("#initiatives-register td[data-dash-column=name]")
    assert len(rows) == total
    legend = " ".join(e.text for e in dash.find_elements("#initiatives-map .legend text"))
    assert "burgertoezicht" in legend and "bemiddeling" in legend
    # the page leads with the map; no internal ids, 'nan' or midnight times on it
    first = dash.driver.execute_script("return document.querySelector('#page .dash-graph').id")
    assert first == "initiatives-map"
    dash.wait_for_element("#effects-sentences li", timeout=20)
    text = dash.find_element("#page").text
    for internal in ("initiative_id", "change_ring", "nan", "00:00:00", "share_benefits"):
        assert internal not in text.split(), internal


def test_data_page_lists_sources_quarantine_and_definitions(app_url, demo_con):
    dash = app_url
    _open(dash, "/data?lang=en")
    dash.wait_for_element("#sources-table", timeout=20)
    sources = demo_con.execute("select count(*) from sources").fetchone()[0]
    assert len(dash.find_elements("#sources-table td[data-dash-column=source]")) == sources
    reasons = [e.text for e in dash.find_elements("#quarantine-table td[data-dash-column=reason]")]
    assert "point lies outside the municipality" in reasons
    definitions = dash.find_element("#definitions-table").text
    assert "Wilson" in definitions


def test_a_sensitive_category_per_buurt_is_withheld_with_its_reason(app_url, demo_con):
    dash = app_url
    code, name = demo_con.execute(
        """
        select v.area_code, a.name from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = 'incident_rate.zeden' and a.level = 'buurt' and v.period = '2024'
            and v.n between 1 and 4 and v.method = 'direct'
        order by v.area_code limit 1
        """
    ).fetchone()
    # water buurten are listed as water, every other buurt as withheld
    buurten = demo_con.execute(
        "select count(*) from areas where level = 'buurt' and not coalesce(is_water, false)"
    ).fetchone()[0]
    _open(dash, "/?indicator=incident_rate.zeden&level=buurt&period=2024")
    reason = "niet getoond: gevoelige categorie, alleen per wijk of groter"
    dash.wait_for_contains_text("#map-missing", reason, timeout=40)
    assert f"{buurten} × {reason}" in dash.find_element("#map-missing").text
    dash.find_element("#map-table-summary").click()
    cells = next(r for r in table_pages(dash, "#map-data-table") if r["label"] == name)
    assert cells["value"] == "–" and cells["n"] == "–" and cells["flag"] == reason


def test_map_switches_to_model_based_figures_and_says_so(app_url, demo_con):
    """The buurt map of "voelt zich weleens onveilig in eigen buurt": direct figures grey out
    the small buurten; model-based ones give every buurt with respondents a value."""
    dash = app_url
    _open(dash, "/?indicator=survey_share.unsafe_own_buurt&level=buurt&period=2024")
    dash.wait_for_contains_text("#map-method", "directe cijfers", timeout=30)
    dash.find_element(f"{ctl('method')} input[value='model']").click()
    dash.wait_for_contains_text("#map-method", "modelschattingen", timeout=30)
    assert "method=model" in dash.driver.current_url
    assert "method=model" in dash.find_element("#download-csv").get_attribute("href")
    sampled = demo_con.execute(
        "select count(*) from survey_estimates where indicator = "
        "'survey_share.unsafe_own_buurt' and level = 'buurt' and period = '2024' and n > 0"
    ).fetchone()[0]
    # the table behind the map: a value (not "–") for every buurt with respondents
    dash.find_element("#map-table-summary").click()

    def valued_rows():
        return [r for r in table_pages(dash, "#map-data-table") if r["value"] not in ("", "–")]

    assert len(wait_until(lambda: len(valued_rows()) == sampled and valued_rows(), 60)) == sampled
