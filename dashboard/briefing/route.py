"""The web route of the public briefing, as HTML or PDF (PDFs kept per database file)."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, Response, abort, request

from dashboard import queries
from dashboard.briefing.content import FORMATS, LANGS, BriefingError, check_request
from dashboard.briefing.html import render_html
from dashboard.briefing.pdf import PdfError, pdf_bytes
from dashboard.store import Store


def register_briefing_route(server: Flask, store: Store) -> None:
    """GET ``/briefing/<area>.pdf|html?period=&lang=``: the public briefing."""

    @server.route("/briefing/<area>.<fmt>")
    def briefing_download(area: str, fmt: str) -> Response:
        lang = request.args.get("lang", "nl")
        method = request.args.get("method", "direct")
        if fmt not in FORMATS or lang not in LANGS or method not in queries.METHODS:
            abort(404)
        try:
            _, period = check_request(store, area, request.args.get("period") or None, lang)
        except BriefingError:
            abort(404)
        name = f"briefing_{area}_{period}_{lang}" + ("_model" if method == "model" else "")
        name += f".{fmt}"
        headers = {"Content-Disposition": f'inline; filename="{name}"'}
        if fmt == "html":
            page = render_html(store, area, period, lang=lang, role="public", method=method)
            return Response(page, mimetype="text/html", headers=headers)
        try:
            body = _public_pdf(store, store.version, area, period, lang, method)
        except PdfError:
            abort(503)
        return Response(body, mimetype="application/pdf", headers=headers)


@lru_cache(maxsize=64)
def _public_pdf(
    store: Store, version: tuple[int, int], area: str, period: str, lang: str, method: str
) -> bytes:
    """Public PDFs per database file: a build never changes a file in place."""
    return pdf_bytes(render_html(store, area, period, lang=lang, role="public", method=method))
