"""What the served file holds: levels, areas, indicators, periods, settings, roles."""

from functools import lru_cache

import pandas as pd

from dashboard.store import Store
from etl.disclosure import (
    Rules,
)
from etl.registry import Indicator, read_meta

LEVELS = ("buurt", "wijk", "stadsdeel", "gemeente")


#: How a value was estimated (indicator_values.method): from the area's own data, or by a
#: small-area model; every query reads 'direct' unless it is asked for 'model'.
METHODS = ("direct", "model")


#: Indicators listed first, in this order, when present.
HEADLINE = ("survey_share.unsafe_own_buurt", "incident_rate.total", "survey_share.unsafe_ever")


def levels(store: Store) -> list[str]:
    """The levels below the gemeente that the served file holds."""
    return list(_levels(store, store.version))


@lru_cache(maxsize=4)
def _levels(store: Store, version: tuple[int, int]) -> tuple[str, ...]:
    found = set(store.frame("select distinct level from areas")["level"])
    return tuple(lv for lv in LEVELS if lv in found and lv != "gemeente")


def area_codes(store: Store) -> frozenset[str]:
    """Codes of every area of the served file (the allow-list of area inputs)."""
    return _area_codes(store, store.version)


@lru_cache(maxsize=4)
def _area_codes(store: Store, version: tuple[int, int]) -> frozenset[str]:
    return frozenset(store.frame("select code from areas")["code"])


def indicator_ids(store: Store) -> list[str]:
    """Indicators that have at least one value; the headline ones first."""
    frame = store.frame(
        "select indicator from indicator_values group by indicator "
        "having count(value) > 0 order by indicator"
    )
    ids = list(frame["indicator"])
    return sorted(ids, key=lambda i: (HEADLINE.index(i) if i in HEADLINE else len(HEADLINE), i))


def periods(store: Store, indicator: str) -> list[str]:
    """Periods of an indicator (call with an indicator checked by dashboard.inputs)."""
    return list(_periods(store, store.version, indicator))


def _periods(store: Store, version: tuple[int, int], indicator: str) -> tuple[str, ...]:
    return _every_period(store, version).get(indicator, ())


@lru_cache(maxsize=2)
def _every_period(store: Store, version: tuple[int, int]) -> dict[str, tuple[str, ...]]:
    """The periods of every indicator, in one pass over the values (a pass per indicator
    took 20 ms on a national file, the first time each was asked for)."""
    frame = store.frame(
        "select distinct indicator, period from indicator_values order by indicator, period"
    )
    return {i: tuple(rows["period"]) for i, rows in frame.groupby("indicator", sort=False)}


def city(store: Store) -> tuple[str, str]:
    """Code and name of the municipality (asked for by every map switch: kept per file)."""
    return _city(store, store.version)


@lru_cache(maxsize=4)
def _city(store: Store, version: tuple[int, int]) -> tuple[str, str]:
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
    return _settings(store, store.version)[name]


@lru_cache(maxsize=4)
def _settings(store: Store, version: tuple[int, int]) -> dict[str, str]:
    frame = store.frame("select name, value from build_settings")
    return dict(zip(frame["name"], frame["value"]))


ROLES = ("public", "professional", "admin")


def is_public(role: str) -> bool:
    """Every role but the signed-in ones sees the public view."""
    return role not in ("professional", "admin")


def rules(store: Store) -> Rules:
    """The disclosure rules of the served build (defaults for a file built before a rule)."""
    return _rules(store, store.version)


@lru_cache(maxsize=4)
def _rules(store: Store, version: tuple[int, int]) -> Rules:
    values = _settings(store, version)
    default = Rules()
    return Rules(
        round_to=int(values.get("public_round_to", default.round_to)),
        denominator_round_to=int(
            values.get("public_denominator_round_to", default.denominator_round_to)
        ),
        confidence=float(values.get("confidence", default.confidence)),
    )


def has_table(store: Store, name: str) -> bool:
    frame = store.frame(
        "select count(*) as n from information_schema.tables where table_name = ?", [name]
    )
    return bool(frame["n"][0])


def areas(store: Store, level: str | None = None) -> pd.DataFrame:
    sql = "select code, name, level from areas"
    if level:
        return store.frame(sql + " where level = ? order by name", [level])
    return store.frame(sql + " order by level, name")


def area_name(store: Store, code: str) -> str:
    frame = store.frame("select name from areas where code = ?", [code])
    return frame["name"][0] if len(frame) else code
