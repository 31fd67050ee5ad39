"""Who is asking: public (no sign-in), professional or admin — decided on the server.

Two set-ups (setting ``UNEASE_AUTH``):

* ``password`` (default): sign-in at ``/login`` with Flask-Login; users and their
  hashed passwords live in their own SQLite file (dashboard.users), managed with
  ``unease users add NAME --role professional``.
* ``header``: an OIDC reverse proxy (oauth2-proxy, Keycloak gatekeeper, ...) signs
  people in and passes the role in a header (``UNEASE_ROLE_HEADER``, default
  ``X-Unease-Role``); the header is trusted only from the proxy's addresses
  (``UNEASE_TRUSTED_PROXIES``, default 127.0.0.1).

The public view needs no sign-in.  Whatever the browser sends, every callback and
download that could return point data or unsuppressed counts asks :func:`role`.

Sign-in is guarded by maintained libraries rather than code of our own:

* **Failed sign-ins are rate-limited** by flask-limiter, per account name and per
  client address (settings ``login_limit_account``, ``login_limit_address``),
  counted in ``rate_limit_storage_uri`` (memory per process, or a shared store for
  several workers).  Only failures count; a limited address or name gets 429.
* **CSRF tokens** (Flask-WTF's CSRFProtect) on every form POST: sign-in and
  sign-out.  Dash's own callback endpoint is exempt, because Dash's renderer cannot
  send a form token; it accepts JSON only (a cross-site form cannot send that, and a
  cross-site script needs a CORS permission this server never gives), the session
  cookie is SameSite, and the one callback that writes (saving a note) checks a token
  of its own (:func:`form_token`, :func:`valid_form_token`).
* **Sessions end at sign-out**: the session holds the user's session version
  (dashboard.users), checked on every request; sign-out and a new password raise it.
* **The cookie**: HttpOnly always; ``Secure`` and ``SameSite`` from the settings
  ``session_cookie_secure`` and ``session_cookie_samesite``.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from flask import Flask, Response, g, redirect, request, session
from flask_limiter import Limiter
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from limits import parse_many
from wtforms.validators import ValidationError

from dashboard.i18n import t
from dashboard.private_file import create_private
from dashboard.users import ROLES, Users, session_user_id, users_path
from etl.settings import Settings

__all__ = ["ROLES", "Users", "users_path", "role", "user_name", "at_least", "setup_auth"]

RANK = {r: i for i, r in enumerate(ROLES)}
#: Longest name and password a sign-in form may send (longer ones are cut).
MAX_FIELD = 256


def _trusted_proxies() -> list[str]:
    return [a.strip() for a in os.environ.get("UNEASE_TRUSTED_PROXIES", "127.0.0.1").split(",")]


def role() -> str:
    """The role of the current request: public unless signed in or vouched for by the proxy."""
    if os.environ.get("UNEASE_AUTH", "password") == "header":
        if request.remote_addr in _trusted_proxies():
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


def client_address() -> str:
    """The client's address; behind a trusted proxy, the one the proxy saw."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and request.remote_addr in _trusted_proxies():
        return forwarded.split(",")[-1].strip()
    return request.remote_addr or ""


def form_token() -> str:
    """A CSRF token bound to this session, for a form the browser posts back."""
    return generate_csrf()


def valid_form_token(token: object) -> bool:
    """Whether ``token`` is this session's CSRF token (for forms posted through Dash)."""
    try:
        validate_csrf(token if isinstance(token, str) else None)
    except ValidationError:
        return False
    return True


