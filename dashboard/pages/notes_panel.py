"""Social diagnosis on the area profile: professionals read and write dated notes.

The notes live in their own store (dashboard.notes), never in the analytic
database, so a rebuild never loses them.  The server checks the role on every
read and write, whatever the browser sends; a save also needs the form's CSRF token
(Dash's callback endpoint is exempt from the form check, see dashboard.auth) and an
area code of the served database.
"""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import auth, queries
from dashboard.i18n import t
from dashboard.notes import PARTIES, NoteError, NotesStore, UnknownArea, notes_path
from dashboard.state import LANGS
from dashboard.store import Store
from dashboard.tables import frame_table

#: Longest text a note field may hold.
MAX_TEXT = 10_000


def panel(store: Store, area_code: str, period: str, lang: str) -> list:
    """The notes section of a profile, or nothing for the public role."""
    if not auth.at_least("professional"):
        return []
    return [
        html.H3(t("notes_title", lang)),
        html.Div(notes_table(store, area_code, lang), id="notes-list"),
        html.Form(
            [
                dcc.Store(id="note-area", data={"area": area_code, "period": period}),
                dcc.Store(id="note-token", data=auth.form_token()),
                html.Label(t("note_diagnosis", lang), htmlFor="note-diagnosis"),
                dcc.Textarea(id="note-diagnosis", style={"width": "100%", "height": "5rem"}),
                html.Label(t("note_what", lang), htmlFor="note-what"),
                dcc.Textarea(id="note-what", style={"width": "100%", "height": "3rem"}),
                html.Fieldset(
                    [
                        html.Legend(t("note_who", lang)),
                        dcc.Checklist(
                            id="note-who",
                            options=[{"label": t(f"party_{p}", lang), "value": p} for p in PARTIES],
                            value=[],
                            inline=True,
                        ),
                    ]
                ),
                html.Label(t("note_by", lang), htmlFor="note-by"),
                dcc.Input(id="note-by", type="date"),
                html.Button(t("note_save", lang), id="note-save", type="button", n_clicks=0),
                html.P(id="note-message", role="status"),
            ],
            className="note-form",
        ),
    ]


def notes_table(store: Store, area_code: str, lang: str):
    notes = NotesStore(notes_path(store.path)).notes_for(area_code)
    if not notes:
        return html.P(t("no_notes", lang))
    frame = pd.DataFrame([n.record() for n in notes])[
        ["period", "created_at", "author", "diagnosis", "action_what", "action_who", "action_by"]
    ]
    return frame_table(frame, "notes-table", lang)


def register_callbacks(app: Dash, store: Store) -> None:
    @app.callback(
        Output("notes-list", "children"),
        Output("note-message", "children"),
        Output("note-diagnosis", "value"),
        Input("note-save", "n_clicks"),
        State("note-area", "data"),
        State("note-diagnosis", "value"),
        State("note-what", "value"),
        State("note-who", "value"),
        State("note-by", "value"),
        State("note-token", "data"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def save(clicks, where, diagnosis, what, who, by, token, lang):
        lang = lang if lang in LANGS else "nl"
        if not clicks or not _well_formed(where, diagnosis, what, who, by):
            return no_update, no_update, no_update
        if not auth.at_least("professional"):
            return no_update, t("note_forbidden", lang), no_update
        if not auth.valid_form_token(token):
            return no_update, t("form_expired", lang), no_update
        try:
            NotesStore(notes_path(store.path)).add_note(
                where["area"],
                where["period"],
                diagnosis or "",
                auth.user_name() or "?",
                action_what=what or "",
                action_who=who or [],
                action_by=by or None,
                known_areas=set(queries.areas(store)["code"]),
            )
        except UnknownArea as exc:
            return no_update, t("note_unknown_area", lang, code=exc.code), no_update
        except NoteError as exc:
            return no_update, str(exc), no_update
        return notes_table(store, where["area"], lang), t("note_saved", lang), ""


def _well_formed(where, diagnosis, what, who, by) -> bool:
    """The shapes the form sends: anything else is not from this form and changes nothing."""
    texts = (diagnosis, what, by)
    return (
        isinstance(where, dict)
        and all(isinstance(where.get(k), str) and len(where[k]) <= 64 for k in ("area", "period"))
        and all(v is None or (isinstance(v, str) and len(v) <= MAX_TEXT) for v in texts)
        and (who is None or (isinstance(who, list) and all(isinstance(p, str) for p in who)))
    )
