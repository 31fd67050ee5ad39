"""Sources, marks on periods and harmonised values, rules, and the Data page's tables."""

from functools import lru_cache

import pandas as pd

from dashboard.queries.catalog import has_table, indicator_meta, is_public, rules
from dashboard.store import Store
from etl.disclosure import (
    public_effect_rows,
    public_reach_rows,
)


def attribution(store: Store, lang: str, indicator: str | None = None) -> str:
    """Publisher, licence and year of the boundaries shown and of the indicator's data."""
    return _attribution(store, store.version, lang, indicator)


@lru_cache(maxsize=256)
def _attribution(store: Store, version: tuple[int, int], lang: str, indicator: str | None) -> str:
    rows = _sources(store, version)
    kinds = {"boundaries"}
    used: set[str] = set()
    if indicator:
        entry = indicator_meta(store).get(indicator)
        kind = entry.source_kind if entry else ""
        kinds_for = {
            "incidents": {"incidents", "incident_counts"},
            "survey_responses": {"survey_responses"},
            "context": {"context"},
            "composite": {"incidents", "incident_counts", "survey_responses"},
        }
        used = kinds_for.get(kind, set())
        if kind == "indicator_table" and entry:
            rows = [
                r for r in rows if r["kind"] != "indicator_table" or r["source"] == entry.family
            ]
            used = {"indicator_table"}

    def listed(chosen: list[dict]) -> str:
        parts, seen = [], set()
        for r in chosen:
            key = (r["publisher"], r["licence"], r["vintage"])
            if key in seen:
                continue
            seen.add(key)
            text = str(r["publisher"])
            if r["vintage"] is not None:
                text += f", {int(r['vintage'])}"
            if r["licence"]:
                text += f" ({r['licence']})"
            parts.append(text)
        return "; ".join(parts)

    words = {"nl": ("Grenzen", "Gegevens"), "en": ("Boundaries", "Data")}[lang]
    text = f"{words[0]}: {listed([r for r in rows if r['kind'] in kinds])}"
    data = [r for r in rows if r["kind"] in used]
    if data:
        text += f". {words[1]}: {listed(data)}"
    return text


def boundary_vintages(store: Store, level: str) -> dict[str, int]:
    """The boundary year of each area of ``level`` (code -> vintage), for downloads."""
    return _boundary_vintages(store, store.version, level)


@lru_cache(maxsize=16)
def _boundary_vintages(store: Store, version: tuple[int, int], level: str) -> dict[str, int]:
    frame = store.frame(
        "select code, vintage from areas where level = ? and vintage is not null", [level]
    )
    return dict(zip(frame["code"], frame["vintage"].astype(int)))


