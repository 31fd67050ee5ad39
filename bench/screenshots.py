"""Screenshots of every page in Dutch and English, on a desktop and on a phone.

    .venv/bin/python bench/screenshots.py [--db FILE] [--out docs/screenshots]

Serves the dashboard on --db (the Demostad demo, built into a temporary directory when
--db is not given) and opens each page in headless Chromium: the map, the area profile,
trends, initiatives, data, the HTML briefing of a wijk and the sign-in page, each in
both languages, at 1400 x 1000 (desktop) and 390 x 844 CSS pixels (phone).  Each page is
shown when the dashboard has no callback left to run, from the top down to 3,200
CSS pixels.  The PNGs are reduced to a
256-colour palette, which keeps all of them together to a few MB.
"""

from __future__ import annotations

import argparse
import base64
import io
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from dashboard.app import create_app  # noqa: E402
from dashboard.store import Store  # noqa: E402
from tests.accessibility import emulate_phone, wait_drawn  # noqa: E402

DESKTOP = (1400, 1000)
#: Pages longer than this (CSS pixels) are cut off below it.
MAX_HEIGHT = 3200
LANGS = ("nl", "en")
PAGES = {
    "map": "/",
    "profile": "/gebied",
    "trends": "/trends",
    "initiatives": "/initiatieven",
    "data": "/data",
}


def _demo_db(directory: Path) -> Path:
    from etl.demo import generate_demo
    from etl.load import build

    db = directory / "demo.duckdb"
    build(generate_demo(directory / "demo"), db)
    return db


def _browser():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    driver.set_page_load_timeout(120)
    return driver


def _open(driver, url: str) -> None:
    """Open a page and wait until it is drawn; a page left blank is loaded once more
    (and said so), so that one slow load does not end the run."""
    driver.get(url)
    try:
        wait_drawn(driver, timeout=90)
    except TimeoutError:
        print(f"{url}: not drawn within 90 s, loading it again", flush=True)
        driver.get(url)
        wait_drawn(driver, timeout=90)


def _page_png(driver) -> bytes:
    """The whole page, not only the window, up to :data:`MAX_HEIGHT` CSS pixels."""
    width, height = driver.execute_script(
        "const e = document.documentElement; return [e.clientWidth, e.scrollHeight];"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT), "scale": 1},
        },
    )
    return base64.b64decode(shot["data"])


def _save(png: bytes, path: Path) -> int:
    """The screenshot as a palette PNG (256 colours); its size in bytes."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    return path.stat().st_size


def shoot(db: Path, out: Path) -> list[tuple[Path, int]]:
    store = Store(db)
    wijk = store.frame("select code from areas where level = 'wijk' order by code limit 1")
    paths = {
        **PAGES,
        "briefing": f"/briefing/{wijk['code'][0]}.html",
    }
    server = make_server("127.0.0.1", 0, create_app(db).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    driver = _browser()
    try:
        for size in ("desktop", "phone"):
            if size == "phone":
                emulate_phone(driver, scale=1)
            else:
                driver.set_window_size(*DESKTOP)
            shots = [
                (f"{name}-{lang}", f"{path}?lang={lang}")
                for lang in LANGS
                for name, path in paths.items()
            ]
            shots.append(("login", "/login"))  # one page in both languages
            for name, path in shots:
                _open(driver, base + path)
                target = out / f"{name}-{size}.png"
                written.append((target, _save(_page_png(driver), target)))
                print(
                    f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                    f"  {written[-1][1] / 1024:.0f} kB",
                    flush=True,
                )
    finally:
        driver.quit()
        server.shutdown()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a built database (default: build the demo)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="unease-screens-") as tmp:
        db = args.db or _demo_db(Path(tmp))
        written = shoot(db, args.out)
    total = sum(size for _, size in written)
    print(f"{len(written)} screenshots, {total / 1024 / 1024:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
