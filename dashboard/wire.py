"""Callback requests as the browser sends them, for load tests, benchmarks and checks.

The body of a POST to ``/_dash-update-component`` is built from the app's own
``/_dash-dependencies``, so it always matches the page: a new input or state of a
callback is sent as the browser would send an empty one.
"""

from __future__ import annotations

import json


def key(component_id: str | dict, prop: str) -> str:
    """``id.property`` as Dash writes it: dict ids as sorted compact JSON."""
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def control(name: str, page: str = "map") -> dict:
    """The id of a URL-state control (see dashboard.controls)."""
    return {"name": name, "page": page, "type": "ctl"}


def callback_for(dependencies: list[dict], output: str) -> dict:
    """The callback that has ``output`` (e.g. ``map.figure``) among its outputs."""
    for dep in dependencies:
        if output in dep["output"].strip(".").split("..."):
            return dep
    raise LookupError(f"no callback with output {output} in /_dash-dependencies")


def _parse(raw: str) -> str | dict:
    return json.loads(raw) if raw.startswith("{") else raw


def request(dep: dict, values: dict[str, object], changed: str) -> dict:
    """The POST body of callback ``dep`` with ``values`` by :func:`key` (others empty)."""

    def item(entry: dict) -> dict:
        component = _parse(entry["id"])
        value = values.get(key(component, entry["property"]), [])
        return {"id": component, "property": entry["property"], "value": value}

    parts = [part.rsplit(".", 1) for part in dep["output"].strip(".").split("...")]
    outputs = [{"id": _parse(i), "property": p} for i, p in parts]
    multi = dep["output"].startswith("..")  # Dash's mark of a callback with several outputs
    return {
        "output": dep["output"],
        "outputs": outputs if multi else outputs[0],
        "inputs": [item(entry) for entry in dep["inputs"]],
        "state": [item(entry) for entry in dep.get("state", [])],
        "changedPropIds": [changed],
    }


def map_request(
    dependencies: list[dict],
    indicator: str,
    level: str,
    period: str,
    drawn: dict | None = None,
    layers: list[str] | None = None,
    lang: str = "nl",
    basemap: bool = False,
    method: str = "direct",
    area: str | None = None,
) -> dict:
    """The map's callback after a switch of indicator; ``drawn`` is what the map draws
    (the ``map-drawn`` store an earlier answer set), None for a first draw."""
    changed = key(control("indicator"), "value")
    values = {
        changed: indicator,
        key(control("level"), "value"): level,
        key(control("period"), "value"): period,
        key(control("method"), "value"): method,
        "layers.value": layers or [],
        "basemap.data": {"on": basemap},
        key(control("area"), "value"): area,
        "map-drawn.data": drawn,
        "page-lang.data": lang,
    }
    return request(callback_for(dependencies, "map.figure"), values, changed)


def note_request(
    dependencies: list[dict],
    area: str,
    period: str,
    diagnosis: str,
    token: str | None,
    what: str = "",
    who: list[str] | None = None,
    by: str | None = None,
    lang: str = "nl",
) -> dict:
    """The profile's "save note" callback, with the form's CSRF token."""
    values = {
        "note-save.n_clicks": 1,
        "note-area.data": {"area": area, "period": period},
        "note-diagnosis.value": diagnosis,
        "note-what.value": what,
        "note-who.value": who or [],
        "note-by.value": by,
        "note-token.data": token,
        "page-lang.data": lang,
    }
    return request(callback_for(dependencies, "notes-list.children"), values, "note-save.n_clicks")
