"""What goes into a briefing: the request checked, and the figures, changes, categories,
map shapes and vintages of an area and period read from the database.

The public role's figures pass the disclosure gate (``queries.disclose``); the page's
HTML is built from these in ``dashboard.briefing.sections`` and ``dashboard.briefing.html``.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dashboard import queries
from dashboard.fmt import MISSING
from dashboard.i18n import category_label, t
from dashboard.notes import Note, NotesStore
from dashboard.queries.gate import exact_count_text
from dashboard.store import Store

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
            out[ind] = rows.assign(n_public=[exact_count_text(n) for n in rows["n"]])
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


def _category_label(meta: dict, category: str, lang: str) -> str:
    """A category as the briefing names it (all incidents as 'total')."""
    return t("total", lang) if category == "total" else category_label(meta, category, lang)


def _period_bounds(period: str) -> tuple[str, str] | None:
    return (f"{period}-01-01", f"{period}-12-31") if period.isdigit() and len(period) == 4 else None


def _latest_note(notes: NotesStore | None, area_code: str, period: str) -> Note | None:
    if notes is None:
        return None
    return notes.latest(area_code, period) or notes.latest(area_code)