def setup_auth(server: Flask, db_path: str | Path, settings: Settings | None = None) -> None:
    """Sessions, CSRF protection, the rate-limited sign-in form and sign-out."""
    settings = settings or Settings.from_env()
    for name in ("login_limit_account", "login_limit_address"):
        _check_rate_limit(name, getattr(settings, name))
    server.secret_key = os.environ.get("UNEASE_SECRET_KEY") or _secret(db_path)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_SAMESITE=settings.session_cookie_samesite,
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as its session (ended at sign-out)
    )
    users = Users(users_path(db_path))
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def load_user(session_id: str):
        """The session's user while its session version is current (checked every request)."""
        parsed = session_user_id(session_id)
        user = users.get(parsed[1]) if parsed else None
        return user if user and user.session_version == parsed[0] else None

    csrf = CSRFProtect(server)
    for endpoint, view in server.view_functions.items():
        if endpoint.endswith("_dash-update-component"):
            csrf.exempt(view)  # JSON callbacks; see the module docstring

    limiter = Limiter(
        key_func=client_address,
        app=server,
        storage_uri=settings.rate_limit_storage_uri,
        strategy="moving-window",
    )
    failed = {"methods": ["POST"], "deduct_when": lambda response: g.get("login_failed", False)}

    @server.route("/login", methods=["GET", "POST"])
    @limiter.limit(settings.login_limit_address, key_func=_address_key, **failed)
    @limiter.limit(settings.login_limit_account, key_func=_account_key, **failed)
    def login():
        if request.method == "GET":
            return _login_page()
        name = request.form.get("name", "")[:MAX_FIELD]
        user = users.check(name, request.form.get("password", "")[:MAX_FIELD])
        if user is None:
            g.login_failed = True
            return _login_page("login_failed")
        session.clear()  # a fresh session for the signed-in user
        login_user(user)
        return redirect("/")

    @server.route("/logout", methods=["POST"])
    def logout():
        if current_user.is_authenticated:
            users.end_sessions(str(current_user.id))
        logout_user()
        session.clear()
        return redirect("/")

    @server.errorhandler(429)
    def too_many_attempts(error):
        return _login_page("login_too_many", status=429)

    @server.errorhandler(CSRFError)
    def form_expired(error):
        return _login_page("form_expired", status=400)


def _account_key() -> str:
    return "account:" + request.form.get("name", "")[:MAX_FIELD].strip()


def _address_key() -> str:
    return "address:" + client_address()


def _check_rate_limit(name: str, value: str) -> None:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(
            f"setting {name}: {value!r} is not a rate like '5 per 15 minutes'"
        ) from None


def _secret(db_path: str | Path) -> bytes:
    """A per-installation secret kept beside the database (created once, owner only).

    Written to a file of its own and linked into place, so workers starting together
    agree on one secret and never read a half-written one.
    """
    path = Path(f"{db_path}.secret")
    if not path.exists():
        mine = create_private(path.with_name(f"{path.name}.{os.getpid()}"))
        mine.write_bytes(os.urandom(32))
        try:
            os.link(mine, path)
        except FileExistsError:
            pass  # another worker was first: use its secret
        finally:
            mine.unlink()
    return path.read_bytes()


def _both(key: str) -> str:
    """A text in Dutch and English, for the sign-in page that precedes any language choice."""
    return f"{t(key, 'nl')} / {t(key, 'en')}"


def _login_page(message: str | None = None, status: int = 200) -> Response:
    alert = f"<p role='alert'>{escape(_both(message))}</p>" if message else ""
    body = LOGIN_FORM.format(
        title=escape(_both("login")),
        message=alert,
        token=escape(generate_csrf()),
        name=escape(_both("login_name")),
        password=escape(_both("login_password")),
        public=escape(_both("login_public")),
    )
    return Response(body, status=status, mimetype="text/html")


LOGIN_FORM = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>{title}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body><main style="max-width:24rem;margin:3rem auto">
<h1>{title}</h1>{message}
<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="{token}">
<p><label for="name">{name}</label><br>
<input id="name" name="name" autocomplete="username" maxlength="256" required></p>
<p><label for="password">{password}</label><br>
<input id="password" name="password" type="password" autocomplete="current-password" required>
</p>
<p><button type="submit">{title}</button></p>
</form><p><a href="/">{public}</a></p>
</main></body></html>"""
