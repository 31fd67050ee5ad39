"""Helpers for the browser tests: selectors of the URL-state controls."""

import json
import time

SHAPES = "#map path.choroplethlocation"


def start_map(dash_duo, db, app=None):
    """The dashboard on ``db`` (or ``app``, an app already made) in Chromium at desktop
    size, once its map is drawn."""
    from dashboard.app import create_app

    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.start_server(app or create_app(db))
    dash_duo.wait_for_element(SHAPES, timeout=30)
    return dash_duo


def ctl(name: str, page: str = "map") -> str:
    """CSS selector of a control whose id is {"type": "ctl", "name": name, "page": page}."""
    key = json.dumps({"name": name, "page": page, "type": "ctl"}, separators=(",", ":"))
    return f"[id='{key}']"


def wait_until(check, timeout: float = 15, step: float = 0.2):
    """Poll ``check`` until it returns a truthy value; return the last value."""
    end = time.time() + timeout
    value = check()
    while not value and time.time() < end:
        time.sleep(step)
        value = check()
    return value


def table_pages(dash, table: str, timeout: float = 20) -> list[dict[str, str]]:
    """Every row of a paged table as {column id: cell text}, from its first page to its
    last (the table shows one page at a time and asks the server for the next one)."""
    read = (
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))"
        ".map(r => Object.fromEntries(Array.from(r.querySelectorAll('td[data-dash-column]'))"
        ".map(c => [c.getAttribute('data-dash-column'), c.innerText.trim()])))"
        ".filter(r => Object.keys(r).length > 1);"
    )

    def turn(button: str, rows: list) -> list:
        found = dash.driver.find_elements("css selector", f"{table} button.{button}")
        if not found or not found[0].is_enabled():
            return []
        found[0].click()
        return wait_until(
            lambda: (now := dash.driver.execute_script(read, table)) and now != rows and now,
            timeout,
        )

    rows = wait_until(lambda: dash.driver.execute_script(read, table), timeout)
    rows = turn("first-page", rows) or rows
    pages = [rows]
    while rows := turn("next-page", rows):
        pages.append(rows)
    return [row for page in pages for row in page]
