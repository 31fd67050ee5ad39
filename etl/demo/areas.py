"""Inhabitants, social context and the CBS-Kerncijfers-like context table.

Every buurt gets a latent deprivation score (higher = more disadvantaged) that
drives its context figures, its incident rates and its survey answers, so the
three data sets are correlated the way real neighbourhood data are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.demo.shapes import Geography

YEARS = (2021, 2022, 2023, 2024)

#: Fixed inhabitant ranges for the special, sparsely populated buurten.
SPECIAL_POPULATION = {
    "core": (150, 195),
    "station": (110, 170),
    "business": (20, 60),
    "sports": (40, 90),
}


@dataclass
class Profile:
    """Per-buurt attributes shared by all generators.

    Attributes
    ----------
    population : numpy.ndarray
        Inhabitants in 2024 (int), 0 for water.
    deprivation : numpy.ndarray
        Latent disadvantage score, roughly standard normal.
    land_km2 : numpy.ndarray
        Land area in km².
    distance : numpy.ndarray
        Distance to the centre in metres.
    """

    population: np.ndarray
    deprivation: np.ndarray
    land_km2: np.ndarray
    distance: np.ndarray


def build_profile(rng: np.random.Generator, geo: Geography) -> Profile:
    """Draw inhabitants and deprivation for every buurt.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    geo : Geography
        The boundaries.

    Returns
    -------
    Profile
    """
    dist = geo.distance_to_centre()
    area = np.array([p.area for p in geo.polygons]) / 1e6
    role = np.array(geo.role)
    levels = rng.permutation(np.array([-0.9, -0.5, -0.2, 0.2, 0.5, 0.9, 1.2, 0.0, -0.3]))
    base = {wc: (0.3 if k == 0 else float(levels[k - 1])) for k, wc in enumerate(geo.wijk_codes)}
    dep = np.array([base[w] for w in geo.wijkcode]) + rng.normal(0.0, 0.4, geo.n)

    density = (2_500.0 + 6_500.0 * np.exp(-dist / 2_200.0)) * np.exp(0.2 * dep)
    density = np.where(role == "centre", 3_500.0, density) * rng.lognormal(0.0, 0.25, geo.n)
    pop = density * area
    ordinary = np.isin(role, ["residential", "centre"])
    special = np.zeros(geo.n)
    for r, (lo, hi) in SPECIAL_POPULATION.items():
        special[role == r] = rng.integers(lo, hi + 1, (role == r).sum())
    target = float(rng.integers(147_000, 153_000))
    pop = np.where(ordinary, pop * (target - special.sum()) / pop[ordinary].sum(), special)
    pop = np.where(role == "water", 0, np.round(pop)).astype(np.int64)
    return Profile(population=pop, deprivation=dep, land_km2=area, distance=dist)


def context_table(rng: np.random.Generator, geo: Geography, prof: Profile) -> pd.DataFrame:
    """Build the context table (one row per buurt and year).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    geo : Geography
        The boundaries.
    prof : Profile
        Inhabitants and deprivation.

    Returns
    -------
    pandas.DataFrame
        Columns ``buurtcode, jaar, inwoners, woningen, adressen, bevolkingsdichtheid,
        aandeel_15_24, gem_inkomen, aandeel_uitkering, woz, aandeel_huur,
        verhuismobiliteit``; water buurten have 0 inhabitants and empty values.
    """
    role = np.array(geo.role)
    dep = prof.deprivation
    centre = np.isin(role, ["core", "centre", "station"])
    n = geo.n
    hh_size = np.clip(2.3 - 0.15 * dep - 0.6 * centre + rng.normal(0, 0.12, n), 1.3, 2.9)
    income = np.clip(31.0 - 5.0 * dep + 2.0 * centre + rng.normal(0, 1.5, n), 17.0, 60.0)
    benefits = np.clip(6.5 + 3.5 * dep + rng.normal(0, 1.0, n), 0.5, 30.0)
    rental = np.clip(45.0 + 20.0 * dep + 15.0 * centre + rng.normal(0, 6.0, n), 3.0, 97.0)
    woz = np.clip(320.0 - 70.0 * dep + 40.0 * centre + rng.normal(0, 25.0, n), 140.0, 900.0)
    young = np.clip(11.0 + 1.5 * dep + 7.0 * centre + rng.normal(0, 1.2, n), 4.0, 35.0)
    mobility = np.clip(95.0 + 25.0 * dep + 70.0 * centre + rng.normal(0, 10.0, n), 40.0, 350.0)
    growth = rng.normal(0.006, 0.008, n)
    extra_addr = np.where(
        np.isin(role, ["business", "core", "station"]), rng.integers(150, 600, n), 0
    )

    rows = []
    for t in YEARS:
        k = t - 2024
        inh = np.where(
            prof.population > 0,
            np.round(prof.population * np.exp(growth * k + rng.normal(0, 0.004, n) * (k != 0))),
            0,
        ).astype(np.int64)
        dwellings = np.round(inh / hh_size).astype(np.int64)
        addresses = np.round(dwellings * 1.04 + extra_addr).astype(np.int64)
        frame = pd.DataFrame(
            {
                "buurtcode": geo.buurtcode,
                "jaar": t,
                "inwoners": inh,
                "woningen": dwellings,
                "adressen": addresses,
                "bevolkingsdichtheid": np.round(inh / prof.land_km2).astype(np.int64),
                "aandeel_15_24": np.round(young + rng.normal(0, 0.3, n), 1),
                "gem_inkomen": np.round(income * 1.03**k + rng.normal(0, 0.2, n), 1),
                "aandeel_uitkering": np.round(
                    np.clip(benefits + rng.normal(0, 0.2, n), 0.1, None), 1
                ),
                "woz": np.round(woz * np.array([0.82, 0.93, 0.97, 1.0])[t - 2021]).astype(np.int64),
                "aandeel_huur": np.round(rental + rng.normal(0, 0.5, n), 1),
                "verhuismobiliteit": np.round(mobility + rng.normal(0, 4.0, n)).astype(np.int64),
            }
        )
        # CBS withholds income figures for very small populations.
        tiny = (inh < 50) & (inh > 0)
        frame = frame.astype({c: "object" for c in frame.columns[3:]})
        frame.loc[tiny, ["gem_inkomen", "aandeel_uitkering"]] = None
        frame.loc[inh == 0, frame.columns[3:]] = None
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["buurtcode", "jaar"], kind="stable").reset_index(drop=True)
