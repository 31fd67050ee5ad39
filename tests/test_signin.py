"""Sign-in as a maintained library does it: limits, CSRF, sessions that end, private files.

Everything runs through the real Flask server of the dashboard (its test client) on
the tiny database, with the real password hashing, rate limiter and CSRF checks.
"""

from __future__ import annotations

import csv
import json
import os
import stat

import pytest

from dashboard import users as users_module
from dashboard import wire
from dashboard.app import create_app
from dashboard.auth import Users, users_path
from dashboard.notes import NotesStore, notes_path, spreadsheet_safe
from etl.settings import Settings
from tests.signin import form_token, sign_in

PASSWORD = "correct horse battery"
AREA = "BU99980101"


@pytest.fixture()
def files(tmp_path, monkeypatch):
    """Users and notes beside a fresh copy of nothing: their own files in tmp_path."""
    monkeypatch.setenv("UNEASE_USERS", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("UNEASE_NOTES", str(tmp_path / "notes.sqlite"))
    monkeypatch.setenv("UNEASE_SECRET_KEY", "test-secret")
    return tmp_path


@pytest.fixture()
def app_with(tiny_db, files, monkeypatch):
    """The dashboard on the tiny database, with settings from ``UNEASE_*`` variables."""

    def make(**env: str):
        for name, value in env.items():
            monkeypatch.setenv(f"UNEASE_{name.upper()}", value)
        users = Users(users_path(tiny_db))
        users.add("wijkagent", PASSWORD, "professional")
        users.add("analist", PASSWORD, "professional")
        return create_app(tiny_db)

    return make


def _signed_in_as(client) -> str | None:
    layout = json.dumps(client.get("/_dash-layout").get_json())
    for name in ("wijkagent", "analist"):
        if f"Ingelogd als {name}" in layout:
            return name
    return None


def _address(n: int) -> dict:
    return {"environ_base": {"REMOTE_ADDR": f"10.0.0.{n}"}}


# --- rate limits -------------------------------------------------------------------------


def test_failed_sign_ins_are_limited_per_account(app_with):
    app = app_with(login_limit_account="3 per 15 minutes", login_limit_address="100 per hour")
    client = app.server.test_client()
    codes = [sign_in(client, "wijkagent", "wrong", **_address(i)).status_code for i in (1, 2, 3)]
    assert codes == [200, 200, 200]  # three wrong passwords, each from another address
    blocked = sign_in(client, "wijkagent", PASSWORD, **_address(4))
    assert blocked.status_code == 429  # even the right password, from a fourth address
    assert "Te veel mislukte pogingen" in blocked.get_data(as_text=True)
    assert _signed_in_as(client) is None
    other = app.server.test_client()
    assert sign_in(other, "analist", PASSWORD, **_address(1)).status_code == 302  # others not
    assert _signed_in_as(other) == "analist"


def test_failed_sign_ins_are_limited_per_address(app_with):
    app = app_with(login_limit_account="100 per hour", login_limit_address="3 per 15 minutes")
    client = app.server.test_client()
    names = ["a", "b", "c"]
    assert [sign_in(client, n, "wrong", **_address(7)).status_code for n in names] == [200] * 3
    assert sign_in(client, "wijkagent", PASSWORD, **_address(7)).status_code == 429
    assert sign_in(client, "wijkagent", PASSWORD, **_address(8)).status_code == 302


def test_successful_sign_ins_do_not_count(app_with):
    app = app_with(login_limit_account="2 per 15 minutes", login_limit_address="2 per 15 minutes")
    client = app.server.test_client()
    assert [sign_in(client, "wijkagent", PASSWORD).status_code for _ in range(5)] == [302] * 5


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(app_with, monkeypatch):
    monkeypatch.setenv("UNEASE_TRUSTED_PROXIES", "10.9.9.9")
    app = app_with(login_limit_account="100 per hour", login_limit_address="2 per 15 minutes")
    client = app.server.test_client()

    def via_proxy(client_ip: str, password: str) -> int:
        request = {
            "environ_base": {"REMOTE_ADDR": "10.9.9.9"},
            "headers": {"X-Forwarded-For": f"203.0.113.250, {client_ip}"},
        }
        return sign_in(client, "wijkagent", password, **request).status_code

    assert [via_proxy("198.51.100.1", "wrong") for _ in range(2)] == [200, 200]
    assert via_proxy("198.51.100.1", PASSWORD) == 429
    assert via_proxy("198.51.100.2", PASSWORD) == 302  # another client of the same proxy


# --- the same work for unknown and known names -------------------------------------------


def test_unknown_name_costs_the_same_hash_check_as_a_known_one(files, monkeypatch):
    users = Users(files / "users.sqlite")
    users.add("wijkagent", PASSWORD, "professional")
    checked: list[str] = []
    real = users_module.check_password_hash

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(users_module, "check_password_hash", spy)
    assert users.check("wijkagent", "wrong password") is None
    assert users.check("nobody-by-this-name", "wrong password") is None
    assert len(checked) == 2  # one full hash check each
    known, unknown = checked
    method = known.split("$", 1)[0]  # e.g. scrypt:32768:8:1 — the cost parameters
    assert unknown.split("$", 1)[0] == method and unknown != known


# --- CSRF --------------------------------------------------------------------------------


def test_sign_in_without_the_form_token_is_refused(app_with):
    client = app_with().server.test_client()
    response = client.post("/login", data={"name": "wijkagent", "password": PASSWORD})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)
    assert _signed_in_as(client) is None
    forged = {"name": "wijkagent", "password": PASSWORD, "csrf_token": "forged"}
    assert client.post("/login", data=forged).status_code == 400
    assert sign_in(client, "wijkagent", PASSWORD).status_code == 302


