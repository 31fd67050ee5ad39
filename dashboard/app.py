"""Build the Dash app on a database; nothing else happens here."""

from __future__ import annotations

from pathlib import Path

from dash import Dash, dcc, html

from dashboard.i18n import t
from dashboard.pages import map as map_page
from dashboard.store import Store


def create_app(db_path: str | Path) -> Dash:
    """The dashboard on the database at ``db_path`` (opened read-only)."""
    store = Store(db_path)
    app = Dash(
        __name__,
        title=t("title", "nl"),
        assets_folder=str(Path(__file__).parent / "assets"),
        serve_locally=True,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="nl">', 1)
    app.layout = lambda: html.Div(
        [
            html.Header(
                className="top",
                children=[
                    html.H1(t("title", "nl"), id="page-title"),
                    html.Div(
                        [
                            html.Span(t("language", "nl"), id="lang-label"),
                            dcc.RadioItems(
                                id="lang",
                                options=[
                                    {"label": "NL", "value": "nl"},
                                    {"label": "EN", "value": "en"},
                                ],
                                value="nl",
                                inline=True,
                            ),
                        ],
                        className="lang",
                        role="group",
                        **{"aria-labelledby": "lang-label"},
                    ),
                ],
            ),
            html.Main(map_page.layout(store), id="content"),
        ],
        lang="nl",
    )
    map_page.register_callbacks(app, store)
    return app