@lru_cache(maxsize=4)
def _sources(store: Store, version: tuple[int, int]) -> list[dict]:
    """The sources table as records (missing vintage as None), ordered by kind and source."""
    frame = store.frame(
        "select kind, source, coalesce(publisher, source) as publisher, licence, vintage "
        "from sources order by kind, source"
    )
    return [
        {k: (None if k == "vintage" and pd.isna(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def period_marks(
    store: Store, indicator: str | None = None, period: str | None = None
) -> pd.DataFrame:
    """Partial periods and denominators of another year: period, coverage, denominator_periods.

    For one indicator and/or period (checked by dashboard.inputs), or the whole build.
    """
    return _period_marks(store, store.version, indicator, period)


@lru_cache(maxsize=256)
def _period_marks(
    store: Store, version: tuple[int, int], indicator: str | None, period: str | None
) -> pd.DataFrame:
    if indicator is not None and period is not None:  # one view: from the whole build's
        return _one_view(_period_marks_by_view(store, version), indicator, period)
    return store.frame(
        """
        select period, max(coverage) as coverage,
            string_agg(distinct denominator_period, ', ' order by denominator_period)
                filter (where denominator_period <> period) as denominator_periods
        from indicator_values
        where ($indicator is null or indicator = $indicator)
            and ($period is null or period = $period)
            and (coverage is not null or denominator_period <> period)
        group by period
        order by period
        """,
        {"indicator": indicator, "period": period},
    )


@lru_cache(maxsize=2)
def _period_marks_by_view(store: Store, version: tuple[int, int]) -> tuple[dict, pd.DataFrame]:
    """:func:`period_marks` of every indicator and period, in one pass over the values (a
    pass per view took longer than the rest of a new view of the national map)."""
    frame = store.frame(
        """
        select indicator, period, max(coverage) as coverage,
            string_agg(distinct denominator_period, ', ' order by denominator_period)
                filter (where denominator_period <> period) as denominator_periods
        from indicator_values
        where coverage is not null or denominator_period <> period
        group by indicator, period
        order by indicator, period
        """
    )
    return _by_view(frame, ["period", "coverage", "denominator_periods"])


def _one_view(views: tuple[dict, pd.DataFrame], indicator: str, period: str) -> pd.DataFrame:
    """The rows of one indicator and period of :func:`_by_view`."""
    every, empty = views
    return every.get((indicator, period), empty)


def _by_view(frame: pd.DataFrame, kept: list[str]) -> tuple[dict, pd.DataFrame]:
    """A table of every view as the ``kept`` columns of each (indicator, period), and
    those columns without rows (for a view without any)."""
    every = {
        key: rows[kept].reset_index(drop=True)
        for key, rows in frame.groupby(["indicator", "period"], sort=False)
    }
    return every, frame[kept].iloc[0:0].reset_index(drop=True)


def harmonised_marks(
    store: Store, indicator: str | None = None, period: str | None = None
) -> pd.DataFrame:
    """Values mapped from another code system or vintage: harmonised, areas (count).

    ``indicator_values.harmonised`` is 'name' (matched by name, a last resort),
    'overlay' (carried by area share, approximate) or 'table' (a supplied crosswalk).
    """
    return _harmonised_marks(store, store.version, indicator, period)


@lru_cache(maxsize=256)
def _harmonised_marks(
    store: Store, version: tuple[int, int], indicator: str | None, period: str | None
) -> pd.DataFrame:
    if indicator is not None and period is not None:  # one view: from the whole build's
        return _one_view(_harmonised_marks_by_view(store, version), indicator, period)
    return store.frame(
        """
        select harmonised, count(distinct area_code) as areas
        from indicator_values
        where harmonised is not null
            and ($indicator is null or indicator = $indicator)
            and ($period is null or period = $period)
        group by harmonised
        order by harmonised
        """,
        {"indicator": indicator, "period": period},
    )


@lru_cache(maxsize=2)
def _harmonised_marks_by_view(store: Store, version: tuple[int, int]) -> tuple[dict, pd.DataFrame]:
    """:func:`harmonised_marks` of every indicator and period, in one pass."""
    frame = store.frame(
        """
        select indicator, period, harmonised, count(distinct area_code) as areas
        from indicator_values
        where harmonised is not null
        group by indicator, period, harmonised
        order by indicator, period, harmonised
        """
    )
    return _by_view(frame, ["harmonised", "areas"])


def rules_text(store: Store, lang: str) -> str:
    """The project-default thresholds this database was built with, as a sentence."""
    return _rules_text(store, store.version, lang)


@lru_cache(maxsize=8)
def _rules_text(store: Store, version: tuple[int, int], lang: str) -> str:
    v = dict(store.frame("select name, value from build_settings").values.tolist())
    conf = round(100 * float(v["confidence"]))
    if lang == "en":
        return (
            f"Rules: survey figures withheld below {v['min_survey_n']} respondents and "
            f"indicative below {v['indicative_survey_n']}; no incident rate below "
            f"{v['min_inhabitants']} inhabitants; {conf}% intervals; public counts 1-4 as <5."
        )
    return (
        f"Regels: enquêtecijfers niet getoond onder {v['min_survey_n']} respondenten en "
        f"indicatief onder {v['indicative_survey_n']}; geen incidentcijfer onder "
        f"{v['min_inhabitants']} inwoners; {conf}%-intervallen; publieke aantallen 1-4 als <5."
    )


def table_rows(store: Store, table: str, role: str = "public") -> pd.DataFrame:
    """All rows of one of the allow-listed tables that the Data page shows (the reach of
    initiatives through the gate for the public)."""
    if table not in DATA_TABLES:
        raise ValueError(f"table {table!r} is not shown")
    if not has_table(store, table):
        return pd.DataFrame()
    frame = store.frame(f"select * from {table}")  # name from the allow-list above
    if table == "initiative_reach" and is_public(role):
        return public_reach_rows(frame, rules(store))
    if table == "initiative_effects" and is_public(role):
        areas = store.frame("select code, inhabitants from areas")
        inhabitants = dict(zip(areas["code"], areas["inhabitants"].astype(float)))
        return public_effect_rows(frame, inhabitants, indicator_meta(store), rules(store))
    return frame


#: Tables the Data page and the area pages may read whole.
DATA_TABLES = (
    "sources",
    "load_log",
    "indicator_meta",
    "build_settings",
    "count_reconciliation",
    "analysis_skips",
    "area_parent_checks",
    "initiative_effects",
    "initiative_displacement",
    "initiative_reach",
    "sae_models",
)


def quarantine_summary(store: Store) -> pd.DataFrame:
    """Quarantined rows per source, severity (rejected, or kept with a note), field, reason."""
    return store.frame(
        """
        select source, severity, field, regexp_replace(reason, ':.*', '') as reason,
            count(*) as rows, min(row_number) as first_row
        from quarantine group by all order by source, severity desc, rows desc
        """
    )
