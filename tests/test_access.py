"""Public sessions never get point data or unsuppressed counts; professionals do.

Checked on the server through the UI's own layout, a direct POST to Dash's callback
endpoint and the download URL, in both sign-in set-ups (password and trusted header).
"""

import base64
import io
import json

import numpy as np
import pandas as pd
import pytest

from dashboard import wire
from dashboard.app import create_app
from dashboard.auth import Users, users_path
from tests.signin import form_token, sign_in

PASSWORD = "correct horse battery"


def _map_request(client, indicator, period, layers):
    deps = client.get("/_dash-dependencies").get_json()
    return wire.map_request(deps, indicator, "buurt", period, layers=layers)


@pytest.fixture()
def served(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("UNEASE_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("UNEASE_SECRET_KEY", "test-secret")
    Users(users_path(demo_db)).add("wijkagent", PASSWORD, "professional")
    return create_app(demo_db)


def _login(client):
    response = sign_in(client, "wijkagent", PASSWORD)
    assert response.status_code == 302


def _point_traces(client):
    response = client.post(
        "/_dash-update-component",
        json=_map_request(client, "incident_rate.woninginbraak", "2024", ["incidents"]),
    )
    assert response.status_code == 200
    return _points(response.get_json()["response"]["map"]["figure"])


def _points(figure):
    """Point traces of a map figure: markers at a place (not the borders, outlines and
    names drawn as lines and text, nor the legend's entries, which stand nowhere)."""
    return [
        t
        for t in figure["data"]
        if t["type"] == "scattergeo"
        and t.get("mode") == "markers"
        and _length(t.get("lon") or []) > 0
        and not (isinstance(t["lon"], list) and all(x is None for x in t["lon"]))
    ]


def _length(array) -> int:
    """Length of a plotly array, plain or base64-typed ({'dtype': 'f8', 'bdata': ...})."""
    if isinstance(array, dict):
        return len(base64.b64decode(array["bdata"])) // np.dtype(array["dtype"]).itemsize
    return len(array)


def _small_count_area(con):
    return con.execute(
        "select area_code, n from indicator_values "
        "where indicator = 'incident_rate.zakkenrollerij' and level = 'buurt' "
        "and period = '2024' and n between 1 and 4 order by area_code limit 1"
    ).fetchone()


def test_public_gets_no_points_even_when_asking_the_callback(served):
    client = served.server.test_client()
    assert _point_traces(client) == []
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert "Publieke weergave" in layout
    assert "Toon incidenten als punten" not in json.dumps(
        client.post("/_dash-update-component", json=_page_request(served)).get_json()
    )


def _page_request(app):
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    values = {"url.pathname": "/", "url.search": "", "lang.value": "nl"}
    return wire.request(wire.callback_for(deps, "page.children"), values, "url.pathname")


def test_professional_gets_points_and_the_layer_choice(served, demo_con):
    client = served.server.test_client()
    _login(client)
    traces = _point_traces(client)
    expected = demo_con.execute(
        "select count(*) from incidents where category = 'woninginbraak' and year = '2024'"
    ).fetchone()[0]
    assert len(traces) == 1 and _length(traces[0]["lon"]) == min(expected, 5000)
    page = json.dumps(client.post("/_dash-update-component", json=_page_request(served)).get_json())
    assert "Toon incidenten als punten" in page
    assert "wijkagent" in json.dumps(client.get("/_dash-layout").get_json())


def test_downloads_disclose_small_counts_to_the_public_only(served, demo_con):
    area, n = _small_count_area(demo_con)
    url = "/download/view.csv?indicator=incident_rate.zakkenrollerij&level=buurt&period=2024"
    public = served.server.test_client()
    frame = pd.read_csv(io.BytesIO(public.get(url).data), sep=";", decimal=",")
    row = frame.set_index("area_code").loc[area]
    # the count as shown ('<5') and no number for it
    assert row["n_shown"] == "<5" and pd.isna(row["n"])
    pro = served.server.test_client()
    _login(pro)
    frame = pd.read_csv(io.BytesIO(pro.get(url).data), sep=";", decimal=",")
    row = frame.set_index("area_code").loc[area]
    assert row["n"] == n and str(row["n_shown"]) == str(int(n))


def test_wrong_password_stays_public(served):
    client = served.server.test_client()
    response = sign_in(client, "wijkagent", "guess")
    assert "onjuist" in response.get_data(as_text=True)
    assert _point_traces(client) == []


def test_trusted_header_only_from_the_proxy(served, monkeypatch):
    monkeypatch.setenv("UNEASE_AUTH", "header")
    client = served.server.test_client()
    headers = {"X-Unease-Role": "professional"}
    from_proxy = client.post(
        "/_dash-update-component",
        json=_map_request(client, "incident_rate.woninginbraak", "2024", ["incidents"]),
        headers=headers,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    figure = from_proxy.get_json()["response"]["map"]["figure"]
    assert _points(figure)
    elsewhere = client.post(
        "/_dash-update-component",
        json=_map_request(client, "incident_rate.woninginbraak", "2024", ["incidents"]),
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    figure = elsewhere.get_json()["response"]["map"]["figure"]
    assert not _points(figure)


def _note_request(client, area, diagnosis):
    deps = client.get("/_dash-dependencies").get_json()
    return wire.note_request(
        deps,
        area,
        "2024",
        diagnosis,
        form_token(client),
        what="Extra surveillance in de avond",
        who=["police", "residents"],
        by="2025-03-01",
    )


def test_only_professionals_write_and_read_notes(served, demo_db, tmp_path, monkeypatch):
    from dashboard.notes import NotesStore, notes_path

    monkeypatch.setenv("UNEASE_NOTES", str(tmp_path / "notes.sqlite"))
    public = served.server.test_client()
    response = public.post(
        "/_dash-update-component",
        json=_note_request(public, "BU99990307", "Onrust"),
    )
    assert "Alleen voor professionals" in response.get_data(as_text=True)
    assert NotesStore(notes_path(demo_db)).notes_for("BU99990307") == []
    pro = served.server.test_client()
    _login(pro)
    response = pro.post(
        "/_dash-update-component",
        json=_note_request(pro, "BU99990307", "Jongeren op plein"),
    )
    assert "Notitie opgeslagen" in response.get_data(as_text=True)
    notes = NotesStore(notes_path(demo_db)).notes_for("BU99990307")
    assert [(n.diagnosis, n.author, n.action_who) for n in notes] == [
        ("Jongeren op plein", "wijkagent", ("police", "residents"))
    ]
