"""Signing in as a browser does: read the form's CSRF token, post it with the form."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(client) -> str:
    """The CSRF token of the sign-in form, as the browser gets it (bound to its session)."""
    return _TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)


def sign_in(client, name: str, password: str, **request):
    """Post the sign-in form with its token; the response (302 when signed in)."""
    data = {"name": name, "password": password, "csrf_token": form_token(client)}
    return client.post("/login", data=data, **request)
