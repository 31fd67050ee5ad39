"""Labelled, keyboard-operable controls whose values make up the URL state."""

from __future__ import annotations

import json

from dash import dcc, html


def ctl(name: str, page: str) -> dict:
    """The id of a control whose value is part of the URL (``?name=value``).

    The page is part of the id, so that the callbacks of one page never wait for
    a control of another page with the same name.
    """
    return {"type": "ctl", "name": name, "page": page}


def dom_id(component_id: dict) -> str:
    """The element id Dash gives a component with a dict id (keys sorted, compact JSON)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def dropdown(name: str, page: str, label: str, options: list, value, wide: bool = False, **kwargs):
    """A dropdown with a visible label tied to it: the label is ``for`` the dropdown's
    button (the element that takes the focus), and assets/a11y.js puts the label first
    in the button's accessible name."""
    control_id = ctl(name, page)
    return html.Div(
        [
            html.Label(label, htmlFor=dom_id(control_id), id=f"{name}-label"),
            dcc.Dropdown(
                id=control_id,
                options=options,
                value=value,
                clearable=False,
                searchable=True,
                **kwargs,
            ),
        ],
        className="control control-wide" if wide else "control",
    )


def radio(name: str, page: str, legend: str, options: list, value):
    """Radio buttons in a fieldset with a legend."""
    return html.Fieldset(
        [
            html.Legend(legend, id=f"{name}-label"),
            dcc.RadioItems(id=ctl(name, page), options=options, value=value, inline=True),
        ],
        className="control",
    )
