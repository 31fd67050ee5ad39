"""The briefing as one self-contained HTML page (no scripts, no external resources): the
page's style and its layout around the sections."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard import queries
from dashboard.briefing.content import (
    LANGS,
    ROLES,
    _built_at,
    _latest_note,
    _vintages,
    check_request,
)
from dashboard.briefing.markup import _e, _table, map_svg
from dashboard.briefing.sections import (
    _alerts_html,
    _categories_html,
    _changes_html,
    _context_html,
    _initiatives_html,
    _key_rows,
    _note_html,
    _sources_html,
)
from dashboard.fmt import MISSING, count
from dashboard.i18n import TEXT, t
from dashboard.notes import NotesStore, notes_path
from dashboard.period_marks import marks_text
from dashboard.store import Store

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
        sub.append(f"{count(info['inhabitants'], lang)} {t('population', lang)}")

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
