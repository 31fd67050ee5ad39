"""What a person sees in a real browser (headless Chromium through dash_duo)."""

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from dashboard import basemap
from tests.browser import SHAPES, ctl, start_map, table_pages, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture()
def dash(dash_duo, demo_db):
    return start_map(dash_duo, demo_db)


def _count(dash, n):
    return (
        wait_until(lambda: len(dash.find_elements(SHAPES)) == n)
        and n
        or len(dash.find_elements(SHAPES))
    )


def test_map_shows_one_shape_per_buurt_then_per_wijk_with_a_legend(dash, demo_con):
    buurten = demo_con.execute("select count(*) from areas where level = 'buurt'").fetchone()[0]
    wijken = demo_con.execute("select count(*) from areas where level = 'wijk'").fetchone()[0]
    assert _count(dash, buurten) == buurten
    legend = " ".join(e.text for e in dash.find_elements("#map .legend text"))
    assert "slechter dan de gemeente" in legend and "geen gegevens" in legend
    assert "niet significant verschillend van de gemeente" in legend
    assert "water" in legend and "niet van toepassing (te weinig inwoners)" in legend
    dash.find_element(f"{ctl('level')} input[value='wijk']").click()
    assert _count(dash, wijken) == wijken
    assert "level=wijk" in dash.driver.current_url
    # offline, the background map's one test tile fails to load (that is how the page
    # learns to draw without tiles); nothing else may fail
    probe = basemap.probe_url(basemap.tiles())
    assert [e for e in dash.get_logs() if not e["message"].startswith(probe)] == []


def test_clicking_an_area_updates_the_trend_title(dash, demo_con):
    dash.find_element(f"{ctl('level')} input[value='wijk']").click()
    wijken = demo_con.execute("select count(*) from areas where level = 'wijk'").fetchone()[0]
    _count(dash, wijken)
    code, name = demo_con.execute(
        "select code, name from areas where level = 'wijk' order by code desc limit 1"
    ).fetchone()
    shape = dash.driver.execute_script(
        """
        return Array.from(document.querySelectorAll('#map path.choroplethlocation'))
            .find(p => p.__data__ && p.__data__.loc === arguments[0]) || null;
        """,
        code,
    )
    ActionChains(dash.driver).move_to_element(shape).click().perform()
    dash.wait_for_contains_text("#trend .gtitle", name, timeout=10)
    assert f"area={code}" in dash.driver.current_url


def test_language_switch_changes_labels_and_table_has_a_row_per_area(dash, demo_con):
    assert dash.find_element("#level-label").text == "Niveau"
    assert "niet getoond onder 50 respondenten" in dash.find_element("#map-definition").text
    dash.find_element("#lang input[value='en']").click()
    dash.wait_for_text_to_equal("#level-label", "Level", timeout=10)
    dash.wait_for_text_to_equal("#nav-trends", "Trends and comparison", timeout=10)
    dash.wait_for_contains_text("#map-definition", "withheld below 50 respondents", timeout=10)
    assert "lang=en" in dash.driver.current_url
    buurten = demo_con.execute("select count(*) from areas where level = 'buurt'").fetchone()[0]
    dash.find_element("#map-table-summary").click()
    rows = table_pages(dash, "#map-data-table")
    assert len(rows) == buurten
    assert len({r["label"] for r in rows}) == buurten


def test_areas_without_a_figure_show_their_kind_of_missing_and_reason_not_zero(dash, demo_con):
    withheld = demo_con.execute(
        """
        select count(*) from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = 'survey_share.unsafe_own_buurt' and a.level = 'buurt'
          and v.period = '2024' and v.value is null and v.method = 'direct'
        """
    ).fetchone()[0]
    no_survey = demo_con.execute(
        """
        select count(*) from areas a where a.level = 'buurt' and not exists (
            select 1 from indicator_values v where v.area_code = a.code and v.period = '2024'
            and v.indicator = 'survey_share.unsafe_own_buurt' and v.method = 'direct')
        """
    ).fetchone()[0]
    # shares that stand for 1 to 4 respondents are withheld from the public too
    few = demo_con.execute(
        """
        select count(*) from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = 'survey_share.unsafe_own_buurt' and a.level = 'buurt'
          and v.period = '2024' and v.method = 'direct'
          and v.value / 100 * v.n >= 0.5 and v.value / 100 * v.n < 4.5
        """
    ).fetchone()[0]
    assert withheld > 0
    water = demo_con.execute(
        "select count(*) from areas where level = 'buurt' and is_water"
    ).fetchone()[0]
    dash.wait_for_contains_text("#map-missing", "Zonder cijfer", timeout=10)
    note = dash.find_element("#map-missing").text
    assert f"Zonder cijfer: {withheld + no_survey + few} gebieden" in note
    assert f"{withheld} × niet getoond: te weinig respondenten" in note
    if few:
        assert f"{few} × niet getoond: minder dan 5 respondenten gaven dit antwoord" in note
    attribution = dash.find_element("#map-attribution").text
    assert "Grenzen: Demostad (synthetic), 2024 (CC0-1.0)" in attribution
    assert "Gegevens: Demostad (synthetic survey) (CC0-1.0)" in attribution

    def filled(colour):
        return dash.driver.execute_script(
            """
            return Array.from(document.querySelectorAll('#map path.choroplethlocation'))
                .filter(p => getComputedStyle(p).fill === arguments[0]).length
            """,
            colour,
        )

    # withheld (disclosure, too few respondents) in dark grey, water in light blue, no
    # survey at all in light grey: each kind its own colour
    assert wait_until(lambda: filled("rgb(106, 106, 106)") == withheld + few)
    assert filled("rgb(158, 202, 225)") == water
    assert filled("rgb(206, 206, 206)") == no_survey - water


