"""The sections of the briefing page as HTML: key figures, significant changes, alerts,
incident categories, initiatives, context, the professional note and the sources."""

from __future__ import annotations

import pandas as pd

from dashboard import queries
from dashboard.briefing.content import (
    CONTEXT_LABELS,
    KEY_INDICATORS,
    MAX_CHANGES,
    MAX_INITIATIVES,
    TOP_CATEGORIES,
    _category_label,
    _key_series,
    _period_bounds,
    _significant,
)
from dashboard.briefing.markup import _e, _sparkline, _table
from dashboard.compare import CLASSES, COLOURS, classify
from dashboard.fmt import MISSING, count, count_texts, number, p_value
from dashboard.i18n import TEXT, t
from dashboard.notes import PARTIES, Note
from dashboard.store import Store
from etl.disclosure import (
    SENSITIVE_FLAG,
    SMALL_COUNT_FLAG,
    public_change_rows,
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
            f"{number(rec['ci_low'], lang)} – {number(rec['ci_high'], lang)}"
            if pd.notna(rec["ci_low"])
            else MISSING
        )
        arrow = ""
        if ind in sig:
            diff, family = sig[ind]
            arrow = "▲" if diff > 0 else "▼"
            words = t("significant_after", lang, n=count(family, lang))
            arrow = f' <span class="sig" title="{_e(words)}">{arrow}</span>'
        values = [float(v) if pd.notna(v) else float("nan") for v in series["value"]]
        prev_text = number(prev["value"], lang) if prev is not None else MISSING
        label, marker = entry.label(lang), ""
        if rec["method"] == "model":
            label += f" ({t('method_model', lang)})"
            marker = ' data-method="model"'
        rows.append(
            f'<tr data-indicator="{_e(ind)}"{marker}>'
            f"<td>{_e(label)}</td>"
            f'<td class="num value">{number(rec["value"], lang)}{arrow}</td>'
            f'<td class="num">{interval}</td>'
            f'<td class="num">{number(city, lang)}</td>'
            f'<td class="num">{prev_text}</td>'
            f'<td class="num n">{_e(count_texts([rec["n_public"]], lang)[0])}</td>'
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
            f'<td class="num">{number(rec["value_from"], lang)} → '
            f"{number(rec['value_to'], lang)}</td>"
            f'<td class="num">{sign}{number(diff, lang)}</td>'
            f'<td class="num">{p_value(rec["q_value"], lang)}</td>'
            f"<td>{_e(t('significant_after', lang, n=count(rec['family_size'], lang)))}</td></tr>"
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
        observed = (
            count_texts([rec["observed"]], lang)[0]
            if role == "public"
            else count(rec["observed"], lang)
        )
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
                    expected=number(rec["expected"], lang),
                    lower=count(rec["lower"], lang),
                    upper=count(rec["upper"], lang),
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
    frame, withheld = queries.period_category_counts(store, info["code"], period, role)
    if frame.empty and not withheld:
        return f"<p>{_e(t('no_incidents', lang))}</p>", 0
    rows, shown = [], 0
    for rec in frame.to_dict("records"):
        cat = rec["category"]
        if cat != "total":
            if shown >= TOP_CATEGORIES:
                continue
            shown += 1
        cls = ' class="total"' if cat == "total" else ""
        now, before = count_texts([rec["n_public"], rec["n_prev_public"]], lang)
        rows.append(
            f'<tr data-category="{_e(cat)}"{cls}><td>{_e(_category_label(meta, cat, lang))}</td>'
            f'<td class="num count">{_e(now)}</td>'
            f'<td class="num count-prev">{_e(before)}</td></tr>'
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
            f'<td class="num">{_e(number(rec["value"], lang, digits))}</td>'
            f'<td class="num">{_e(number(rec["city_value"], lang, digits))}</td></tr>'
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
