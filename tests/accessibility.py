"""axe-core in the browser tests: load a page, wait until it is drawn, run axe on it.

axe-core comes from npm (``make axe``: ``npm ci`` with the version pinned in
package-lock.json) and is read from ``node_modules/axe-core/axe.min.js``.
"""

from __future__ import annotations

import time
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts that count as a failure.
BLOCKING = ("serious", "critical")
#: A phone's screen in CSS pixels (an iPhone 12 to 15).
PHONE = (390, 844)


def axe_source() -> str:
    if not AXE_JS.is_file():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: run `make axe` (npm ci) to install axe-core for the "
            "accessibility tests"
        )
    return AXE_JS.read_text(encoding="utf-8")


def wait_drawn(driver, timeout: float = 60) -> None:
    """Until the Dash renderer has no callback pending (twice, 0.3 s apart), or the
    document is not a Dash page and has loaded."""
    end = time.time() + timeout
    quiet = 0
    while time.time() < end:
        idle = driver.execute_script(
            """
            if (document.readyState !== 'complete') return false;
            if (!window.store) return !document.getElementById('react-entry-point');
            const page = document.getElementById('page');
            if (page && !page.children.length) return false;
            const cbs = Object.assign({}, window.store.getState().callbacks);
            delete cbs.stored; delete cbs.completed;
            return [].concat(...Object.values(cbs)).length === 0
                && !document.querySelector('[data-dash-is-loading="true"]');
            """
        )
        quiet = quiet + 1 if idle else 0
        if quiet >= 2:
            return
        time.sleep(0.3)
    raise TimeoutError(f"{driver.current_url} was not drawn within {timeout} s")


def emulate_phone(driver, scale: float = 2) -> None:
    """Show pages as a phone of :data:`PHONE` CSS pixels does (``scale`` device pixels
    per CSS pixel)."""
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": True},
    )


def run_axe(driver, source: str) -> list[dict]:
    """axe-core's violations on the current page: rule id, impact, help and the nodes'
    CSS targets (all rules axe runs by default; none disabled)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(source)
    driver.set_script_timeout(60)
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(n => n.target.join(' ')),
        })))).catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e),
            targets: []}]));
        """
    )


def unbound_labels(driver) -> list[dict]:
    """Labels whose ``for`` names no element on the page, in axe's format (axe itself
    does not report them: such a label names nothing, and its control has no name)."""
    targets = driver.execute_script(
        """
        return Array.from(document.querySelectorAll('label[for]'))
            .filter(l => !document.getElementById(l.htmlFor))
            .map(l => 'label[for="' + l.htmlFor + '"]');
        """
    )
    if not targets:
        return []
    help_text = "Labels must be for an element that exists"
    return [{"id": "label-for-missing", "impact": "serious", "help": help_text, "targets": targets}]


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(found: dict[str, list[dict]]) -> str:
    """One line per page and rule: what a person fixing it needs to read."""
    lines = []
    for page, violations in found.items():
        for v in violations:
            where = ", ".join(v["targets"][:3]) + (" …" if len(v["targets"]) > 3 else "")
            lines.append(
                f"{page}: {v['id']} ({v['impact']}, {len(v['targets'])}×) {v['help']} — {where}"
            )
    return "\n".join(lines)


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels 0-255."""

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
