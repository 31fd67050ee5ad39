"""Every page passes axe-core without a serious or critical violation, in Dutch and in
English, for the public and for a signed-in professional; the focus ring stands out
against what is around it; each chart is one Tab stop; a phone shows the map full width.

Each page is loaded once per language and role, then axe-core (npm, pinned in
package-lock.json; ``make axe``) runs on it with all of its default rules.  No rule is
switched off: what axe finds at any serious or critical impact fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from dashboard.app import create_app
from dashboard.auth import Users, users_path
from tests.accessibility import (
    PHONE,
    axe_source,
    blocking,
    contrast,
    describe,
    emulate_phone,
    run_axe,
    unbound_labels,
    wait_drawn,
)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
LANGS = ("nl", "en")
#: WCAG 2.2 (1.4.11, 2.4.13): a focus indicator contrasts 3:1 with what is next to it.
FOCUS_CONTRAST = 3.0
STYLE = Path(__file__).resolve().parents[1] / "dashboard" / "assets" / "style.css"
#: The pages of the dashboard: path and a query that picks an area where one is needed.
DASH_PAGES = ("/", "/gebied", "/trends", "/initiatieven", "/data")


@pytest.fixture()
def served(dash_duo, demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("UNEASE_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("UNEASE_SECRET_KEY", "test-secret")
    Users(users_path(demo_db)).add("wijkagent", PASSWORD, "professional")
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(create_app(demo_db))
    return dash_duo


def _briefing_area(con) -> str:
    return con.execute(
        "select code from areas where level = 'wijk' order by code limit 1"
    ).fetchone()[0]


def _check_pages(dash, paths: list[str]) -> dict[str, list[dict]]:
    source = axe_source()
    found = {}
    for path in paths:
        dash.driver.get(dash.server_url + path)
        wait_drawn(dash.driver)
        found[path] = blocking(run_axe(dash.driver, source)) + unbound_labels(dash.driver)
    return {page: v for page, v in found.items() if v}


def _sign_in(dash) -> None:
    dash.driver.get(dash.server_url + "/login")
    dash.find_element("#name").send_keys("wijkagent")
    dash.find_element("#password").send_keys(PASSWORD)
    dash.find_element("form button[type=submit]").click()
    dash.wait_for_element("#logout", timeout=30)


def _paths(area: str) -> list[str]:
    return [
        f"{path}{'&' if '?' in path else '?'}lang={lang}"
        for lang in LANGS
        for path in (*DASH_PAGES, f"/briefing/{area}.html")
    ]


def test_public_pages_have_no_serious_axe_violation(served, demo_con):
    paths = ["/login", *_paths(_briefing_area(demo_con))]
    found = _check_pages(served, paths)
    assert not found, "axe-core, public:\n" + describe(found)


def test_signed_in_pages_have_no_serious_axe_violation(served, demo_con):
    _sign_in(served)
    found = _check_pages(served, _paths(_briefing_area(demo_con)))
    assert not found, "axe-core, signed in:\n" + describe(found)


# ---------------------------------------------------------------- focus and Tab order

_FOCUSED = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const paint = e => {
    for (; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        const m = c.match(/rgba?\\(([^)]+)\\)/);
        const p = m[1].split(',').map(Number);
        if (p.length < 4 || p[3] > 0.5) return c;
    }
    return 'rgb(255, 255, 255)';
};
const s = getComputedStyle(el);
return {id: el.id, cls: String(el.className.baseVal ?? el.className), tag: el.tagName,
        style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
        behind: paint(el.parentElement), own: paint(el)};
"""


def _rgb(css: str) -> tuple[float, float, float]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def _tab_stops(driver, n: int) -> list[dict]:
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(n):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(_FOCUSED)
        if focused is None or (stops and focused == stops[0]):
            break
        stops.append(focused)
    return stops


def test_focus_ring_contrasts_3_to_1_and_each_chart_is_one_tab_stop(served):
    dash = served
    dash.driver.get(dash.server_url + "/?lang=en")
    wait_drawn(dash.driver)
    charts = len(dash.find_elements(".js-plotly-plot"))
    stops = _tab_stops(dash.driver, 60)
    assert len(stops) >= 10, stops  # header links, language, controls, charts, downloads
    weak = []
    for stop in stops:
        ring = _rgb(stop["color"])
        worst = min(contrast(ring, _rgb(stop["behind"])), contrast(ring, _rgb(stop["own"])))
        if stop["style"] in ("none", "hidden") or stop["width"] < 2 or worst < FOCUS_CONTRAST:
            weak.append(f"{stop['tag']}#{stop['id']}.{stop['cls']}: {stop} ({worst:.2f}:1)")
    assert not weak, "focus ring not visible at 3:1:\n" + "\n".join(weak)
    toolbar = [s for s in stops if "modebar-btn" in s["cls"]]
    assert charts >= 2 and len(toolbar) == charts, (charts, toolbar)


def _hex(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return tuple(float(int(colour[i : i + 2], 16)) for i in (0, 2, 4))


def test_focus_ring_of_the_style_sheet_is_3_to_1_on_white_and_on_the_header():
    css = STYLE.read_text(encoding="utf-8")
    rule = r":focus-visible[^{]*\{[^}]*outline: (\d+)px solid (#\w+)"
    width, ring = re.search(rule, css).groups()
    header = re.search(r"header\.top \{[^}]*background: (#\w+)", css).group(1)
    assert int(width) >= 2
    assert contrast(_hex(ring), _hex("#fff")) >= FOCUS_CONTRAST
    assert contrast(_hex(ring), _hex(header)) >= FOCUS_CONTRAST
    # the former ring, #ffb612, was 1.76:1 on white
    assert contrast(_hex("#ffb612"), _hex("#fff")) == pytest.approx(1.76, abs=0.01)


# ---------------------------------------------------------------- phone


def test_on_a_phone_the_map_is_full_width_and_no_page_scrolls_sideways(served):
    dash = served
    emulate_phone(dash.driver)
    overflow = {}
    for path in DASH_PAGES:
        dash.driver.get(dash.server_url + path)
        wait_drawn(dash.driver)
        if path == "/":
            dash.wait_for_element("#map path.choroplethlocation", timeout=30)
            viewport = dash.driver.execute_script("return window.innerWidth")
            width = dash.driver.execute_script(
                "return document.querySelector('#map .main-svg').getBoundingClientRect().width"
            )
            assert viewport == PHONE[0]
            assert width >= 0.9 * viewport, (width, viewport)
        scroll = dash.driver.execute_script("return document.documentElement.scrollWidth")
        if scroll > PHONE[0]:
            overflow[path] = scroll
    assert not overflow, f"wider than {PHONE[0]} px: {overflow}"
