"""The area chooser of a page: a dropdown that searches every level by name as one types.

It holds only the area chosen and the areas that match what is typed (at most
``queries.SEARCH_LIMIT``), never every area of the file: a national file has some
10,000 buurten.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from dashboard import inputs, queries
from dashboard.controls import ctl
from dashboard.i18n import t
from dashboard.store import Store


def options(store: Store, positions, lang: str) -> list[dict]:
    """Dropdown options of the areas at ``positions`` of ``queries.places``: name (level)."""
    found = queries.places(store)
    return [
        {"label": f"{found.name[i]} ({t(found.level[i], lang).lower()})", "value": found.code[i]}
        for i in positions
    ]


def chosen(store: Store, codes: str | list[str] | None, lang: str) -> list[dict]:
    """The options of a chooser that shows ``codes`` (one area or several) and nothing
    else yet."""
    index = queries.places(store).index
    codes = [codes] if isinstance(codes, str) else codes or []
    return options(store, [index[c] for c in codes if c in index], lang)


def default_area(store: Store, state_area: str | None) -> str:
    """The area of the address when the file has it, else the municipality."""
    if state_area and state_area in queries.area_codes(store):
        return state_area
    return queries.city(store)[0]


def register_search(app: Dash, store: Store, page: str, name: str = "area") -> None:
    """Typing in the chooser ``name`` of ``page`` lists the areas whose name holds the
    text, after the area (or areas) chosen."""

    @app.callback(
        Output(ctl(name, page), "options", allow_duplicate=True),
        Input(ctl(name, page), "search_value"),
        State(ctl(name, page), "value"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def search(text, current, lang):
        lang = inputs.lang(lang)
        if not isinstance(text, str) or not text.strip() or len(text) > 100 or lang is None:
            raise PreventUpdate  # an emptied box keeps the list it has
        found = queries.search_areas(store, text)
        current = inputs.areas(store, current if isinstance(current, list) else [current])
        inputs.require(current)
        return chosen(store, current, lang) + [
            o for o in options(store, found, lang) if o["value"] not in current
        ]
