"""The one-page area briefing, as HTML and as PDF.

One A4 page (two at most) per area and period: the area and its neighbours on a map
drawn here as inline SVG from the display geometries, the key indicators with their
intervals against the city and the previous period, significant changes and alerts,
the main incident categories, active citizen initiatives, context factors and, for
professionals only, the latest social diagnosis and action strategy.  A footer names
the data vintages, the sources with publisher, licence and year, the suppression
rules and the time of generation.

The public role sees disclosed counts only (1-4 as "<5", others rounded, sensitive
categories at wijk level and above); the professional role sees exact counts.  The
page is self-contained (no scripts, no external resources), so the PDF is printed by
headless Chromium from a local file without any network.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import html
import math
import os
import shutil
import sys
import tempfile
import threading
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import shapely
from flask import Flask, Response, abort, request

from dashboard import queries
from dashboard.compare import CLASSES, COLOURS, classify
from dashboard.fmt import MISSING, number, p_value
from dashboard.i18n import TEXT, t
from dashboard.notes import PARTIES, Note, NotesStore, notes_path
from dashboard.period_marks import marks_text
from dashboard.store import Store
from etl.disclosure import (
    PUBLIC_LEVELS_FOR_SENSITIVE,
    SENSITIVE_FLAG,
    SMALL_COUNT_FLAG,
    public_change_rows,
    public_count,
)
from etl.registry import indicator as registry_indicator

ROLES = ("public", "professional")
FORMATS = ("html", "pdf")
LANGS = ("nl", "en")

#: Key indicators of the briefing, in this order, when the database has them.
KEY_INDICATORS = (
    "survey_share.unsafe_own_buurt",
    "survey_share.unsafe_often_buurt",
    "survey_scale.nuisance",
    "survey_scale.decay",
    "survey_scale.cohesion",
    "survey_share.satisfied_police",
    "incident_rate.total",
    "incident_rate_eb.total",
    "index_part.perceived",
    "index_part.incidents",
    "index_part.nuisance",
    "unease_index.overall",
    "unease_gap.perceived_minus_registered",
    "context_index.composite",
)
TOP_CATEGORIES = 8
MAX_CHANGES = 8
MAX_INITIATIVES = 8


CONTEXT_LABELS: dict[str, dict[str, str]] = {
    "inhabitants": {"nl": "inwoners", "en": "inhabitants"},
    "addresses": {"nl": "adressen", "en": "addresses"},
    "dwellings": {"nl": "woningen", "en": "dwellings"},
    "density": {"nl": "adressendichtheid (per km²)", "en": "address density (per km²)"},
    "share_young": {"nl": "aandeel 15–24 jaar (%)", "en": "share aged 15–24 (%)"},
    "income": {"nl": "gem. inkomen (× 1.000 euro)", "en": "mean income (× 1,000 euro)"},
    "share_benefits": {"nl": "aandeel met uitkering (%)", "en": "share on benefits (%)"},
    "woz": {"nl": "gem. WOZ-waarde (× 1.000 euro)", "en": "mean WOZ value (× 1,000 euro)"},
    "share_rental": {"nl": "aandeel huurwoningen (%)", "en": "share of rented dwellings (%)"},
    "mobility": {"nl": "verhuismobiliteit (%)", "en": "residential mobility (%)"},
}


class BriefingError(ValueError):
    """An area or period the database does not have."""


# --------------------------------------------------------------------------- data


def area_periods(store: Store, area_code: str) -> list[str]:
    """Periods with at least one indicator value for the area."""
    frame = store.frame(
        "select distinct period from indicator_values where area_code = ? order by period",
        [area_code],
    )
    return [str(p) for p in frame["period"]]


def check_request(
    store: Store, area_code: str, period: str | None, lang: str = "en"
) -> tuple[dict, str]:
    """The area's record and the period (latest when None); BriefingError when unknown."""
    info = queries.area_info(store, area_code)
    if info is None:
        raise BriefingError(t("unknown_area", lang, area=area_code))
    found = area_periods(store, area_code)
    if period is None and found:
        return info, found[-1]
    if period not in found:
        listed = ", ".join(found) or MISSING
        raise BriefingError(t("unknown_period", lang, period=period, periods=listed))
    return info, period


