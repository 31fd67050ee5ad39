"""A tiny municipality written in the real source formats, for unit and integration tests.

Kleindorp (GM9998): a 2 x 2 km square split into two wijken of two square buurten
each, in RD New with its lower-left corner at (100000, 400000).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

X0, Y0 = 100_000.0, 400_000.0
BUURTEN = {
    # code: (name, wijk, xmin, ymin, inhabitants)
    "BU99980101": ("Zuidwest", "WK999801", 0, 0, 1500),
    "BU99980102": ("Noordwest", "WK999801", 0, 1000, 150),
    "BU99980201": ("Zuidoost", "WK999802", 1000, 0, 2500),
    "BU99980202": ("Noordoost", "WK999802", 1000, 1000, 800),
}


def buurt_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "buurtcode": [c + "  " for c in BUURTEN],  # CBS pads codes with spaces
            "buurtnaam": [v[0] for v in BUURTEN.values()],
            "wijkcode": [v[1] for v in BUURTEN.values()],
            "aantal_inwoners": [v[4] for v in BUURTEN.values()],
        },
        geometry=[
            box(X0 + v[2], Y0 + v[3], X0 + v[2] + 1000, Y0 + v[3] + 1000) for v in BUURTEN.values()
        ],
        crs="EPSG:28992",
    )


INCIDENTS = """\
registratienummer,soort,begindatum,einddatum,x_rd,y_rd
I1,woninginbraak,2023-01-10,2023-01-10,100500,400500
I2,woninginbraak,2023-03-01,,100500,400500
I3,fietsdiefstal,2023-05-05,2023-05-06,101500,400500
I4,fietsdiefstal,2024-02-01,,101500,401500
I5,geweld,2024-06-30,,101000,400500
I6,geweld,2024-07-01,,100500,401500
I7,vernieling,2023-02-30,,100500,400500
I8,vernieling,2024-01-01,,0,0
I9,overlast,2024-01-02,,100200,400200
"""
"""I5 lies on the border of BU99980101 and BU99980201 (tie-break: the smaller code);
I7 has an impossible date; I8 lies outside the municipality."""

SURVEY_HEADER = "respondent_id,jaar,buurtcode,weegfactor,onveilig_buurt\n"


INCIDENT_SOURCE = """
[[sources]]
name = "incidents"
kind = "incidents"
path = "incidents.csv"
crs = "EPSG:28992"
[sources.columns]
incident_id = "registratienummer"
category = "soort"
date = "begindatum"
date_end = "einddatum"
x = "x_rd"
y = "y_rd"
"""


def default_survey() -> str:
    rows = []
    for i in range(60):
        answer = 1 if i < 15 else 0
        rows.append(f"R{i},2023,BU99980201,{1.0 if i % 2 else 2.0},{answer}")
    rows.append("R999,2023,BU99989999,1.0,1")  # unknown buurt
    return SURVEY_HEADER + "\n".join(rows) + "\n"


def write_tiny(
    directory: Path,
    extra_config: str = "",
    incidents: str | None = INCIDENTS,
    survey: str | None = None,
    survey_columns: str = "",
    inhabitants: dict[str, int] | None = None,
) -> Path:
    """Write Kleindorp's files and config into ``directory``; return the config path.

    ``incidents`` and ``survey`` replace the CSV texts (``incidents=None``: no
    incidents source); ``survey_columns`` adds lines
    to the survey's [sources.columns]; ``inhabitants`` overrides buurt populations.
    """
    directory.mkdir(parents=True, exist_ok=True)
    buurten = buurt_frame()
    if inhabitants:
        codes = buurten["buurtcode"].str.strip()
        buurten["aantal_inwoners"] = [
            inhabitants.get(c, n) for c, n in zip(codes, buurten["aantal_inwoners"])
        ]
    buurten.to_file(directory / "kleindorp.gpkg", layer="buurten", driver="GPKG")
    if incidents is not None:
        (directory / "incidents.csv").write_text(incidents, encoding="utf-8")
    (directory / "survey.csv").write_text(survey or default_survey(), encoding="utf-8")
    config = directory / "kleindorp.toml"
    config.write_text(
        textwrap.dedent(
            """\
            [municipality]
            code = "GM9998"
            name = "Kleindorp"

            [[sources]]
            name = "buurten"
            kind = "boundaries"
            path = "kleindorp.gpkg"
            layer = "buurten"
            level = "buurt"
            vintage = 2024
            [sources.columns]
            code = "buurtcode"
            name = "buurtnaam"
            parent_code = "wijkcode"
            inhabitants = "aantal_inwoners"

            [[sources]]
            name = "survey"
            kind = "survey_responses"
            path = "survey.csv"
            [sources.columns]
            respondent_id = "respondent_id"
            period = "jaar"
            area_code = "buurtcode"
            weight = "weegfactor"
            unsafe_own_buurt = "onveilig_buurt"
            """
        )
        + survey_columns
        + (INCIDENT_SOURCE if incidents is not None else "")
        + extra_config,
        encoding="utf-8",
    )
    return config
