"""Choice of the areas that carry the planted patterns.

The planted patterns are the known answers against which the monitor's
analyses are checked: a rising trend, an alert, a hotspot, burglary waves
before initiatives, an initiative with an effect and displacement, one
without effect, and buurten where perceived and registered safety diverge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from etl.demo.areas import Profile
from etl.demo.shapes import Geography

#: Buurten carrying a survey plant must have at least this many inhabitants.
MIN_PLANT_POPULATION = 1_000


@dataclass
class Wave:
    """A planted woninginbraak wave in one buurt, followed by an initiative."""

    buurt: int
    months: list[tuple[int, int]]
    start: dt.date


@dataclass
class Plan:
    """Indices (into the buurt list) and dates of every planted pattern."""

    hotspot_wijk: str
    hotspot: list[int]
    rising_wijk: str
    alert_wijk: str
    alert_category: str
    effect: int
    effect_start: dt.date
    ring: list[int]
    null_effect: int
    null_start: dt.date
    high_fear_low_crime: list[int]
    low_fear_high_crime: list[int]
    waves: list[Wave] = field(default_factory=list)

    @property
    def oversampled(self) -> list[int]:
        """Buurten that need at least 100 respondents per wave."""
        return sorted(
            {*self.high_fear_low_crime, *self.low_fear_high_crime, self.effect, self.null_effect}
        )


def _random_date(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    """Uniform date between ``first`` and ``last`` inclusive."""
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _grow_cluster(
    rng: np.random.Generator, geo: Geography, ok: np.ndarray, dep: np.ndarray, wijk: str
) -> list[int]:
    """Grow a contiguous cluster of 4-6 buurten inside one wijk, most deprived first."""
    members = [i for i in range(geo.n) if geo.wijkcode[i] == wijk and ok[i]]
    if not members:
        return []
    size = int(rng.integers(4, 7))
    cluster = [max(members, key=lambda i: dep[i])]
    while len(cluster) < size:
        frontier = {
            j for i in cluster for j in geo.neighbours[i] if j in members and j not in cluster
        }
        if not frontier:
            break
        cluster.append(max(frontier, key=lambda j: dep[j]))
    return sorted(cluster)


def make_plan(rng: np.random.Generator, geo: Geography, prof: Profile) -> Plan:
    """Choose where every pattern is planted.

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
    Plan
    """
    role = np.array(geo.role)
    pop, dep, dist = prof.population, prof.deprivation, prof.distance
    wijk = np.array(geo.wijkcode)
    centre_wijk = geo.wijk_codes[0]
    usable = (role == "residential") & (pop >= MIN_PLANT_POPULATION) & (wijk != centre_wijk)
    near_centre = {j for i in range(geo.n) if wijk[i] == centre_wijk for j in geo.neighbours[i]}

    # Hotspot: the most deprived non-centre wijk that can hold a cluster of 4-6.
    others = [w for w in geo.wijk_codes[1:]]
    others.sort(key=lambda w: -float(np.mean(dep[wijk == w])))
    hotspot: list[int] = []
    hotspot_wijk = others[0]
    for w in others:
        hotspot = _grow_cluster(rng, geo, usable & (pop >= 800), dep, w)
        if len(hotspot) >= 4:
            hotspot_wijk = w
            break
    rest = [w for w in others if w != hotspot_wijk]
    rest.sort(key=lambda w: -int(pop[wijk == w].sum()))
    rising_wijk, alert_wijk = rest[0], rest[1]
    alert_category = str(rng.choice(["autokraak", "vernieling", "overlast"]))

    near_hotspot = set(hotspot) | {j for i in hotspot for j in geo.neighbours[i]}
    blocked = set(near_hotspot)

    def land_neighbours(i: int) -> list[int]:
        return [j for j in geo.neighbours[i] if role[j] != "water"]

    # Effect: a moderately deprived residential buurt away from centre and hotspot.
    cand = [
        i
        for i in range(geo.n)
        if usable[i]
        and pop[i] >= 1_500
        and i not in blocked
        and i not in near_centre
        and len(land_neighbours(i)) >= 3
        and all(role[j] == "residential" and j not in blocked for j in geo.neighbours[i])
    ]
    cand.sort(key=lambda i: abs(dep[i] - 0.4))
    effect = int(rng.choice(cand[:4]))
    ring = sorted(land_neighbours(effect))
    blocked |= {effect, *ring}
    blocked |= {j for i in ring for j in geo.neighbours[i]}

    # Null effect: the most similar buurt not touching the effect area.
    cand = [i for i in range(geo.n) if usable[i] and pop[i] >= 1_500 and i not in blocked]
    cand.sort(key=lambda i: abs(dep[i] - dep[effect]) + abs(np.log(pop[i] / pop[effect])))
    null_effect = int(cand[0])
    blocked |= {null_effect, *geo.neighbours[null_effect]}

    # Perceived vs registered gaps.
    cand = [i for i in range(geo.n) if usable[i] and i not in blocked and dist[i] > 1_800]
    cand.sort(key=lambda i: dep[i])
    hfl = sorted(int(i) for i in rng.permutation(np.array(cand[:6]))[:3])
    blocked |= set(hfl)
    cand = [i for i in range(geo.n) if usable[i] and i not in blocked and i not in near_centre]
    cand.sort(key=lambda i: (dist[i] > 3_000, abs(dep[i])))
    lfh = sorted(int(i) for i in rng.permutation(np.array(cand[:6]))[:3])
    blocked |= set(lfh)

    # Burglary waves, each followed by a new initiative in that buurt.
    cand = [i for i in range(geo.n) if usable[i] and pop[i] >= 1_200 and i not in blocked]
    wave_buurten = sorted(int(i) for i in rng.choice(np.array(cand), size=3, replace=False))
    ends = rng.choice(np.arange(7, 36), size=3, replace=False)  # month index 0 = 2021-01
    waves = []
    for b, end in zip(wave_buurten, ends, strict=True):
        length = int(rng.integers(2, 4))
        months = [
            (2021 + (k // 12), k % 12 + 1) for k in range(int(end) - length + 1, int(end) + 1)
        ]
        nxt = int(end) + 1
        first = dt.date(2021 + nxt // 12, nxt % 12 + 1, 1)
        waves.append(
            Wave(buurt=b, months=months, start=first + dt.timedelta(days=int(rng.integers(0, 21))))
        )

    return Plan(
        hotspot_wijk=hotspot_wijk,
        hotspot=hotspot,
        rising_wijk=rising_wijk,
        alert_wijk=alert_wijk,
        alert_category=alert_category,
        effect=effect,
        effect_start=_random_date(rng, dt.date(2022, 5, 10), dt.date(2022, 7, 20)),
        ring=ring,
        null_effect=null_effect,
        null_start=_random_date(rng, dt.date(2022, 8, 1), dt.date(2022, 10, 31)),
        high_fear_low_crime=hfl,
        low_fear_high_crime=lfh,
        waves=waves,
    )
