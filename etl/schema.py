"""Canonical fields and options of every source kind: the config format in one table.

Each field (what a config's [sources.columns] maps onto) has a type that the
validator checks row by row, and whether it is required; each key of a source
entry and of its [sources.options] says which kinds it applies to.  The config
check (etl.config) rejects anything not listed here, and ``unease fields [KIND]``
prints these tables.
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
        Field("stratum", "text", doc="design stratum: with it, Taylor-linearised variances"),
        Field("cluster", "text", doc="primary sampling unit within the stratum (optional)"),
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

#: What a source of each kind holds (for ``unease fields``).
KIND_DOCS = {
    "boundaries": "area shapes of one level (CBS Wijk- en Buurtkaart, a municipal register)",
    "incidents": "one row per registered incident, with a point or an area code",
    "survey_responses": "one row per survey respondent (Veiligheidsmonitor style)",
    "indicator_table": "published area indicators, long or one column per indicator",
    "context": "area key figures (CBS Kerncijfers) named under [sources.variables]",
    "initiatives": "one row per citizen safety initiative",
    "incident_counts": "registered crimes per area and period (Politie/CBS 47022NED)",
}


@dataclass(frozen=True)
class Key:
    """A key of a source entry or of its [sources.options], with the kinds it applies to."""

    name: str
    kinds: tuple[str, ...]
    doc: str
    example: str = ""


_ALL = tuple(KIND_DOCS)
_TABLES = ("incident_counts", "indicator_table", "context")
_ROWS = tuple(k for k in _ALL if k != "boundaries")
_PERIODS = ("survey_responses", *_TABLES)

#: The keys of a ``[[sources]]`` entry.
SOURCE_KEYS: tuple[Key, ...] = (
    Key("name", _ALL, "unique name of the source: lowercase letters, digits and _", '"crime"'),
    Key("kind", _ALL, "one of the kinds", '"incidents"'),
    Key("path", _ALL, "the file, relative to the config; ${VAR:-default} allowed", '"x.csv"'),
    Key("columns", _ALL, "[sources.columns]: canonical field = column in the file"),
    Key("options", _ALL, "[sources.options]: the options below"),
    Key("variables", ("context",), "[sources.variables]: variable name = column in the file"),
    Key("layer", _ALL, "layer of a GeoPackage with several layers", '"buurten"'),
    Key("level", ("boundaries",), "gemeente, stadsdeel, wijk or buurt", '"buurt"'),
    Key("vintage", ("boundaries",), "the boundary year", "2024"),
    Key("crs", _ALL, "CRS of the coordinates when the file has none", '"EPSG:28992"'),
    Key("date_format", _ROWS, "strptime format overriding date detection", '"%d-%m-%y"'),
    Key("publisher", _ALL, "who publishes the data (shown with every figure)", '"CBS"'),
    Key("licence", _ALL, "the data's licence", '"CC-BY-4.0"'),
    Key("year", _ALL, "the year the data describe, for the attribution", "2024"),
)

#: The keys of ``[sources.options]``.
OPTIONS: tuple[Key, ...] = (
    Key(
        "wide",
        _TABLES,
        "one column per period into rows (period, value); a regex with (?P<period>...)",
        '"crime_total_(?P<period>\\\\d{4})"',
    ),
    Key(
        "wide_indicators",
        ("indicator_table",),
        "one column per indicator into rows (indicator, value): a regex or a list of columns; "
        "groups (?P<indicator>...) and (?P<period>...) name the parts",
        '["veiligheid", "overlast"]',
    ),
    Key("period", _PERIODS, "the period of a file without a period column", '"2024"'),
    Key(
        "keep",
        _ROWS,
        "only rows with these values in these columns; the others are skipped and counted",
        '{ level = ["wijk"] }',
    ),
    Key(
        "gemeente_rows",
        _ROWS,
        "codes or names that mean the whole municipality",
        '["Regio totaal"]',
    ),
    Key("code_map", _ROWS, "a from_code,to_code CSV for codes of another system", '"map.csv"'),
    Key("match_names", _ROWS, "last resort: match area_name to the names of a level", '"wijk"'),
    Key(
        "crosswalk",
        _ROWS,
        "codes of an older vintage (a crosswalk_only source): counts split, values carried",
        '"buurten_2014"',
    ),
    Key(
        "category_map",
        ("incident_counts",),
        "categories of your own for codes or labels",
        '{ "1.4.5" = "geweld" }',
    ),
    Key(
        "complete",
        ("incident_counts",),
        "the table lists every area: an area it does not list had no incidents (0); "
        "without it such an area has no figure",
        "true",
    ),
    Key("missing_codes", _ROWS, "answer codes read as missing", "[9, 99]"),
    Key(
        "type_map",
        ("initiatives",),
        "labels mapped to the seven initiative types",
        '{ buurtpreventie = "surveillance" }',
    ),
    Key(
        "direction",
        ("indicator_table",),
        "higher_worse or higher_better (here or per indicator)",
        '"higher_worse"',
    ),
    Key("unit", ("indicator_table",), "unit shown with the values", '"%"'),
    Key("name_nl", ("indicator_table",), "Dutch name of the indicator", '"Overlast"'),
    Key("name_en", ("indicator_table",), "English name of the indicator", '"Nuisance"'),
    Key("definition_nl", ("indicator_table",), "Dutch definition of the indicator"),
    Key("definition_en", ("indicator_table",), "English definition of the indicator"),
    Key(
        "indicators",
        ("indicator_table",),
        "per indicator id: [sources.options.indicators.<id>] with direction, unit, "
        "name_nl, name_en, definition_nl, definition_en",
    ),
    Key(
        "crosswalk_only",
        ("boundaries",),
        "an older vintage, not shown: its areas are mapped onto the loaded ones by overlay",
        "true",
    ),
    Key(
        "geometry_from",
        ("boundaries",),
        "keep this level's codes and names, take the shape of its children",
        '"buurt"',
    ),
    Key(
        "parent_level",
        ("boundaries",),
        "parents by largest overlap with this level (levels CBS codes do not name)",
        '"stadsdeel"',
    ),
)

#: Keys of ``[sources.options.indicators.<id>]``.
INDICATOR_OPTIONS = ("direction", "unit", "name_nl", "name_en", "definition_nl", "definition_en")
DIRECTIONS = ("higher_worse", "higher_better")


def options_of(kind: str) -> dict[str, Key]:
    """The options a source of ``kind`` may set."""
    return {o.name: o for o in OPTIONS if kind in o.kinds}


def source_keys_of(kind: str) -> dict[str, Key]:
    """The keys a ``[[sources]]`` entry of ``kind`` may have."""
    return {k.name: k for k in SOURCE_KEYS if kind in k.kinds}


def describe(kind: str | None = None) -> str:
    """Every field, source key and option of ``kind`` (or of every kind), with its meaning."""
    blocks = []
    for name in [kind] if kind else list(KIND_DOCS):
        lines = [f"{name}: {KIND_DOCS[name]}", "  fields ([sources.columns], * = required):"]
        for f in FIELDS[name]:
            if f in SURVEY_ITEMS:
                continue
            mark = "*" if f.required else " "
            lines.append(f"    {mark} {f.name:<16} {f.type:<7} {f.doc}")
        if name == "survey_responses":
            for doc in dict.fromkeys(f.doc for f in SURVEY_ITEMS):
                items = " ".join(f.name for f in SURVEY_ITEMS if f.doc == doc)
                lines.append(f"      items ({doc}): {items}")
        lines.append("  source keys:")
        for key in SOURCE_KEYS:
            if name in key.kinds and key.name not in ("columns", "options"):
                lines.append(_key_line(key))
        lines.append("  options ([sources.options]):")
        lines += [_key_line(o) for o in OPTIONS if name in o.kinds]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _key_line(key: Key) -> str:
    example = f" (e.g. {key.name} = {key.example})" if key.example else ""
    return f"      {key.name:<16} {key.doc}{example}"