def test_keyboard_reaches_the_indicator_selector(dash):
    reached = False
    for _ in range(25):
        ActionChains(dash.driver).send_keys(Keys.TAB).perform()
        reached = dash.driver.execute_script(
            "return document.activeElement.closest(arguments[0]) !== null;", ctl("indicator")
        )
        if reached:
            break
    assert reached


def _plotly_fetches(dash) -> list[str]:
    """The addresses of plotly.js the page fetched (the page's own and any fallback)."""
    return dash.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".map(e => e.name).filter(n => n.includes('/plotly/'))"
    )


def test_a_served_dashboard_draws_its_first_map_from_what_it_prepared(dash_duo, demo_db):
    """``unease serve`` warms the app before its first visitor; that visitor's map is then
    the one prepared (nothing built again), and plotly.js is fetched once, as the page
    opens, at its fingerprinted address."""
    from dashboard import plotly_script
    from dashboard.app import create_app
    from dashboard.map_view import _whole_map
    from dashboard.warm import warm

    app = create_app(demo_db)
    warm(app)
    before = _whole_map.cache_info()
    start_map(dash_duo, demo_db, app)
    after = _whole_map.cache_info()
    assert after.misses == before.misses and after.hits > before.hits
    plotly = _plotly_fetches(dash_duo)
    assert len(plotly) == 1 and "/plotly/plotly-unease." in plotly[0], plotly
    deferred = dash_duo.driver.execute_script(
        "return [...document.scripts].filter(s => s.src.includes('/plotly/')).map(s => s.defer)"
    )
    assert deferred == [True]
    # the build holds the trace types it says (dashboard/plotly_bundle/traces.json)
    traces = dash_duo.driver.execute_script("return Object.keys(Plotly.PlotSchema.get().traces)")
    assert sorted(traces) == sorted(json.loads(plotly_script.TRACES.read_text()))


def test_a_graph_that_appears_before_plotly_js_has_run_waits_for_it(dash_duo, demo_db):
    """On a slow connection the map can appear before the deferred plotly.js has come:
    it waits for it (assets/plotly_first.js) instead of fetching plotly.js again."""
    import time

    from flask import request

    from dashboard.app import create_app

    app = create_app(demo_db)

    @app.server.before_request
    def slow_plotly():
        if "/plotly/" in request.path:
            time.sleep(4)  # well after the page's first answers

    # as the map page is put on the page (its graph asks for plotly.js then): is
    # plotly.js still on its way, and window.Plotly the promise of it?
    dash_duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__plotlyWhenMapPage = null; (function look() {"
            " if (document.getElementById('map-method')) {"
            " window.__plotlyWhenMapPage = window.Plotly instanceof Promise; return; }"
            " requestAnimationFrame(look); })();"
        },
    )
    start_map(dash_duo, demo_db, app)
    plotly = _plotly_fetches(dash_duo)
    page_script = dash_duo.driver.execute_script("return document.getElementById('plotly-js').src")
    assert plotly == [page_script]
    assert dash_duo.driver.execute_script("return window.__plotlyWhenMapPage") is True


def test_when_plotly_js_does_not_come_the_map_is_drawn_with_the_full_one(dash_duo, demo_db):
    """The page's plotly.js failing (here: not found) is not the end of the map: the full
    plotly.js of the plotly package is loaded instead (assets/plotly_first.js)."""
    from flask import abort, request

    from dashboard.app import create_app

    app = create_app(demo_db)

    @app.server.before_request
    def missing_plotly():
        if request.path.startswith("/plotly/"):
            abort(404)

    start_map(dash_duo, demo_db, app)
    fallback = dash_duo.driver.execute_script(
        "return document.getElementById('plotly-js').dataset.fallback"
    )
    loaded = _plotly_fetches(dash_duo)
    assert loaded[-1].endswith(fallback) and len(loaded) == 2, loaded
