"""Plain HTTP resources beside the Dash app: geometry and downloads.

* ``/geo/<level>.geojson`` — the display geometry of a level, served once and cached
  by the browser, so figures never carry geometry (a national buurt layer of ~14k
  areas stays out of every callback).
* ``/download/view.<csv|parquet>?indicator=&level=&period=&lang=`` — exactly the
  map's table: values, intervals, disclosed counts and flags, with the indicator's
  name, unit and the sources' attribution on every row.
"""

from __future__ import annotations

import io

from flask import Flask, Response, abort, request

from dashboard import auth, queries
from dashboard.briefing import register_briefing_route
from dashboard.compare import CLASSES, classify
from dashboard.i18n import t
from dashboard.state import LANGS
from dashboard.store import Store


def register_routes(server: Flask, store: Store) -> None:
    register_briefing_route(server, store)

    @server.route("/geo/<level>.geojson")
    def geojson(level: str) -> Response:
        if level not in queries.levels(store) and level != "gemeente":
            abort(404)
        body = queries.geojson_bytes(store, level)
        headers = {"Cache-Control": "public, max-age=3600", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = queries.geojson_gzip(store, level)
            headers["Content-Encoding"] = "gzip"
        return Response(body, mimetype="application/geo+json", headers=headers)

    @server.route("/download/view.<fmt>")
    def download_view(fmt: str) -> Response:
        if fmt not in ("csv", "parquet"):
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
            body = frame.to_csv(index=False).encode("utf-8-sig")
            mimetype = "text/csv"
        else:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            body, mimetype = buffer.getvalue(), "application/vnd.apache.parquet"
        disposition = f'attachment; filename="{name}.{fmt}"'
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})


def view_table(
    store: Store,
    indicator: str,
    level: str,
    period: str,
    lang: str,
    role: str = "public",
    method: str = "direct",
):
    """The map's table as ``role`` may see it (disclosure control for the public)."""
    entry = queries.indicator_meta(store)[indicator]
    frame = queries.public_area_values(store, indicator, level, period, role, method)
    city = frame["city_value"].iloc[0] if len(frame) else None
    classes = classify(frame, city, entry.direction)
    return frame.assign(
        n=frame["n_public"],
        comparison=[t(f"class_{CLASSES[c]}", lang) for c in classes],
        status=[t(f"flag_{f}", lang) for f in frame["flag"]],
        indicator=indicator,
        indicator_name=entry.label(lang),
        unit=entry.unit,
        period=period,
        level=level,
        method=method,
        attribution=queries.attribution(store, lang, indicator),
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
            "flag",
            "status",
            "comparison",
            "attribution",
        ]
    ]