def _save_note(client, area: str, token: str | None, diagnosis: str = "Onrust op het plein"):
    deps = client.get("/_dash-dependencies").get_json()
    body = wire.note_request(deps, area, "2024", diagnosis, token)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200  # Dash's own POSTs keep working (exempt, JSON only)
    return response.get_data(as_text=True)


def test_notes_form_needs_its_token_and_an_area_of_the_database(app_with, tiny_db):
    app = app_with()
    client = app.server.test_client()
    sign_in(client, "wijkagent", PASSWORD)
    store = NotesStore(notes_path(tiny_db))
    assert "Het formulier is verlopen" in _save_note(client, AREA, None)
    assert "Het formulier is verlopen" in _save_note(client, AREA, "forged")
    other = app.server.test_client()  # a token of another session does not do
    assert "Het formulier is verlopen" in _save_note(client, AREA, form_token(other))
    assert "Onbekende gebiedscode BU00000000" in _save_note(
        client, "BU00000000", form_token(client)
    )
    assert store.all() == []
    assert "Notitie opgeslagen" in _save_note(client, AREA, form_token(client))
    assert [(n.area_code, n.author) for n in store.all()] == [(AREA, "wijkagent")]


def test_notes_form_token_is_on_the_profile_page(app_with):
    app = app_with()
    client = app.server.test_client()
    sign_in(client, "wijkagent", PASSWORD)
    deps = client.get("/_dash-dependencies").get_json()
    area = wire.key(wire.control("area", "profile"), "value")
    page = wire.request(
        wire.callback_for(deps, "profile-body.children"),
        {area: AREA, "page-lang.data": "nl", "url.pathname": "/gebied"},
        area,
    )
    layout = client.post("/_dash-update-component", json=page).get_json()
    (token,) = _props_of(layout, "note-token", "data")
    assert "Notitie opgeslagen" in _save_note(client, AREA, token)


def _props_of(tree, component_id: str, prop: str) -> list:
    """Values of ``prop`` of every component with ``component_id`` in a Dash response."""
    found = []
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            found.append(props.get(prop))
        for value in tree.values():
            found += _props_of(value, component_id, prop)
    elif isinstance(tree, list):
        for value in tree:
            found += _props_of(value, component_id, prop)
    return found


# --- sessions that end -------------------------------------------------------------------


def test_sign_out_is_a_post_and_ends_the_session_also_for_a_copied_cookie(app_with):
    app = app_with()
    client = app.server.test_client()
    assert sign_in(client, "wijkagent", PASSWORD).status_code == 302
    cookie = client.get_cookie("session").value
    client.get("/logout")  # a link or an image cannot sign out (GET is the dashboard's page)
    assert _signed_in_as(client) == "wijkagent"
    assert client.post("/logout", data={"csrf_token": form_token(client)}).status_code == 302
    assert _signed_in_as(client) is None
    replay = app.server.test_client()
    replay.set_cookie("session", cookie)  # the cookie as it was before sign-out
    assert _signed_in_as(replay) is None


def test_sign_out_needs_the_form_token(app_with):
    client = app_with().server.test_client()
    sign_in(client, "wijkagent", PASSWORD)
    assert client.post("/logout").status_code == 400
    assert _signed_in_as(client) == "wijkagent"


def test_a_new_password_ends_every_session_of_that_user(app_with, tiny_db):
    app = app_with()
    laptop, phone = app.server.test_client(), app.server.test_client()
    sign_in(laptop, "wijkagent", PASSWORD)
    sign_in(phone, "wijkagent", PASSWORD)
    other = app.server.test_client()
    sign_in(other, "analist", PASSWORD)
    Users(users_path(tiny_db)).add("wijkagent", "a new long password", "professional")
    assert _signed_in_as(laptop) is None and _signed_in_as(phone) is None
    assert _signed_in_as(other) == "analist"
    assert sign_in(laptop, "wijkagent", PASSWORD).status_code == 200  # the old one fails
    assert sign_in(laptop, "wijkagent", "a new long password").status_code == 302


