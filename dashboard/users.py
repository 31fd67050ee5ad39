"""Who may sign in: names, roles and hashed passwords in their own SQLite file.

The file is ``UNEASE_USERS`` when set, otherwise ``<db>.users.sqlite`` beside the
database, created readable by its owner only.  Passwords are hashed by werkzeug
(scrypt).  Every user has a *session version*: a session carries the version it was
opened with, and signing out or a new password raises it, which ends every session
of that user (the cookie of an ended session no longer signs anyone in).

A sign-in with an unknown name checks the password against a dummy hash made the
same way, so it costs the same time as one with a known name and a wrong password:
the answer time does not tell which names exist.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.private_file import create_private

ROLES = ("public", "professional", "admin")
MIN_PASSWORD = 10

_SCHEMA = (
    "create table if not exists users (name text primary key, role text not null, "
    "password_hash text not null, session_version integer not null default 0)"
)


class User(UserMixin):
    def __init__(self, name: str, role: str, session_version: int = 0):
        self.id = name
        self.role = role
        self.session_version = session_version

    def get_id(self) -> str:
        """What the session keeps: the version first, so a raised version ends it."""
        return f"{self.session_version}:{self.id}"


def session_user_id(value: str) -> tuple[int, str] | None:
    """(version, name) from what :meth:`User.get_id` put in a session, or None."""
    version, sep, name = value.partition(":")
    return (int(version), name) if sep and version.isdigit() else None


class Users:
    """Users with hashed passwords in their own SQLite file (never in the analytic database)."""

    def __init__(self, path: str | Path):
        self.path = create_private(path)
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(_SCHEMA)
            columns = {row[1] for row in con.execute("pragma table_info(users)")}
            if "session_version" not in columns:  # a users file of an earlier version
                con.execute(
                    "alter table users add column session_version integer not null default 0"
                )
        _dummy_hash()  # made now, so the first unknown name costs no more than the next

    def add(self, name: str, password: str, role: str) -> None:
        """Add a user, or give an existing one a new password and role (ending their sessions)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(
                "insert into users (name, role, password_hash) values (?, ?, ?) "
                "on conflict (name) do update set role = excluded.role, "
                "password_hash = excluded.password_hash, session_version = session_version + 1",
                [name, role, generate_password_hash(password)],
            )

    def get(self, name: str) -> User | None:
        with closing(sqlite3.connect(self.path)) as con:
            row = con.execute(
                "select name, role, session_version from users where name = ?", [name]
            ).fetchone()
        return User(*row) if row else None

    def check(self, name: str, password: str) -> User | None:
        """The user when name and password match; the same hashing work when the name is unknown."""
        with closing(sqlite3.connect(self.path)) as con:
            row = con.execute(
                "select name, role, session_version, password_hash from users where name = ?",
                [name],
            ).fetchone()
        stored = row[3] if row else _dummy_hash()
        matches = check_password_hash(stored, password)
        return User(row[0], row[1], row[2]) if row and matches else None

    def end_sessions(self, name: str) -> None:
        """Raise the user's session version: every session opened before ends."""
        with closing(sqlite3.connect(self.path)) as con, con:
            con.execute(
                "update users set session_version = session_version + 1 where name = ?", [name]
            )


def users_path(db_path: str | Path) -> Path:
    return Path(os.environ.get("UNEASE_USERS", f"{db_path}.users.sqlite"))


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made as every stored hash is (same method and cost)."""
    return generate_password_hash(secrets.token_urlsafe(16))
