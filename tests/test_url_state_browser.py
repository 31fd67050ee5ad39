"""The address is the view: fresh loads, Back and Forward, the level switch, the area
search and the language of the page, in a real browser (headless Chromium)."""

import pytest

from tests.browser import SHAPES, ctl, start_map, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture()
def dash(dash_duo, demo_db):
    return start_map(dash_duo, demo_db)


def _open(dash, path):
    dash.driver.get(dash.server_url + path)


def _count(demo_con, level):
    return demo_con.execute("select count(*) from areas where level = ?", [level]).fetchone()[0]


def _shapes(dash):
    return len(dash.find_elements(SHAPES))


def _checked(dash, name, value):
    """Whether the radio button ``value`` of control ``name`` is on, read in one step (the
    page may be drawn anew between finding an element and asking it)."""
    return dash.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.checked : null;",
        f"{ctl(name)} input[value='{value}']",
    )


def _geo_axes(dash):
    """The longitude and latitude ranges the map is drawn at (None: fitted to every area)."""
    return dash.driver.execute_script(
        "const g = document.querySelector('#map .js-plotly-plot')._fullLayout.geo;"
        "return [g.lonaxis.range, g.lataxis.range];"
    )


def test_twenty_fresh_english_loads_all_draw(dash, demo_con):
    buurten = _count(demo_con, "buurt")
    city = demo_con.execute("select name from areas where level = 'gemeente'").fetchone()[0]
    for load in range(20):
        dash.driver.get("about:blank")
        _open(dash, "/?lang=en")
        drawn = wait_until(lambda: _shapes(dash) == buurten, timeout=30)
        assert drawn, f"load {load + 1}: {_shapes(dash)} of {buurten} areas drawn"
        dash.wait_for_contains_text("#trend .gtitle", city, timeout=20)
        assert dash.find_element("#level-label").text == "Level"
        assert dash.driver.execute_script("return document.documentElement.lang") == "en"
    # the first answer already says so, before any script runs
    assert '<html lang="en">' in dash.driver.execute_script(
        "return fetch(arguments[0]).then(r => r.text());", dash.server_url + "/?lang=en"
    )


def test_back_and_forward_restore_controls_and_content(dash, demo_con):
    buurten, wijken = _count(demo_con, "buurt"), _count(demo_con, "wijk")
    _open(dash, "/?indicator=incident_rate.total&level=wijk&period=2022")
    assert wait_until(lambda: _shapes(dash) == wijken, timeout=30)
    dash.find_element(f"{ctl('level')} input[value='buurt']").click()
    assert wait_until(lambda: _shapes(dash) == buurten)
    assert wait_until(lambda: "level=buurt" in dash.driver.current_url)
    dash.find_element(f"{ctl('method')} input[value='model']").click()
    assert wait_until(lambda: "method=model" in dash.driver.current_url)

    dash.driver.back()
    assert wait_until(lambda: "method=model" not in dash.driver.current_url)
    assert wait_until(lambda: _checked(dash, "method", "direct"))
    dash.driver.back()
    assert wait_until(lambda: "level=wijk" in dash.driver.current_url)
    assert wait_until(lambda: _checked(dash, "level", "wijk"))
    assert wait_until(lambda: _shapes(dash) == wijken), "the map shows wijken again"
    assert wait_until(
        lambda: (
            dash.driver.execute_script(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                ctl("period"),
            )
            .strip()
            .startswith("2022")
        )
    )

    dash.driver.forward()
    assert wait_until(lambda: "level=buurt" in dash.driver.current_url)
    assert wait_until(lambda: _shapes(dash) == buurten), "the map shows buurten again"
    assert wait_until(lambda: _checked(dash, "level", "buurt"))


def test_the_default_area_is_the_municipality(dash, demo_con):
    city = demo_con.execute("select name from areas where level = 'gemeente'").fetchone()[0]
    dash.wait_for_contains_text("#trend .gtitle", city, timeout=20)
    assert dash.find_element(ctl("area")).text.startswith(city)
    assert "area=" not in dash.driver.current_url  # the default is not written as a choice


def test_a_level_switch_keeps_the_parent_of_the_area_chosen(dash, demo_con):
    code, name, parent, parent_name = demo_con.execute(
        """
        select b.code, b.name, w.code, w.name from areas b join areas w on w.code = b.parent_code
        where b.level = 'buurt' and w.level = 'wijk' order by b.code desc limit 1
        """
    ).fetchone()
    _open(dash, f"/?level=buurt&area={code}")
    dash.wait_for_contains_text("#trend .gtitle", name, timeout=30)
    dash.find_element(f"{ctl('level')} input[value='wijk']").click()
    dash.wait_for_contains_text("#trend .gtitle", parent_name, timeout=20)
    assert wait_until(lambda: f"area={parent}" in dash.driver.current_url)
    dash.find_element(f"{ctl('level')} input[value='buurt']").click()
    child = demo_con.execute(
        "select code, name from areas where parent_code = ? and level = 'buurt' "
        "order by coalesce(inhabitants, 0) desc, code limit 1",
        [parent],
    ).fetchone()
    dash.wait_for_contains_text("#trend .gtitle", child[1], timeout=20)
    assert wait_until(lambda: f"area={child[0]}" in dash.driver.current_url)


def test_searching_an_area_by_part_of_its_name_selects_outlines_and_zooms(dash, demo_con):
    code, name = demo_con.execute(
        "select code, name from areas where level = 'wijk' order by code limit 1 offset 4"
    ).fetchone()
    before = _geo_axes(dash)
    dash.find_element(ctl("area")).click()
    search = dash.find_element(".dash-dropdown-search")
    search.send_keys(name[1:5])
    option = wait_until(
        lambda: [o for o in dash.find_elements(".dash-dropdown-option") if name in o.text]
    )
    assert option, f"{name} offered for {name[1:5]!r}"
    assert len(dash.find_elements(".dash-dropdown-option")) <= 51
    option[0].click()
    dash.wait_for_contains_text("#trend .gtitle", name, timeout=20)
    assert wait_until(lambda: f"area={code}" in dash.driver.current_url)
    west, south, east, north = demo_con.execute(
        "select st_xmin(geom_display), st_ymin(geom_display), st_xmax(geom_display), "
        "st_ymax(geom_display) from areas where code = ?",
        [code],
    ).fetchone()
    lon = wait_until(lambda: _geo_axes(dash)[0])
    lat = _geo_axes(dash)[1]
    assert lon != before[0]
    assert lon[0] < west < east < lon[1] and lat[0] < south < north < lat[1]
    assert lon[1] - lon[0] < 0.8 * (before[0][1] - before[0][0]), "zoomed in on the area"
    outline = dash.driver.execute_script(
        "return document.querySelector('#map .js-plotly-plot').data"
        ".filter(t => t.meta === 'selected')[0].lon.filter(x => x !== null).length;"
    )
    assert outline > 3, "the area is outlined"
