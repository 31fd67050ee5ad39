"""Register of citizen safety initiatives in Demostad.

About forty initiatives spread over the seven types of citizen participation
in safety. The planted ones (the effect and null-effect initiatives and those
following a burglary wave) are surveillance initiatives; the rest are placed
in populated buurten at random start dates between March 2021 and June 2024.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from etl.demo import names
from etl.demo.areas import YEARS, Profile
from etl.demo.incidents import sample_points
from etl.demo.plants import Plan
from etl.demo.shapes import Geography

#: Number of initiatives per type, planted ones included.
TYPE_COUNTS = {
    "surveillance": 10,
    "investigation": 4,
    "public_space": 7,
    "mediation": 4,
    "contact": 5,
    "information": 5,
    "policy": 5,
}
FIRST_START, LAST_START = dt.date(2021, 3, 1), dt.date(2024, 6, 30)
COLUMNS = [
    "initiatief_id",
    "naam",
    "type",
    "startdatum",
    "einddatum",
    "lon",
    "lat",
    "leden",
    "sleutelpersonen",
]


@dataclass
class Initiative:
    """One initiative before it is numbered."""

    naam: str
    type: str
    buurt: int
    start: dt.date
    end: dt.date | None
    leden: int | None
    sleutelpersonen: int | None
    tag: str = ""


def _name(
    rng: np.random.Generator,
    kind: str,
    buurt: int,
    geo: Geography,
    used: set[str],
    template: str | None = None,
) -> str | None:
    """A unique name for an initiative of ``kind`` in ``buurt``, or None if all are taken."""
    wijk_name = geo.wijk_names[geo.wijk_codes.index(geo.wijkcode[buurt])]
    options = (
        [template]
        if template
        else list(rng.permutation(np.array(names.INITIATIVE_TEMPLATES[kind])))
    )
    for tpl in options:
        candidate = str(tpl).format(b=geo.buurtnaam[buurt], w=wijk_name)
        if candidate not in used:
            used.add(candidate)
            return candidate
    return None


def _members(rng: np.random.Generator, kind: str) -> tuple[int | None, int | None]:
    """Member count and number of key persons; either may be unknown."""
    leden = int(rng.integers(25, 400)) if kind == "surveillance" else int(rng.integers(5, 80))
    key = int(rng.integers(1, 9))
    return (None if rng.random() < 0.2 else leden), (None if rng.random() < 0.35 else key)


def build_initiatives(
    rng: np.random.Generator, geo: Geography, prof: Profile, plan: Plan
) -> list[Initiative]:
    """Create the initiatives, planted ones first.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    geo : Geography
        The boundaries.
    prof : Profile
        Inhabitants and deprivation.
    plan : Plan
        Planted patterns.

    Returns
    -------
    list of Initiative
    """
    used: set[str] = set()
    out = [
        Initiative(
            _name(rng, "surveillance", plan.effect, geo, used, "Buurtpreventie {b}"),
            "surveillance",
            plan.effect,
            plan.effect_start,
            None,
            int(rng.integers(60, 160)),
            int(rng.integers(3, 8)),
            "effect",
        ),
        Initiative(
            _name(rng, "surveillance", plan.null_effect, geo, used, "Buurtpreventie {b}"),
            "surveillance",
            plan.null_effect,
            plan.null_start,
            None,
            int(rng.integers(60, 160)),
            int(rng.integers(3, 8)),
            "null_effect",
        ),
    ]
    for k, w in enumerate(plan.waves):
        out.append(
            Initiative(
                _name(rng, "surveillance", w.buurt, geo, used, "WhatsApp-groep {b}"),
                "surveillance",
                w.buurt,
                w.start,
                None,
                int(rng.integers(40, 300)),
                None,
                f"wave{k}",
            )
        )
    centre = [
        i
        for i in range(geo.n)
        if geo.wijkcode[i] == geo.wijk_codes[0] and prof.population[i] >= 200
    ]
    out.append(
        Initiative(
            _name(rng, "mediation", centre[0], geo, used, "Buurtbemiddeling {w}"),
            "mediation",
            centre[0],
            dt.date(2021, 4, 1),
            None,
            None,
            4,
            "",
        )
    )

    excluded = {plan.effect, plan.null_effect, *plan.ring}
    pool = np.array([i for i in range(geo.n) if prof.population[i] >= 200 and i not in excluded])
    prob = np.sqrt(prof.population[pool].astype(float))
    prob /= prob.sum()
    span = (LAST_START - FIRST_START).days
    for kind, count in TYPE_COUNTS.items():
        have = sum(1 for x in out if x.type == kind)
        while have < count:
            buurt = int(rng.choice(pool, p=prob))
            naam = _name(rng, kind, buurt, geo, used)
            if naam is None:
                continue
            start = FIRST_START + dt.timedelta(days=int(rng.integers(0, span + 1)))
            end = None
            if rng.random() < 0.15:
                end = min(
                    start + dt.timedelta(days=int(rng.integers(240, 900))), dt.date(2024, 12, 31)
                )
            leden, key = _members(rng, kind)
            out.append(Initiative(naam, kind, buurt, start, end, leden, key))
            have += 1
    return out


def activity(geo: Geography, items: list[Initiative]) -> np.ndarray:
    """Initiative activity per buurt and survey wave (0 none, 1 some, 2 surveillance).

    An initiative counts for a wave when it started before 1 September of that
    year (fieldwork is in the autumn) and had not ended by then.
    """
    out = np.zeros((geo.n, len(YEARS)), dtype=np.int64)
    for it in items:
        for t, year in enumerate(YEARS):
            ref = dt.date(year, 9, 1)
            if it.start <= ref and (it.end is None or it.end >= ref):
                out[it.buurt, t] = max(out[it.buurt, t], 2 if it.type == "surveillance" else 1)
    return out


def initiative_table(
    rng: np.random.Generator, geo: Geography, items: list[Initiative]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Number the initiatives and place each at a point inside its buurt (WGS84).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    geo : Geography
        The boundaries.
    items : list of Initiative
        Output of :func:`build_initiatives`.

    Returns
    -------
    table : pandas.DataFrame
        Columns as in :data:`COLUMNS`, sorted by start date.
    ids : dict of str to str
        Initiative id per planted tag (``effect``, ``null_effect``, ``wave0``, ...).
    """
    to_wgs = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    rows = []
    for it in items:
        poly = geo.polygons[it.buurt]
        inner = poly.buffer(-30.0)
        area = inner if not inner.is_empty and inner.area > 0.2 * poly.area else poly
        x, y = sample_points(rng, area, 1)[0]
        lon, lat = to_wgs.transform(x, y)
        rows.append((it, round(lon, 6), round(lat, 6)))
    rows.sort(key=lambda r: (r[0].start, r[0].naam))
    ids: dict[str, str] = {}
    records = []
    for k, (it, lon, lat) in enumerate(rows, start=1):
        iid = f"INI-{k:03d}"
        if it.tag:
            ids[it.tag] = iid
        records.append(
            {
                "initiatief_id": iid,
                "naam": it.naam,
                "type": it.type,
                "startdatum": it.start.isoformat(),
                "einddatum": it.end.isoformat() if it.end else None,
                "lon": lon,
                "lat": lat,
                "leden": it.leden,
                "sleutelpersonen": it.sleutelpersonen,
            }
        )
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table = table.astype({"leden": "Int64", "sleutelpersonen": "Int64"})
    return table, ids
