"""Helpers for the browser tests: selectors of the URL-state controls."""

import json
import time


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