def _num(value: object) -> str:
    """One decimal, as the dashboard shows figures."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return MISSING
    return number(float(value), 1)


def _exact(n: object) -> str:
    if n is None or pd.isna(n):
        return MISSING
    return f"{int(round(float(n))):,}".replace(",", ".")


def _key_series(
    store: Store, area_code: str, indicators: list[str], role: str, method: str = "direct"
) -> dict[str, pd.DataFrame]:
    """All periods of each indicator for the area, with the city's value of each period;
    with ``method`` model the model-based series of an indicator that has one (column
    ``method``), the direct one otherwise.

    The rows of ``area_trend`` for several indicators in one query; for the public the
    same disclosure control (``queries.disclose``), for professionals the exact counts.
    """
    if not indicators:
        return {}
    marks = ",".join("?" * len(indicators))
    frame = store.frame(
        f"""
        select v.indicator, v.period, v.value, v.ci_low, v.ci_high, v.n, v.flag, a.level,
            v.method, c.value as city_value
        from indicator_values v join areas a on a.code = v.area_code
        left join indicator_values c on c.indicator = v.indicator and c.period = v.period
            and c.method = 'direct'
            and c.area_code = (
                select code from areas where level = 'gemeente' order by code limit 1
            )
        where v.area_code = ? and v.indicator in ({marks}) and v.method in ('direct', ?)
        qualify v.method = max(v.method) over (partition by v.indicator, v.period)
        order by v.indicator, v.period
        """,
        [area_code, *indicators, method],
    )
    out = {}
    for ind, rows in frame.groupby("indicator", sort=False):
        rows = rows.drop(columns="indicator").reset_index(drop=True)
        if role == "public":
            level = rows["level"].iloc[0]
            out[ind] = queries.disclose(store, rows, ind, level, role, area_code=area_code)
        else:
            out[ind] = rows.assign(n_public=[_exact(n) for n in rows["n"]])
    return out


def _has(store: Store, table: str) -> bool:
    return table in _tables(store, store.version)


@lru_cache(maxsize=8)
def _tables(store: Store, version: tuple[int, int]) -> frozenset[str]:
    return frozenset(store.frame("select table_name from information_schema.tables")["table_name"])


def _significant(store: Store, area_code: str, period: str) -> pd.DataFrame:
    """Significant changes of the area into ``period`` (as significant_changes, any period).

    Kept per database file (read-only frame): the key figures and the list of changes
    of one briefing both use it.
    """
    return _significant_cached(store, store.version, area_code, period)


@lru_cache(maxsize=32)
def _significant_cached(
    store: Store, version: tuple[int, int], area_code: str, period: str
) -> pd.DataFrame:
    if not _has(store, "changes"):
        return pd.DataFrame(
            columns=[
                "indicator",
                "period_from",
                "period_to",
                "value_from",
                "value_to",
                "diff",
                "family_size",
            ]
        )
    return store.frame(
        """
        select c.indicator, c.level, c.period_from, c.period_to, c.value_from, c.value_to,
            c.diff, c.p_value, c.q_value, c.family_size, f.n as n_from, t.n as n_to
        from changes c
        left join indicator_values f on f.indicator = c.indicator
            and f.area_code = c.area_code and f.period = c.period_from and f.method = 'direct'
        left join indicator_values t on t.indicator = c.indicator
            and t.area_code = c.area_code and t.period = c.period_to and t.method = 'direct'
        where c.significant and c.blocked_by is null and c.area_code = ? and c.period_to = ?
        order by c.q_value, c.p_value, c.indicator
        """,
        [area_code, period],
    )


def _categories(store: Store, area_code: str, period: str) -> pd.DataFrame:
    """Registered incidents per category of the area in ``period`` and the period before."""
    if not _has(store, "incident_counts"):
        return pd.DataFrame(columns=["category", "n", "n_prev"])
    return store.frame(
        """
        with prev as (
            select max(period) as p from incident_counts where period < ?
        )
        select cur.category, cur.n, old.n as n_prev
        from incident_counts cur
        left join incident_counts old on old.area_code = cur.area_code
            and old.category = cur.category and old.period = (select p from prev)
        where cur.area_code = ? and cur.period = ?
        order by cur.category = 'total' desc, cur.n desc, cur.category
        """,
        [period, area_code, period],
    )


def _map_shapes(store: Store, area_code: str) -> pd.DataFrame:
    """The area and the areas of its level that touch it, with display geometry as WKB."""
    return store.frame(
        """
        with me as (select code, level, geom from areas where code = ?)
        select a.code, a.name, coalesce(a.is_water, false) as is_water,
            a.code = me.code as is_area, st_aswkb(a.geom_display) as wkb
        from areas a, me
        where a.level = me.level and a.geom_display is not null
            and (a.code = me.code or st_intersects(a.geom, me.geom))
        order by is_area, a.code
        """,
        [area_code],
    )


def _vintages(store: Store) -> dict[str, str]:
    """Periods covered per kind of source (from the indicators built on them)."""
    frame = store.frame(
        """
        select m.source_kind as kind, min(v.period) as first, max(v.period) as last
        from indicator_values v join indicator_meta m using (indicator)
        where m.source_kind in ('survey_responses', 'incidents', 'context', 'initiatives',
            'indicator_table')
        group by m.source_kind order by m.source_kind
        """
    )
    return {
        k: (f if f == last else f"{f}–{last}")
        for k, f, last in zip(frame["kind"], frame["first"], frame["last"])
    }


def _built_at(store: Store) -> str:
    if not _has(store, "build_info"):
        return MISSING
    frame = store.frame("select value from build_info where key = 'built_at'")
    return str(frame["value"][0]).replace("T", " ")[:16] if len(frame) else MISSING


def _sensitive_category(meta: dict, category: str) -> bool:
    entry = meta.get(f"incident_rate.{category}")
    if entry is not None:
        return entry.sensitive
    try:
        return registry_indicator(f"incident_rate.{category}").sensitive
    except KeyError:
        return False


def _category_label(meta: dict, category: str, lang: str) -> str:
    if category == "total":
        return t("total", lang)
    entry = meta.get(f"incident_rate.{category}")
    if entry is None:
        try:
            entry = registry_indicator(f"incident_rate.{category}")
        except KeyError:
            return category
    return entry.name[lang].split(": ", 1)[-1]


def _period_bounds(period: str) -> tuple[str, str] | None:
    return (f"{period}-01-01", f"{period}-12-31") if period.isdigit() and len(period) == 4 else None


def _latest_note(notes: NotesStore | None, area_code: str, period: str) -> Note | None:
    if notes is None:
        return None
    return notes.latest(area_code, period) or notes.latest(area_code)


# --------------------------------------------------------------------------- map


def map_svg(store: Store, area_code: str, name: str, lang: str, width: int = 300) -> str:
    """The area (highlighted) and its neighbours (labelled) as an inline SVG."""
    frame = _map_shapes(store, area_code)
    if frame.empty:
        return ""
    geoms = shapely.from_wkb([bytes(b) for b in frame["wkb"]])
    lat0 = shapely.total_bounds(geoms)[[1, 3]].mean()
    kx = math.cos(math.radians(lat0))
    # equirectangular around the area: x = lon * cos(lat0), y = lat (north up)
    projected = [shapely.transform(g, lambda c: c * [kx, 1.0]) for g in geoms]
    minx, miny, maxx, maxy = shapely.total_bounds(projected)
    pad = 0.04 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    scale = width / (maxx - minx)
    height = min(int(round((maxy - miny) * scale)), int(width * 0.9))
    scale = min(scale, height / (maxy - miny))
    left = (width - (maxx - minx) * scale) / 2  # centred when the height was capped

    def xy(x: float, y: float) -> tuple[float, float]:
        return left + (x - minx) * scale, (maxy - y) * scale

    def path(geom) -> str:
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            if poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                pts = [xy(x, y) for x, y in ring.coords]
                parts.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + "Z")
        return "".join(parts)

    shapes, labels = [], []
    for rec, geom in zip(frame.to_dict("records"), projected):
        cls = "area" if rec["is_area"] else ("water" if rec["is_water"] else "neighbour")
        shapes.append(
            f'<path class="{cls}" d="{path(geom)}"><title>{_e(rec["name"])}</title></path>'
        )
        px, py = xy(*shapely.get_coordinates(geom.representative_point())[0])
        labels.append(
            f'<text class="label {cls}" x="{px:.1f}" y="{py:.1f}">{_e(_short(rec["name"]))}</text>'
        )
    # scale bar: a round length near a quarter of the width (1 degree of latitude = 111.32 km)
    metres_per_px = 111_320 / scale
    target = metres_per_px * width / 4
    bar_m = max(
        s for s in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000) if s <= max(target, 50)
    )
    bar_px = bar_m / metres_per_px
    bar_text = f"{bar_m // 1000} km" if bar_m >= 1000 else f"{bar_m} m"
    bar = (
        f'<g class="scalebar" transform="translate(6,{height - 8})">'
        f'<path d="M0,-4V0H{bar_px:.1f}V-4"/>'
        f'<text x="{bar_px + 4:.1f}" y="0">{bar_text}</text></g>'
        f'<text class="north" x="{width - 10}" y="14">N↑</text>'
    )
    title = _e(t("map_title", lang, name=name))
    return (
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{title}</title>{''.join(shapes)}{''.join(labels)}{bar}</svg>"
    )


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# --------------------------------------------------------------------------- HTML


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(head: list[str], rows: list[str], cls: str = "") -> str:
    ths = "".join(f"<th>{_e(h)}</th>" for h in head)
    return (
        f'<table class="{cls}"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _sparkline(values: list[float], current: int) -> str:
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    w, h, n = 44, 12, max(len(values) - 1, 1)

    def pos(i: int, v: float) -> tuple[float, float]:
        return 1 + i * (w - 2) / n, h - 1 - (v - lo) / span * (h - 2)

    line = " ".join("{:.1f},{:.1f}".format(*pos(i, v)) for i, v in pts)
    dot = ""
    if current < len(values) and values[current] is not None and not math.isnan(values[current]):
        cx, cy = pos(current, values[current])
        dot = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="1.6"/>'
    return (
        f'<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true">'
        f'<polyline points="{line}"/>{dot}</svg>'
    )


def _key_rows(
    store: Store, area_code: str, period: str, lang: str, role: str, method: str = "direct"
) -> tuple[list[str], str | None, int]:
    meta = queries.indicator_meta(store)
    changes = _significant(store, area_code, period)
    sig = {r["indicator"]: (r["diff"], r["family_size"]) for r in changes.to_dict("records")}
    rows, prev_period, withheld = [], None, 0
    present = [i for i in KEY_INDICATORS if i in meta]
    all_series = _key_series(store, area_code, present, role, method)
    for ind in (i for i in present if i in all_series):
        entry = meta[ind]
        series = all_series[ind]
        periods = [str(p) for p in series["period"]]
        if period not in periods:
            continue
        i = periods.index(period)
        rec = series.iloc[i].to_dict()
        prev = series.iloc[i - 1].to_dict() if i > 0 else None
        if prev is not None:
            prev_period = prev_period or str(prev["period"])
        city = None if pd.isna(rec["city_value"]) else float(rec["city_value"])
        cls = classify(pd.DataFrame([rec]), city, entry.direction)[0]
        if rec["flag"] in WITHHELD_FLAGS:
            withheld += 1
        interval = (
            f"{_num(rec['ci_low'])} – {_num(rec['ci_high'])}"
            if pd.notna(rec["ci_low"])
            else MISSING
        )
        arrow = ""
        if ind in sig:
            diff, family = sig[ind]
            arrow = "▲" if diff > 0 else "▼"
            words = t("significant_after", lang, n=int(family))
            arrow = f' <span class="sig" title="{_e(words)}">{arrow}</span>'
        values = [float(v) if pd.notna(v) else float("nan") for v in series["value"]]
        prev_text = _num(prev["value"]) if prev is not None else MISSING
        label, marker = entry.label(lang), ""
        if rec["method"] == "model":
            label += f" ({t('method_model', lang)})"
            marker = ' data-method="model"'
        rows.append(
            f'<tr data-indicator="{_e(ind)}"{marker}>'
            f"<td>{_e(label)}</td>"
            f'<td class="num value">{_num(rec["value"])}{arrow}</td>'
            f'<td class="num">{interval}</td>'
            f'<td class="num">{_num(city)}</td>'
            f'<td class="num">{prev_text}</td>'
            f'<td class="num n">{_e(rec["n_public"])}</td>'
            f'<td class="cmp"><span class="swatch" style="background:{COLOURS[cls]}"></span>'
            f"{_e(t('class_' + CLASSES[cls], lang))}"
            + (
                f" <em>({_e(t('flag_' + rec['flag'], lang))})</em>"
                if rec["flag"] not in ("ok",) and f"flag_{rec['flag']}" in _FLAGS
                else ""
            )
            + f"</td><td>{_sparkline(values, i)}</td></tr>"
        )
    return rows, prev_period, withheld


_FLAGS = {
    "flag_indicative",
    "flag_suppressed",
    "flag_no-denominator",
    "flag_no-data",
    "flag_incomplete",
    f"flag_{SENSITIVE_FLAG}",
    f"flag_{SMALL_COUNT_FLAG}",
}
WITHHELD_FLAGS = ("suppressed", SENSITIVE_FLAG, SMALL_COUNT_FLAG)


def _changes_html(store: Store, info: dict, period: str, lang: str, role: str) -> tuple[str, int]:
    meta = queries.indicator_meta(store)
    frame = _significant(store, info["code"], period)
    rows, withheld = [], 0
    if role == "public":
        # the one gate: no sensitive category below wijk level, no small counts
        shown = public_change_rows(frame, meta, queries.rules(store))
        withheld, frame = len(frame) - len(shown), shown
    for rec in frame.to_dict("records"):
        entry = meta.get(rec["indicator"])
        if entry is None:
            continue
        if len(rows) >= MAX_CHANGES:
            continue
        diff = rec["diff"]
        sign = "+" if diff > 0 else ""
        rows.append(
            f"<tr><td>{_e(entry.label(lang))}</td>"
            f"<td>{_e(rec['period_from'])} → {_e(rec['period_to'])}</td>"
            f'<td class="num">{_num(rec["value_from"])} → {_num(rec["value_to"])}</td>'
            f'<td class="num">{sign}{_num(diff)}</td>'
            f'<td class="num">{p_value(rec["q_value"])}</td>'
            f"<td>{_e(t('significant_after', lang, n=int(rec['family_size'])))}</td></tr>"
        )
    if not rows:
        return f"<p>{_e(t('no_changes', lang))}</p>", withheld
    head = [
        t("indicator", lang),
        t("period", lang),
        t("value", lang),
        t("change", lang),
        "q",
        t("significant", lang),
    ]
    return _table(head, rows, "changes"), withheld


def _alerts_html(store: Store, info: dict, period: str, lang: str, role: str) -> str:
    frame = queries.alerts(store, role)  # disclosed counts for the public
    if frame.empty:
        return f"<p>{_e(t('no_alerts', lang))}</p>"
    meta = queries.indicator_meta(store)
    places = [c for c in (info["code"], info.get("parent_code")) if isinstance(c, str)]
    frame = frame[frame["area_code"].isin(places)]
    frame = frame[frame["month"].astype(str).str.startswith(period)]
    items = []
    for rec in frame.to_dict("records"):
        observed = rec["observed"] if role == "public" else _exact(rec["observed"])
        items.append(
            "<li>"
            + _e(
                t(
                    "alert_line",
                    lang,
                    area=rec["name"],
                    category=_category_label(meta, rec["category"], lang),
                    month=rec["month"],
                    observed=observed,
                    expected=_num(rec["expected"]),
                    lower=_exact(rec["lower"]),
                    upper=_exact(rec["upper"]),
                )
            )
            + "</li>"
        )
    if not items:
        return f"<p>{_e(t('no_alerts', lang))}</p>"
    return f'<ul class="alerts">{"".join(items)}</ul>'


def _categories_html(
    store: Store, info: dict, period: str, lang: str, role: str
) -> tuple[str, int]:
    meta = queries.indicator_meta(store)
    round_to = int(queries.setting(store, "public_round_to"))
    frame = _categories(store, info["code"], period)
    if frame.empty:
        return f"<p>{_e(t('no_incidents', lang))}</p>", 0
    hide_sensitive = role == "public" and info["level"] not in PUBLIC_LEVELS_FOR_SENSITIVE

    def show(n: object) -> str:
        return public_count(n, round_to) if role == "public" else _exact(n)

    rows, withheld, shown = [], 0, 0
    for rec in frame.to_dict("records"):
        cat = rec["category"]
        if hide_sensitive and _sensitive_category(meta, cat):
            withheld += 1
            continue
        if cat != "total":
            if shown >= TOP_CATEGORIES:
                continue
            shown += 1
        cls = ' class="total"' if cat == "total" else ""
        rows.append(
            f'<tr data-category="{_e(cat)}"{cls}><td>{_e(_category_label(meta, cat, lang))}</td>'
            f'<td class="num count">{_e(show(rec["n"]))}</td>'
            f'<td class="num count-prev">{_e(show(rec["n_prev"]))}</td></tr>'
        )
    prev = store.frame("select max(period) as p from incident_counts where period < ?", [period])[
        "p"
    ][0]
    head = [t("category", lang), period, str(prev) if pd.notna(prev) else MISSING]
    body = _table(head, rows, "categories")
    if withheld:
        body += f'<p class="note">{_e(t("sensitive_withheld", lang))}</p>'
    return body, withheld


def _initiatives_html(store: Store, area_code: str, period: str, lang: str) -> str:
    frame = queries.initiatives_near(store, area_code)
    bounds = _period_bounds(period)
    if bounds is not None and len(frame):
        start = pd.to_datetime(frame["start_date"])
        end = pd.to_datetime(frame["end_date"])
        active = (start <= pd.Timestamp(bounds[1])) & (
            end.isna() | (end >= pd.Timestamp(bounds[0]))
        )
        frame = frame[active.to_numpy()]
    if frame.empty:
        return f"<p>{_e(t('no_initiatives', lang))}</p>"
    rows = []
    for rec in frame.head(MAX_INITIATIVES).to_dict("records"):
        since = (
            pd.Timestamp(rec["start_date"]).date().isoformat()
            if pd.notna(rec["start_date"])
            else MISSING
        )
        until = (
            f" {t('until', lang)} {pd.Timestamp(rec['end_date']).date().isoformat()}"
            if pd.notna(rec["end_date"])
            else ""
        )
        rows.append(
            f"<tr><td>{_e(rec['name'])}</td><td>{_e(t('type_' + rec['type'], lang))}</td>"
            f"<td>{_e(t('where_' + rec['where'], lang))}</td>"
            f"<td>{_e(t('since', lang))} {since}{_e(until)}</td></tr>"
        )
    more = len(frame) - MAX_INITIATIVES
    tail = f'<p class="note">{_e(t("more", lang, n=more))}</p>' if more > 0 else ""
    head = [t("name", lang), t("form", lang), t("where", lang), t("period", lang)]
    return _table(head, rows, "initiatives") + tail


def _context_html(store: Store, area_code: str, lang: str, role: str) -> str:
    frame = queries.context_values(store, area_code, role)
    if frame.empty:
        return "<p>–</p>"
    rows = []
    for rec in frame.to_dict("records"):
        label = CONTEXT_LABELS.get(rec["variable"], {}).get(lang, rec["variable"])
        digits = 0 if rec["variable"] in ("inhabitants", "addresses", "dwellings", "density") else 1
        rows.append(
            f"<tr><td>{_e(label)}</td>"
            f'<td class="num">{_e(number(rec["value"], digits))}</td>'
            f'<td class="num">{_e(number(rec["city_value"], digits))}</td></tr>'
        )
    period = str(frame["period"].iloc[0])
    head = [f"{t('variable', lang)} ({period})", t("value", lang), t("city_mean", lang)]
    return _table(head, rows, "context") + f'<p class="note">{_e(t("context_note", lang))}</p>'


def _note_html(note: Note | None, lang: str) -> str:
    if note is None:
        return f"<p>{_e(t('no_note', lang))}</p>"
    who = ", ".join(t(f"party_{p}", lang) for p in note.action_who if p in PARTIES)
    parts = [
        f'<p class="diagnosis"><strong>{_e(t("diagnosis", lang))}:</strong> '
        f"{_e(note.diagnosis)}</p>"
    ]
    if note.action_what:
        parts.append(
            f'<p class="action"><strong>{_e(t("action", lang))}:</strong> {_e(note.action_what)}'
            + (f" · <strong>{_e(t('who', lang))}:</strong> {_e(who)}" if who else "")
            + (
                f" · <strong>{_e(t('by_when', lang))}:</strong> {_e(note.action_by)}"
                if note.action_by
                else ""
            )
            + "</p>"
        )
    parts.append(
        '<p class="note">'
        + _e(
            t(
                "note_recorded_by",
                lang,
                author=note.author,
                date=note.created_at[:10],
                period=note.period,
            )
        )
        + "</p>"
    )
    return "".join(parts)


def _sources_html(store: Store, lang: str, vintages: dict[str, str]) -> str:
    frame = queries.table_rows(store, "sources")
    items = []
    for rec in frame.to_dict("records"):
        year = (
            str(int(rec["vintage"]))
            if pd.notna(rec.get("vintage"))
            else vintages.get(rec["kind"], vintages.get("incidents", ""))
        )
        kind = t(f"kind_{rec['kind']}", lang) if f"kind_{rec['kind']}" in TEXT else rec["kind"]
        publisher = rec.get("publisher") if pd.notna(rec.get("publisher")) else rec["source"]
        licence = rec.get("licence") if pd.notna(rec.get("licence")) else MISSING
        items.append(f"{kind}: {publisher}, {licence}, {year}")
    return "; ".join(dict.fromkeys(items))


CSS = """
@page { size: A4; margin: 10mm 11mm 10mm 11mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 7.6pt;
  line-height: 1.2; color: #111; margin: 0; }
@media screen { body { max-width: 190mm; margin: 1em auto; padding: 0 1em; } }
header { display: flex; justify-content: space-between; align-items: flex-end;
  border-bottom: 1.5pt solid #222; padding-bottom: 1.5mm; margin-bottom: 2mm; }
h1 { font-size: 15pt; margin: 0; }
.sub { margin: 0.5mm 0 0; color: #333; }
.period { font-size: 12pt; font-weight: bold; text-align: right; }
.role { display: inline-block; font-size: 7.5pt; padding: 0.5mm 1.5mm; border: 0.8pt solid #555;
  border-radius: 1mm; margin-top: 0.5mm; }
.role.professional { background: #fde0c5; border-color: #b35806; }
h2 { font-size: 9pt; margin: 1.8mm 0 0.6mm; padding-bottom: 0.3mm;
  border-bottom: 0.7pt solid #444; }
.top { display: grid; grid-template-columns: 56mm 1fr; gap: 5mm; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
section { break-inside: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.2mm 1mm; border-bottom: 0.4pt solid #ccc;
  vertical-align: top; }
th { font-weight: bold; border-bottom: 0.8pt solid #666; font-size: 7.4pt; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
.keys td:first-child { width: 40%; }
.keys td.cmp { white-space: nowrap; }
.keys em { font-size: 6.8pt; }
.swatch { display: inline-block; width: 2.4mm; height: 2.4mm; border: 0.4pt solid #777;
  margin-right: 1mm; vertical-align: -0.3mm; }
.sig { font-weight: bold; }
.note { font-size: 7pt; color: #444; margin: 0.6mm 0 0; }
ul.alerts { margin: 0; padding-left: 4mm; }
svg.map { width: 56mm; height: auto; display: block; }
svg.map path { stroke: #fff; stroke-width: 0.8; fill: #d9d9d9; }
svg.map path.area { fill: #e66101; stroke: #222; stroke-width: 1.4; }
svg.map path.water { fill: #c6dbef; }
svg.map text { font-size: 9px; text-anchor: middle; dominant-baseline: middle; fill: #222; }
svg.map text.area { font-size: 10.5px; font-weight: bold; }
svg.map .scalebar path { fill: none; stroke: #222; stroke-width: 1; }
svg.map .scalebar text { text-anchor: start; font-size: 7px; }
svg.map text.north { font-size: 8px; font-weight: bold; }
svg.spark polyline { fill: none; stroke: #444; stroke-width: 1; }
svg.spark circle { fill: #e66101; }
.notes { border: 0.8pt solid #b35806; padding: 1mm 2mm; background: #fff7ef; }
.notes p { margin: 0.6mm 0; }
footer { margin-top: 2.5mm; border-top: 0.8pt solid #444; padding-top: 1mm; font-size: 6.8pt;
  color: #333; break-inside: avoid; }
footer p { margin: 0.3mm 0; }
"""


def render_html(
    store: Store,
    area_code: str,
    period: str | None,
    lang: str = "nl",
    role: str = "public",
    notes: NotesStore | None = None,
    method: str = "direct",
) -> str:
    """The briefing of an area and period as one self-contained HTML page; with ``method``
    model the survey figures are the model-based estimates where there are any.

    ``notes`` is read for the professional role only; when None, the notes file beside
    the database is used if it exists.  Raises BriefingError for an unknown area or period.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if method not in queries.METHODS:
        raise ValueError(f"unknown method {method!r}")
    info, period = check_request(store, area_code, period, lang)
    info = queries.area_info(store, area_code, role)  # inhabitants rounded for the public
    _, city_name = queries.city(store)
    parent_code = info.get("parent_code")
    parent = queries.area_info(store, parent_code) if isinstance(parent_code, str) else None
    level = t(info["level"], lang)
    sub = [level]
    if parent:
        sub.append(f"{t('part_of', lang)} {parent['name']}")
    if info["level"] != "gemeente" and (parent is None or parent["level"] != "gemeente"):
        sub.append(city_name)
    if pd.notna(info.get("inhabitants")):
        sub.append(f"{_exact(info['inhabitants'])} {t('population', lang)}")

    key_rows, prev_period, withheld = _key_rows(store, area_code, period, lang, role, method)
    shown = "shown_model_where" if method == "model" else "shown_direct"
    key_head = [
        t("indicator", lang),
        period,
        t("interval", lang),
        t("city", lang),
        t("previous", lang, period=prev_period or MISSING),
        "n",
        t("legend_title", lang),
        t("trend", lang),
    ]
    changes, w = _changes_html(store, info, period, lang, role)
    withheld += w
    categories, w = _categories_html(store, info, period, lang, role)
    withheld += w

    note_section = ""
    if role == "professional":
        if notes is None:
            path = notes_path(store.path)
            notes = NotesStore(path) if path.is_file() else None
        note_section = (
            f'<section class="notes"><h2>{_e(t("briefing_notes_title", lang))}</h2>'
            f"{_note_html(_latest_note(notes, area_code, period), lang)}</section>"
        )

    vintages = _vintages(store)
    kinds = "; ".join(
        f"{t('kind_' + k, lang)} {v}" for k, v in vintages.items() if f"kind_{k}" in TEXT
    )
    round_to = int(queries.setting(store, "public_round_to"))
    counts_rule = (
        t("public_counts", lang, round_to=round_to) if role == "public" else t("exact_counts", lang)
    )
    withheld_text = f" {t('withheld_here', lang, n=withheld)}" if withheld else ""
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    role_badge = f'<span class="role {role}">{_e(t(role + "_role", lang))}</span>'
    title = f"{t('briefing', lang)}: {info['name']}, {period}"

    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
  <div>
    <div class="sub">{_e(t("briefing", lang))}</div>
    <h1 id="area-name">{_e(info["name"])} <small>({_e(info["code"])})</small></h1>
    <p class="sub" id="area-level">{_e(" · ".join(sub))}</p>
  </div>
  <div class="period">{_e(t("period", lang))} <span id="period">{_e(period)}</span><br>{
        role_badge
    }</div>
</header>
<div class="top">
  <section>
    {map_svg(store, area_code, info["name"], lang)}
    <p class="note">{_e(queries.attribution(store, lang))}</p>
  </section>
  <section>
    <h2>{_e(t("changes_title", lang))}</h2>
    {changes}
    <h2>{_e(t("alerts_title", lang))}</h2>
    {_alerts_html(store, info, period, lang, role)}
  </section>
</div>
<section>
  <h2>{_e(t("key_figures", lang))}</h2>
  <p class="note" id="method">{_e(t(shown, lang))}</p>
  {_table(key_head, key_rows, "keys")}
  <p class="note">{_e(t("sig_note", lang))}</p>
</section>
<div class="cols">
  <section>
    <h2>{_e(t("categories_period", lang))}</h2>
    {categories}
  </section>
  <section>
    <h2>{_e(t("context_title", lang))}</h2>
    {_context_html(store, area_code, lang, role)}
  </section>
</div>
<section>
  <h2>{_e(t("initiatives_active", lang))} ({_e(period)})</h2>
  {_initiatives_html(store, area_code, period, lang)}
</section>
{note_section}
<footer>
  <p><strong>{_e(t("vintages", lang))}:</strong> {
        _e(
            t(
                "vintage_line",
                lang,
                boundaries=info.get("vintage") or MISSING,
                kinds=kinds,
                built=_built_at(store),
            )
        )
    }.</p>
  <p id="sources"><strong>{_e(t("sources", lang))}:</strong> {
        _e(_sources_html(store, lang, vintages))
    }.</p>
  <p id="period-marks">{_e(marks_text(queries.period_marks(store, None, period), lang))}</p>
  <p><strong>{_e(t("suppression", lang))}:</strong> {_e(queries.rules_text(store, lang))} {
        _e(counts_rule)
    }{_e(withheld_text)}</p>
  <p>{_e(t("generated", lang, time=generated))}.</p>
</footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- PDF

#: Options of the headless browser: no network services, no updates, no GPU.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-first-run",
)
#: Page.printToPDF: A4 (inches), backgrounds printed, the page's own @page rules.
PRINT_OPTIONS = {
    "paperWidth": 8.27,
    "paperHeight": 11.69,
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "marginTop": 0,
    "marginBottom": 0,
    "marginLeft": 0,
    "marginRight": 0,
}


class PdfError(RuntimeError):
    """The PDF renderer (headless Chromium) is missing or failed."""


class PdfRenderer:
    """Headless Chromium driven through chromedriver, kept running between briefings.

    Starting the browser costs about a second; a kept browser prints a briefing in a
    fraction of that.  One page is printed at a time (a lock); a browser that died is
    started again once.
    """

    def __init__(self, chromium: str | None = None, chromedriver: str | None = None):
        self.chromium = (
            chromium
            or os.environ.get("UNEASE_CHROMIUM")
            or _which("chromium", "chromium-browser", "google-chrome")
        )
        self.chromedriver = (
            chromedriver or os.environ.get("UNEASE_CHROMEDRIVER") or _which("chromedriver")
        )
        self._lock = threading.Lock()
        self._driver = None

    def _start(self):
        if not self.chromium or not self.chromedriver:
            raise PdfError(
                "PDF needs Chromium and chromedriver (Debian: apt-get install chromium "
                "chromium-driver), or UNEASE_CHROMIUM and UNEASE_CHROMEDRIVER"
            )
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError as exc:  # pragma: no cover - selenium is a dependency
            raise PdfError("PDF needs the selenium package") from exc
        options = webdriver.ChromeOptions()
        options.binary_location = self.chromium
        for arg in CHROMIUM_ARGS:
            options.add_argument(arg)
        service = Service(executable_path=self.chromedriver, log_path=os.devnull)
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(60)
        return driver

    def pdf(self, page: str) -> bytes:
        """The PDF of an HTML page (written to a temporary file and opened as file://)."""
        from selenium.common.exceptions import WebDriverException

        with self._lock, tempfile.TemporaryDirectory(prefix="unease-briefing-") as tmp:
            source = Path(tmp) / "briefing.html"
            source.write_text(page, encoding="utf-8")
            for attempt in (1, 2):
                try:
                    if self._driver is None:
                        self._driver = self._start()
                    self._driver.get(source.as_uri())
                    result = self._driver.execute_cdp_cmd("Page.printToPDF", PRINT_OPTIONS)
                    self._driver.get("about:blank")
                    return base64.b64decode(result["data"])
                except WebDriverException as exc:
                    self._close_driver()
                    if attempt == 2:
                        raise PdfError(f"Chromium could not print the briefing: {exc.msg}") from exc
        raise AssertionError("unreachable")

    def _close_driver(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - a dead browser may fail to quit
                pass

    def close(self) -> None:
        with self._lock:
            self._close_driver()


def _which(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


_renderer: PdfRenderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> PdfRenderer:
    """The process's PDF renderer, started on first use and closed at exit."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = PdfRenderer()
            atexit.register(_renderer.close)
        return _renderer


def pdf_bytes(page: str) -> bytes:
    return renderer().pdf(page)


def render_pdf(page: str, out_path: str | Path) -> Path:
    """Print an HTML briefing to a PDF file (A4, backgrounds) with headless Chromium."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(pdf_bytes(page))
    return out_path


# --------------------------------------------------------------------------- CLI


def add_briefing_parser(subparsers) -> argparse.ArgumentParser:
    """``unease briefing --db PATH --area CODE --period P --format html|pdf --out FILE``."""
    p = subparsers.add_parser(
        "briefing", help="one-page briefing of an area and period, as HTML or PDF"
    )
    p.add_argument("--db", type=Path, required=True, help="the built database")
    p.add_argument("--area", required=True, help="CBS code of the area (BU..., WK..., GM...)")
    p.add_argument("--period", help="period such as 2024 (default: the latest)")
    p.add_argument("--format", choices=FORMATS, help="html or pdf (default: from --out)")
    p.add_argument("--out", type=Path, required=True, help="file to write")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--role", choices=ROLES, default="public")
    p.add_argument(
        "--method",
        choices=queries.METHODS,
        default="direct",
        help="direct figures, or model-based survey estimates where there are any",
    )
    p.add_argument(
        "--notes", type=Path, help="notes file (default: UNEASE_NOTES or <db>.notes.sqlite)"
    )
    p.set_defaults(func=briefing_command)
    return p


def briefing_command(args: argparse.Namespace) -> int:
    """Write one briefing; exit 2 for an unknown database, area or period, 1 when PDF fails."""
    fmt = args.format or ("pdf" if str(args.out).lower().endswith(".pdf") else "html")
    try:
        store = Store(args.db)
    except FileNotFoundError as exc:
        print(f"unease briefing: {exc}", file=sys.stderr)
        return 2
    notes = None
    if args.role == "professional":
        path = getattr(args, "notes", None) or notes_path(args.db)
        notes = NotesStore(path) if Path(path).is_file() else None
    try:
        page = render_html(store, args.area, args.period, args.lang, args.role, notes, args.method)
    except BriefingError as exc:
        print(f"unease briefing: {exc}", file=sys.stderr)
        return 2
    try:
        if fmt == "pdf":
            render_pdf(page, args.out)
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(page, encoding="utf-8")
    except PdfError as exc:
        print(f"unease briefing: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


# --------------------------------------------------------------------------- route


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
