"""Canonical fields of every source kind: what a config's [sources.columns] maps onto.

Each field has a type that the validator checks row by row, and whether it is
required.  The table is also the documentation of the config format (see
``unease fields``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | code | int | float | date | period | enum | item
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    above_lo: bool = False  # the value must be strictly above lo


INITIATIVE_TYPES = (
    "surveillance",
    "investigation",
    "public_space",
    "mediation",
    "contact",
    "information",
    "policy",
)


def _items(names: str, lo: int, hi: int, doc: str) -> list[Field]:
    return [Field(n, "item", lo=lo, hi=hi, doc=doc) for n in names.split()]


#: Survey items (Veiligheidsmonitor style) and their answer codes.
SURVEY_ITEMS: tuple[Field, ...] = tuple(
    _items(
        "unsafe_ever unsafe_own_buurt unsafe_often_buurt avoid_route no_door_evening "
        "victim_any participates_initiative",
        0,
        1,
        "0 = no, 1 = yes",
    )
    + _items(
        "nuisance_youth nuisance_neighbours nuisance_drunk nuisance_drugs "
        "decay_litter decay_vandalism decay_graffiti decay_dogpoo",
        1,
        3,
        "1 = often, 2 = sometimes, 3 = (almost) never",
    )
    + _items(
        "cohesion_know cohesion_pleasant cohesion_home cohesion_contact willing_act",
        1,
        5,
        "1 = fully disagree ... 5 = fully agree",
    )
    + _items(
        "satisfaction_police satisfaction_municipality",
        1,
        5,
        "1 = very dissatisfied ... 5 = very satisfied",
    )
)

_POINT = [
    Field("x", "float", doc="x or longitude, in the source's crs"),
    Field("y", "float", doc="y or latitude, in the source's crs"),
    Field("area_code", "code", doc="CBS area code, when the source has no point"),
]

FIELDS: dict[str, tuple[Field, ...]] = {
    "boundaries": (
        Field("code", "code", True, "CBS code: GM0363, WK036300, BU03630000"),
        Field("name", "text", True, "area name"),
        Field("parent_code", "code", doc="code of the area one level up"),
        Field("inhabitants", "int", doc="number of inhabitants"),
        Field("water", "text", doc="JA/NEE (CBS) or true/false: the area is water"),
    ),
    "incidents": (
        Field("incident_id", "text", True, "unique registration number"),
        Field("category", "text", True, "crime or nuisance category"),
        Field("date", "date", True, "begin of the time window (pleegdatum)"),
        Field("date_end", "date", doc="end of the time window"),
        *_POINT,
    ),
    "survey_responses": (
        Field("respondent_id", "text", True, "unique respondent id"),
        Field("period", "period", True, "survey wave, e.g. 2023"),
        Field("weight", "float", True, "design/calibration weight (> 0)", lo=0.0, above_lo=True),
        Field("age_group", "text", doc="age class"),
        Field("sex", "text", doc="sex"),
        *_POINT,
        *SURVEY_ITEMS,
    ),
    "indicator_table": (
        Field("area_code", "code", True, "CBS area code"),
        Field("area_name", "text", doc="area name (for options.match_names)"),
        Field("indicator", "text", True, "indicator id"),
        Field("period", "period", True, "period, e.g. 2019 or 2019_2"),
        Field("value", "float", True, "published value"),
        Field("ci_low", "float", doc="lower bound of the published interval"),
        Field("ci_high", "float", doc="upper bound of the published interval"),
        Field("n", "int", doc="sample size"),
    ),
    "context": (
        Field("area_code", "code", True, "CBS area code"),
        Field("area_name", "text", doc="area name (for options.match_names)"),
        Field("period", "period", True, "year of the figures"),
    ),
    "incident_counts": (
        Field("area_code", "code", True, "CBS area code (WijkenEnBuurten)"),
        Field("area_name", "text", doc="area name (for options.match_names)"),
        Field("period", "period", True, "year (2024, 2024JJ00) or month (2024-03, 2024MM03)"),
        Field("category", "text", doc="crime category or CBS SoortMisdrijf code; total if absent"),
        Field("count", "float", True, "registered crimes", lo=0),
    ),
    "initiatives": (
        Field("initiative_id", "text", True, "unique id"),
        Field("name", "text", True, "name of the initiative"),
        Field("type", "enum", True, "one of the seven forms", choices=INITIATIVE_TYPES),
        Field("start_date", "date", True, "date it started"),
        Field("end_date", "date", doc="date it ended, if it did"),
        *_POINT,
        Field("members", "int", doc="number of members", lo=0),
        Field("key_persons", "int", doc="number of key persons", lo=0),
    ),
}

#: The id field of each kind: duplicates are quarantined.
ID_FIELD = {
    "incidents": "incident_id",
    "survey_responses": "respondent_id",
    "initiatives": "initiative_id",
}

#: Kinds whose rows are located by a point (x, y) or an area code.
LOCATED = ("incidents", "survey_responses", "initiatives")
