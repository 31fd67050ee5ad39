"""Build the Dash app on a database; nothing else happens here."""

from __future__ import annotations

from pathlib import Path

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask import request

from dashboard import auth
from dashboard.auth import setup_auth
from dashboard.i18n import t
from dashboard.pages import data, initiatives, profile, trends
from dashboard.pages import map as map_page
from dashboard.plotly_script import register_plotly_script
from dashboard.routes import register_routes
from dashboard.state import LANGS, PATHS, parse, shown_view, url_value
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
    register_plotly_script(app)
    app.index_string = app.index_string.replace("<html>", '<html lang="nl">', 1)
    app.interpolate_index = lambda **parts: _with_lang(Dash.interpolate_index(app, **parts))
    app.layout = shell
    app.server.extensions["unease_store"] = store  # the app's own (dashboard.warm)
    setup_auth(app.server, store.path)
    register_routes(app.server, store)
    _register_shell(app, store)
    for module in PAGES.values():
        module.register_callbacks(app, store)
    return app


def _with_lang(index: str) -> str:
    """The page's HTML with ``<html lang>`` in the language the address asks for."""
    lang = request.args.get("lang")
    if lang in LANGS and lang != "nl":
        return index.replace('<html lang="nl">', f'<html lang="{lang}">', 1)
    return index


#: ``<html lang>`` follows the language of the page drawn (screen readers, hyphenation).
HTML_LANG = """
function(lang) {
    if (lang) { document.documentElement.lang = lang; }
    return lang || window.dash_clientside.no_update;
}
"""


def language_choice(lang: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id="lang",
        options=[{"label": "NL", "value": "nl"}, {"label": "EN", "value": "en"}],
        value=lang,
        inline=True,
    )


def shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="page-lang", data=None),  # the language of the page drawn
            dcc.Store(id="view", data=None),  # the view shown: page, language, URL query
            dcc.Store(id="html-lang", data=None),
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
                            language_choice("nl"),
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


def _controls_query(state, page) -> str:
    """The query of a page as drawn: the address's values with those its controls show."""
    shown = {}
    stack = [page]
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(node)
            continue
        if node is None or isinstance(node, (str, int, float)):
            continue
        ident = getattr(node, "id", None)
        if isinstance(ident, dict) and ident.get("type") == "ctl":
            shown[ident["name"]] = url_value(getattr(node, "value", None))
        stack.append(getattr(node, "children", None))
    return state.with_values(**shown).query()


def _register_shell(app: Dash, store: Store) -> None:
    """The URL is the one source of the view.

    One callback holds the address and the page: it draws the page the address names,
    in its language, whenever the address changes by anything but the page's own
    controls (a link, Back, Forward, a typed address), and writes a control's new value
    (or a new language) into the address.  The ``view`` store says what is drawn, so
    the callback tells the two apart.  No other callback reads the address and sets a
    control that writes it: there is no loop of address -> control -> address whose
    requests can overtake each other (the cause of pages left blank before).
    """
    app.clientside_callback(HTML_LANG, Output("html-lang", "data"), Input("page-lang", "data"))

    @app.callback(
        Output("url", "search"),
        Output("page", "children"),
        Output("page-lang", "data"),
        Output("view", "data"),
        Output("lang", "value"),
        Output("page-title", "children"),
        Output("lang-label", "children"),
        Output("skip-link", "children"),
        *[Output(f"nav-{p}", "children") for p in NAV],
        Input("url", "pathname"),
        Input("url", "search"),
        Input({"type": "ctl", "name": ALL, "page": ALL}, "value"),
        Input("lang", "value"),
        State({"type": "ctl", "name": ALL, "page": ALL}, "id"),
        State("view", "data"),
    )
    def view(pathname, search, values, lang, ids, shown):
        state = parse(pathname, search)
        shown = shown_view(shown)
        by_url = ctx.triggered_id in (None, "url") or shown is None
        if by_url:
            if shown == (state.page, state.lang, state.query()):
                raise PreventUpdate  # the address the controls just wrote
            return (no_update, *drawn(state))
        if not (isinstance(values, list) and isinstance(ids, list) and lang in LANGS):
            raise PreventUpdate
        changes = {
            i["name"]: url_value(v)
            for i, v in zip(ids, values)
            if isinstance(i, dict) and isinstance(i.get("name"), str)
        }
        state = state.with_values(**changes, lang=lang)
        query = state.query()
        if query == shown[2]:
            raise PreventUpdate  # controls drawn as the address says: no new history entry
        search = no_update if query == (search or "") else query
        if lang != shown[1]:
            return (search, *drawn(state))  # a new language: the page drawn anew
        view = {"page": shown[0], "lang": shown[1], "query": query}
        return (search, no_update, no_update, view, *[no_update] * (4 + len(NAV)))

    def drawn(state) -> tuple:
        page = PAGES[state.page].layout(store, state)
        lang = state.lang
        return (
            page,
            lang,
            {"page": state.page, "lang": lang, "query": _controls_query(state, page)},
            lang,
            t("title", lang),
            t("language", lang),
            t("skip", lang),
            *[t(f"nav_{p}", lang) for p in NAV],
        )

    @app.callback(
        *[Output(f"nav-{p}", "href") for p in NAV],
        Input("url", "search"),
        State("url", "pathname"),
    )
    def nav_links(search, pathname):
        state = parse(pathname, search)
        return [state.href(p) for p in NAV]
