"""Plain HTTP resources beside the Dash app: geometry and downloads.

* ``/geo/<level>.geojson`` — the display geometry of a level, served once and cached
  by the browser, so figures never carry geometry (a national buurt layer of ~14k
  areas stays out of every callback).
* ``/geo/levels.json`` — the address of every level's geometry and the map's first
  level, so the page can fetch the map's geometry as it opens (assets/map_geometry.js).
* ``/download/view.<csv|xlsx|parquet>?indicator=&level=&period=&lang=`` — exactly
  the map's table, through the same disclosure gate: value, interval, count, flag and
  the city's value, with the indicator's name, unit, the sources and the boundary
  vintage on every row.  The count is a number (``n``, empty where the gate shows
  '<5' or withholds it) beside the text the page shows (``n_shown``); the CSV is in
  the dialect of the page's language (dashboard.spreadsheet).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from flask import Flask, Response, abort, jsonify, request

from dashboard import auth, queries
from dashboard.briefing import register_briefing_route
from dashboard.compare import CLASSES, classify
from dashboard.fmt import unit
from dashboard.i18n import t
from dashboard.spreadsheet import csv_bytes, xlsx_bytes
from dashboard.state import LANGS
from dashboard.store import Store

#: Download formats and their media types.
DOWNLOADS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def compressed_response(
    plain: Callable[[], bytes], zipped: Callable[[], bytes], mimetype: str, cache: str
) -> Response:
    """A file served gzipped to a browser that accepts it (``zipped``), as it is
    otherwise (``plain``); each is made only when it is sent."""
    headers = {"Cache-Control": cache, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(zipped(), mimetype=mimetype, headers=headers)
    return Response(plain(), mimetype=mimetype, headers=headers)


def register_routes(server: Flask, store: Store) -> None:
    register_briefing_route(server, store)

    @server.route("/geo/levels.json")
    def geojson_urls() -> Response:
        levels = queries.levels(store)
        urls = {level: queries.geojson_url(store, level) for level in levels}
        return jsonify({"first": levels[0] if levels else None, "urls": urls})

    @server.route("/geo/<level>.geojson")
    def geojson(level: str) -> Response:
        if level not in queries.levels(store) and level != "gemeente":
            abort(404)
        return compressed_response(
            lambda: queries.geojson_bytes(store, level),
            lambda: queries.geojson_gzip(store, level),
            "application/geo+json",
            "public, max-age=3600",
        )

    @server.route("/download/view.<fmt>")
    def download_view(fmt: str) -> Response:
        if fmt not in DOWNLOADS:
            abort(404)
        indicator = request.args.get("indicator", "")
        level = request.args.get("level", "")
        period = request.args.get("period", "")
        lang = request.args.get("lang", "nl")
        method = request.args.get("method", "direct")
        meta = queries.indicator_meta(store)
        if indicator not in meta or level not in queries.levels(store) or lang not in LANGS:
            abort(404)
        if period not in queries.periods(store, indicator) or method not in queries.METHODS:
            abort(404)
        frame = view_table(store, indicator, level, period, lang, auth.role(), method)
        name = f"{indicator}_{level}_{period}" + ("_model" if method == "model" else "")
        if fmt == "csv":
            body = csv_bytes(frame, lang)
        elif fmt == "xlsx":
            body = xlsx_bytes(frame, indicator)
        else:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            body = buffer.getvalue()
        disposition = f'attachment; filename="{name}.{fmt}"'
        return Response(body, mimetype=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})


def view_table(
    store: Store,
    indicator: str,
    level: str,
    period: str,
    lang: str,
    role: str = "public",
    method: str = "direct",
):
    """The map's table as ``role`` may see it (disclosure control for the public).

    ``n`` is the count as a number where the gate shows one (empty where it shows
    '<5' or withholds the figure); ``n_shown`` the gate's text, as on the page."""
    entry = queries.indicator_meta(store)[indicator]
    frame = queries.public_area_values(store, indicator, level, period, role, method)
    city = frame["city_value"].iloc[0] if len(frame) else None
    classes = classify(frame, city, entry.direction)
    vintages = queries.boundary_vintages(store, level)
    return frame.assign(
        n=pd.to_numeric(frame["n_public"], errors="coerce").astype("Int64"),
        n_shown=frame["n_public"],
        boundary_vintage=frame["area_code"].map(vintages).astype("Int64"),
        comparison=[t(f"class_{CLASSES[c]}", lang) for c in classes],
        status=[t(f"flag_{f}", lang) for f in frame["flag"]],
        indicator=indicator,
        indicator_name=entry.label(lang),
        unit=unit(entry.unit, lang),
        period=period,
        level=level,
        method=method,
        source=queries.attribution(store, lang, indicator),
    )[
        [
            "area_code",
            "name",
            "level",
            "indicator",
            "indicator_name",
            "method",
            "period",
            "value",
            "ci_low",
            "ci_high",
            "unit",
            "n",
            "n_shown",
            "flag",
            "status",
            "city_value",
            "comparison",
            "boundary_vintage",
            "source",
        ]
    ]
