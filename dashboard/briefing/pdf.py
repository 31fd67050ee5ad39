"""The briefing as PDF: the HTML page printed by headless Chromium from a local file,
without any network; the browser is kept running between briefings."""

from __future__ import annotations

import atexit
import base64
import os
import shutil
import tempfile
import threading
from pathlib import Path

#: Options of the headless browser: no network services, no updates, no GPU.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-first-run",
)
#: Page.printToPDF: A4 (inches), backgrounds printed, the page's own @page rules.
PRINT_OPTIONS = {
    "paperWidth": 8.27,
    "paperHeight": 11.69,
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "marginTop": 0,
    "marginBottom": 0,
    "marginLeft": 0,
    "marginRight": 0,
}


class PdfError(RuntimeError):
    """The PDF renderer (headless Chromium) is missing or failed."""


class PdfRenderer:
    """Headless Chromium driven through chromedriver, kept running between briefings.

    Starting the browser costs about a second; a kept browser prints a briefing in a
    fraction of that.  One page is printed at a time (a lock); a browser that died is
    started again once.
    """

    def __init__(self, chromium: str | None = None, chromedriver: str | None = None):
        self.chromium = (
            chromium
            or os.environ.get("UNEASE_CHROMIUM")
            or _which("chromium", "chromium-browser", "google-chrome")
        )
        self.chromedriver = (
            chromedriver or os.environ.get("UNEASE_CHROMEDRIVER") or _which("chromedriver")
        )
        self._lock = threading.Lock()
        self._driver = None

    def _start(self):
        if not self.chromium or not self.chromedriver:
            raise PdfError(
                "PDF needs Chromium and chromedriver (Debian: apt-get install chromium "
                "chromium-driver), or UNEASE_CHROMIUM and UNEASE_CHROMEDRIVER"
            )
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError as exc:  # pragma: no cover - selenium is a dependency
            raise PdfError("PDF needs the selenium package") from exc
        options = webdriver.ChromeOptions()
        options.binary_location = self.chromium
        for arg in CHROMIUM_ARGS:
            options.add_argument(arg)
        service = Service(executable_path=self.chromedriver, log_path=os.devnull)
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(60)
        return driver

    def pdf(self, page: str) -> bytes:
        """The PDF of an HTML page (written to a temporary file and opened as file://)."""
        from selenium.common.exceptions import WebDriverException

        with self._lock, tempfile.TemporaryDirectory(prefix="unease-briefing-") as tmp:
            source = Path(tmp) / "briefing.html"
            source.write_text(page, encoding="utf-8")
            for attempt in (1, 2):
                try:
                    if self._driver is None:
                        self._driver = self._start()
                    self._driver.get(source.as_uri())
                    result = self._driver.execute_cdp_cmd("Page.printToPDF", PRINT_OPTIONS)
                    self._driver.get("about:blank")
                    return base64.b64decode(result["data"])
                except WebDriverException as exc:
                    self._close_driver()
                    if attempt == 2:
                        raise PdfError(f"Chromium could not print the briefing: {exc.msg}") from exc
        raise AssertionError("unreachable")

    def _close_driver(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - a dead browser may fail to quit
                pass

    def close(self) -> None:
        with self._lock:
            self._close_driver()


def _which(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


_renderer: PdfRenderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> PdfRenderer:
    """The process's PDF renderer, started on first use and closed at exit."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = PdfRenderer()
            atexit.register(_renderer.close)
        return _renderer


def pdf_bytes(page: str) -> bytes:
    return renderer().pdf(page)


def render_pdf(page: str, out_path: str | Path) -> Path:
    """Print an HTML briefing to a PDF file (A4, backgrounds) with headless Chromium."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(pdf_bytes(page))
    return out_path
