"""The indicator registry (``etl/indicators.toml``) and the ``indicator_meta`` table.

Indicator ids are ``<family>.<part>``.  Families and parts come from the
registry file; indicators of published tables (kind ``indicator_table``) are
declared in the source config with their own name and direction.  Each build
writes ``indicator_meta`` with one row per indicator present, so the dashboard,
exports and the Data page read labels and rules from the database they show.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import duckdb
import pandas as pd

from etl.settings import Settings

META_COLUMNS = (
    "indicator",
    "family",
    "part",
    "name_nl",
    "name_en",
    "definition_nl",
    "definition_en",
    "unit",
    "direction",
    "source_kind",
    "formula",
    "min_n",
    "suppression",
    "sensitive",
)


@dataclass(frozen=True)
class Indicator:
    id: str
    family: str
    part: str
    name: dict[str, str]
    definition: dict[str, str]
    unit: str
    direction: str  # higher_worse | higher_better
    source_kind: str = ""
    formula: str = ""
    min_n: str = ""
    suppression: str = ""
    sensitive: bool = False

    def label(self, lang: str) -> str:
        return self.name[lang]

    def row(self) -> tuple:
        return (
            self.id,
            self.family,
            self.part,
            self.name["nl"],
            self.name["en"],
            self.definition["nl"],
            self.definition["en"],
            self.unit,
            self.direction,
            self.source_kind,
            self.formula,
            self.min_n,
            self.suppression,
            self.sensitive,
        )

    @classmethod
    def from_row(cls, row: dict) -> Indicator:
        return cls(
            id=row["indicator"],
            family=row["family"],
            part=row["part"],
            name={"nl": row["name_nl"], "en": row["name_en"]},
            definition={"nl": row["definition_nl"], "en": row["definition_en"]},
            unit=row["unit"],
            direction=row["direction"],
            source_kind=row["source_kind"],
            formula=row["formula"],
            min_n=row["min_n"],
            suppression=row["suppression"],
            sensitive=bool(row["sensitive"]),
        )


@cache
def _registry() -> dict:
    text = resources.files("etl").joinpath("indicators.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def context_orientation() -> dict[str, int]:
    """Context variables and their orientation (+1: higher = more disadvantage)."""
    return {k: int(v) for k, v in _registry()["context_variables"].items()}


def cbs_category(code: str) -> str:
    """Project category of a CBS SoortMisdrijf code ('1.1.1 ' -> 'woninginbraak')."""
    code = code.strip()
    return _registry()["cbs_soort_misdrijf"].get(code, "cbs_" + code.replace(".", "_"))


def indicator(indicator_id: str) -> Indicator:
    """Registry entry of an indicator id such as ``incident_rate.woninginbraak``."""
    reg = _registry()
    family, _, part = indicator_id.partition(".")
    fam = reg["families"].get(family)
    if fam is None:
        raise KeyError(f"indicator family {family!r} is not in the registry")
    default = {"nl": part.replace("_", " "), "en": part.replace("_", " ")}
    part_info = reg["parts"].get(part, default)
    return Indicator(
        id=indicator_id,
        family=family,
        part=part,
        name={lang: f"{fam['name_' + lang]}: {part_info[lang]}" for lang in ("nl", "en")},
        definition={lang: fam["definition_" + lang] for lang in ("nl", "en")},
        unit=fam["unit"],
        direction=part_info.get("direction", fam["direction"]),
        source_kind=fam["source_kind"],
        formula=fam["formula"],
        min_n=fam["min_n"],
        suppression=fam["suppression"],
        sensitive=bool(part_info.get("sensitive", False)),
    )


def declared(row: dict) -> Indicator:
    """An indicator of a published table, as its source config declares it."""
    return Indicator(
        id=row["indicator"],
        family=row["source"],
        part=row["indicator"].partition(".")[2],
        name={"nl": row["name_nl"], "en": row["name_en"]},
        definition={"nl": row["definition_nl"], "en": row["definition_en"]},
        unit=row["unit"],
        direction=row["direction"],
        source_kind="indicator_table",
        formula=f"published by {row['publisher']}",
        min_n="as published",
        suppression="as published",
    )


def write_indicator_meta(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """One row per indicator in indicator_values: from the registry or the config."""
    present = [
        r[0] for r in con.execute("select distinct indicator from indicator_values").fetchall()
    ]
    declarations = {
        r["indicator"]: r
        for r in con.execute("select * from indicator_declarations").df().to_dict("records")
    }
    rows = []
    for ind in sorted(present):
        if ind in declarations:
            rows.append(declared(declarations[ind]).row())
        else:
            rows.append(indicator(ind).row())
    con.execute(
        "create or replace table indicator_meta (indicator text primary key, family text, "
        "part text, name_nl text, name_en text, definition_nl text, definition_en text, "
        "unit text, direction text, source_kind text, formula text, min_n text, "
        "suppression text, sensitive boolean)"
    )
    if rows:
        con.executemany(
            f"insert into indicator_meta values ({', '.join('?' * len(META_COLUMNS))})", rows
        )


def read_meta(frame: pd.DataFrame) -> dict[str, Indicator]:
    """indicator_meta rows as Indicator objects, by id."""
    return {r["indicator"]: Indicator.from_row(r) for r in frame.to_dict("records")}
