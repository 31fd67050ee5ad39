"""The indicator registry (``etl/indicators.toml``): labels, units and directions."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Indicator:
    id: str
    family: str
    part: str
    name: dict[str, str]
    definition: dict[str, str]
    unit: str
    direction: str  # higher_worse | higher_better

    def label(self, lang: str) -> str:
        return self.name[lang]


@cache
def _registry() -> dict:
    text = resources.files("etl").joinpath("indicators.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def indicator(indicator_id: str) -> Indicator:
    """Registry entry of an indicator id such as ``incident_rate.woninginbraak``."""
    reg = _registry()
    family, _, part = indicator_id.partition(".")
    fam = reg["families"].get(family)
    if fam is None:
        raise KeyError(f"indicator family {family!r} is not in the registry")
    part_info = reg["parts"].get(part, {"nl": part.replace("_", " "), "en": part.replace("_", " ")})
    name = {
        lang: f"{fam['name_' + lang]}: {part_info[lang]}" if part else fam["name_" + lang]
        for lang in ("nl", "en")
    }
    return Indicator(
        id=indicator_id,
        family=family,
        part=part,
        name=name,
        definition={lang: fam["definition_" + lang] for lang in ("nl", "en")},
        unit=fam["unit"],
        direction=part_info.get("direction", fam["direction"]),
    )
