"""Headless Chromium on a served dashboard: first render and JS heap (bench scripts).

Imports nothing of the dashboard, so a bench may measure another checkout's server.

A first render is timed in the page itself: from the start of the navigation
(``performance.now()`` counts from it) to the animation frame in which every shape of
the map is in the page, noted by a frame-by-frame check installed before the page's
own scripts run.  The time the driver waits for the page is kept beside it ("wall"),
as it includes the driver's own polling.

One browser opens the page several times, as a person does:

* first visit: nothing of the page in the browser's cache yet;
* second visit: the files come from the browser's cache, but the browser has not yet
  kept its compiled form of the scripts (Chromium keeps that from a script's second
  run on; the 4.8 MB plotly.js is most of the difference);
* returning visits (``returning``, 5 by default): files and compiled scripts cached,
  as for a person who uses the map every day.  The median and the largest are given.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field

#: The map's areas as drawn (one SVG path each).
SHAPES = "#map path.choroplethlocation"
#: Installed before the page's own scripts: notes the frame in which ``shapes`` areas
#: of the map are in the page (``window.__shapesDrawn``, ms since navigation start).
SHAPES_DRAWN = """
(function () {
    window.__shapesDrawn = null;
    function check() {
        if (document.querySelectorAll('%s').length >= %d) {
            window.__shapesDrawn = performance.now();
            return;
        }
        requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
})();
"""


@dataclass
class Render:
    """Seconds to the first render of each visit (None: not within the timeout)."""

    first: float | None = None
    second: float | None = None
    returning: list[float | None] = field(default_factory=list)
    wall: list[float | None] = field(default_factory=list)  # every visit, driver's clock
    heap: float = 0.0  # MB of JS heap in use after the last visit settled

    @staticmethod
    def _text(value: float | None) -> str:
        return "not drawn" if value is None else f"{value:.2f}"

    def returning_median(self) -> float | None:
        done = sorted(v for v in self.returning if v is not None)
        if not done or len(done) < len(self.returning):
            return None
        return done[len(done) // 2]

    def returning_max(self) -> float | None:
        return None if None in self.returning or not self.returning else max(self.returning)

    def summary(self) -> str:
        return (
            f"first visit {self._text(self.first)} s; second visit {self._text(self.second)} s; "
            f"returning median {self._text(self.returning_median())} s, "
            f"largest {self._text(self.returning_max())} s ({len(self.returning)} visits)"
        )


def render_and_heap(
    command: list[str], shapes: int, timeout: float = 60, returning: int = 5
) -> Render:
    """First render of the page served by ``command`` (the port written ``{port}`` in
    it) over a first, a second and ``returning`` further visits, in headless Chromium,
    and the JS heap in use (MB) once the last visit has settled."""
    from selenium import webdriver

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [part.replace("{port}", str(port)) for part in command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        options = webdriver.ChromeOptions()
        for arg in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1400,1000",
            "--disable-background-networking",
            "--disable-component-update",
        ):
            options.add_argument(arg)
        driver = webdriver.Chrome(options=options)
        try:
            driver.execute_cdp_cmd(
                "Page.addScriptToEvaluateOnNewDocument", {"source": SHAPES_DRAWN % (SHAPES, shapes)}
            )
            result = Render()
            for visit in range(2 + returning):
                driver.get("about:blank")
                start = time.perf_counter()
                driver.get(f"http://127.0.0.1:{port}/")
                done = _wait_shapes(driver, shapes, timeout)
                result.wall.append(time.perf_counter() - start if done else None)
                drawn = driver.execute_script("return window.__shapesDrawn") if done else None
                seconds = None if drawn is None else drawn / 1000
                if visit == 0:
                    result.first = seconds
                elif visit == 1:
                    result.second = seconds
                else:
                    result.returning.append(seconds)
            time.sleep(2)  # the table and the trend arrive after the shapes
            driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
            driver.execute_cdp_cmd("Performance.enable", {})
            metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
            result.heap = next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 1e6
            return result
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait()


def _wait_shapes(driver, shapes: int, timeout: float = 60) -> bool:
    """Wait until the map draws ``shapes`` areas (counted in the page: fetching 10,000
    elements through the driver would take longer than drawing them; a page too busy
    to answer counts as not drawn yet)."""
    from selenium.common.exceptions import TimeoutException

    end = time.time() + timeout
    while time.time() < end:
        try:
            found = driver.execute_script(f"return document.querySelectorAll('{SHAPES}').length")
        except TimeoutException:
            found = 0
        if found >= shapes:
            return True
        time.sleep(0.05)
    return False