# --- the cookie --------------------------------------------------------------------------


def _session_cookie(app) -> str:
    client = app.server.test_client()
    response = sign_in(client, "wijkagent", PASSWORD)
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_cookie_is_http_only_and_lax_and_secure_when_set(app_with):
    plain = _session_cookie(app_with())
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    https = _session_cookie(
        app_with(session_cookie_secure="true", session_cookie_samesite="Strict")
    )
    assert "Secure" in https and "SameSite=Strict" in https and "HttpOnly" in https


def test_cookie_and_limit_settings_are_checked(monkeypatch, tiny_db, files):
    with pytest.raises(ValueError, match="session_cookie_samesite None needs"):
        Settings.from_env({"session_cookie_samesite": "None"})
    with pytest.raises(ValueError, match="must be Strict, Lax or None"):
        Settings.from_env({"session_cookie_samesite": "lax-ish"})
    with pytest.raises(ValueError, match="is not true or false"):
        Settings.from_env({"session_cookie_secure": "sometimes"})
    monkeypatch.setenv("UNEASE_LOGIN_LIMIT_ACCOUNT", "lots")
    with pytest.raises(ValueError, match="login_limit_account: 'lots'"):
        create_app(tiny_db)


# --- files readable by their owner only --------------------------------------------------


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_users_notes_secret_and_exports_are_owner_only(tmp_path, tiny_db, monkeypatch):
    monkeypatch.delenv("UNEASE_SECRET_KEY", raising=False)
    monkeypatch.setenv("UNEASE_USERS", str(tmp_path / "u" / "users.sqlite"))
    (tmp_path / "u").mkdir()
    old = os.umask(0o022)  # the usual umask: files readable by everyone unless made private
    try:
        Users(users_path(tiny_db)).add("wijkagent", PASSWORD, "professional")
        notes = NotesStore(tmp_path / "n" / "notes.sqlite")
        notes.add_note(AREA, "2024", "Onrust", "wijkagent")
        created = [tmp_path / "u" / "users.sqlite", notes.path]
        created += [notes.export(tmp_path / "notes.csv"), notes.export(tmp_path / "n.json", "json")]
        db = tmp_path / "served.duckdb"
        db.write_bytes(tiny_db.read_bytes())
        create_app(db)
        created.append(tmp_path / "served.duckdb.secret")
    finally:
        os.umask(old)
    assert {p.name: oct(_mode(p)) for p in created} == {p.name: "0o600" for p in created}


# --- exports a spreadsheet does not execute ----------------------------------------------


def test_notes_export_neutralises_spreadsheet_formulas(tmp_path):
    notes = NotesStore(tmp_path / "notes.sqlite")
    hostile = ['=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)"]
    for text in hostile:
        notes.add_note(AREA, "2024", text, "=cmd|' /C calc'!A0", action_what="- overleg")
    notes.add_note(AREA, "2024", "Gewone tekst = geen formule", "wijkagent")
    with notes.export(tmp_path / "n.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    records = json.loads(notes.export(tmp_path / "n.json", "json").read_text("utf-8"))
    for exported in (rows, records):
        assert [r["diagnosis"] for r in exported] == [
            *("'" + t for t in hostile),
            ("Gewone tekst = geen formule"),
        ]
        assert {r["author"] for r in exported} == {"'=cmd|' /C calc'!A0", "wijkagent"}
        assert {r["action_what"] for r in exported} == {"'- overleg", ""}
    assert [n.diagnosis for n in notes.all()][:4] == hostile  # the store keeps what was written
    # the store strips leading white space; a tab or CR that reaches a cell is caught too
    assert [spreadsheet_safe(v) for v in ("\tx", "\rx", "x\t", 5)] == ["'\tx", "'\rx", "x\t", 5]


# --- in a real browser -------------------------------------------------------------------


@pytest.mark.browser
def test_browser_signs_in_and_out_with_the_forms_tokens(dash_duo, app_with):
    dash_duo.start_server(app_with())
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/login")
    driver.find_element("id", "name").send_keys("wijkagent")
    driver.find_element("id", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "button[type=submit]").click()
    dash_duo.wait_for_contains_text("#account", "Ingelogd als wijkagent", timeout=20)
    dash_duo.find_element("#logout").click()  # a POST form with the session's CSRF token
    dash_duo.wait_for_contains_text("#account", "Publieke weergave", timeout=20)
    driver.get(dash_duo.server_url + "/")  # and it stays signed out
    dash_duo.wait_for_contains_text("#account", "Publieke weergave", timeout=20)
