"""Headless Chromium on a served dashboard: first render and JS heap (bench scripts).

Imports nothing of the dashboard, so a bench may measure another checkout's server.
"""

from __future__ import annotations

import socket
import subprocess
import time


def render_and_heap(
    command: list[str], shapes: int, timeout: float = 60
) -> tuple[float | None, float]:
    """Seconds from opening the page to all shapes drawn, in headless Chromium (assets
    already cached), and the JS heap in use (MB) once the page has settled.  ``command``
    serves the dashboard on the port written ``{port}`` in it."""
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
            driver.get(f"http://127.0.0.1:{port}/")  # warm: assets in the browser cache
            _wait_shapes(driver, shapes, timeout)
            driver.get("about:blank")
            start = time.perf_counter()
            driver.get(f"http://127.0.0.1:{port}/")
            done = _wait_shapes(driver, shapes, timeout)
            seconds = time.perf_counter() - start if done else None
            time.sleep(2)  # the table and the trend arrive after the shapes
            driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
            driver.execute_cdp_cmd("Performance.enable", {})
            metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
            heap = next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 1e6
            return seconds, heap
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
            found = driver.execute_script(
                "return document.querySelectorAll('#map path.choroplethlocation').length"
            )
        except TimeoutException:
            found = 0
        if found >= shapes:
            return True
        time.sleep(0.05)
    return False
