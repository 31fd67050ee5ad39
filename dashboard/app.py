"""Build the Dash app on a database; nothing else happens here."""

from __future__ import annotations

from pathlib import Path

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import auth
from dashboard.auth import setup_auth
from dashboard.i18n import t
from dashboard.pages import data, initiatives, profile, trends
from dashboard.pages import map as map_page
from dashboard.routes import register_routes
from dashboard.state import LANGS, PATHS, parse, url_value
from dashboard.store import Store

PAGES = {
    "map": map_page,
    "profile": profile,
    "trends": trends,
    "initiatives": initiatives,
    "data": data,
}
NAV = ("map", "profile", "trends", "initiatives", "data")


def create_app(db_path: str | Path) -> Dash:
    """The dashboard on the database at ``db_path`` (opened read-only)."""
    store = Store(db_path)
    app = Dash(
        __name__,
        title=t("title", "nl"),
        assets_folder=str(Path(__file__).parent / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="nl">', 1)
    app.layout = shell
    setup_auth(app.server, store.path)
    register_routes(app.server, store)
    _register_shell(app, store)
    for module in PAGES.values():
        module.register_callbacks(app, store)
    return app


def shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="page-lang", data=None),  # the language of the page drawn
            html.A(t("skip", "nl"), href="#page", className="skip-link", id="skip-link"),
            html.Header(
                className="top",
                children=[
                    html.H1(t("title", "nl"), id="page-title"),
                    html.Nav(
                        [dcc.Link(t(f"nav_{p}", "nl"), href=PATHS[p], id=f"nav-{p}") for p in NAV],
                        id="nav",
                        **{"aria-label": t("nav_label", "nl")},
                    ),
                    account(),
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
            html.Main(id="page", tabIndex="-1"),
        ]
    )


def account() -> html.Div:
    """Who is signed in (with sign-out), or the public view with a sign-in link."""
    if auth.role() == "public":
        return html.Div(
            [t("public_view", "nl"), " · ", html.A(t("login", "nl"), href="/login")],
            className="account",
            id="account",
        )
    return html.Div(
        [
            f"{t('signed_in_as', 'nl')} {auth.user_name()} ({auth.role()}) · ",
            html.Form(  # sign-out by POST with the session's CSRF token (dashboard.auth)
                [
                    dcc.Input(type="hidden", name="csrf_token", value=auth.form_token()),
                    html.Button(t("logout", "nl"), type="submit", id="logout"),
                ],
                method="post",
                action="/logout",
                className="logout",
            ),
        ],
        className="account",
        id="account",
    )


def _register_shell(app: Dash, store: Store) -> None:
    @app.callback(
        Output("lang", "value"),
        Input("url", "search"),
        State("lang", "value"),
    )
    def language_from_url(search, current):
        lang = parse("/", search).lang
        return no_update if lang == current else lang

    @app.callback(
        Output("page", "children"),
        Output("page-lang", "data"),
        Output("page-title", "children"),
        Output("lang-label", "children"),
        Output("skip-link", "children"),
        *[Output(f"nav-{p}", "children") for p in NAV],
        Input("url", "pathname"),
        Input("lang", "value"),
        State("url", "search"),
        State("page-lang", "data"),
    )
    def render(pathname, lang_value, search, rendered_lang):
        state = parse(pathname, search)
        by_radio = ctx.triggered_id == "lang"
        if by_radio and rendered_lang is not None and lang_value == rendered_lang:
            # the radio only caught up with the URL: the page is already in this language
            return (no_update,) * (5 + len(NAV))
        lang = lang_value if by_radio and lang_value in LANGS else state.lang
        state = state.with_values(lang=lang)
        page = PAGES[state.page].layout(store, state)
        return (
            page,
            lang,
            t("title", lang),
            t("language", lang),
            t("skip", lang),
            *[t(f"nav_{p}", lang) for p in NAV],
        )

    @app.callback(
        Output("url", "search"),
        Input({"type": "ctl", "name": ALL, "page": ALL}, "value"),
        Input("lang", "value"),
        State({"type": "ctl", "name": ALL, "page": ALL}, "id"),
        State("url", "pathname"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def sync_url(values, lang, ids, pathname, search):
        if not (isinstance(values, list) and isinstance(ids, list) and lang in LANGS):
            raise PreventUpdate
        state = parse(pathname, search)
        changes = {
            i["name"]: url_value(v)
            for i, v in zip(ids, values)
            if isinstance(i, dict) and isinstance(i.get("name"), str)
        }
        query = state.with_values(**changes, lang=lang).query()
        return no_update if query == (search or "") else query

    @app.callback(
        *[Output(f"nav-{p}", "href") for p in NAV],
        Input("url", "search"),
        State("url", "pathname"),
    )
    def nav_links(search, pathname):
        state = parse(pathname, search)
        return [state.href(p) for p in NAV]
