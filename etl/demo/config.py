"""The source configuration (``demostad.toml``) and the record of planted patterns."""

from __future__ import annotations

from typing import Any

import numpy as np

from etl.demo.plants import Plan
from etl.demo.shapes import Geography

CONFIG_TEMPLATE = """\
# Demostad: a synthetic municipality generated from seed {seed}.
[municipality]
code = "GM9999"
name = "Demostad"

[periods]
series_breaks = []

[[sources]]
name = "gemeente"
kind = "boundaries"
path = "demostad.gpkg"
layer = "gemeente"
level = "gemeente"
vintage = 2024
publisher = "Demostad (synthetic)"
licence = "CC0-1.0"
[sources.columns]
code = "gemeentecode"
name = "gemeentenaam"
inhabitants = "aantal_inwoners"

[[sources]]
name = "wijken"
kind = "boundaries"
path = "demostad.gpkg"
layer = "wijken"
level = "wijk"
vintage = 2024
publisher = "Demostad (synthetic)"
licence = "CC0-1.0"
[sources.columns]
code = "wijkcode"
name = "wijknaam"
parent_code = "gemeentecode"
inhabitants = "aantal_inwoners"

[[sources]]
name = "buurten"
kind = "boundaries"
path = "demostad.gpkg"
layer = "buurten"
level = "buurt"
vintage = 2024
publisher = "Demostad (synthetic)"
licence = "CC0-1.0"
[sources.columns]
code = "buurtcode"
name = "buurtnaam"
parent_code = "wijkcode"
inhabitants = "aantal_inwoners"
water = "water"

[[sources]]
name = "incidents"
kind = "incidents"
path = "incidents.csv"
crs = "EPSG:28992"
publisher = "Demostad (synthetic police extract)"
licence = "CC0-1.0"
[sources.columns]
incident_id = "registratienummer"
category = "soort"
date = "begindatum"
date_end = "einddatum"
x = "x_rd"
y = "y_rd"

[[sources]]
name = "survey"
kind = "survey_responses"
path = "survey.csv"
publisher = "Demostad (synthetic survey)"
licence = "CC0-1.0"
[sources.columns]
respondent_id = "respondent_id"
period = "jaar"
area_code = "buurtcode"
weight = "weegfactor"
stratum = "stratum"
age_group = "leeftijdsklasse"
sex = "geslacht"
unsafe_ever = "onveilig_weleens"
unsafe_own_buurt = "onveilig_buurt"
unsafe_often_buurt = "onveilig_buurt_vaak"
avoid_route = "loopt_om"
no_door_evening = "doet_niet_open"
victim_any = "slachtoffer"
participates_initiative = "deelname_initiatief"
nuisance_youth = "overlast_jongeren"
nuisance_neighbours = "overlast_buren"
nuisance_drunk = "overlast_dronken"
nuisance_drugs = "overlast_drugs"
decay_litter = "verloedering_rommel"
decay_vandalism = "verloedering_vernieling"
decay_graffiti = "verloedering_bekladding"
decay_dogpoo = "verloedering_hondenpoep"
cohesion_know = "cohesie_kennen"
cohesion_pleasant = "cohesie_prettig"
cohesion_home = "cohesie_thuis"
cohesion_contact = "cohesie_contact"
willing_act = "bereid_in_te_grijpen"
satisfaction_police = "tevreden_politie"
satisfaction_municipality = "tevreden_gemeente"

[[sources]]
name = "context"
kind = "context"
path = "context.csv"
publisher = "Demostad (synthetic key figures)"
licence = "CC0-1.0"
[sources.columns]
area_code = "buurtcode"
period = "jaar"
[sources.variables]
inhabitants = "inwoners"
dwellings = "woningen"
addresses = "adressen"
density = "bevolkingsdichtheid"
share_young = "aandeel_15_24"
income = "gem_inkomen"
share_benefits = "aandeel_uitkering"
woz = "woz"
share_rental = "aandeel_huur"
mobility = "verhuismobiliteit"

[[sources]]
name = "initiatives"
kind = "initiatives"
path = "initiatives.csv"
crs = "EPSG:4326"
publisher = "Demostad (synthetic registry)"
licence = "CC0-1.0"
[sources.columns]
initiative_id = "initiatief_id"
name = "naam"
type = "type"
start_date = "startdatum"
end_date = "einddatum"
x = "lon"
y = "lat"
members = "leden"
key_persons = "sleutelpersonen"
"""


def config_text(seed: int) -> str:
    """Return the text of ``demostad.toml`` for ``seed``."""
    return CONFIG_TEMPLATE.format(seed=seed)


def planted_record(
    seed: int,
    geo: Geography,
    population: np.ndarray,
    plan: Plan,
    ids: dict[str, str],
) -> dict[str, Any]:
    """Describe every planted pattern by area code, for ``planted.json``.

    Parameters
    ----------
    seed : int
        The generator seed.
    geo : Geography
        The boundaries.
    population : numpy.ndarray
        Inhabitants per buurt.
    plan : Plan
        Planted patterns.
    ids : dict of str to str
        Initiative id per planted tag.

    Returns
    -------
    dict
        JSON-serialisable description.
    """
    code = geo.buurtcode
    wname = dict(zip(geo.wijk_codes, geo.wijk_names, strict=True))

    def codes(idx: list[int]) -> list[str]:
        return sorted(code[i] for i in idx)

    return {
        "seed": seed,
        "gemeente": "GM9999",
        "n_buurten": geo.n,
        "n_wijken": len(geo.wijk_codes),
        "high_fear_low_crime": codes(plan.high_fear_low_crime),
        "low_fear_high_crime": codes(plan.low_fear_high_crime),
        "rising_trend": {
            "wijk": plan.rising_wijk,
            "wijknaam": wname[plan.rising_wijk],
            "category": "fietsdiefstal",
            "from": "2023-01",
        },
        "alert": {
            "wijk": plan.alert_wijk,
            "wijknaam": wname[plan.alert_wijk],
            "category": plan.alert_category,
            "month": "2024-12",
        },
        "hotspot": {
            "wijk": plan.hotspot_wijk,
            "wijknaam": wname[plan.hotspot_wijk],
            "buurten": codes(plan.hotspot),
            "category": "geweld",
        },
        "burglary_waves": [
            {
                "buurt": code[w.buurt],
                "months": [f"{y}-{m:02d}" for y, m in w.months],
                "initiative": ids[f"wave{k}"],
                "initiative_start": w.start.isoformat(),
            }
            for k, w in enumerate(plan.waves)
        ],
        "effect": {
            "initiative": ids["effect"],
            "buurt": code[plan.effect],
            "start": plan.effect_start.isoformat(),
            "ring": codes(plan.ring),
            "category": "woninginbraak",
            "onveilig_buurt_by_wave": {"2021": 0.35, "2022": 0.28, "2023": 0.20, "2024": 0.20},
        },
        "null_effect": {
            "initiative": ids["null_effect"],
            "buurt": code[plan.null_effect],
            "start": plan.null_start.isoformat(),
        },
        "bad_rows": {"incidents": {"outside": 3, "bad_date": 2}, "survey": {"unknown_area": 1}},
        "small_buurten": sorted(
            c
            for c, r, p in zip(code, geo.role, population, strict=True)
            if r != "water" and p < 200
        ),
        "water_buurten": sorted(c for c, r in zip(code, geo.role, strict=True) if r == "water"),
    }
