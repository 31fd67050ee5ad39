"""Who is asking: public (no sign-in), professional or admin — decided on the server.

Two set-ups (setting ``UNEASE_AUTH``):

* ``password`` (default): sign-in at ``/login`` with Flask-Login; users and their
  hashed passwords (werkzeug scrypt/pbkdf2) live in a small SQLite file beside the
  database (``<db>.users.sqlite``, or ``UNEASE_USERS``), managed with
  ``unease users add NAME --role professional``.
* ``header``: an OIDC reverse proxy (oauth2-proxy, Keycloak gatekeeper, ...) signs
  people in and passes the role in a header (``UNEASE_ROLE_HEADER``, default
  ``X-Unease-Role``); the header is trusted only from the proxy's addresses
  (``UNEASE_TRUSTED_PROXIES``, default 127.0.0.1).

The public view needs no sign-in.  Whatever the browser sends, every callback and
download that could return point data or unsuppressed counts asks :func:`role`.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from flask import Flask, redirect, request
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("public", "professional", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}


class User(UserMixin):
    def __init__(self, name: str, role: str):
        self.id = name
        self.role = role


class Users:
    """Users with hashed passwords in their own SQLite file (never in the analytic database)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(
                "create table if not exists users (name text primary key, role text not null, "
                "password_hash text not null)"
            )

    def add(self, name: str, password: str, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(
                "insert or replace into users values (?, ?, ?)",
                [name, role, generate_password_hash(password)],
            )

    def get(self, name: str) -> User | None:
        with closing(sqlite3.connect(self.path)) as con:
            row = con.execute("select name, role from users where name = ?", [name]).fetchone()
        return User(*row) if row else None

    def check(self, name: str, password: str) -> User | None:
        with closing(sqlite3.connect(self.path)) as con:
            row = con.execute(
                "select name, role, password_hash from users where name = ?", [name]
            ).fetchone()
        if row and check_password_hash(row[2], password):
            return User(row[0], row[1])
        return None


def users_path(db_path: str | Path) -> Path:
    return Path(os.environ.get("UNEASE_USERS", f"{db_path}.users.sqlite"))


def role() -> str:
    """The role of the current request: public unless signed in or vouched for by the proxy."""
    if os.environ.get("UNEASE_AUTH", "password") == "header":
        trusted = os.environ.get("UNEASE_TRUSTED_PROXIES", "127.0.0.1").split(",")
        if request.remote_addr in [t.strip() for t in trusted]:
            claimed = request.headers.get(os.environ.get("UNEASE_ROLE_HEADER", "X-Unease-Role"))
            return claimed if claimed in ROLES else "public"
        return "public"
    if current_user and current_user.is_authenticated:
        return current_user.role
    return "public"


def user_name() -> str:
    """The signed-in name (from the session, or the proxy's user header)."""
    if current_user and current_user.is_authenticated:
        return str(current_user.id)
    return request.headers.get(os.environ.get("UNEASE_USER_HEADER", "X-Unease-User"), "")


def at_least(wanted: str) -> bool:
    return RANK[role()] >= RANK[wanted]


def setup_auth(server: Flask, db_path: str | Path) -> None:
    """Sessions, the login form and logout."""
    server.secret_key = os.environ.get("UNEASE_SECRET_KEY") or _secret(db_path)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    users = Users(users_path(db_path))
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(users.get)

    @server.route("/login", methods=["GET", "POST"])
    def login():
        message = ""
        if request.method == "POST":
            user = users.check(request.form.get("name", ""), request.form.get("password", ""))
            if user:
                login_user(user)
                return redirect("/")
            message = "<p role='alert'>Naam of wachtwoord onjuist / Wrong name or password</p>"
        return LOGIN_FORM.replace("{message}", message)

    @server.route("/logout")
    def logout():
        logout_user()
        return redirect("/")


def _secret(db_path: str | Path) -> bytes:
    """A per-installation secret kept beside the database (created once)."""
    path = Path(f"{db_path}.secret")
    if not path.exists():
        path.write_bytes(os.urandom(32))
        path.chmod(0o600)
    return path.read_bytes()


LOGIN_FORM = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Inloggen / Sign in</title><link rel="stylesheet" href="/assets/style.css"></head>
<body><main style="max-width:24rem;margin:3rem auto">
<h1>Inloggen / Sign in</h1>{message}
<form method="post">
<p><label for="name">Naam / Name</label><br>
<input id="name" name="name" autocomplete="username" required></p>
<p><label for="password">Wachtwoord / Password</label><br>
<input id="password" name="password" type="password" autocomplete="current-password" required>
</p>
<p><button type="submit">Inloggen / Sign in</button></p>
</form><p><a href="/">Verder zonder inloggen (publiek) / Continue as public</a></p>
</main></body></html>"""
