"""Queries of the dashboard: plain functions of a Store and bound parameters."""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from dashboard.store import Store
from etl.disclosure import public_values
from etl.registry import Indicator, read_meta

LEVELS = ("buurt", "wijk", "stadsdeel", "gemeente")
#: Indicators listed first, in this order, when present.
HEADLINE = ("survey_share.unsafe_own_buurt", "incident_rate.total", "survey_share.unsafe_ever")


def levels(store: Store) -> list[str]:
    found = set(store.frame("select distinct level from areas")["level"])
    return [lv for lv in LEVELS if lv in found and lv != "gemeente"]


def indicator_ids(store: Store) -> list[str]:
    """Indicators that have at least one value; the headline ones first."""
    frame = store.frame(
        "select indicator from indicator_values group by indicator "
        "having count(value) > 0 order by indicator"
    )
    ids = list(frame["indicator"])
    return sorted(ids, key=lambda i: (HEADLINE.index(i) if i in HEADLINE else len(HEADLINE), i))


def periods(store: Store, indicator: str) -> list[str]:
    frame = store.frame(
        "select distinct period from indicator_values where indicator = ? order by period",
        [indicator],
    )
    return list(frame["period"])


def city(store: Store) -> tuple[str, str]:
    row = store.frame("select code, name from areas where level = 'gemeente' order by code limit 1")
    return row["code"][0], row["name"][0]


def indicator_meta(store: Store) -> dict[str, Indicator]:
    """Registry entries of the indicators in the database (table indicator_meta)."""
    return _meta(store, store.version)


@lru_cache(maxsize=4)
def _meta(store: Store, version: tuple[int, int]) -> dict[str, Indicator]:
    return read_meta(store.frame("select * from indicator_meta"))


def setting(store: Store, name: str) -> str:
    """A setting as the build that made the database used it."""
    frame = store.frame("select value from build_settings where name = ?", [name])
    return frame["value"][0]


def public_area_values(store: Store, indicator: str, level: str, period: str) -> pd.DataFrame:
    """area_values with disclosure control applied (counts of incidents as '<5', rounded)."""
    return disclose(store, area_values(store, indicator, level, period), indicator, level)


def disclose(store: Store, frame: pd.DataFrame, indicator: str, level: str) -> pd.DataFrame:
    """Disclosure control for the public: adds n_public; withholds sensitive small areas."""
    entry = indicator_meta(store)[indicator]
    if entry.source_kind != "incidents":
        return frame.assign(n_public=[_plain(n) for n in frame["n"]])
    round_to = int(setting(store, "public_round_to"))
    return public_values(frame, entry.sensitive, level, round_to)


def _plain(n: float) -> str:
    return "–" if pd.isna(n) else f"{n:,.0f}".replace(",", ".")


def area_values(store: Store, indicator: str, level: str, period: str) -> pd.DataFrame:
    """Every area of a level with its value, interval, n and flag (missing rows included)."""
    return store.frame(
        """
        select a.code as area_code, a.name, v.value, v.ci_low, v.ci_high, v.n,
            coalesce(v.flag, 'no-data') as flag
        from areas a
        left join indicator_values v
            on v.area_code = a.code and v.indicator = ? and v.period = ?
        where a.level = ?
        order by a.code
        """,
        [indicator, period, level],
    )


def area_name(store: Store, code: str) -> str:
    frame = store.frame("select name from areas where code = ?", [code])
    return frame["name"][0] if len(frame) else code


def area_trend(store: Store, indicator: str, area_code: str) -> pd.DataFrame:
    """The indicator over all periods for one area, disclosure control applied."""
    frame = store.frame(
        """
        select v.period, v.value, v.ci_low, v.ci_high, v.n, v.flag, a.level
        from indicator_values v join areas a on a.code = v.area_code
        where v.indicator = ? and v.area_code = ?
        order by v.period
        """,
        [indicator, area_code],
    )
    level = frame["level"].iloc[0] if len(frame) else "buurt"
    return disclose(store, frame, indicator, level)


def areas(store: Store, level: str | None = None) -> pd.DataFrame:
    sql = "select code, name, level from areas"
    if level:
        return store.frame(sql + " where level = ? order by name", [level])
    return store.frame(sql + " order by level, name")


def area_geojson(store: Store, level: str) -> dict:
    """Display geometries of one level as a GeoJSON FeatureCollection (id = area code)."""
    return _geojson(store, store.version, level)


@lru_cache(maxsize=16)
def _geojson(store: Store, version: tuple[int, int], level: str) -> dict:
    frame = store.frame(
        "select code, name, st_asgeojson(geom_display) as g from areas where level = ? "
        "order by code",
        [level],
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {"name": n}, "geometry": json.loads(g)}
            for c, n, g in zip(frame["code"], frame["name"], frame["g"])
        ],
    }


def attribution(store: Store, lang: str, indicator: str | None = None) -> str:
    """Publisher, licence and year of the boundaries shown and of the indicator's data."""
    frame = store.frame(
        "select kind, source, coalesce(publisher, source) as publisher, licence, vintage "
        "from sources order by kind, source"
    )
    kinds = {"boundaries"}
    used = set()
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
            frame = frame[(frame["kind"] != "indicator_table") | (frame["source"] == entry.family)]
            used = {"indicator_table"}

    def listed(rows: pd.DataFrame) -> str:
        parts = []
        for r in rows.drop_duplicates(["publisher", "licence", "vintage"]).to_dict("records"):
            text = str(r["publisher"])
            if pd.notna(r["vintage"]):
                text += f", {int(r['vintage'])}"
            if r["licence"]:
                text += f" ({r['licence']})"
            parts.append(text)
        return "; ".join(parts)

    words = {"nl": ("Grenzen", "Gegevens"), "en": ("Boundaries", "Data")}[lang]
    text = f"{words[0]}: {listed(frame[frame['kind'].isin(kinds)])}"
    data = frame[frame["kind"].isin(used)]
    if len(data):
        text += f". {words[1]}: {listed(data)}"
    return text


def rules_text(store: Store, lang: str) -> str:
    """The project-default thresholds this database was built with, as a sentence."""
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
